#!/usr/bin/env python
"""Where an alert e-mail's time goes in the worker: a sampling profile (pyinstrument) of N
sends of a new concern's e-mail, through the task's own code (alerts.delivery.send.
notification_send: the claim, the read, the rendering, the SMTP conversation and the
outcome) to an SMTP sink on loopback (scripts/smtp_sink.py), and the time of each part.

    DATABASE_URL=... python bench/profile_delivery.py [N]

Against a database with the demo clinic (`manage.py seed_demo`) or the bench's (`make bench
BENCH_ARGS=--keep`). The messages are written and sent in a transaction rolled back at the
end, so it writes nothing. What the Celery worker adds around the task (the broker, the
pool) is not here: `make bench` measures the whole path against its floor.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "diary_site.test_settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from pyinstrument import Profiler  # noqa: E402

from alerts.care.models import ConcernEvent, Notification  # noqa: E402
from alerts.delivery import send  # noqa: E402
from bench.layers import print_profile  # noqa: E402
from scripts.smtp_sink import SmtpSink  # noqa: E402


def messages(n: int) -> list[int]:
    """n new-concern e-mails like the last one the clinic sent: its concern, its nurse."""
    sample = Notification.objects.select_related("concern").filter(channel="email").last()
    concern, now = sample.concern, timezone.now()
    events = ConcernEvent.objects.bulk_create(
        ConcernEvent(concern=concern, kind="opened", at=now, level=concern.level) for _ in range(n)
    )
    rows = Notification.objects.bulk_create(
        Notification(
            concern=concern, event=e, kind="opened", recipient=sample.recipient, channel="email"
        )
        for e in events
    )
    return [row.pk for row in rows]


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # the sink's own chatter
    sink = SmtpSink().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    try:
        with transaction.atomic():
            pks = messages(n + 10)
            send.delivery_warm()
            for pk in pks[:10]:  # warm the caches, the templates and the connection
                assert send.notification_send(pk) == "sent"
            with CaptureQueriesContext(connection) as one:
                send.notification_send(pks[10])
            profiler = Profiler(interval=0.0002)
            started = time.perf_counter()
            profiler.start()
            for pk in pks[11:]:
                send.notification_send(pk)
            session = profiler.stop()
            each = (time.perf_counter() - started) / (n - 1) * 1000
            transaction.set_rollback(True)
    finally:
        sink.stop()
    print(f"e-mail: {n - 1} sends, {each:.2f} ms each, {len(one)} statements")
    for q in one.captured_queries:
        print(f"  {q['time']} s  {q['sql'][:100]}")
    print_profile(profiler, session, 8000)
    return 0


if __name__ == "__main__":
    sys.exit(main())
