"""gunicorn settings for the portal: `gunicorn -c deploy/gunicorn.conf.py xuexin.wsgi`.

Sync workers, one per core by default: every request is short and the database and Redis
are local, so more processes would only fight over the cores. Workers keep no state that
another worker needs (sessions, throttles and captchas live in PostgreSQL and Redis), so
any number of them on any number of hosts behave as one.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so a slow leak can never grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 5000))
max_requests_jitter = max_requests // 10
# nginx writes the access log; the application logs its own structured events.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "xuexin"
