"""Gunicorn settings for production. Values come from the environment."""

from __future__ import annotations

import os

# Loopback unless told otherwise: a machine's public address is a deliberate choice
# (GUNICORN_HOST=0.0.0.0 behind a platform's router; docs/operations.md).
bind = f"{os.environ.get('GUNICORN_HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
timeout = 30
# Recycle workers now and then (slow leaks never build up); jitter avoids all at once.
max_requests = 2000
max_requests_jitter = 200
# Heartbeat files in memory, not on a possibly slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
graceful_timeout = 20
# Access logs carry the path, never the query string: a search (?q=Bob) is health data.
accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'  # %(U)s: no query
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
