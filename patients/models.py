"""People: users and their roles, care teams, patient profiles, caregivers, injections."""

from __future__ import annotations

import copy
import secrets
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, cached_property
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone as dj_timezone
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.staff import is_clinic_staff
from diary_core.outbox import Channel, OutboxMessage, due_index
from patients import dosing
from patients.identifiers import national_label, national_system, validate_uri
from patients.timezones import DEFAULT_ZONE


def validate_timezone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


# Every date and time a person can type is bounded: 9999-12-31 in Pago Pago was stored as
# year 10000 and then broke the team's pages for good (Python stops at 9999).
CLINICAL_EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
CLINICAL_LATEST = datetime(2100, 1, 1, tzinfo=UTC)


def validate_clinical_time(value: datetime | None) -> None:
    if value is not None and not CLINICAL_EARLIEST <= value < CLINICAL_LATEST:
        raise ValidationError(_("Please give a date between the years 2000 and 2099."))


def clinical_time_constraint(field: str, name: str) -> models.CheckConstraint:
    """The same bound in the database, for writes that skip the forms."""
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": True})
        | Q(**{f"{field}__gte": CLINICAL_EARLIEST, f"{field}__lt": CLINICAL_LATEST}),
        name=name,
    )


# Reminders are never sent at night in the patient's zone (nothing clinical waits for this).
QUIET_START = time(21, 0)
QUIET_END = time(8, 0)


def in_quiet_hours(local: time) -> bool:
    return local >= QUIET_START or local < QUIET_END


class User(AbstractUser):
    """A person who logs in. The role follows from what is attached to the account."""

    # The language of this person's pages and of every e-mail sent to them
    # (accounts/languages.py). Blank until they choose, or until their first login, when the
    # login page's language (their browser's) is kept.
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)

    class Role(models.TextChoices):
        PATIENT = "patient", _("Patient")
        CLINICIAN = "clinician", _("Clinician")
        ADMINISTRATOR = "administrator", _("Administrator")
        CAREGIVER = "caregiver", _("Caregiver")
        NONE = "none", _("No role")

    @property
    def is_clinic_staff(self) -> bool:
        """An administrator or a member of a care team: watched sessions, a second factor,
        never a caregiver (accounts/staff.py, the one test of "staff"; `role` tells the two
        apart)."""
        return is_clinic_staff(self)

    @cached_property
    def role(self) -> str:
        """The user's role; staff wins, then clinician, patient, caregiver.

        Up to three queries, so it is worked out once per instance: `request.user` is one
        instance per request, and every reader on a page (the access check, the view, the
        navigation) shares the answer. A role changed during a request shows from the next
        request (every view that changes one redirects), or after `refresh_from_db()`.
        """
        if self.is_staff:
            return self.Role.ADMINISTRATOR
        if self.team_memberships.exists():
            return self.Role.CLINICIAN
        if hasattr(self, "patient"):
            return self.Role.PATIENT
        if self.caregiving.filter(active=True).exists():
            return self.Role.CAREGIVER
        return self.Role.NONE

    def refresh_from_db(self, *args, **kwargs) -> None:
        self.__dict__.pop("role", None)  # worked out again at the next read
        super().refresh_from_db(*args, **kwargs)

    def kept_diary(self) -> tuple[Patient, Caregiver | None] | None:
        """The patient whose diary this person keeps: their own, or as an active caregiver
        of an active patient; None for anyone else (the pages answer 404). The request's
        user brings their own patient row and team (patients.backends.DiaryBackend)."""
        if User.patient.related.is_cached(self):
            # A copy per call, as a read gave one: a form that changes its instance (an
            # invalid settings form) leaves the page's other readers the saved row.
            own = copy.copy(getattr(self, "patient", None))
        else:
            own = Patient.objects.select_related("team").filter(user=self).first()
        if own is not None:
            return own, None
        caregiver = (
            Caregiver.objects.select_related("patient__team", "patient__user")
            .filter(user=self, active=True, patient__user__is_active=True)
            .first()
        )
        return (caregiver.patient, caregiver) if caregiver is not None else None


class CareTeamQuerySet(models.QuerySet):
    def for_clinician(self, user: User) -> CareTeamQuerySet:
        """The teams a clinician belongs to: the one definition of clinician scoping. Every
        patient, alert, export and list a clinician sees is scoped through it."""
        return self.filter(memberships__user=user)


# The public emergency number of each country a team may be in (the prompt's "Call …").
EMERGENCY_NUMBERS = {
    "GB": "999",
    "IE": "112",
    "ES": "112",
    "DE": "112",
    "AT": "112",
    "CH": "112",
    "FR": "112",
    "IT": "112",
    "PT": "112",
    "NL": "112",
    "US": "911",
    "CA": "911",
    "MX": "911",
    "AR": "911",
    "CL": "131",
    "CO": "123",
}


def _column(code: str) -> str:
    return "out_of_hours_" + code.replace("-", "_")


class CareTeam(models.Model):
    """An MS team. Its phone numbers appear in every CONTACT and URGENT prompt."""

    class Country(models.TextChoices):
        GB = "GB", _("United Kingdom")
        IE = "IE", _("Ireland")
        ES = "ES", _("Spain")
        DE = "DE", _("Germany")
        AT = "AT", _("Austria")
        CH = "CH", _("Switzerland")
        FR = "FR", _("France")
        IT = "IT", _("Italy")
        PT = "PT", _("Portugal")
        NL = "NL", _("Netherlands")
        US = "US", _("United States")
        CA = "CA", _("Canada")
        MX = "MX", _("Mexico")
        AR = "AR", _("Argentina")
        CL = "CL", _("Chile")
        CO = "CO", _("Colombia")

    name = models.CharField(max_length=100, unique=True)
    phone = models.CharField(_("team phone (working hours)"), max_length=40)
    urgent_phone = models.CharField(_("urgent line"), max_length=40, blank=True)
    out_of_hours = models.CharField(
        _("out-of-hours route"),
        max_length=200,
        blank=True,
        help_text=_(
            "What a patient should do when the team is closed, in each language. Leave it "
            "empty for the country's usual words."
        ),
    )
    country = models.CharField(_("country"), max_length=2, choices=Country.choices, default="GB")
    emergency_number = models.CharField(
        _("emergency number"),
        max_length=10,
        blank=True,
        help_text=_("Leave empty for the country's public emergency number."),
    )
    timezone = models.CharField(max_length=64, default=DEFAULT_ZONE, validators=[validate_timezone])
    # How the hospital's systems name a patient: the exports file the numbers under these
    # (team/fhir.py). Without its own URI the hospital number is still typed as a medical
    # record number, under the diary's URI for this team.
    hospital_number_system = models.CharField(
        _("hospital number system (URI)"),
        max_length=200,
        blank=True,
        validators=[validate_uri],
        help_text=_(
            "The URI your hospital's records use for its record numbers, for example "
            "https://fhir.example-hospital.org/Id/mrn. Ask your electronic record team."
        ),
    )
    national_number_system = models.CharField(
        _("national number system (URI)"),
        max_length=200,
        blank=True,
        validators=[validate_uri],
        help_text=_("Leave empty for the country's published system, where it has one."),
    )
    working_day_start = models.TimeField(default=time(8, 0))
    working_day_end = models.TimeField(default=time(18, 0))
    # Escalation timers (care-team loop); stored per team so a clinic can tune them.
    urgent_escalation_minutes = models.PositiveIntegerField(default=15)
    contact_escalation_working_hours = models.PositiveIntegerField(default=4)
    digest_time = models.TimeField(_("WATCH digest time"), default=time(8, 0))
    members = models.ManyToManyField(User, through="CareTeamMembership", related_name="care_teams")
    # A clinical lead's sign-off of the rules this team's patients are assessed by (the set-up
    # checklist, team/setup_views.py): it stands until a rule changes after it.
    rules_signed_off_at = models.DateTimeField(null=True, blank=True, editable=False)
    rules_signed_off_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    # Told when nobody answers a page about an URGENT concern (alerts/care/oncall.py, the
    # last step); without one, the primary clinicians are told.
    lead = models.ForeignKey(
        User,
        verbose_name=_("team lead"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("A member of the team, told when nobody answers an on-call page."),
    )

    # out_of_hours has one column per language; history: patients/translation.py.
    objects = CareTeamQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        before = self._country_before()
        moved = before is not None and before != self.country
        # No number set, or the old country's number on a team that moved: the country's.
        if not self.emergency_number or (
            moved and self.emergency_number == EMERGENCY_NUMBERS[before]
        ):
            self.emergency_number = EMERGENCY_NUMBERS[self.country]
        if not self.national_number_system or (
            moved and self.national_number_system == national_system(before)
        ):
            self.national_number_system = national_system(self.country)
        # Out-of-hours words: none in English means the country's usual words in every
        # language; a team that moved gets its new country's where it had the old one's.
        # A clinic's own English words are kept, and shown to readers it has none for.
        usual = self._usual_words(self.country, self.emergency_number)
        old = self._usual_words(before, EMERGENCY_NUMBERS[before]) if moved else {}
        english = _column(settings.MODELTRANSLATION_DEFAULT_LANGUAGE)
        if not getattr(self, english, None) or (moved and getattr(self, english) == old[english]):
            for column, words in usual.items():
                current = getattr(self, column, None)
                if column == english or not current or current == old.get(column):
                    setattr(self, column, words)
        super().save(*args, **kwargs)

    @staticmethod
    def _usual_words(country: str, number: str) -> dict[str, str]:
        """The country's usual out-of-hours words, per language column."""
        words = {}
        for code in settings.MODELTRANSLATION_LANGUAGES:
            with translation.override(code):
                if country == "GB":
                    text = str(_("Call NHS 111, or 999 in an emergency"))
                else:
                    text = _("Call your out-of-hours doctor, or %(number)s in an emergency") % {
                        "number": number
                    }
            words[_column(code)] = text
        return words

    def _country_before(self) -> str | None:
        if self.pk is None:
            return None
        return type(self).objects.filter(pk=self.pk).values_list("country", flat=True).first()

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def clean(self) -> None:
        super().clean()
        if (
            self.lead_id is not None
            and self.pk is not None
            and not self.memberships.filter(user_id=self.lead_id, user__is_active=True).exists()
        ):
            raise ValidationError({"lead": _("Choose an active member of this team.")})


class CareTeamMembership(models.Model):
    class Role(models.TextChoices):
        PRIMARY = "primary", _("Primary")
        BACKUP = "backup", _("Backup")

    team = models.ForeignKey(CareTeam, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="team_memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.PRIMARY)

    class Meta:
        constraints = [
            # One membership per person and team; routing relies on it.
            models.UniqueConstraint(fields=["team", "user"], name="patients_membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.team} ({self.get_role_display()})"


REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def validate_phone(value: str) -> None:
    """A number a phone can dial: digits, spaces, dashes, brackets, one leading +."""
    digits = "".join(ch for ch in value if ch.isdigit())
    allowed = set("0123456789 -()")
    body = value[1:] if value.startswith("+") else value
    if not set(body) <= allowed or not 6 <= len(digits) <= 15:
        raise ValidationError(
            _("Enter a phone number with 6 to 15 digits, for example +44 20 7946 0000.")
        )


def phone_for_tel(value: str) -> str:
    """The number as a tel: link wants it: + and digits only."""
    return ("+" if value.strip().startswith("+") else "") + "".join(
        ch for ch in value if ch.isdigit()
    )


def new_reference() -> str:
    """A short, non-identifying reference used in e-mails and URLs (never the name).

    8 characters from 32: about 10^12 values. Patient.save() still retries on the rare
    collision, so enrolment never fails on it.
    """
    return "P-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


class PatientQuerySet(models.QuerySet):
    def for_clinician(self, user: User) -> PatientQuerySet:
        """The patients of the clinician's teams (CareTeam.objects.for_clinician)."""
        return self.filter(team__in=CareTeam.objects.for_clinician(user))

    def monitored(self, now: datetime) -> PatientQuerySet:
        """The patients the periodic jobs (daily reminders, the periodic rules) are for: an
        active account, not discharged, not paused at `now`. Entries of anyone are
        evaluated whatever this says."""
        return self.filter(user__is_active=True, discharged_at__isnull=True).exclude(
            paused_until__gt=now
        )


class Patient(models.Model):
    """A patient's profile: the inputs the rules read, preferences, team."""

    class Unit(models.TextChoices):
        CELSIUS = "C", "°C"
        FAHRENHEIT = "F", "°F"

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="patient")
    team = models.ForeignKey(CareTeam, on_delete=models.PROTECT, related_name="patients")
    reference = models.CharField(max_length=12, unique=True, default=new_reference, editable=False)
    timezone = models.CharField(max_length=64, default=DEFAULT_ZONE, validators=[validate_timezone])
    temperature_unit = models.CharField(max_length=1, choices=Unit.choices, default=Unit.CELSIUS)
    reminder_time = models.TimeField(_("daily reminder time"), default=time(9, 0))
    reminders_enabled = models.BooleanField(default=True)
    enrolled_at = models.DateTimeField(default=dj_timezone.now)
    first_dose_at = models.DateTimeField(null=True, blank=True, validators=[validate_clinical_time])
    # Elevated-risk reasons (clinical-rules.md A.0); any one makes the patient ER.
    er_immunosuppressant = models.BooleanField(
        _("other immunosuppressant or steroid course"), default=False
    )
    er_low_ig = models.BooleanField(_("IgG or IgM below normal"), default=False)
    er_recurrent_infection = models.BooleanField(_("chronic or recurrent infection"), default=False)
    er_cytopenia = models.BooleanField(_("neutropenia or lymphopenia"), default=False)
    hbv_risk = models.BooleanField(_("hepatitis B risk (HBsAg or HBcAb positive)"), default=False)
    # The same flags set by a laboratory result (§6): the result that holds each, kept by
    # alerts/care/labs.py. A flag is in force when the team ticked it or a result holds it;
    # a result never clears what the team ticked.
    lab_low_ig = models.ForeignKey(
        "patients.LabResult", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lab_cytopenia = models.ForeignKey(
        "patients.LabResult", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lab_hbv_risk = models.ForeignKey(
        "patients.LabResult", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Identity and contact for the care team (never shown on the patient's own pages).
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    hospital_number = models.CharField(
        _("hospital number"),
        max_length=20,
        blank=True,
        db_index=True,  # the team's search finds a patient by it
        help_text=_("The hospital's own record number (MRN / NHS number)."),
    )
    national_number = models.CharField(
        _("national health number"),
        max_length=20,
        blank=True,
        db_index=True,
        help_text=_("The NHS number in the United Kingdom; the country's own elsewhere."),
    )
    phone = models.CharField(
        _("phone number"),
        max_length=25,
        blank=True,
        validators=[validate_phone],
        help_text=_("The number the team calls. Digits, spaces and a leading + only."),
    )

    # Care settings (team/care_views.py, patients/care.py). A pause stops the reminders
    # and the periodic rules until `paused_until` (the local midnight the diary resumes);
    # the value stays once it has passed, so the missed-diary rules never count the days
    # of the pause. Entries made during a pause are evaluated as always.
    paused_until = models.DateTimeField(_("reminders paused until"), null=True, blank=True)
    pause_reason = models.CharField(_("reason for the pause"), max_length=200, blank=True)
    # Discharged: the end of care. The diary takes no more entries (nobody reads them).
    discharged_at = models.DateTimeField(_("discharged at"), null=True, blank=True)
    discharge_reason = models.CharField(_("reason for discharge"), max_length=200, blank=True)
    # Treatment (ofatumumab) stopped, and B cells recovered after it (§6, LAB-DUE):
    # immunoglobulins stay due every interval after stopping until recovery is recorded.
    treatment_stopped_on = models.DateField(_("treatment stopped on"), null=True, blank=True)
    b_cell_recovery_on = models.DateField(_("B-cell recovery recorded on"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["reminder_time"])
    objects = PatientQuerySet.as_manager()

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        constraints = [clinical_time_constraint("first_dose_at", "patients_first_dose_sane")]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding and "update_fields" not in kwargs:
            # The flags a result holds are written only by alerts/care/labs.py (under the
            # patient's lock). A page saving a copy loaded before a result was recorded
            # must not write the old ones back: take them from the row as it is now.
            held = (
                type(self)
                .objects.filter(pk=self.pk)
                .values(*(f"{field}_id" for field in self.LAB_FIELDS.values()))
                .first()
            )
            for name, value in (held or {}).items():
                setattr(self, name, value)
        if self._state.adding:
            for _ in range(5):
                try:
                    with transaction.atomic():
                        return super().save(*args, **kwargs)
                except IntegrityError as error:
                    if "reference" not in str(error):
                        raise
                    self.reference = new_reference()
        return super().save(*args, **kwargs)

    @property
    def national_number_label(self) -> str:
        """ "NHS number" for a team in the UK; the country's own name elsewhere."""
        return national_label(self.team.country)

    @property
    def display_name(self) -> str:
        return self.user.get_full_name() or self.user.username

    @property
    def age(self) -> int | None:
        """Age in whole years today (None without a date of birth)."""
        if self.date_of_birth is None:
            return None
        today = dj_timezone.localdate()
        born = self.date_of_birth
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))

    @property
    def tel(self) -> str:
        """The phone number for a tel: link ("" when there is none)."""
        return phone_for_tel(self.phone) if self.phone else ""

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def is_paused(self, *, now: datetime | None = None) -> bool:
        """Reminders and periodic rules paused by the team (ends by itself at paused_until)."""
        return self.paused_until is not None and self.paused_until > (now or dj_timezone.now())

    @property
    def is_discharged(self) -> bool:
        return self.discharged_at is not None

    @property
    def resumes_on(self) -> date | None:
        """The local day reminders start again (the pause covers the days before it)."""
        return self.local_day(self.paused_until) if self.paused_until else None

    # The ER reasons in the vocabulary of the rules and scenario files, and their fields.
    ER_FIELDS = {
        "immunosuppressant": "er_immunosuppressant",
        "low_ig": "er_low_ig",
        "recurrent_infection": "er_recurrent_infection",
        "cytopenia": "er_cytopenia",
    }

    # The flags a laboratory result can hold, and their fields (§6).
    LAB_FIELDS = {"low_ig": "lab_low_ig", "cytopenia": "lab_cytopenia", "hbv_risk": "lab_hbv_risk"}

    @property
    def elevated_risk(self) -> frozenset[str]:
        """The ER reasons in force (ticked by the team or held by a result), in the
        vocabulary of the rules and scenario files."""
        return self.hand_elevated_risk | (self.lab_flags - {"hbv_risk"})

    @property
    def hand_elevated_risk(self) -> frozenset[str]:
        """The ER reasons the team ticked."""
        return self.er_reasons(tuple(getattr(self, f) for f in self.ER_FIELDS.values()))

    @property
    def hand_flags(self) -> frozenset[str]:
        """Every flag the team ticked, hepatitis B risk included (never cleared by a result)."""
        return self.hand_elevated_risk | ({"hbv_risk"} if self.hbv_risk else frozenset())

    @property
    def lab_flags(self) -> frozenset[str]:
        """The flags a laboratory result holds (low_ig, cytopenia, hbv_risk)."""
        return frozenset(
            name for name, f in self.LAB_FIELDS.items() if getattr(self, f + "_id") is not None
        )

    @property
    def hbv_in_force(self) -> bool:
        """Hepatitis B risk: ticked by the team or held by a positive marker."""
        return self.hbv_risk or self.lab_hbv_risk_id is not None

    @property
    def risk_flags(self) -> list[str]:
        """Every risk flag in force, sorted (scenario output, §6)."""
        return sorted(self.elevated_risk | ({"hbv_risk"} if self.hbv_in_force else set()))

    @staticmethod
    @cache
    def er_reasons(flags: tuple[bool, ...]) -> frozenset[str]:
        """The ER reasons of the ER_FIELDS values `flags`, in their order (bulk reads)."""
        return frozenset(name for name, on in zip(Patient.ER_FIELDS, flags, strict=True) if on)

    def local_day(self, at: datetime) -> date:
        """Return the calendar day of `at` in the patient's time zone."""
        return at.astimezone(self.zone).date()

    def today(self, *, now: datetime | None = None) -> date:
        return self.local_day(now or dj_timezone.now())

    def injection_doses(self) -> list[tuple[datetime, int | None]]:
        return list(self.injections.order_by("given_at").values_list("given_at", "dose_number"))

    def dose_schedule(self, count: int = 6):
        """The next doses (number and local due date), a late dose moving the rest."""
        return dosing.schedule(
            self.injection_doses(), tz=self.zone, count=count, first_dose_at=self.first_dose_at
        )

    def next_dose_due(self):
        return dosing.next_due(
            self.injection_doses(), tz=self.zone, first_dose_at=self.first_dose_at
        )

    def missed_dose(self, *, now: datetime | None = None):
        """The dose not logged by the end of its due date + 1 day (INJ-MISSED), or None."""
        return dosing.missed_dose(
            self.injection_doses(),
            tz=self.zone,
            as_of=now or dj_timezone.now(),
            first_dose_at=self.first_dose_at,
        )

    def removed_injections(self, limit: int = 10):
        """Doses removed after logging (their deletion history rows: what, who, when),
        newest first; the team's page shows them next to the doses."""
        return (
            Injection.history.filter(patient_id=self.pk, history_type="-")
            .select_related("history_user")
            .order_by("-history_date")[:limit]
        )


class Caregiver(models.Model):
    """A person the care team has allowed to fill in the diary for a patient."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="caregivers")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="caregiving")
    relationship = models.CharField(max_length=60, blank=True)
    active = models.BooleanField(default=True)
    added_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(default=dj_timezone.now)
    # An existing account is asked first: the link is active only once its owner accepts.
    accepted_at = models.DateTimeField(null=True, blank=True)
    # Ended by the patient, or by the caregiver. The row stays (entries they made name it)
    # and is inactive; its history says who ended it and when.
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        constraints = [
            # Proxy-entry checks look a caregiver up by (patient, user).
            models.UniqueConstraint(fields=["patient", "user"], name="patients_caregiver_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.username} for {self.patient}"


class Injection(models.Model):
    class Site(models.TextChoices):
        THIGH = "thigh", _("Thigh")
        ABDOMEN = "abdomen", _("Tummy (abdomen)")
        UPPER_ARM = "upper_arm", _("Upper arm")

    class OffSchedule(models.TextChoices):
        EARLY = "early", _("Before the expected date")
        REPEAT = "repeat", _("A second dose on the same day")

    # The patient or caregiver may correct or remove a dose this long after logging it.
    CORRECTION_WINDOW = timedelta(days=1)

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="injections")
    given_at = models.DateTimeField(validators=[validate_clinical_time])
    dose_number = models.PositiveIntegerField(null=True, blank=True)
    site = models.CharField(max_length=12, choices=Site.choices, blank=True)
    logged_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The form's key: a double tap or a retried request logs one dose. Empty for doses
    # logged before it existed and for doses entered in the admin.
    client_key = models.UUIDField(null=True, blank=True, editable=False)
    # The patient confirmed a dose the schedule did not expect; the team was told.
    off_schedule = models.CharField(max_length=8, choices=OffSchedule.choices, blank=True)
    expected_on = models.DateField(_("date the schedule expected"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-given_at"]
        indexes = [
            # The evaluator loads a patient's injections by time (W24, schedule).
            models.Index(fields=["patient", "given_at"], name="patients_inj_patient_time"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(dose_number__isnull=True) | Q(dose_number__gte=1),
                name="patients_injection_dose_positive",
            ),
            clinical_time_constraint("given_at", "patients_injection_time_sane"),
            # injection_record relies on it: a repeated client key logs nothing new.
            models.UniqueConstraint(
                fields=["patient", "client_key"],
                name="patients_injection_client_key_unique",
                condition=Q(client_key__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient} dose {self.dose_number or '?'} at {self.given_at:%Y-%m-%d %H:%M}"

    def correctable_until(self) -> datetime:
        return self.created_at + self.CORRECTION_WINDOW

    def can_be_corrected(self, *, now: datetime | None = None) -> bool:
        """Whether the patient (or caregiver) may still change or remove it."""
        return (now or dj_timezone.now()) < self.correctable_until()


class PatientReminder(OutboxMessage):
    """A message to a patient: one per patient, kind, local day and channel (idempotent).

    It carries no health data: only that there is something in the diary, a link, and
    how to stop. Sent through the outbox (diary_core/outbox.py) by symptoms/reminders.py,
    on the channels the patient chose (reach.choices); one no longer needed is cancelled.
    """

    recipient_path = "patient__user"
    channel_path = "channel"

    class Kind(models.TextChoices):
        DAILY = "daily", _("Daily reminder")
        GAP = "gap", _("Missed days (DIARY-GAP-2)")
        # The team acknowledged the patient's concern ("your team has seen this").
        TEAM_SAW = "team_saw", _("Your team has seen what you sent")
        # The team marked the patient's "Ask the team to call me" done.
        CALL_BACK = "call_back", _("Your team's answer to your call-back request")
        # A dose not logged in time (INJ-MISSED); local_day is the dose's due day.
        DOSE = "dose", _("Missed injection")

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    local_day = models.DateField()
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)

    class Meta:
        constraints = [
            # The sweeps rely on it: a second run, or two beats, write nothing more.
            models.UniqueConstraint(
                fields=["patient", "kind", "local_day", "channel"],
                name="patients_reminder_once_per_channel",
            ),
        ]
        indexes = [
            # The outbox claims pending rows that are due.
            due_index("patients_reminder_due"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.patient} on {self.local_day}"


class AccountEmail(OutboxMessage):
    """An e-mail about an account: an invitation, a password reset, a security notice; or
    a notice to a clinician that a patient's dose needs a check (DOSE_CHECK).

    Written in the same transaction as what it is about (the outbox), then sent by a worker
    with retries; the beat sweep picks up any whose publish was lost. Links and tokens are
    made at sending time, so nothing secret waits in Redis, a log or a task argument.
    """

    class Kind(models.TextChoices):
        INVITE_PATIENT = "invite_patient", _("Invitation to the diary (patient)")
        INVITE_CAREGIVER = "invite_caregiver", _("Invitation to help with a diary (new account)")
        CAREGIVER_CONSENT = (
            "caregiver_consent",
            _("Request to help with a diary (existing account)"),
        )
        PASSWORD_RESET = "password_reset", _("Password reset")
        DEVICE_ADDED = "device_added", _("Notice: an authenticator app was added")
        CODES_REGENERATED = "codes_regenerated", _("Notice: new backup codes were made")
        DOSE_CHECK = "dose_check", _("Notice to the team: a dose outside the schedule")
        INVITE_STAFF = "invite_staff", _("Invitation to the care team's pages (staff)")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="account_emails")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # CAREGIVER_CONSENT: the link to accept.
    caregiver = models.ForeignKey(
        "Caregiver", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # DOSE_CHECK (to a clinician): the patient whose page to open.
    patient = models.ForeignKey(
        Patient, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The outbox claims pending rows that are due.
            due_index("patients_mail_due"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.user} ({self.status})"


class AccessLog(models.Model):
    """Who looked at or exported which patient's data, and when (reads are audited too):
    the team's pages and exports, the lists (triage, WATCH, patients) and the admin."""

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed the patient page")
        ALERT = "alert", _("Viewed an alert")
        EXPORT_CSV = "export_csv", _("Exported entries (CSV)")
        EXPORT_ALERTS_CSV = "export_alerts", _("Exported alerts and actions (CSV)")
        EXPORT_PDF = "export_pdf", _("Exported a summary (PDF)")
        EXPORT_PRINT = "export_print", _("Opened the printable summary")
        EXPORT_FHIR = "export_fhir", _("Exported a FHIR bundle")
        LIST = "list", _("Viewed a list of patients or alerts")
        ADMIN = "admin", _("Viewed clinical records in the admin")
        HISTORY = "history", _("Viewed a change history in the admin")
        CARE = "care", _("Changed care settings (quiet, pause, discharge)")
        INVITE = "invite", _("Sent the invitation again")
        LAB_IMPORT = "lab_import", _("Imported laboratory results")

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    # Empty for a list: what it showed is the route's (the page, not its query).
    patient = models.ForeignKey(
        Patient, on_delete=models.CASCADE, null=True, blank=True, related_name="access_log"
    )
    action = models.CharField(max_length=14, choices=Action.choices)
    route = models.CharField(max_length=100, blank=True)
    at = models.DateTimeField(default=dj_timezone.now)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        # django-axes lists its login records as "Access logs" too: two entries of the same
        # name in the admin. This one is who opened which patient's record.
        verbose_name = _("patient record access")
        verbose_name_plural = _("patient record accesses (who opened which record)")
        indexes = [models.Index(fields=["patient", "-at"], name="patients_access_patient_at")]

    def __str__(self) -> str:
        what = self.patient or self.route
        return f"{self.user} {self.action} {what} at {self.at:%Y-%m-%d %H:%M}"

    @classmethod
    def record(
        cls,
        user: User,
        patient: Patient | None,
        action: str,
        *,
        ip: str | None = None,
        route: str = "",
    ) -> AccessLog:
        """One access, from plain values: a page builds them from its request
        (`patients.audit.access_record`), so this layer knows nothing of HTTP."""
        return cls.objects.create(
            user=user, patient=patient, action=action, ip=ip or None, route=route[:100]
        )


class RefusedRequest(models.Model):
    """A signed-in user was refused a page (404 or 403): the audit trail for probing.

    "Missing" and "not yours" look the same to the user; here they are kept together too.
    Only the path is stored (ids and references, never the query string or a body).
    """

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=300)  # the first refused path of the minute
    route = models.CharField(max_length=100, blank=True)
    status = models.PositiveSmallIntegerField()
    at = models.DateTimeField(default=dj_timezone.now)
    ip = models.GenericIPAddressField(null=True, blank=True)
    # Refusals of one user on one route are rolled up per minute: a probe of 500 ids in
    # ten seconds is one row with count=500, not 500 rows.
    minute = models.DateTimeField(null=True, blank=True)
    count = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["user", "-at"], name="patients_refused_user_at")]
        constraints = [
            # RefusedRequestMiddleware adds to the minute's row (user, route, minute).
            models.UniqueConstraint(
                fields=["user", "route", "minute"], name="patients_refused_per_minute"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.method} {self.path} → {self.status}"


# Defined in its own module; Django finds the app's models here.
from patients.lab_models import LabImport as LabImport  # noqa: E402
from patients.lab_models import LabResult as LabResult  # noqa: E402
from patients.lab_models import LabTestCode as LabTestCode  # noqa: E402
from patients.session_models import UserSession as UserSession  # noqa: E402
