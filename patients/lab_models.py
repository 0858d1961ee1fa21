"""A patient's laboratory results (docs/clinical-rules.md §6): recorded by the care team,
typed or imported, never by the patient. What they mean for the rules is decided in
alerts/care/labs.py; the tests themselves are defined in patients/lab_tests.py."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from patients.lab_tests import BY_LOINC, NEGATIVE, POSITIVE, LabTest


class LabTestCode(models.TextChoices):
    """The tests by LOINC code (patients/lab_tests.py); the labels are what the team reads."""

    IGG = "2465-3", _("IgG")
    IGM = "2472-9", _("IgM")
    IGA = "2458-8", _("IgA")
    HBSAG = "5196-1", _("HBsAg (hepatitis B surface antigen)")
    ANTI_HBC = "16933-4", _("Anti-HBc (hepatitis B core antibody, total)")
    NEUTROPHILS = "751-8", _("Neutrophils")
    LYMPHOCYTES = "731-0", _("Lymphocytes")


class LabResultQuerySet(models.QuerySet):
    def in_force(self) -> LabResultQuerySet:
        """Results that count (not withdrawn as entered in error)."""
        return self.filter(withdrawn_at__isnull=True)

    def newest_first(self) -> LabResultQuerySet:
        return self.order_by("-collected_on", "-recorded_at", "-pk")


class LabResult(models.Model):
    class Source(models.TextChoices):
        TEAM = "team", _("typed by the team")
        CSV = "csv", _("CSV import")
        FHIR = "fhir", _("FHIR import")

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="lab_results"
    )
    test = models.CharField(_("test"), max_length=10, choices=LabTestCode.choices)
    # A measured value, in the unit the laboratory reported (`unit`) ...
    value = models.DecimalField(_("value"), max_digits=9, decimal_places=3, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=12, blank=True)
    # ... or a presence result (HBsAg, anti-HBc).
    positive = models.BooleanField(_("positive"), null=True, blank=True)
    # The laboratory's reference range, in `unit`, when it gave one.
    reference_low = models.DecimalField(
        _("lower limit of normal"), max_digits=9, decimal_places=3, null=True, blank=True
    )
    reference_high = models.DecimalField(
        _("upper limit of normal"), max_digits=9, decimal_places=3, null=True, blank=True
    )
    collected_on = models.DateField(_("date collected"))
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.TEAM)
    # The import's own name for it (a FHIR Observation's id, a CSV file and row).
    source_ref = models.CharField(max_length=200, blank=True)
    # Entered in error: kept (history), no longer read by the rules or drawn.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()
    objects = LabResultQuerySet.as_manager()

    class Meta:
        ordering = ["-collected_on", "-recorded_at", "-pk"]
        indexes = [models.Index(fields=["patient", "test", "collected_on"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(value__isnull=False, positive__isnull=True) & ~Q(unit=""))
                | Q(value__isnull=True, positive__isnull=False, unit=""),
                name="patients_lab_value_or_presence",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.test_name} {self.shown} ({self.collected_on})"

    @property
    def definition(self) -> LabTest:
        return BY_LOINC[self.test]

    @property
    def test_name(self) -> str:
        return self.definition.name

    @property
    def shown(self) -> str:
        """The result as reported: "4.4 g/L", "positive"."""
        if self.value is None:
            return POSITIVE if self.positive else NEGATIVE
        return f"{self.value.normalize():f} {self.unit}"

    @property
    def value_in_test_unit(self) -> Decimal | None:
        if self.value is None:
            return None
        return self.definition.converted(self.value, self.unit)

    @property
    def lln_in_test_unit(self) -> Decimal | None:
        if self.reference_low is None:
            return None
        return self.definition.converted(self.reference_low, self.unit)


class LabImportQuerySet(models.QuerySet):
    def discard_stale(self, now) -> int:
        """Discard files checked but never imported within LabImport.KEEP_FOR (their text
        cleared: a file someone walked away from is not kept). Beat runs it hourly."""
        return self.filter(
            status=LabImport.Status.CHECKED, uploaded_at__lt=now - LabImport.KEEP_FOR
        ).update(status=LabImport.Status.DISCARDED, text="", finished_at=now)


class LabImport(models.Model):
    """A file of laboratory results uploaded for import (alerts/care/lab_import.py), kept
    between the check and the import so that nothing of it travels in a URL, a session or
    a cache. Only its uploader ever reads it; the text is cleared once it is imported or
    discarded (the results themselves are the record)."""

    class Format(models.TextChoices):
        CSV = "csv", _("CSV")
        FHIR = "fhir", _("FHIR bundle")

    class Status(models.TextChoices):
        CHECKED = "checked", _("checked, not imported")
        IMPORTED = "imported", _("imported")
        DISCARDED = "discarded", _("discarded")

    KEEP_FOR = timedelta(hours=24)

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    format = models.CharField(max_length=4, choices=Format.choices)
    text = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CHECKED)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The results it recorded (their ids), for the page that says what was imported.
    recorded = models.JSONField(default=list, blank=True)
    # The rows it refused and why ({"row", "ref", "reason"}), shown after the import.
    refused = models.JSONField(default=list, blank=True)

    objects = LabImportQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"lab import {self.pk} ({self.get_status_display()})"
