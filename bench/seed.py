"""Benchmark data, and the measurements made inside Django. Run by bench/run.py.

    python bench/seed.py people OUT.json        patients and nurses for the load phases
    python bench/seed.py scale N_TOTAL          2,000-patient team with 200,000 entries and
                                                20,000 alerts; a 20-patient team of the same
                                                shape; N_TOTAL patients in all
    python bench/seed.py measure                query counts and the sweeps, as JSON

Runs with the stack's environment (its database); prints one JSON line.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import sys
import time
import uuid
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "diary_site.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from alerts.models import Alert, AlertRule, Episode  # noqa: E402
from patients.models import CareTeam, CareTeamMembership, Patient, User  # noqa: E402
from patients.timezones import DEFAULT_ZONE  # noqa: E402
from reach.models import PushDevice  # noqa: E402
from symptoms.models import DiaryEntry, TemperatureReading  # noqa: E402

PASSWORD = "bench-password-2026"  # noqa: S105 — a throwaway database
LOAD_PATIENTS = 1_000
BATCH = 10_000
REFERENCES = itertools.count(int(time.time()) % 1000 * 1_000_000)  # unique per seed run
TEAM_RULES = ["T-FEV-1", "INF-FLU", "GU-UTI", "RESP-LRTI", "SEP-RF", "DIARY-GAP-3"]


def team(name: str) -> CareTeam:
    return CareTeam.objects.get_or_create(
        name=name, defaults={"phone": "020 7946 0000", "urgent_phone": "020 7946 0001"}
    )[0]


def nurse(username: str, care_team: CareTeam) -> dict:
    user = User.objects.create_user(username, f"{username}@example.org", PASSWORD)
    CareTeamMembership.objects.create(
        team=care_team, user=user, role=CareTeamMembership.Role.PRIMARY
    )
    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    if subscription := os.environ.get("BENCH_PUSH_SUBSCRIPTION"):
        # The load nurse's phone, at the bench's local push service.
        info = json.loads(subscription)
        if info["endpoint"].endswith("/" + username):
            PushDevice.objects.create(
                user=user,
                name="bench phone",
                endpoint=info["endpoint"],
                p256dh=info["keys"]["p256dh"],
                auth=info["keys"]["auth"],
            )
    return {"username": username, "key": device.key}


def patients(care_team: CareTeam, prefix: str, n: int, *, password: str = "!") -> list[Patient]:  # noqa: S107
    """n patients, bulk-inserted (one password hash shared; "!" = cannot log in)."""
    now = timezone.now()
    made: list[Patient] = []
    for start in range(0, n, BATCH):
        users = User.objects.bulk_create(
            User(
                username=f"{prefix}{i:06d}",
                password=password,
                first_name="Bench",
                last_name=f"{prefix}{i}",
            )
            for i in range(start, min(n, start + BATCH))
        )
        made += Patient.objects.bulk_create(
            Patient(
                user=u,
                team=care_team,
                timezone=DEFAULT_ZONE,
                enrolled_at=now - timedelta(days=120),
                reference=f"B-{next(REFERENCES):09d}",
            )
            for u in users
        )
    return made


def people(out: str) -> None:
    """Patients who log in and submit (load and latency phases), and the nurse who triages."""
    care_team = team("Bench load")
    hashed = make_password(PASSWORD)
    # The load is spread over 1,000 patients (a patient logs once or twice a day, not
    # hundreds of times), and every one of them has a week of twice-daily readings, so the
    # evaluation reads a history of realistic size.
    load = patients(care_team, "load", LOAD_PATIENTS, password=hashed)
    # 60 timed in full mode, run.WARM_UP untimed before them, and two to spare.
    fresh = patients(care_team, "fresh", 64, password=hashed)
    history(load + fresh, 14, 0, [])
    Path(out).write_text(
        json.dumps(
            {
                "password": PASSWORD,
                "load": [p.user.username for p in load],
                "sessions": [signed_in(p.user) for p in load],
                "fresh": [p.user.username for p in fresh],
                "nurse": nurse("loadnurse", care_team),
            }
        )
    )
    print(json.dumps({"people": len(load) + len(fresh)}))


def signed_in(user: User) -> str:
    """A session as a password login leaves it, so the load phases measure the diary, not
    PBKDF2 (a login costs about half a CPU-second by design)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from patients.backends import DIARY_BACKEND
    from patients.sessions import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = DIARY_BACKEND
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def history(group: list[Patient], entries_each: int, alerts_total: int, rules) -> None:
    """entries_each entries (one reading each) per patient over the past days, and
    alerts_total alerts: 95 % resolved, the rest open or acknowledged."""
    rng = random.Random(7)  # noqa: S311
    now = timezone.now()
    entry_rows = []
    for p in group:
        for d in range(entries_each):
            at = now - timedelta(hours=12 * d + rng.randint(0, 600) / 60)
            entry_rows.append(
                DiaryEntry(
                    patient=p,
                    recorded_at=at,
                    local_day=at.date(),
                    evaluation_state=DiaryEntry.EvaluationState.EVALUATED,
                )
            )
    for start in range(0, len(entry_rows), BATCH):
        chunk = DiaryEntry.objects.bulk_create(entry_rows[start : start + BATCH])
        values = [Decimal(f"{rng.uniform(36.0, 38.6):.1f}") for _ in chunk]
        TemperatureReading.objects.bulk_create(
            TemperatureReading(entry=e, value=v, value_c=v, unit="C", measured_at=e.recorded_at)
            for e, v in zip(chunk, values, strict=True)
        )  # bulk_create skips save(): value_c given (°C readings)
    entries = list(
        DiaryEntry.objects.filter(patient__in=group).values_list("pk", "patient_id", "recorded_at")
    )
    picks = rng.sample(entries, alerts_total)
    episodes = Episode.objects.bulk_create(
        Episode(
            patient_id=pid,
            key=f"bench:{eid}",
            opened_at=at,
            last_alert_at=at,
            highest_level="CONTACT",
        )
        for eid, pid, at in picks
    )
    alert_rows = []
    for (eid, pid, at), episode in zip(picks, episodes, strict=True):
        rule = rng.choice(rules)
        status = rng.choices(["resolved", "open", "acknowledged"], weights=[95, 3, 2])[0]
        alert_rows.append(
            Alert(
                patient_id=pid,
                entry_id=eid,
                rule=rule,
                rule_version=rule.version,
                level=rule.level,
                team_alert=True,
                episode=episode,
                episode_key=episode.key,
                snapshot=rule.snapshot(),
                why={"readings": [{"value": "38.4", "unit": "C"}]},
                status=status,
                fired_at=at,
                resolved_at=at + timedelta(hours=2) if status == "resolved" else None,
            )
        )
    made = []
    for start in range(0, len(alert_rows), BATCH):
        made += Alert.objects.bulk_create(alert_rows[start : start + BATCH])
    concerns_for(made)


def concerns_for(alerts: list[Alert]) -> None:
    """One open concern per patient with unresolved alerts (what the queue reads), as the
    recording path would have left it: the highest level, the earliest first, waiting
    unless every alert was acknowledged."""
    from alerts.models import Concern
    from alerts.rules import RANK

    by_patient: dict[int, list[Alert]] = {}
    for alert in alerts:
        if alert.status != "resolved":
            by_patient.setdefault(alert.patient_id, []).append(alert)
    rows = []
    for pid, group in by_patient.items():
        group.sort(key=lambda a: (-RANK[a.level], a.fired_at))
        first = min(a.fired_at for a in group)
        waiting = any(a.status == "open" for a in group)
        rows.append(
            Concern(
                patient_id=pid,
                level=group[0].level,
                advice_level=group[0].level,
                lead=group[0],
                advice_lead=group[0],
                opened_at=first,
                level_since=first,
                waiting_since=first if waiting else None,
                due_at=first + timedelta(hours=4) if waiting else None,
                acknowledged_at=None if waiting else first + timedelta(hours=1),
            )
        )
    concerns = {c.patient_id: c for c in Concern.objects.bulk_create(rows, batch_size=BATCH)}
    for pid, group in by_patient.items():
        Alert.objects.filter(pk__in=[a.pk for a in group]).update(concern=concerns[pid])


def scale(total: int) -> None:
    started = time.monotonic()
    rules = list(AlertRule.objects.filter(rule_id__in=TEAM_RULES))
    big, small = team("Bench big"), team("Bench small")
    with transaction.atomic():
        history(patients(big, "big", 2_000), 100, 20_000, rules)
        history(patients(small, "small", 20), 100, 200, rules)
        nurses = {"bignurse": nurse("bignurse", big), "smallnurse": nurse("smallnurse", small)}
    # Everyone else logs daily (entries today and the two days before), except 1 %: half
    # stopped two days ago (DIARY-GAP-2 fires: a reminder), half three days ago (GAP-2 and
    # GAP-3: a team alert). That is the sweep's ordinary day after midnight.
    rest = total - Patient.objects.count()
    now = timezone.now()
    for i, start in enumerate(range(0, rest, BATCH)):
        care_team = team(f"Bench clinic {i}")
        group = patients(care_team, f"c{i:02d}x", min(BATCH, rest - start))
        rows = []
        for n, p in enumerate(group):
            days = (3, 4) if n % 200 == 0 else (4, 5) if n % 200 == 100 else (0, 1, 2)
            for d in days:
                at = now - timedelta(days=d, minutes=30)
                rows.append(
                    DiaryEntry(
                        patient=p,
                        recorded_at=at,
                        local_day=at.date(),
                        evaluation_state=DiaryEntry.EvaluationState.EVALUATED,
                    )
                )
        DiaryEntry.objects.bulk_create(rows, batch_size=BATCH)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # now, not by autovacuum in the middle of a phase
    print(
        json.dumps(
            {
                **nurses,
                "patients": Patient.objects.count(),
                "entries": DiaryEntry.objects.count(),
                "alerts": Alert.objects.count(),
                "seed_s": round(time.monotonic() - started, 1),
            }
        )
    )


def queries(client: Client, method: str, path: str, data: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(path, data or {})
    assert response.status_code in (200, 302), (path, response.status_code)
    return len(ctx.captured_queries)


def as_clinician(username: str) -> Client:
    client = Client()
    user = User.objects.get(username=username)
    user.otp_device = TOTPDevice.objects.get(user=user)  # a verified second factor
    client.force_login(user)
    return client


def measure() -> None:
    from alerts.care.notify import escalations_sweep
    from alerts.care.sweeps import periodic_rules_sweep

    patient = Patient.objects.filter(user__username__startswith="load").first()
    client = Client()
    client.force_login(patient.user)
    client.get("/diary/")

    def save() -> int:
        entry = {"client_key": str(uuid.uuid4()), "unit": "C", "temperature": "36.8"}
        return queries(client, "post", "/diary/", {**entry, "action": "save"})

    # Counted warm, as a web process runs: the first Save of a process reads the rule set
    # once (three queries, then kept per configuration version: diary_core.config).
    save()
    submit = save()
    latest = DiaryEntry.objects.filter(patient=patient).order_by("-pk").first()
    result = queries(client, "get", reverse("symptoms:result", args=[latest.pk]))
    small = as_clinician("smallnurse")
    large = as_clinician("bignurse")
    small.get("/team/")
    large.get("/team/")
    started = time.monotonic()
    swept = periodic_rules_sweep()
    escalations_sweep()
    sweep_s = time.monotonic() - started
    print(
        json.dumps(
            {
                "submit_queries": submit,
                "result_queries": result,
                "dashboard_queries_small": queries(small, "get", "/team/"),
                "dashboard_queries_large": queries(large, "get", "/team/"),
                "sweep_100k_s": round(sweep_s, 2),
                "sweep_patients": swept,
            }
        )
    )


def whatif() -> None:
    """The what-if of a T-FEV-1 draft (37.8 °C) over the big team's last 90 days: entries
    replayed per second, the reads included, both rule sets evaluated per entry."""
    from alerts.authoring.drafts import rule_draft_create
    from alerts.authoring.whatif import rule_draft_try
    from alerts.models import AlertRule

    lead, _ = User.objects.get_or_create(username="benchlead", defaults={"is_staff": True})
    draft = rule_draft_create(
        rule=AlertRule.objects.get(rule_id="T-FEV-1"),
        by=lead,
        reason="bench: what-if rate",
        proposed={"params": {"threshold_c": "37.8"}},
    )
    started = time.monotonic()
    result = rule_draft_try(draft=draft, days=90, teams=[CareTeam.objects.get(name="Bench big")])
    elapsed = time.monotonic() - started
    print(
        json.dumps(
            {
                "whatif_entries_per_s": round(result.entries / elapsed),
                "whatif_entries": result.entries,
                "whatif_s": round(elapsed, 1),
            }
        )
    )


def send() -> None:
    """Hand the messages written while the web tier was measured to the worker."""
    from diary_core.publisher import publish_task

    publish_task("alerts.tasks.send_due_notifications").result(timeout=30)
    print(json.dumps({"published": True}))


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    {
        "send": send,
        "people": lambda: people(args[0]),
        "scale": lambda: scale(int(args[0])),
        "measure": measure,
        "whatif": whatif,
    }[command]()
