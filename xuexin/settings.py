"""Settings for the 学信档案 simulation portal.

Everything that differs between the demo, the test suite and a production host is read from the
environment. With nothing set the portal runs as a local demo: a SQLite file, a local-memory
cache, DEBUG on, and a throw-away secret key kept in a git-ignored file. Bad values stop the
start-up with ``ImproperlyConfigured`` instead of being guessed at.
"""

from __future__ import annotations

import datetime
import os
import secrets
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("XUEXIN_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false/1/0), got {raw!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    items = [item.strip() for item in raw.split(",")]
    if any(not item for item in items):
        raise ImproperlyConfigured(f"{name} has an empty entry: {raw!r}")
    return items


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None


def demo_secret_key(path: Path) -> str:
    """A random key generated once per checkout, for the demo only."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off")
    SECRET_KEY = demo_secret_key(VAR_DIR / "demo-secret-key")
elif len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be at least 32 characters long")

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is off")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "captcha",
    "axes",
    "crispy_forms",
    "csp",
    "crispy_bootstrap5",
    "js_lib_bootstrap5",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "import_export",
    "accounts",
    "records",
    "helpcenter",
    "audit",
    "verification",
    "surveys",
    "demo",
]

MIDDLEWARE = [
    "xuexin.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy with per-request nonces, and the cross-origin headers.
    "csp.middleware.CSPMiddleware",
    "xuexin.middleware.CrossOriginHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # NUL and other control characters anywhere in the input: 400 before any view runs.
    "xuexin.middleware.ControlCharacterMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Staff pass a TOTP step before any admin page (accounts.twofactor); students never see it.
    "django_otp.middleware.OTPMiddleware",
    "accounts.twofactor.StaffTwoFactorMiddleware",
    "xuexin.middleware.IdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Turns django-ratelimit's refusals into the 429 page.
    "django_ratelimit.middleware.RatelimitMiddleware",
    # Last, as django-axes asks: it turns a lockout into the 429 page.
    "axes.middleware.AxesMiddleware",
]
# The demo runs with DEBUG on; it still answers errors with the portal's own 404/500 pages unless
# the developer asks for Django's trace pages (XUEXIN_DEBUG_PAGES=true).
if DEBUG and not env_bool("XUEXIN_DEBUG_PAGES", False):
    MIDDLEWARE.append("xuexin.errors.BrandedErrorsMiddleware")

ROOT_URLCONF = "xuexin.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "xuexin.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "xuexin.wsgi.application"

# --- Database -----------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    import dj_database_url

    try:
        _db = dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
    if _db["ENGINE"] not in {
        "django.db.backends.postgresql",
        "django.db.backends.sqlite3",
    }:
        raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL (or SQLite)")
    DATABASES: dict[str, Any] = {"default": _db}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
            # A file rather than memory: the browser tests' live server answers requests in
            # parallel threads, which an in-memory database refuses with "table is locked".
            # One file per test process, so two suites running at once never share one.
            "TEST": {"NAME": VAR_DIR / f"test-db-{os.getpid()}.sqlite3"},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache --------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    if not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured("REDIS_URL must start with redis://, rediss:// or unix://")
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "xuexin",
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
                # Redis down: cache reads miss and writes vanish, so pages still render and
                # sessions fall back to the database; throttles see no count and refuse
                # (RATELIMIT_FAIL_OPEN is off), so nothing throttled slips through.
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    # Sessions live in the database with a Redis copy in front: any worker on any host reads
    # them, and a Redis outage logs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Rendered template fragments that are the same for everyone (site chrome, the home page) or
# for one record version: kept per process, never shared state. Losing them costs a render.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "xuexin-fragments",
    "OPTIONS": {"MAX_ENTRIES": 5000},
}

# --- Accounts -----------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.passwords.MaximumLengthValidator", "OPTIONS": {"max_length": 128}},
    {"NAME": "accounts.passwords.PersonalNumberValidator"},
    # zxcvbn with the person's context: name, phone, ID, schools, the site's names.
    {
        "NAME": "accounts.passwords.ContextualStrengthValidator",
        "OPTIONS": {"min_score": env_int("XUEXIN_PASSWORD_MIN_SCORE", 2)},
    },
]

AUTHENTICATION_BACKENDS = [
    # Throttles failed logins per (username, IP) before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Log in by phone, verified email or ID number.
    "accounts.backends.PhoneEmailOrIdBackend",
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "records:archive-home"
LOGOUT_REDIRECT_URL = "home"

# Sessions end after 30 idle minutes (xuexin.middleware.IdleTimeoutMiddleware); the stored
# expiry follows, refreshed at most once a minute rather than on every request.
SESSION_IDLE_TIMEOUT = 30 * 60
# However active, a login lasts at most this long (hours); then the password is asked again.
SESSION_ABSOLUTE_LIFETIME = env_int("XUEXIN_SESSION_MAX_HOURS", 12) * 60 * 60
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT + 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Login throttling (django-axes) -------------------------------------------------------
# Failures count per (username, IP) pair, so nobody can lock another person out from their own
# address, and every lockout ends by itself after the cool-off.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env_int("XUEXIN_LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("XUEXIN_LOGIN_COOLOFF_MINUTES", 15))
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.backends.axes_username"
AXES_LOCKOUT_CALLABLE = "accounts.views.login.lockout_response"
AXES_VERBOSE = False  # its log lines carry the username, which may be an ID number
AXES_SENSITIVE_PARAMETERS = ["username", "password", "sms_code", "id_number"]
AXES_DISABLE_ACCESS_LOG = True  # recent logins are kept by the accounts app, masked
# Throttles of the other forms (django-ratelimit): refusals are a 429 page, and a broken cache
# refuses rather than lets everything through.
RATELIMIT_VIEW = "xuexin.views.too_many_requests"
RATELIMIT_FAIL_OPEN = False
# Email links for a password reset work for 30 minutes, once.
PASSWORD_RESET_TIMEOUT = 30 * 60

# Captcha on the login form once a (username, IP) pair has failed this many times.
LOGIN_CAPTCHA_AFTER_FAILURES = 3

# --- Image captcha (django-simple-captcha) ------------------------------------------------
CAPTCHA_LENGTH = 4
CAPTCHA_TIMEOUT = 5  # minutes
CAPTCHA_IMAGE_SIZE = (110, 38)
CAPTCHA_FONT_SIZE = 28
CAPTCHA_LETTER_ROTATION = (-25, 25)
CAPTCHA_CHALLENGE_FUNCT = "accounts.captcha.unambiguous_challenge"

# --- SMS and email ------------------------------------------------------------------------
# Like EMAIL_BACKEND: console (prints), locmem (tests read accounts.sms.outbox) or database (the
# demo outbox page lists what was sent). Only the gateway is simulated.
# With DEBUG off the default is the HTTP gateway; `check --deploy` refuses the console, locmem
# and database (demo outbox) backends and a missing gateway URL.
SMS_BACKEND = os.environ.get(
    "XUEXIN_SMS_BACKEND",
    "accounts.sms.DatabaseBackend" if DEBUG else "accounts.sms.HttpGatewayBackend",
)
SMS_GATEWAY_URL = os.environ.get("XUEXIN_SMS_GATEWAY_URL", "")
SMS_GATEWAY_TOKEN = os.environ.get("XUEXIN_SMS_GATEWAY_TOKEN", "")
SMS_GATEWAY_TIMEOUT = env_int("XUEXIN_SMS_GATEWAY_TIMEOUT", 5)
EMAIL_BACKEND = os.environ.get(
    "XUEXIN_EMAIL_BACKEND",
    "accounts.mail.DatabaseEmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("XUEXIN_FROM_EMAIL", "noreply@xuexin-sim.invalid")
# The page that lists sent SMS and emails, so a newcomer can register without a phone.
DEMO_OUTBOX_ENABLED = env_bool("XUEXIN_DEMO_OUTBOX", DEBUG)

# One-time codes (DESIGN §4.3).
OTP_VALID_MINUTES = 10
OTP_MAX_ATTEMPTS = 5
OTP_RESEND_SECONDS = 60
OTP_DAILY_LIMIT_PER_DESTINATION = 10
OTP_DAILY_LIMIT_PER_IP = env_int("XUEXIN_OTP_DAILY_LIMIT_PER_IP", 30)
# Registration and recovery POSTs (django-ratelimit notation): per address, and per target
# (the phone, username or ID number typed, or the account being recovered).
ACCOUNT_RATE_PER_ADDRESS = os.environ.get("XUEXIN_ACCOUNT_RATE_PER_ADDRESS", "60/h")
ACCOUNT_RATE_PER_TARGET = os.environ.get("XUEXIN_ACCOUNT_RATE_PER_TARGET", "10/h")
# Identity check by facts from one's records: tries per ID number per day, across accounts.
IDENTITY_CHECK_DAILY_TRIES = 3

# --- Internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and private files -------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# In the demo WhiteNoise serves straight from the apps' folders; production serves the
# collected, hashed files from STATIC_ROOT.
WHITENOISE_USE_FINDERS = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# There is deliberately no MEDIA_URL: photos and evidence live in PRIVATE_MEDIA_ROOT, outside
# every URL, and are streamed by views that check who is asking.
MEDIA_ROOT = VAR_DIR / "public-media-unused"
PRIVATE_MEDIA_ROOT = Path(os.environ.get("XUEXIN_PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
# Behind nginx: the internal location that maps to PRIVATE_MEDIA_ROOT (e.g. "/_private/"). The
# Django view still decides who may see a file, then nginx sends the bytes.
PRIVATE_MEDIA_ACCEL_REDIRECT = os.environ.get("XUEXIN_PRIVATE_MEDIA_ACCEL_REDIRECT", "")

# Upload limits for photos (DESIGN §4.5).
PHOTO_MAX_BYTES = env_int("XUEXIN_PHOTO_MAX_BYTES", 2 * 1024 * 1024)
PHOTO_MAX_PIXELS = env_int("XUEXIN_PHOTO_MAX_PIXELS", 4000 * 4000)
# 批量上传学历照片: one ZIP per cohort; the expansion limit refuses zip bombs unread.
PHOTO_BATCH_MAX_BYTES = env_int("XUEXIN_PHOTO_BATCH_MAX_BYTES", 200 * 1024 * 1024)
PHOTO_BATCH_MAX_FILES = env_int("XUEXIN_PHOTO_BATCH_MAX_FILES", 3000)
PHOTO_BATCH_MAX_EXPANDED_BYTES = env_int("XUEXIN_PHOTO_BATCH_MAX_EXPANDED_BYTES", 512 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Security defaults that hold in every mode --------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Shown in the header and footer of every page, and in every report (DESIGN §0).
SIMULATION_NOTICE = _("仿真系统")

# --- Logs and retention (README "Logs and retention") -------------------------------------
# Days each kind of record is kept; `manage.py purge_expired` (daily) deletes older ones. Log
# files are rotated by the system (deploy/logrotate.conf keeps 180 days).
RETENTION_DAYS = {
    "one_time_codes": env_int("XUEXIN_RETENTION_CODES_DAYS", 30),
    "outbox": env_int("XUEXIN_RETENTION_OUTBOX_DAYS", 30),
    "login_events": env_int("XUEXIN_RETENTION_LOGINS_DAYS", 180),
    "notifications": env_int("XUEXIN_RETENTION_NOTIFICATIONS_DAYS", 180),
    "login_failures": env_int("XUEXIN_RETENTION_LOGIN_FAILURES_DAYS", 30),
    # Employers' 查验申请 (organisation, contact, the candidate's name and last 4 of the ID),
    # counted from the request's expiry: answered or not, they go after this.
    "verifier_requests": env_int("XUEXIN_RETENTION_VERIFIER_REQUESTS_DAYS", 180),
    "access_log": env_int("XUEXIN_RETENTION_ACCESS_LOG_DAYS", 3 * 365),
}
# Optional: also write the structured lines to this file (reopened after logrotate moves it).
LOG_FILE = os.environ.get("XUEXIN_LOG_FILE", "")

LOG_FORMAT = os.environ.get("XUEXIN_LOG_FORMAT", "plain" if DEBUG else "json")
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured("XUEXIN_LOG_FORMAT must be plain or json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "xuexin.logging.RedactFilter"}},
    "formatters": {
        "plain": {
            "()": "xuexin.logging.PlainFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
        "json": {"()": "xuexin.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["redact"],
        },
        **(
            {
                "file": {
                    "class": "logging.handlers.WatchedFileHandler",
                    "filename": LOG_FILE,
                    "formatter": "json",
                    "filters": ["redact"],
                }
            }
            if LOG_FILE
            else {}
        ),
    },
    "root": {
        "handlers": ["console", "file"] if LOG_FILE else ["console"],
        "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO"),
    },
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # axes reports every login at INFO; our own lines (masked) are enough.
        "axes": {"level": "WARNING"},
        # PDF font subsetting reports every table it touches at INFO.
        "fontTools": {"level": "WARNING"},
    },
}

# --- Help centre --------------------------------------------------------------------------
# 注册对象 on the login page: graduates since this year can register (DESIGN §6).
HELP_REGISTRATION_SINCE_YEAR = env_int("XUEXIN_REGISTRATION_SINCE_YEAR", 2002)

# --- Staff: two-factor login, roster import -----------------------------------------------
# Issuer shown in the authenticator app next to the staff member's phone number.
OTP_TOTP_ISSUER = "学信网仿真系统"
# The dry run's uploaded file waits in the cache (Redis in production), so the confirming
# request may land on another worker.
IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.CacheStorage"
IMPORT_EXPORT_USE_TRANSACTIONS = True

# --- Verification reports (DESIGN §4.4) ---------------------------------------------------
# The Ed25519 key that signs report data, as PEM text. The demo generates one into a
# git-ignored file; production must set it (and publish nothing but the public half).
REPORT_SIGNING_KEY = os.environ.get("XUEXIN_REPORT_SIGNING_KEY", "").replace("\\n", "\n")
REPORT_SIGNING_KEY_FILE = VAR_DIR / "report-signing-key.pem"
REPORT_SIGNING_KEY_FILE_ALLOWED = env_bool("XUEXIN_REPORT_SIGNING_KEY_FILE_ALLOWED", DEBUG)
# Report codes are stored only as a keyed digest and a sealed copy (verification.codes); the
# key must be set in production (a deploy check says so). The demo derives one from SECRET_KEY.
REPORT_CODE_KEY = os.environ.get("XUEXIN_REPORT_CODE_KEY", "")
REPORT_CODE_KEY_CONFIGURED = bool(REPORT_CODE_KEY)
if not REPORT_CODE_KEY:
    import hashlib as _hashlib

    REPORT_CODE_KEY = _hashlib.sha256(b"report-code-key:" + SECRET_KEY.encode()).hexdigest()
elif len(REPORT_CODE_KEY) < 32:
    raise ImproperlyConfigured("XUEXIN_REPORT_CODE_KEY must be at least 32 characters long")
# Public lookups per IP (django-ratelimit syntax), and the captcha once an IP has looked up
# this many codes within an hour.
VERIFY_RATE = os.environ.get("XUEXIN_VERIFY_RATE", "30/10m")
VERIFY_CAPTCHA_AFTER = env_int("XUEXIN_VERIFY_CAPTCHA_AFTER", 5)
# Status list fetches per IP: each is built and signed afresh (never cached, so a revocation
# shows at once); a verifier fetches one per credential it checks.
STATUS_LIST_RATE = os.environ.get("XUEXIN_STATUS_LIST_RATE", "300/m")
# 申请查验 (an employer asks a candidate for consent): POSTs per address, per contact email and
# per candidate typed (name + last four characters of the ID number).
VERIFIER_REQUEST_RATE_PER_ADDRESS = os.environ.get(
    "XUEXIN_VERIFIER_REQUEST_RATE_PER_ADDRESS", "10/h"
)
VERIFIER_REQUEST_RATE_PER_EMAIL = os.environ.get("XUEXIN_VERIFIER_REQUEST_RATE_PER_EMAIL", "10/d")
VERIFIER_REQUEST_RATE_PER_CANDIDATE = os.environ.get(
    "XUEXIN_VERIFIER_REQUEST_RATE_PER_CANDIDATE", "3/d"
)

# The site's address as students reach it, for links in messages sent without a request
# (manage.py send_report_reminders). Required there in production.
SITE_URL = os.environ.get("XUEXIN_SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")
if SITE_URL and not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"XUEXIN_SITE_URL must start with http:// or https://: {SITE_URL!r}")

# Exposes /bench/baseline for `make bench` (bench/run.py); never on a public host.
BENCH_MODE = env_bool("XUEXIN_BENCH_MODE", False)

# Addresses of reverse proxies whose X-Real-IP header is believed (comma-separated).
TRUSTED_PROXIES = env_list("XUEXIN_TRUSTED_PROXIES", [])

# --- Production hardening (DESIGN §4.3-§4.5; `manage.py check --deploy` is clean) -----------
# With DEBUG off the portal assumes HTTPS end to end behind a proxy that sets
# X-Forwarded-Proto. XUEXIN_SECURE_SSL_REDIRECT=false only for a plain-HTTP benchmark on
# localhost; it is never right on a public host.
SECURE_SSL_REDIRECT = env_bool("XUEXIN_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if not DEBUG else None
SECURE_HSTS_SECONDS = 0 if DEBUG else env_int("XUEXIN_HSTS_SECONDS", 365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
# Refusals are logged as security events (xuexin.errors); the page stays Django's.
CSRF_FAILURE_VIEW = "xuexin.errors.csrf_failure"
# The CSRF cookie lasts as long as the browser session, not a year: a verifier who posts the
# lookup form once carries nothing away (public report pages set no cookie at all).
CSRF_COOKIE_AGE = None
if not DEBUG:
    # __Host- cookies: Secure, Path=/, no Domain, so no sibling host can plant or read them.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    LANGUAGE_COOKIE_SECURE = True
    LANGUAGE_COOKIE_NAME = "__Host-django_language"

from csp.constants import NONCE  # noqa: E402 - next to the policy that uses it

# No inline script anywhere: scripts come from our own static files, and the nonce is there
# for the day one is needed. Inline style attributes remain allowed because Django's admin
# templates still use a few; styles cannot run code.
CONTENT_SECURITY_POLICY_REPORT_ONLY = None
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
