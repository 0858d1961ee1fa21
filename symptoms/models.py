"""The symptom catalogue and what patients record: entries, readings, symptom reports."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from patients.models import (
    Caregiver,
    Patient,
    User,
    clinical_time_constraint,
    validate_clinical_time,
)
from symptoms.readings import to_celsius  # one conversion for storage, forms and rules

# The words for a symptom's grade, everywhere a grade is shown (the form, the result, the
# charts' legend, the history, the team's pages): never "2/4".
GRADE_LABELS = {
    0: _("None"),
    1: _("Mild"),
    2: _("Moderate"),
    3: _("Severe"),
    4: _("Very severe"),
}
# A grade said after a symptom's name ("Cough: moderate", "Cough (moderate)"): a phrase of
# its own, so that each language can make it agree ("Tos: moderado" was wrong; Spanish
# says "Tos: nivel moderado", which needs no gender per symptom).
GRADE_AFTER_NAME = {
    1: pgettext_lazy("a symptom's grade, after its name", "mild"),
    2: pgettext_lazy("a symptom's grade, after its name", "moderate"),
    3: pgettext_lazy("a symptom's grade, after its name", "severe"),
    4: pgettext_lazy("a symptom's grade, after its name", "very severe"),
}


class Symptom(models.Model):
    """One item of the catalogue. `code` is the stable id used by rules and exports."""

    class Kind(models.TextChoices):
        GRADED = "graded", _("Graded 0–4")
        FLAG = "flag", _("Present or absent")

    class DisplayGroup(models.TextChoices):
        GENERAL = "general", _("General")
        CHEST = "chest", _("Nose, throat and chest")
        URINARY = "urinary", _("Urinary")
        SKIN = "skin", _("Skin")
        INJECTION_SITE = "injection_site", _("Injection site")
        LIVER = "liver", _("Liver")
        NERVES = "nerves", _("Nerves, vision and speech")
        RED_FLAGS = "red_flags", _("Any of these right now?")

    code = models.SlugField(max_length=40, unique=True)
    label = models.CharField(max_length=200)
    help_text = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # Comma-separated rule groups from clinical-rules.md §1 (INF, LOC, IRR, NEURO).
    groups = models.CharField(max_length=60, blank=True)
    display_group = models.CharField(max_length=20, choices=DisplayGroup.choices)
    is_red_flag = models.BooleanField(default=False)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    # label and help_text have one column per language; history: symptoms/translation.py.

    class Meta:
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.label} ({self.code})"

    def grade_words(self, grade: int) -> str:
        """A grade of this symptom in words: "Moderate"; "Yes" for a yes-or-no symptom,
        "Yes (warning sign)" for a red flag. The one home of these words."""
        if self.is_red_flag:
            return str(_("Yes (warning sign)"))
        if self.kind == Symptom.Kind.FLAG:
            return str(_("Yes"))
        return str(GRADE_LABELS[min(grade, 4)])

    def grade_after_name(self, grade: int) -> str:
        """The grade as said after the symptom's name: "Cough: moderate" in English,
        "Tos: nivel moderado" in Spanish; "yes" for a yes-or-no symptom."""
        if self.is_red_flag or self.kind == Symptom.Kind.FLAG or grade <= 0:
            return self.grade_words(grade).lower()
        return str(GRADE_AFTER_NAME[min(grade, 4)])

    @property
    def group_list(self) -> list[str]:
        return [g for g in self.groups.split(",") if g]


class DiaryEntryQuerySet(models.QuerySet):
    def for_patient(self, patient: Patient) -> DiaryEntryQuerySet:
        return self.filter(patient=patient)

    def since(self, when) -> DiaryEntryQuerySet:
        return self.filter(recorded_at__gte=when)

    def pending(self) -> DiaryEntryQuerySet:
        return self.filter(evaluation_state=DiaryEntry.EvaluationState.PENDING)


class DiaryEntry(models.Model):
    """One submission from the today page. It is also the outbox row for its evaluation."""

    class ReportedBy(models.TextChoices):
        PATIENT = "patient", _("Patient")
        PROXY = "proxy", _("Caregiver")

    class EvaluationState(models.TextChoices):
        PENDING = "pending", _("Waiting for evaluation")
        EVALUATED = "evaluated", _("Evaluated")
        FAILED = "failed", _("Evaluation failed")

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="entries")
    recorded_at = models.DateTimeField(default=timezone.now, validators=[validate_clinical_time])
    local_day = models.DateField(help_text=_("Calendar day in the patient's time zone."))
    reported_by = models.CharField(
        max_length=10, choices=ReportedBy.choices, default=ReportedBy.PATIENT
    )
    caregiver = models.ForeignKey(
        Caregiver, on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    entered_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    feels_fine = models.BooleanField(default=False)
    note = models.TextField(blank=True, max_length=2000)
    antipyretic_6h = models.BooleanField(default=False)
    planned_vaccine = models.CharField(max_length=120, blank=True)
    planned_vaccine_live = models.BooleanField(default=False)
    # The patient said they have no thermometer (a symptom that needs a reading was saved
    # without one): the team sees it beside the entry.
    no_thermometer = models.BooleanField(default=False)
    heart_rate = models.PositiveSmallIntegerField(null=True, blank=True)
    heart_rate_confirmed = models.BooleanField(default=False)
    resp_rate = models.PositiveSmallIntegerField(null=True, blank=True)
    resp_rate_confirmed = models.BooleanField(default=False)
    spo2 = models.PositiveSmallIntegerField(null=True, blank=True)
    spo2_confirmed = models.BooleanField(default=False)
    systolic_bp = models.PositiveSmallIntegerField(null=True, blank=True)
    systolic_bp_confirmed = models.BooleanField(default=False)
    # A uuid the form carries, so a double tap or a retried POST creates one entry.
    client_key = models.UUIDField(default=uuid.uuid4)
    evaluation_state = models.CharField(
        max_length=10, choices=EvaluationState.choices, default=EvaluationState.PENDING
    )
    evaluation_attempts = models.PositiveSmallIntegerField(default=0)
    evaluated_at = models.DateTimeField(null=True, blank=True)
    # What a person saw when they opened the entry to change it: 1 when saved, one more at
    # each accepted change. A change made on an older copy is refused (entry_update).
    version = models.PositiveIntegerField(default=1, db_default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = DiaryEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_at"]
        verbose_name_plural = "diary entries"
        constraints = [
            # Idempotent submit: entry_record relies on it to absorb double submits.
            models.UniqueConstraint(
                fields=["patient", "client_key"], name="symptoms_entry_client_key_unique"
            ),
            # A proxy entry always names the caregiver (labelled everywhere).
            models.CheckConstraint(
                condition=Q(reported_by="patient") | Q(caregiver__isnull=False),
                name="symptoms_entry_proxy_has_caregiver",
            ),
            clinical_time_constraint("recorded_at", "symptoms_entry_time_sane"),
        ]
        indexes = [
            # History pages and the evaluator read a patient's entries by time.
            models.Index(fields=["patient", "recorded_at"], name="symptoms_entry_patient_time"),
            # The clinic report (team/report.py) reads one period's entries of many patients.
            models.Index(fields=["recorded_at"], name="symptoms_entry_time"),
            # The evaluation sweep scans pending entries only.
            models.Index(
                fields=["recorded_at"],
                name="symptoms_entry_pending",
                condition=Q(evaluation_state="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient} {self.recorded_at:%Y-%m-%d %H:%M}"


class EntryAmendment(models.Model):
    """A change to an entry after it was saved: what it said before and after, in words.

    The entry is re-evaluated after a change; an alert already raised stays (it can be
    resolved only by the team), and the nurse reads this beside it.
    """

    entry = models.ForeignKey(DiaryEntry, on_delete=models.CASCADE, related_name="amendments")
    amended_at = models.DateTimeField(default=timezone.now)
    amended_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    summary = models.TextField(max_length=2000)

    class Meta:
        ordering = ["amended_at"]

    def __str__(self) -> str:
        return f"{self.entry} amended {self.amended_at:%Y-%m-%d %H:%M}"


class TemperatureReading(models.Model):
    class Site(models.TextChoices):
        MOUTH = "mouth", _("Mouth")
        ARMPIT = "armpit", _("Armpit")
        EAR = "ear", _("Ear")

    entry = models.ForeignKey(DiaryEntry, on_delete=models.CASCADE, related_name="temperatures")
    value = models.DecimalField(max_digits=4, decimal_places=1)
    unit = models.CharField(max_length=1, choices=Patient.Unit.choices)
    site = models.CharField(max_length=10, choices=Site.choices, blank=True)
    confirmed = models.BooleanField(
        default=False, help_text=_("A re-measure asked for by an earlier prompt.")
    )
    value_c = models.DecimalField(max_digits=3, decimal_places=1, editable=False)
    measured_at = models.DateTimeField(default=timezone.now, validators=[validate_clinical_time])

    history = HistoricalRecords()

    class Meta:
        ordering = ["measured_at"]
        constraints = [
            # The form refuses anything outside 30.0–45.0 °C; the database agrees.
            models.CheckConstraint(
                condition=Q(value_c__gte=Decimal("30.0")) & Q(value_c__lte=Decimal("45.0")),
                name="symptoms_temperature_plausible",
            ),
            clinical_time_constraint("measured_at", "symptoms_temperature_time_sane"),
        ]

    def __str__(self) -> str:
        return f"{self.value} °{self.unit}"

    def save(self, *args, **kwargs) -> None:
        # value_c is derived, never typed: keep it in step with what was entered.
        self.value_c = to_celsius(self.value, self.unit)
        super().save(*args, **kwargs)


class SymptomReport(models.Model):
    """A symptom on an entry: grade 0–4 for graded symptoms, 1 (present) for flags."""

    entry = models.ForeignKey(DiaryEntry, on_delete=models.CASCADE, related_name="reports")
    symptom = models.ForeignKey(Symptom, on_delete=models.PROTECT, related_name="reports")
    grade = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(0), MaxValueValidator(4)]
    )

    history = HistoricalRecords()

    class Meta:
        constraints = [
            # One grade per symptom per entry; the evaluator builds a dict from them.
            models.UniqueConstraint(fields=["entry", "symptom"], name="symptoms_report_unique"),
            models.CheckConstraint(condition=Q(grade__lte=4), name="symptoms_report_grade_0_4"),
        ]

    def __str__(self) -> str:
        return f"{self.symptom.code}={self.grade}"

    @property
    def is_graded(self) -> bool:
        return self.symptom.kind == Symptom.Kind.GRADED and not self.symptom.is_red_flag

    @property
    def grade_words(self) -> str:
        """ "Moderate", "Yes" or "Yes (warning sign)": never "2/4"."""
        return self.symptom.grade_words(self.grade)

    @property
    def grade_after_name(self) -> str:
        """ "moderate" after "Cough: " (Symptom.grade_after_name)."""
        return self.symptom.grade_after_name(self.grade)
