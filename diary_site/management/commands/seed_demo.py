"""Create the demo clinic: two care teams, named staff, and patients with 30 days of history.

Idempotent: people and teams are looked up by name and only created once; a patient's
history is generated only when that patient has no entries yet. Demo data only ever
comes from this command.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from alerts.care.concerns import concern_resolve, concern_take, open_concern
from alerts.care.labs import LabData, lab_result_record
from alerts.care.recording import entry_evaluate
from alerts.models import Alert, ResolutionAction, RotaShift
from patients.lab_tests import BY_NAME
from patients.models import Caregiver, CareTeam, CareTeamMembership, Injection, Patient, User
from patients.timezones import DEFAULT_ZONE
from symptoms.models import DiaryEntry, Symptom
from symptoms.readings import from_celsius, temperature_problem
from symptoms.services import EntryData, Reading, entry_record

DEMO_DEVICE = "Demo authenticator"
DEMO_PASSWORD = "diary-demo-2026"  # noqa: S105 — printed in the README on purpose
HISTORY_DAYS = 30
# Demo alerts older than this are shown as already handled by the team.
HANDLED_AFTER = timedelta(days=4)


@dataclass(frozen=True)
class DemoPatient:
    username: str
    first_name: str
    last_name: str
    timezone: str = DEFAULT_ZONE
    unit: str = "C"
    # Days ago of the first dose; the schedule continues from there.
    first_dose_days_ago: int = 180
    elevated_risk: tuple[str, ...] = ()
    hbv_risk: bool = False
    # {days_ago: (temperature °C or None, {code: grade})}: the story on top of calm days.
    story: dict[int, tuple[float | None, dict[str, int]]] = field(default_factory=dict)
    skip_days: tuple[int, ...] = ()
    # Who the team knows them as (the nurse's pages and the PDF).
    born: str = ""
    hospital_number: str = ""
    phone: str = ""
    # A clinician who took this patient's weekend alerts ("I'll take this").
    taken_by: str = ""


# Valid NHS numbers (check digit and all) from the 485 777 range, never issued to a person.
NHS_NUMBERS = {
    "bob": "4857773007",
    "fiona": "4857773376",
    "george": "4857773740",
    "hannah": "4857774119",
    "ian": "4857774488",
    "julia": "4857774852",
    "lukasz": "4857775220",
}
# Where the demo hospital files its record numbers (a FHIR export names it).
DEMO_HOSPITAL_SYSTEM = "https://fhir.example-hospital.org/Id/mrn"

PATIENTS = [
    DemoPatient(
        "bob",
        "Bob",
        "Baker",
        born="1968-04-12",
        hospital_number="RX4 210 118",
        phone="+44 7700 900101",
        # His latest monthly dose was three days ago, in the evening.
        first_dose_days_ago=171,
        story={
            # A mild reaction the day after his latest monthly dose.
            2: (37.6, {"headache": 1, "fatigue": 2}),
            1: (37.0, {"fatigue": 1}),
        },
    ),
    DemoPatient(
        "fiona",
        "Fiona",
        "Fraser",
        born="1985-09-03",
        hospital_number="RX4 331 904",
        phone="+44 7700 900102",
        story={
            12: (36.9, {"runny_nose": 1, "sore_throat": 1}),
            11: (37.2, {"runny_nose": 2, "sore_throat": 2, "sneezing": 1}),
            10: (37.1, {"runny_nose": 2, "cough": 1}),
            9: (36.8, {"runny_nose": 1, "cough": 1}),
        },
    ),
    DemoPatient(
        "george",
        "George",
        "Grant",
        born="1959-01-27",
        hospital_number="RX4 118 552",
        phone="+44 7700 900103",
        unit="F",
        elevated_risk=("low_ig",),
        story={
            3: (37.4, {"dysuria": 2, "urinary_frequency": 2}),
            2: (38.4, {"dysuria": 2, "urinary_frequency": 2, "flank_pain": 2, "chills": 2}),
        },
    ),
    DemoPatient(
        "hannah",
        "Hannah",
        "Hughes",
        born="1992-06-15",
        hospital_number="RX4 402 277",
        phone="+44 7700 900104",
        first_dose_days_ago=15,
        story={15: (37.8, {"headache": 2, "myalgia": 1, "chills": 1}), 14: (36.9, {"fatigue": 1})},
    ),
    DemoPatient(
        "ian",
        "Ian",
        "Irving",
        born="1977-11-30",
        hospital_number="RX4 515 630",
        phone="+1 212 555 0134",
        timezone="America/New_York",
        unit="F",
        hbv_risk=True,
        story={5: (36.7, {"vision_change": 1}), 4: (36.8, {"vision_change": 2, "clumsiness": 1})},
    ),
    DemoPatient(
        "julia",
        "Julia",
        "Jones",
        born="1981-02-08",
        hospital_number="RX4 626 019",
        phone="+44 7700 900106",
        # Stopped logging: the missed-diary rules should notice her.
        skip_days=(0, 1, 2, 3),
    ),
    DemoPatient(
        "lukasz",
        "Łukasz",
        "Żółć",
        timezone="Europe/Warsaw",
        born="1984-03-07",
        hospital_number="RX4 123 456",
        phone="+48 600 700 800",
        # A fever with a cough yesterday morning; Erin, the backup, took it overnight.
        story={1: (38.3, {"cough": 2, "sore_throat": 2})},
        taken_by="erin",
    ),
]

# Blood results the team has recorded (clinical-rules §6), as (test, days ago collected,
# value in g/L or positive): the demo clinic's "Tests due" list shows who needs bloods this
# fortnight. Six months after a result is 181 to 184 days, so Fiona's and George's next
# immunoglobulins are due within 14 days, Julia's are overdue, and Ian (HBV risk ticked by
# hand from his history) has never had hepatitis B serology recorded here. Bob's IgG of
# ten days ago is normal, so the lead can record a low one in the demo. All normal: no alert.
NEGATIVE = False
IG_BASELINE = (("IgG", 9.6), ("IgM", 1.1))
HBV_NEGATIVE = (("HBsAg", NEGATIVE), ("anti-HBc", NEGATIVE))
LABS = {
    "bob": {191: IG_BASELINE + HBV_NEGATIVE, 10: (("IgG", 9.1),)},
    "fiona": {200: HBV_NEGATIVE, 175: IG_BASELINE},
    "george": {195: IG_BASELINE + HBV_NEGATIVE, 170: (("IgG", 7.2), ("IgM", 0.8))},
    "hannah": {30: IG_BASELINE + HBV_NEGATIVE},
    "ian": {100: IG_BASELINE},
    "julia": {200: IG_BASELINE + HBV_NEGATIVE},
    "lukasz": {190: HBV_NEGATIVE, 60: IG_BASELINE},
}
# The laboratory's reference ranges (g/L) printed with each result.
REFERENCE = {"IgG": ("6.0", "16.0"), "IgM": ("0.4", "2.3")}

CLINICIANS = [
    # (username, first, last, team, role)
    ("alice", "Alice", "Adams", "Team A", CareTeamMembership.Role.PRIMARY),
    ("erin", "Erin", "Evans", "Team A", CareTeamMembership.Role.BACKUP),
    ("charlie", "Charlie", "Clark", "Team B", CareTeamMembership.Role.PRIMARY),
]


class Command(BaseCommand):
    help = "Create demo care teams, staff and patients with 30 days of history (idempotent)."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            # Known logins with a published password: never on a site people use.
            raise CommandError(
                "seed_demo refuses to run with DJANGO_DEBUG=false: it creates logins whose "
                "password is in the README. Run it on a development or demo copy only "
                "(DJANGO_DEBUG=true)."
            )
        with transaction.atomic():
            created = self.seed()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({created} new objects)."))
        self.stdout.write(
            "Logins (password diary-demo-2026): bob (patient), alice (clinician, team A), "
            "erin (clinician, team A, on call at night), "
            "charlie (clinician, team B), dana and sam (administrators); alice may approve rule "
            "changes. Staff codes: "
            "python manage.py demo_code alice"
        )

    def seed(self) -> int:
        self.created = 0
        team_a = self._team("Team A", phone="020 7946 0001", urgent_phone="020 7946 0002")
        team_b = self._team("Team B", phone="020 7946 0101", urgent_phone="020 7946 0102")
        teams = {"Team A": team_a, "Team B": team_b}
        for username, first, last, team_name, role in CLINICIANS:
            user = self._user(username, first, last)
            _, made = CareTeamMembership.objects.get_or_create(
                team=teams[team_name], user=user, defaults={"role": role}
            )
            self.created += made
        self._user("dana", "Dana", "Davies", staff=True)
        # A second administrator: a rule change needs a second person to approve it.
        self._user("sam", "Sam", "Shah", staff=True)
        for username in ("alice", "erin", "charlie", "dana", "sam"):
            self._demo_authenticator(User.objects.get(username=username))
        self._rota(team_a)
        now = timezone.now()
        alice = User.objects.get(username="alice")
        # Alice is the team's clinical lead: she may approve a rule change (team/rule_views.py).
        alice.user_permissions.add(
            Permission.objects.get(codename="approve_rule_change", content_type__app_label="alerts")
        )
        for spec in PATIENTS:
            patient = self._patient(spec, team_a, now)
            if not patient.entries.exists():
                self._history(patient, spec, now)
                self._evaluate(patient, now, handled_by=alice)
                if spec.taken_by:
                    owner = User.objects.get(username=spec.taken_by)
                    concern_take(patient=patient, by=owner, now=now - timedelta(hours=12))
            if not patient.lab_results.exists():
                self._labs(patient, LABS.get(spec.username, {}), now=now, by=alice)
        bob = Patient.objects.get(user__username="bob")
        carer = self._user("carol", "Carol", "Baker")
        _, made = Caregiver.objects.get_or_create(
            patient=bob, user=carer, defaults={"relationship": "Partner"}
        )
        self.created += made
        return self.created

    def _rota(self, team: CareTeam) -> None:
        """Team A's on-call rota: Alice on weekdays (Erin her backup), Erin every night and
        at weekends (Alice hers); Alice is the team lead, told when nobody answers."""
        alice = User.objects.get(username="alice")
        erin = User.objects.get(username="erin")
        if team.lead_id is None:
            team.lead = alice
            team.save(update_fields=["lead"])
        rows = []
        for day in range(7):
            if day < 5:
                rows.append((day, team.working_day_start, team.working_day_end, alice, erin))
                rows.append((day, team.working_day_end, team.working_day_start, erin, alice))
            else:
                # From 08:00 to 08:00 the next day (an end at the start: a whole day).
                start = team.working_day_start
                rows.append((day, start, start, erin, alice))
        for day, starts, ends, on_call, backup in rows:
            _, made = RotaShift.objects.get_or_create(
                team=team,
                weekday=day,
                starts=starts,
                defaults={"ends": ends, "on_call": on_call, "backup": backup},
            )
            self.created += made

    def _demo_authenticator(self, user: User) -> None:
        """Demo staff get an authenticator already set up; `manage.py demo_code NAME` shows
        its current code (development only), so the two-factor step can be tried at once."""
        _, made = TOTPDevice.objects.get_or_create(
            user=user, name=DEMO_DEVICE, defaults={"confirmed": True}
        )
        self.created += made

    def _team(self, name: str, *, phone: str, urgent_phone: str) -> CareTeam:
        team, made = CareTeam.objects.get_or_create(
            name=name,
            defaults={
                "phone": phone,
                "urgent_phone": urgent_phone,
                "hospital_number_system": DEMO_HOSPITAL_SYSTEM,
            },
        )
        self.created += made
        return team

    def _user(self, username: str, first: str, last: str, *, staff: bool = False) -> User:
        user, made = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.org",
                "is_staff": staff,
                "is_superuser": staff,
            },
        )
        if made:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            self.created += 1
        return user

    def _patient(self, spec: DemoPatient, team: CareTeam, now: datetime) -> Patient:
        user = self._user(spec.username, spec.first_name, spec.last_name)
        patient, made = Patient.objects.get_or_create(
            user=user,
            defaults={
                "team": team,
                "timezone": spec.timezone,
                "temperature_unit": spec.unit,
                "enrolled_at": now
                - timedelta(days=max(HISTORY_DAYS, spec.first_dose_days_ago) + 1),
                "first_dose_at": now - timedelta(days=spec.first_dose_days_ago),
                "er_low_ig": "low_ig" in spec.elevated_risk,
                "hbv_risk": spec.hbv_risk,
                "national_number": NHS_NUMBERS.get(spec.username, ""),
            },
        )
        self.created += made
        if spec.born and patient.date_of_birth is None:  # demo data from before the fields
            patient.date_of_birth = date.fromisoformat(spec.born)
            patient.hospital_number, patient.phone = spec.hospital_number, spec.phone
            patient.save(update_fields=["date_of_birth", "hospital_number", "phone"])
        return patient

    def _history(self, patient: Patient, spec: DemoPatient, now: datetime) -> None:
        rng = random.Random(spec.username)  # noqa: S311 — demo data, reproducible on purpose
        zone = ZoneInfo(spec.timezone)
        self._injections(patient, spec, now, zone)
        symptoms = {s.code: s for s in Symptom.objects.all()}
        for days_ago in range(HISTORY_DAYS, -1, -1):
            if days_ago in spec.skip_days:
                continue
            local_day = (now.astimezone(zone) - timedelta(days=days_ago)).date()
            minute = rng.randint(0, 50)
            at = datetime.combine(local_day, time(8, minute), tzinfo=zone)
            if at > now:
                at = now - timedelta(minutes=5)
            temp_c, grades = spec.story.get(days_ago, (None, {}))
            if temp_c is None:
                temp_c = round(rng.uniform(36.3, 37.1), 1)
            value = Decimal(str(temp_c))
            if spec.unit == "F":
                value = from_celsius(value, "F")
            # The demo holds only readings the diary form would accept.
            problem = temperature_problem(value, spec.unit)
            if problem:
                raise CommandError(f"demo reading for {spec.username}: {problem}")
            entry, _created = entry_record(
                patient=patient,
                entered_by=patient.user,
                data=EntryData(
                    grades=grades,
                    readings=(Reading(value, spec.unit, site="mouth"),),
                    recorded_at=at,
                    feels_fine=not grades,
                ),
                catalogue=symptoms,
            )
            # Saved when it was measured, as a real diary's are: 30 days saved "now" would be
            # past the hourly bound (DIARY_ENTRIES_PER_HOUR) for the demo's first hour.
            DiaryEntry.objects.filter(pk=entry.pk).update(created_at=at)
            self.created += 1

    def _evaluate(self, patient: Patient, now: datetime, *, handled_by: User) -> None:
        """Record each entry in order through the real rules, as if it had just arrived.

        A concern whose last alert is older than HANDLED_AFTER was handled by the team two
        hours after it (before the next entry came), so the triage queue shows a realistic
        Monday morning rather than a month of backlog.
        """
        for entry in patient.entries.order_by("recorded_at", "pk").only("pk", "recorded_at"):
            self._handle(patient, before=entry.recorded_at, now=now, by=handled_by)
            entry_evaluate(entry.pk, now=entry.recorded_at)
        self._handle(patient, before=now, now=now, by=handled_by)

    def _handle(self, patient: Patient, *, before: datetime, now: datetime, by: User) -> None:
        concern = open_concern(patient)
        if concern is None:
            return
        last = Alert.objects.filter(concern=concern).order_by("-fired_at").first()
        handled_at = last.fired_at + timedelta(hours=2)
        if last.fired_at < now - HANDLED_AFTER and handled_at <= before:
            concern_resolve(
                patient=patient,
                by=by,
                action=ResolutionAction.PHONED,
                note="Demo: handled at the time.",
                now=handled_at,
            )

    def _labs(self, patient: Patient, results: dict, *, now: datetime, by: User) -> None:
        """The team's recorded results, through the one way a result comes in."""
        today = patient.today(now=now)
        for days_ago, tests in sorted(results.items(), reverse=True):
            for name, value in tests:
                test = BY_NAME[name]
                if test.quantitative:
                    low, high = REFERENCE[name]
                    data = LabData(
                        test=test,
                        collected_on=today - timedelta(days=days_ago),
                        value=Decimal(str(value)),
                        unit=test.unit,
                        reference_low=Decimal(low),
                        reference_high=Decimal(high),
                    )
                else:
                    data = LabData(
                        test=test, collected_on=today - timedelta(days=days_ago), positive=value
                    )
                lab_result_record(patient=patient, data=data, by=by, now=now)
                self.created += 1

    def _injections(
        self, patient: Patient, spec: DemoPatient, now: datetime, zone: ZoneInfo
    ) -> None:
        first = now - timedelta(days=spec.first_dose_days_ago)
        # Loading doses at weeks 0, 1, 2, then week 4, then every 4 weeks.
        offsets = [0, 7, 14, 28]
        while offsets[-1] + 28 <= spec.first_dose_days_ago:
            offsets.append(offsets[-1] + 28)
        for number, offset in enumerate(offsets, start=1):
            given = first + timedelta(days=offset)
            if given > now:
                break
            given = given.astimezone(zone).replace(hour=19, minute=0, second=0, microsecond=0)
            Injection.objects.create(
                patient=patient,
                given_at=given,
                dose_number=number,
                site="thigh",
                logged_by=patient.user,
            )
            self.created += 1
