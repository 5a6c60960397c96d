"""The one round trip of a public lookup.

Every look at a report by its code (the page, the QR target, print, PDF, the API) is counted
against its address's budget, must use a current copy of the report, and leaves a 查验记录.
With Redis these three are one script run: it counts the hit, reads the code's stamp and,
when the worker already holds a copy of the report made under that very stamp and the budget
is not spent, appends the 查验记录 the worker prepared from that copy. The worker then answers
from its copy without another round trip. In every other case (no copy yet, a stale one, a
refused lookup) nothing is appended and ``services.look_up`` reads and records as usual.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest

from accounts.services import request_network
from xuexin import memo

from . import codes, journal, services
from .models import VerificationEvent, VerificationReport

# KEYS: the address's counter for this window, the code's stamp, the 查验记录 list.
# ARGV: window seconds, the budget, the stamp of the worker's copy ('' if none), the record.
SCRIPT = """
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
local stamp = false
if KEYS[2] ~= '' then stamp = redis.call('GET', KEYS[2]) end
local waiting = 0
if stamp and ARGV[3] ~= '' and stamp == ARGV[3] and hits <= tonumber(ARGV[2]) then
  waiting = redis.call('RPUSH', KEYS[3], ARGV[4])
end
return {hits, stamp, waiting}
"""


@dataclass
class Admission:
    """What the round trip found out, for ``services.look_up``."""

    code: str
    stamps: memo.Stamps | None
    # The worker's current copy of the report whose 查验记录 is already appended, if any.
    recorded: VerificationReport | None = None


def admit(request: HttpRequest, code: str | None, channel: str | None, limit: int,
          window: int) -> bool:  # fmt: skip
    """Count this lookup; False once the address's budget is spent or Redis cannot be reached.

    Leaves an ``Admission`` on the request for the lookup that follows.
    """
    normalized = codes.normalize_code(code) if code else ""
    names = (services.report_stamp(normalized),) if codes.is_valid_code(normalized) else ()
    counter = "verify-rate:" + request.META.get("REMOTE_ADDR", "")
    slot = f"{counter}:{int(time.time()) // window}"  # fixed windows, as django-ratelimit's
    client = memo.redis_client()
    if client is None:
        request.lookup_admission = Admission(normalized, memo.current(*names))
        return count_without_redis(slot, window) <= limit

    kept = services.REPORTS.peek(normalized) if names and channel else None
    expected, record = "", ""
    if kept is not None:
        report = kept[1]
        expected = kept[0][0]
        record = journal.encode(
            VerificationEvent(
                report_id=report.pk,
                channel=channel,
                outcome=services.OUTCOME_OF_STATE[report.state],
                ip_prefix=request_network(request),
            )
        )
    stamp_key = memo.stamp_key(names[0]) if names else ""
    script = client.register_script(SCRIPT)  # EVALSHA; the source is sent only once
    hits, stamp, waiting = script(
        keys=[cache.make_key(slot), stamp_key, journal.key()],
        args=[window, limit, expected, record],
    )
    stamps: memo.Stamps | None = None
    if names:
        stamps = memo.complete(client, [stamp_key], [stamp])
    admission = Admission(normalized, stamps)
    if waiting:
        admission.recorded = kept[1]  # type: ignore[index]
        journal.pushed(int(waiting))
    request.lookup_admission = admission
    return int(hits) <= limit


def count_without_redis(slot: str, window: int) -> int:
    """The hits on ``slot`` so far, this one included, through the cache API."""
    cache.add(slot, 0, window)
    try:
        return cache.incr(slot)
    except ValueError:  # expired between add and incr
        cache.set(slot, 1, window)
        return 1
