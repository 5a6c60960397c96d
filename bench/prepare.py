"""The visitors of `make bench`: logged-in students and live report codes, prepared in bulk.

Run inside ``manage.py shell -c`` by bench/run.py, against the benchmark database, after
``seed_demo --persons N``. Reads from the environment:

- BENCH_PREP_DIR: where the files go;
- BENCH_STUDENTS: how many students (default 10,000), each bound to a different scale person,
  picked at random over the whole scale set so that the rows are spread over the tables as
  real visitors' would be;
- BENCH_REPORTS: how many live reports (default: one per student), each on its student's
  enrolment.

Writes ``students.txt`` (one ``Cookie`` header value per line), ``codes.txt`` (one report
code per line), the first line of each in ``students-single.txt`` and ``codes-single.txt``,
and the students' account ids in ``students-ids.txt``. Safe to run again on the same database:
the accounts (phone ``19`` followed by the scale index) and their live reports are reused,
only the sessions are new. With BENCH_PREP_STAGE=sessions only the sessions are made again,
for the students of ``students-ids.txt``: bench/run.py does so before every 学籍 run.

A student is what the portal makes of a registration that passed the identity check: an
account bound to its person, with name and ID number copied from it and ``identity_verified_at``
set; the password is unusable (nobody logs in through the form here). Each gets a session as
``django.contrib.auth.login`` leaves it (user id, backend, password hash) plus the two stamps of
the idle-timeout middleware (``_logged_in_at``, ``_last_seen``: now). With the cached_db engine
the database row is the session; its Redis copy is made on the first request.

The accounts are written with bulk_create: no history rows and no post_save signals, as for
the scale people themselves. Reports go through ``verification.services.report_issue``, one
process per core; a report costs some 10 to 30 ms of Python (its payload's ID mask mostly), so
10,000 take a minute or more the first time and nothing when reused: codes are sealed with a
key derived from the secret key, which bench/run.py keeps in var/bench/bench-secret-key.
"""

from __future__ import annotations

import datetime
import os
import random
import time
import traceback
from pathlib import Path

BACKEND = "accounts.backends.PhoneEmailOrIdBackend"
PHONE_PREFIX = "19"  # then the scale index, nine digits: never a demo login's number
CHUNK = 2000


def _chunks(items: list, size: int = CHUNK):
    for first in range(0, len(items), size):
        yield items[first : first + size]


def _issue(pairs: list, path: Path) -> None:
    """Issue a report for each (student, enrolment), through the portal's own service;
    write "user-id code" lines to ``path``."""
    from django.db import transaction

    from verification import services

    lines = []
    for user, enrollment in pairs:
        # One commit per report, as on the site: with several reports in one transaction, two
        # processes that draw the same random status position wait on each other's
        # uncommitted row (a deadlock); alone, the second just waits, fails and draws again.
        with transaction.atomic():
            report = services.report_issue(owner=user, record=enrollment, months=6)
        lines.append(f"{user.pk} {report.code}\n")
    path.write_text("".join(lines))


def _issue_in_parallel(pairs: list, directory: Path) -> dict[int, str]:
    """Reports cost a few milliseconds of Python each (the signed payload and its ID mask):
    one process per core, each with its own share and its own database connection."""
    from django.db import connections

    processes = max(1, min(os.cpu_count() or 1, len(pairs) // 500))
    connections.close_all()
    children = []
    for worker in range(1, processes):
        pid = os.fork()
        if pid == 0:  # the child: its share, then out without running the parent's cleanup
            status = 1
            try:
                _issue(pairs[worker::processes], directory / f"issued-{worker}.txt")
                status = 0
            except BaseException:  # noqa: BLE001 - reported here, the parent sees the status
                traceback.print_exc()
            finally:
                os._exit(status)
        children.append(pid)
    _issue(pairs[0::processes], directory / "issued-0.txt")
    for pid in children:
        if os.waitpid(pid, 0)[1] != 0:
            raise SystemExit("a report process failed")
    codes = {}
    for worker in range(processes):
        path = directory / f"issued-{worker}.txt"
        for line in path.read_text().splitlines():
            pk, code = line.split()
            codes[int(pk)] = code
        path.unlink()
    return codes


def write_sessions(directory: Path, users: list) -> int:
    """A fresh session per student, as ``login()`` leaves it, written straight to django_session;
    ``students.txt`` gets their cookies (the sessions it listed before are deleted)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.base import VALID_KEY_CHARS
    from django.contrib.sessions.backends.cached_db import SessionStore
    from django.contrib.sessions.models import Session
    from django.db import transaction
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from xuexin.middleware import LAST_SEEN_KEY, LOGGED_IN_AT_KEY

    path = directory / "students.txt"
    previous = []
    if path.exists():
        previous = [line.partition("=")[2] for line in path.read_text().splitlines()]
    store = SessionStore()
    now = timezone.now()
    stamp = int(time.time())
    expire = now + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    sessions = []
    for user in users:
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: BACKEND,
            HASH_SESSION_KEY: user.get_session_auth_hash(),
            LOGGED_IN_AT_KEY: stamp,
            LAST_SEEN_KEY: stamp,
        }
        key = get_random_string(32, VALID_KEY_CHARS)
        sessions.append(
            Session(session_key=key, session_data=store.encode(data), expire_date=expire)
        )
    with transaction.atomic():
        for chunk in _chunks(previous):
            Session.objects.filter(session_key__in=chunk).delete()
        Session.objects.filter(expire_date__lt=now).delete()
        Session.objects.bulk_create(sessions, batch_size=CHUNK)
    cookie = settings.SESSION_COOKIE_NAME
    lines = [f"{cookie}={session.session_key}\n" for session in sessions]
    path.write_text("".join(lines))
    (directory / "students-single.txt").write_text(lines[0])
    return len(sessions)


def renew_sessions(directory: Path) -> None:
    """New sessions for the students of ``students-ids.txt``, ``_last_seen`` now."""
    from accounts.models import User

    started = time.monotonic()
    ids = [int(line) for line in (directory / "students-ids.txt").read_text().split()]
    found = User.objects.in_bulk(ids)
    count = write_sessions(directory, [found[pk] for pk in ids])
    print(f"renewed {count} sessions in {time.monotonic() - started:.1f} s", flush=True)


def prepare(directory: Path, students: int, reports: int) -> None:
    from cryptography.exceptions import InvalidTag
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from records import scale
    from records.models import Enrollment
    from verification.models import VerificationReport

    if BACKEND not in settings.AUTHENTICATION_BACKENDS:
        raise SystemExit(f"{BACKEND} is not in AUTHENTICATION_BACKENDS")
    if reports > students:
        raise SystemExit("at most one report per student: ask for more students")
    started = time.monotonic()

    # Students: scale people picked at random, the same ones for the same population.
    population = scale.existing_count()
    if population < students:
        raise SystemExit(f"only {population} scale people: cannot bind {students} students")
    indices = random.Random(population).sample(range(population), students)
    numbers = [f"{scale.STUDENT_NUMBER_PREFIX}{index:09d}" for index in indices]
    enrollments: dict[str, Enrollment] = {}
    for chunk in _chunks(numbers):
        for enrollment in Enrollment.objects.filter(student_number__in=chunk).select_related(
            "person", "school"
        ):
            enrollments[enrollment.student_number] = enrollment
    missing = [number for number in numbers if number not in enrollments]
    if missing:
        raise SystemExit(f"{len(missing)} scale enrolments not found, e.g. {missing[0]}")
    picked = time.monotonic()

    phones = [PHONE_PREFIX + number[len(scale.STUDENT_NUMBER_PREFIX) :] for number in numbers]
    users: dict[str, User] = {}
    for chunk in _chunks(phones):
        users.update((user.phone, user) for user in User.objects.filter(phone__in=chunk))
    now = timezone.now()
    new_users = []
    for phone, number in zip(phones, numbers, strict=True):
        if phone in users:
            continue
        person = enrollments[number].person
        new_users.append(
            User(
                phone=phone,
                password=make_password(None),
                real_name=person.name,
                id_type=person.id_type,
                id_number=person.id_number,
                person=person,
                identity_verified_at=now,
                identity_verified_method=User.VerificationMethod.SCHOOL_NAME,
            )
        )
    with transaction.atomic():
        for user in User.objects.bulk_create(new_users, batch_size=CHUNK):
            users[user.phone] = user
    for phone, number in zip(phones, numbers, strict=True):
        user = users[phone]
        if user.person_id != enrollments[number].person_id or user.identity_verified_at is None:
            raise SystemExit(f"account {phone} exists but is not the bound, checked student")
    accounts_done = time.monotonic()

    # Reports: one live report per student on their enrolment, reused when still live.
    owners = [users[phone] for phone in phones[:reports]]
    owner_numbers = numbers[:reports]
    codes: dict[int, str] = {}
    for chunk in _chunks([user.pk for user in owners]):
        live = VerificationReport.objects.live().filter(owner_id__in=chunk)
        for report in live.order_by("-valid_until").only("owner_id", "code_sealed", "valid_until"):
            if report.owner_id in codes:
                continue
            try:
                codes[report.owner_id] = report.code
            except InvalidTag:  # sealed under another key: a new report is issued below
                pass
    reused = len(codes)
    to_issue = [
        (user, enrollments[number])
        for user, number in zip(owners, owner_numbers, strict=True)
        if user.pk not in codes
    ]
    directory.mkdir(parents=True, exist_ok=True)
    codes.update(_issue_in_parallel(to_issue, directory))
    reports_done = time.monotonic()

    codes_text = "".join(f"{codes[user.pk]}\n" for user in owners)
    (directory / "codes.txt").write_text(codes_text)
    (directory / "codes-single.txt").write_text(codes_text.partition("\n")[0] + "\n")
    students_list = [users[phone] for phone in phones]
    (directory / "students-ids.txt").write_text("".join(f"{u.pk}\n" for u in students_list))
    # The sessions last, so that they are as fresh as can be when the measure starts.
    write_sessions(directory, students_list)
    sessions_done = time.monotonic()
    print(
        f"prepared {len(students_list)} students ({len(new_users)} new accounts) and "
        f"{len(owners)} reports ({len(owners) - reused} issued, {reused} reused) "
        f"out of {population} scale people: "
        f"picking {picked - started:.1f} s, accounts {accounts_done - picked:.1f} s, "
        f"reports {reports_done - accounts_done:.1f} s, "
        f"sessions {sessions_done - reports_done:.1f} s, "
        f"total {sessions_done - started:.1f} s",
        flush=True,
    )


if __name__ != "__main__" and os.environ.get("BENCH_PREP_DIR"):  # `manage.py shell -c`
    if os.environ.get("BENCH_PREP_STAGE") == "sessions":
        renew_sessions(Path(os.environ["BENCH_PREP_DIR"]))
    else:
        prepare(
            Path(os.environ["BENCH_PREP_DIR"]),
            int(os.environ.get("BENCH_STUDENTS", "10000")),
            int(os.environ.get("BENCH_REPORTS", os.environ.get("BENCH_STUDENTS", "10000"))),
        )
