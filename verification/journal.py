"""查验记录 appended to Redis and moved to the database in batches.

Every look at a report leaves a 查验记录, and the public report page is the busiest page of the
site: a database transaction per look would cost more than the rest of the request. With Redis
(production), a look is one append to a Redis list, and the rows move to the database in batches
of ``BATCH``: a thread of the worker whose look filled a batch moves them while requests go
on, and anything that reads 查验记录 moves what is waiting first (the owner's report pages call
``flush``; so does ``manage.py flush_lookups``). Without Redis (development, the test suite)
every look is written at once.

What this trades: while rows wait in Redis (fewer than ``BATCH`` of them), a Redis restart
without persistence loses them. Lookups of a report deleted meanwhile are dropped at the move.
"""

from __future__ import annotations

import datetime
import json
import logging
import threading

from django.core.cache import cache
from django.db import connections, transaction

from xuexin import memo

from .models import VerificationEvent, VerificationReport

NAME = "verification-events"  # the list's key, under the cache's prefix
BATCH = 500
MOVE = 1000  # rows taken from the list at a time

logger = logging.getLogger(__name__)


def key() -> str:
    return cache.make_key(NAME)


def record(event: VerificationEvent) -> None:
    """Keep one 查验记录: appended to Redis when there is Redis, else written at once."""
    client = memo.redis_client()
    if client is not None:
        try:
            waiting = client.rpush(key(), encode(event))
        except Exception:  # noqa: BLE001 - Redis unreachable: write the row itself instead
            logger.warning("verification events: Redis unreachable, writing directly")
        else:
            pushed(waiting)
            return
    event.save(force_insert=True)


def encode(event: VerificationEvent) -> str:
    return json.dumps(
        [event.report_id, event.channel, event.outcome, event.ip_prefix,
         event.created_at.isoformat()]
    )  # fmt: skip


def pushed(waiting: int) -> None:
    """Called with the list's length after a push: a full batch wakes this worker's mover."""
    if waiting >= BATCH:
        MOVER.nudge()


class Mover:
    """One thread per worker process that moves batches when a look wakes it."""

    def __init__(self) -> None:
        self.wake = threading.Event()
        self.idle = threading.Event()  # set whenever a move has finished and its connection closed
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None

    def nudge(self) -> None:
        with self.lock:
            # Started on first use, so that it lives in the worker, not in a forked parent.
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(
                    target=self.run, name="verification-events", daemon=True
                )
                self.thread.start()
        self.wake.set()

    def run(self) -> None:
        while True:
            self.wake.wait()
            self.wake.clear()
            self.idle.clear()
            try:
                flush()
            finally:
                # This thread's own connection: one per batch of lookups costs little, and an
                # idle worker then holds no second connection to PostgreSQL.
                connections.close_all()
                self.idle.set()


MOVER = Mover()


def flush() -> int:
    """Move every waiting 查验记录 to the database; the number moved. Never raises."""
    client = memo.redis_client()
    if client is None:
        return 0
    moved = 0
    while True:
        try:
            # LPOP with a count takes the rows atomically: two workers never move the same row.
            items = client.lpop(key(), MOVE)
        except Exception:  # noqa: BLE001
            logger.warning("verification events: Redis unreachable, nothing moved")
            return moved
        if not items:
            return moved
        try:
            moved += _write(items)
        except Exception:  # noqa: BLE001 - the database refused: put the rows back, in order
            logger.exception("verification events: could not write a batch; kept in Redis")
            try:
                client.lpush(key(), *reversed(items))
            except Exception:  # noqa: BLE001
                logger.error("verification events: %d rows lost", len(items))
            return moved
        if len(items) < MOVE:
            # The list is drained; rows pushed from now on are the next batch's, so that
            # a busy site does not keep this loop writing a handful of rows at a time.
            return moved


def _write(items: list[bytes]) -> int:
    rows = [json.loads(item) for item in items]
    live = set(
        VerificationReport.objects.filter(pk__in={row[0] for row in rows}).values_list(
            "pk", flat=True
        )
    )
    events = [
        VerificationEvent(
            report_id=report_id,
            channel=channel,
            outcome=outcome,
            ip_prefix=ip_prefix,
            created_at=datetime.datetime.fromisoformat(created_at),
        )
        for report_id, channel, outcome, ip_prefix, created_at in rows
        if report_id in live
    ]
    with transaction.atomic():
        VerificationEvent.objects.bulk_create(events)
    return len(events)


def waiting() -> int:
    client = memo.redis_client()
    return int(client.llen(key())) if client is not None else 0
