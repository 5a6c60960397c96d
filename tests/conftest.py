"""Personas shared by the whole suite (STYLE §13).

The people come from the readable JSON fixture ``records/fixtures/test_people.json`` (schools from
``records/fixtures/schools.json``); factories in ``tests/factories.py`` build anything else.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

from accounts import roles
from accounts.models import User
from records.models import Enrollment, Person, School
from tests import browsers
from tests.factories import UserFactory, photo_file
from tests.twofactor import verified_login


def pytest_configure(config):
    # Tests run with DEBUG off, so WhiteNoise looks for the collected files and warns when the
    # folder is missing; in a fresh checkout nothing has been collected yet.
    settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres`` run only on PostgreSQL (CI's second pass); elsewhere they are
    deselected, not skipped, so a SQLite run never counts them as passing.

    Browser tests are skipped, loudly, on a machine without Chromium (tests/browsers.py).
    """
    from django.conf import settings

    _skip_browser_tests_without_a_browser(items)
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    kept = [item for item in items if item.get_closest_marker("postgres") is None]
    dropped = [item for item in items if item.get_closest_marker("postgres") is not None]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def _skip_browser_tests_without_a_browser(items) -> None:
    browser_tests = [item for item in items if item.get_closest_marker("e2e") is not None]
    if not browser_tests or browsers.browser_required() or browsers.find_chromium():
        return
    skip = pytest.mark.skip(reason="no Chromium on this machine (how to enable: see the end)")
    for item in browser_tests:
        item.add_marker(skip)


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_terminal_summary(terminalreporter, exitstatus, config):
    yield  # after the short test summary: this is the run's last line before the counts
    if terminalreporter.stats.get("skipped") and not browsers.find_chromium():
        e2e_skipped = [
            report for report in terminalreporter.stats["skipped"]
            if "e2e" in getattr(report, "keywords", {})
        ]  # fmt: skip
        if e2e_skipped:
            terminalreporter.write_line(f"{len(e2e_skipped)} {browsers.HOW_TO_ENABLE}", yellow=True)


@pytest.fixture(autouse=True)
def fresh_caches():
    """Caches live per process: one test's fragments and throttle counts (the default cache,
    local memory in tests) never leak into the next; each test starts with none spent."""
    from django.core.cache import caches

    caches["default"].clear()
    caches["fragments"].clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Argon2 is deliberately slow; tests that check hashing itself set it back."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Every test writes photos into its own folder, never into the demo's."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def people(db):
    """The fixture people: 张测试 (two enrolments) and 李另一 (one), at 北京大学 and 中山大学."""
    call_command("loaddata", "schools", "test_people", verbosity=0)
    for enrollment in Enrollment.objects.all():
        enrollment.admission_photo.save("a.jpg", photo_file(f"{enrollment.pk}-a"), save=False)
        enrollment.diploma_photo.save("d.jpg", photo_file(f"{enrollment.pk}-d"), save=False)
        enrollment.save(update_fields=["admission_photo", "diploma_photo"])
    return {person.name: person for person in Person.objects.all()}


@pytest.fixture
def school_a(people) -> School:
    """北京大学 (10001): where 张测试 took the bachelor's degree."""
    return School.objects.get(code="10001")


@pytest.fixture
def school_b(people) -> School:
    """中山大学 (10558): 张测试's master's programme and 李另一's bachelor's."""
    return School.objects.get(code="10558")


def _student(person: Person, phone: str) -> User:
    return UserFactory.create(
        phone=phone,
        person=person,
        identity_verified_at=timezone.now(),
        identity_verified_method=User.VerificationMethod.SCHOOL_NAME,
    )


@pytest.fixture
def student(people) -> User:
    """张测试: identity checked; 北京大学 本科 (graduated) and 中山大学 硕士 (enrolled)."""
    return _student(people["张测试"], "13900000101")


@pytest.fixture
def other_student(people) -> User:
    """李另一: identity checked, one enrolment at 中山大学."""
    return _student(people["李另一"], "13900000102")


def _registrar(school: School, phone: str, name: str) -> User:
    user = UserFactory.create(phone=phone, real_name=name, is_staff=True, school=school)
    user.groups.add(Group.objects.get(name=roles.SCHOOL_REGISTRAR))
    return user


@pytest.fixture
def registrar_a(school_a) -> User:
    """Registrar of 北京大学: sees only that school's people and records."""
    return _registrar(school_a, "13900000201", "甲校管理员")


@pytest.fixture
def registrar_b(school_b) -> User:
    """Registrar of 中山大学."""
    return _registrar(school_b, "13900000202", "乙校管理员")


@pytest.fixture
def admin_user(people) -> User:
    """National administrator: sees everything."""
    return UserFactory.create(
        phone="13900000301", real_name="国家管理员", is_staff=True, is_superuser=True
    )


def _logged_in(client, user):
    # Staff personas also pass the TOTP step that every admin page asks for.
    return verified_login(client, user)


@pytest.fixture
def student_client(client, student):
    return _logged_in(client, student)


@pytest.fixture
def other_student_client(client, other_student):
    return _logged_in(client, other_student)


@pytest.fixture
def registrar_a_client(client, registrar_a):
    return _logged_in(client, registrar_a)


@pytest.fixture
def registrar_b_client(client, registrar_b):
    return _logged_in(client, registrar_b)


@pytest.fixture
def admin_client_(client, admin_user):
    return _logged_in(client, admin_user)


@pytest.fixture
def client_factory():
    """A second, independent browser (another device)."""
    from django.test import Client

    return Client


@pytest.fixture
def real_redis(settings):
    """The default cache on the local Redis, configured as production configures it.

    Database 12 of the Redis that `.ci/run` starts (or ``XUEXIN_TEST_REDIS_URL``), emptied before
    and after the test.
    """
    import os

    import redis

    url = os.environ.get("XUEXIN_TEST_REDIS_URL", "redis://127.0.0.1:6379/12")
    # One test at a time per Redis database, across test processes (pytest-xdist) and runs:
    # each empties the database, which would pull it from under another.
    lock = _redis_lock(url)
    client = redis.Redis.from_url(url)
    client.flushdb()
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "xuexin-test",
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
                "IGNORE_EXCEPTIONS": True,
            },
        },
        "fragments": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    yield client
    client.flushdb()
    lock.close()


def _redis_lock(url: str):
    """An exclusive lock on a file named after the Redis URL, held until closed."""
    import fcntl
    import hashlib
    import tempfile
    from pathlib import Path

    name = hashlib.sha256(url.encode()).hexdigest()[:16]
    handle = (Path(tempfile.gettempdir()) / f"xuexin-test-redis-{name}.lock").open("w")
    fcntl.flock(handle, fcntl.LOCK_EX)
    return handle


@pytest.fixture
def redis_commands(monkeypatch) -> list[str]:
    """The commands this process sends to Redis from now on; a pipeline counts as one."""
    import redis.client

    sent: list[str] = []
    command, pipeline = redis.client.Redis.execute_command, redis.client.Pipeline.execute

    def counted_command(self, *args, **kwargs):
        sent.append(str(args[0]))
        return command(self, *args, **kwargs)

    def counted_pipeline(self, *args, **kwargs):
        sent.append("PIPELINE")
        return pipeline(self, *args, **kwargs)

    monkeypatch.setattr(redis.client.Redis, "execute_command", counted_command)
    monkeypatch.setattr(redis.client.Pipeline, "execute", counted_pipeline)
    return sent


@pytest.fixture
def redis_down(settings):
    """A Redis that is not there (nothing listens on port 1), configured as in production."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": 0.2,
                "SOCKET_TIMEOUT": 0.2,
                "IGNORE_EXCEPTIONS": True,
            },
        },
        "fragments": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
