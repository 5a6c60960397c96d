"""Every worker shows a write on its next request, even when the writer cannot reach Redis.

A real gunicorn with two worker processes serves the test database; the test process writes
with its cache pointed at a closed port, as a writer cut off from Redis would. The pages read
from the database on every request, so nothing any worker keeps can show the old state.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.utils import timezone

from accounts.models import User
from records.models import Enrollment
from verification import services
from xuexin.middleware import LAST_SEEN_KEY, LOGGED_IN_AT_KEY

pytestmark = pytest.mark.django_db(transaction=True)

BASE_DIR = Path(__file__).resolve().parent.parent
REQUESTS = 8  # enough for both workers to answer several times


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    user, host, port = db["USER"] or "postgres", db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"postgres://{user}@{host}:{port}/{db['NAME']}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    """gunicorn, two sync workers, on the test database and the test Redis."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "XUEXIN_"))}
    env.update({
        "DATABASE_URL": _database_url(),
        "REDIS_URL": os.environ.get("XUEXIN_TEST_REDIS_URL", "redis://127.0.0.1:6379/12"),
        "DJANGO_SECRET_KEY": django_settings.SECRET_KEY,
        "DJANGO_DEBUG": "true",
        "XUEXIN_VAR_DIR": str(tmp_path),
        "XUEXIN_PRIVATE_MEDIA_ROOT": str(django_settings.PRIVATE_MEDIA_ROOT),
        "XUEXIN_VERIFY_RATE": "10000/m",
    })  # fmt: skip
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    process = subprocess.Popen(  # noqa: S603 - the project's own server on a loopback port
        [gunicorn, "--workers", "2", "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
         "xuexin.wsgi"],
        cwd=BASE_DIR, env=env, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(url + "/healthz", timeout=2).read()  # noqa: S310
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def get(url: str, cookie: str | None = None) -> tuple[int, str, str]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.headers.get("Location", ""), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", ""), error.read().decode()


def session_cookie(user: User) -> str:
    store = SessionStore()
    now = int(time.time())
    store.update({
        SESSION_KEY: str(user.pk),
        BACKEND_SESSION_KEY: "accounts.backends.PhoneEmailOrIdBackend",
        HASH_SESSION_KEY: user.get_session_auth_hash(),
        LOGGED_IN_AT_KEY: now,
        LAST_SEEN_KEY: now,
    })  # fmt: skip
    store.create()
    return f"{django_settings.SESSION_COOKIE_NAME}={store.session_key}"


@pytest.fixture
def signing_key(settings, tmp_path):
    settings.REPORT_SIGNING_KEY_FILE = tmp_path / "signing-key.pem"
    settings.REPORT_SIGNING_KEY_FILE_ALLOWED = True


def test_writes_show_on_every_worker_at_once_with_the_writers_redis_down(
    server, student, signing_key, redis_down
):
    student.identity_verified_at = timezone.now()
    student.save()
    cookie = session_cookie(student)
    enrollment = Enrollment.objects.filter(person=student.person).first()
    report = services.report_issue(owner=student, record=enrollment, months=1)
    xueji, public = f"{server}/archive/xueji/", f"{server}/verify/{report.code}/"

    # Both workers have served the old state (and kept whatever they would keep).
    for _ in range(REQUESTS):
        status, _, html = get(xueji, cookie)
        assert status == 200
        assert "社会学" not in html
        assert get(public)[0] == 200

    # A changed record, a closed report: the very next request, whichever worker answers.
    enrollment.major = "社会学"
    enrollment.save()
    services.report_close(report=report, reason="已入职")
    for _ in range(REQUESTS):
        assert "社会学" in get(xueji, cookie)[2]
        assert get(public)[0] == 404

    # A deactivated account (a bulk write, no signal): logged out on its next request.
    User.objects.filter(pk=student.pk).update(is_active=False)
    for _ in range(REQUESTS):
        status, location, _ = get(xueji, cookie)
        assert status == 302
        assert location.startswith("/account/login/")
