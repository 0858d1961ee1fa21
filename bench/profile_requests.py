#!/usr/bin/env python
"""Where a request's time goes: a sampling profile (pyinstrument) of N requests through
Django's full stack in one process, and its share per layer.

    DATABASE_URL=... python bench/profile_requests.py submit [N]   the diary's Save (nothing fires)
    DATABASE_URL=... python bench/profile_requests.py urgent [N]   Save with a warning sign (URGENT)
    DATABASE_URL=... python bench/profile_requests.py result [N]   the result page of an entry
    DATABASE_URL=... python bench/profile_requests.py queue [N]    the team's triage queue

Against a database with the demo clinic (`manage.py seed_demo`) or the bench's (`make bench
BENCH_ARGS=--keep`). Writes nothing it does not need: each submit is a new entry of the demo
patient, in a transaction rolled back at the end. The layers are read from where each
sample's innermost frame is: PostgreSQL and its driver (psycopg, including the wait for the
server's answer), ORM and row building (django.db), templates (django.template, crispy), middleware and the request cycle
(the rest of django), our code (the apps), and everything else.
"""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "diary_site.test_settings")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")  # Django's test client
os.environ.setdefault("DIARY_ENTRIES_PER_HOUR", "100000000")  # 200 submits for one patient

import django  # noqa: E402

django.setup()

from scripts.static_files import collect_if_stale  # noqa: E402

collect_if_stale()  # the pages render through the manifest storage, as in production
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402
from pyinstrument import Profiler  # noqa: E402

from bench.layers import print_profile  # noqa: E402
from patients.models import Patient, User  # noqa: E402


def requests_for(kind: str, n: int):
    patient = Patient.objects.select_related("user").filter(user__username="bob").first()
    if patient is None:
        patient = Patient.objects.select_related("user").filter(user__is_active=True).first()
    client = Client()
    if kind == "queue":
        nurse = User.objects.filter(username__in=["alice", "bignurse"]).first()
        nurse.otp_device = TOTPDevice.objects.filter(user=nurse).first()
        client.force_login(nurse)
        return [lambda: client.get("/team/") for _ in range(n)]
    client.force_login(patient.user)
    if kind == "result":
        entry = patient.entries.order_by("-recorded_at").first()
        return [lambda: client.get(f"/diary/entries/{entry.pk}/") for _ in range(n)]
    data = {"unit": patient.temperature_unit, "action": "save"}
    data["temperature"] = "36.8" if patient.temperature_unit == "C" else "98.2"
    if kind == "urgent":
        data["s_might_die"] = "on"

    def submit():
        # Each submit is rolled back, so every one reads the patient's real history (a
        # patient saves once or twice a day, not 200 times).
        with transaction.atomic():
            response = client.post("/diary/", {**data, "client_key": str(uuid.uuid4())})
            transaction.set_rollback(True)
        return response

    return [submit for _ in range(n)]


def main() -> int:
    kind = sys.argv[1] if len(sys.argv) > 1 else "submit"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    with transaction.atomic():
        calls = requests_for(kind, n + 10)
        for call in calls[:10]:  # warm the caches and the connection
            call()
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for call in calls[10:]:
            response = call()
            assert response.status_code in (200, 302), response.status_code
        session = profiler.stop()
        transaction.set_rollback(True)
    print(f"{kind}: {n} requests, {session.duration / n * 1000:.1f} ms each (profiled)")
    print_profile(profiler, session, 6000)
    return 0


if __name__ == "__main__":
    sys.exit(main())
