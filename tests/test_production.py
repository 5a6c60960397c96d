"""Production mode: deploy checks, security headers and cookies, degraded modes, proxies."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from django.urls import reverse

from records.models import Enrollment

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parent.parent


def production_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "XUEXIN_"))}
    env.update({
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "a-long-random-looking-secret-Qw8#zR2!mN5$pL9@vX4%-Tb7^kH3&yF6*",
        "DJANGO_ALLOWED_HOSTS": "xuexin-sim.example",
        "REDIS_URL": "redis://127.0.0.1:6379/9",
        "XUEXIN_SMS_GATEWAY_URL": "https://sms-gateway.example/send",
        "XUEXIN_REPORT_CODE_KEY": "a-report-code-key-of-forty-characters-or-so",
        "XUEXIN_SITE_URL": "https://xuexin-sim.example",
        "DJANGO_SETTINGS_MODULE": "xuexin.settings",
        **extra,
    })  # fmt: skip
    return env


def deploy_check(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_check_deploy_is_clean_in_production_mode():
    key = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()  # fmt: skip
    result = deploy_check(production_env(XUEXIN_REPORT_SIGNING_KEY=key))
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_fails_without_a_signing_key():
    result = deploy_check(production_env())
    assert result.returncode != 0
    assert "verification.E001" in result.stdout + result.stderr


@pytest.fixture
def hardened(settings):
    """The settings production mode turns on (DEBUG off is the test default)."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.SESSION_COOKIE_NAME = "__Host-sessionid"
    settings.CSRF_COOKIE_NAME = "__Host-csrftoken"
    return settings


def assert_security_headers(response) -> None:
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response.has_header("Referrer-Policy")
    policy = response["Content-Security-Policy"]
    script_src = next(p for p in policy.split(";") if p.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src
    assert "frame-ancestors 'none'" in policy


def test_a_page_carries_the_security_headers(hardened, client):
    response = client.get("/", secure=True)
    assert response.status_code == 200
    assert_security_headers(response)


def test_the_csp_nonce_matches_the_script_tags(hardened, client):
    response = client.get("/", secure=True)
    nonce = response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.content.decode()


def test_plain_http_is_redirected_to_https(hardened, client):
    response = client.get("/account/login/")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_an_error_page_carries_them_too_and_no_trace(hardened, client):
    response = client.get("/no/such/page/", secure=True)
    assert response.status_code == 404
    assert_security_headers(response)
    assert "Traceback" not in response.content.decode()
    assert "仿真" in response.content.decode()


def test_a_photo_response_carries_them(hardened, client, student):
    client.force_login(student)
    enrollment = Enrollment.objects.filter(person=student.person).first()
    url = reverse("records:enrollment-photo", args=[enrollment.public_id, "admission"])
    response = client.get(url, secure=True)
    assert response.status_code == 200
    assert_security_headers(response)
    assert "no-store" in response["Cache-Control"]


def test_cookies_are_host_prefixed_secure_httponly_and_samesite(hardened, client, student):
    client.get("/account/login/", secure=True)
    csrf = client.cookies["__Host-csrftoken"]
    client.post(
        "/account/login/",
        {"username": student.phone, "password": "correct horse battery 9",
         "csrfmiddlewaretoken": csrf.value},
        secure=True,
    )  # fmt: skip
    for name in ("__Host-csrftoken", "__Host-sessionid"):
        cookie = client.cookies[name]
        assert cookie["secure"]
        assert cookie["httponly"]
        assert cookie["path"] == "/"
        assert cookie["samesite"] == "Lax"
        assert not cookie["domain"]


# --- degraded modes ---------------------------------------------------------------------------


@pytest.fixture
def database_down(monkeypatch):
    def refuse(self):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", refuse)


def test_with_the_database_down_pages_answer_503_with_retry_after(people, database_down):
    browser = Client(raise_request_exception=False)
    response = browser.get("/help/")
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "Traceback" not in response.content.decode()
    assert "服务暂时不可用" in response.content.decode()


def test_health_is_503_without_detail_when_the_database_is_down(database_down):
    response = Client(raise_request_exception=False).get("/healthz")
    assert (response.status_code, response.content) == (503, b"unavailable")


def test_health_is_200_when_all_is_well(client):
    assert (client.get("/healthz").status_code, client.get("/healthz").content) == (200, b"ok")


def test_with_redis_down_pages_still_render(redis_down, client):
    assert client.get("/").status_code == 200
    assert client.get("/help/").status_code == 200


def test_with_redis_down_throttled_lookups_refuse(redis_down, client):
    assert client.get("/verify/SABCDEFGHJKMNPQR/").status_code == 429
    assert client.get("/api/v1/reports/SABCDEFGHJKMNPQR").status_code == 429


def test_with_redis_down_logins_keep_working(redis_down, client, student):
    response = client.post(
        "/account/login/", {"username": student.phone, "password": "correct horse battery 9"}
    )
    assert response.status_code == 302
    assert client.get("/account/").status_code == 200


# --- the visitor's address behind a proxy ------------------------------------------------------


def test_a_trusted_proxy_passes_the_visitors_address(settings, client, student):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    client.post(
        "/account/login/", {"username": student.phone, "password": "correct horse battery 9"},
        REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.50",
    )  # fmt: skip
    assert student.login_events.get().ip_prefix == "203.0.113.0/24"


def test_an_untrusted_peer_cannot_choose_its_address(settings, client, student):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    client.post(
        "/account/login/", {"username": student.phone, "password": "correct horse battery 9"},
        REMOTE_ADDR="198.51.100.7", HTTP_X_REAL_IP="203.0.113.50",
    )  # fmt: skip
    assert student.login_events.get().ip_prefix == "198.51.100.0/24"


def test_private_files_can_be_handed_to_nginx(settings, client, student):
    settings.PRIVATE_MEDIA_ACCEL_REDIRECT = "/_private/"
    client.force_login(student)
    enrollment = Enrollment.objects.filter(person=student.person).first()
    response = client.get(
        reverse("records:enrollment-photo", args=[enrollment.public_id, "admission"])
    )
    assert response["X-Accel-Redirect"] == "/_private/" + enrollment.admission_photo.name
    assert response.content == b""


def test_the_fixed_policy_matches_what_django_csp_would_send(client, settings):
    from csp.utils import build_policy

    response = client.get("/")
    nonce = response.wsgi_request._csp_nonce
    assert response["Content-Security-Policy"] == build_policy(nonce=nonce)


def test_a_page_without_scripts_using_the_nonce_gets_no_nonce(client):
    response = client.get("/healthz")
    assert "nonce-" not in response["Content-Security-Policy"]
