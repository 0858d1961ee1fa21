"""The care team's forms: enrolment, risk flags, caregivers, and the actions on an alert."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.utils import timezone as dj_timezone
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from alerts.care.lab_import import FHIR, ImportFileError, detect_format, file_text
from alerts.models import ResolutionAction
from diary_core.fields import LocalDateTimeField, wall_time
from patients.identifiers import (
    NATIONAL_NUMBER_LABEL,
    national_label,
    validate_national_number,
)
from patients.models import Patient, User, validate_phone
from patients.timezones import DEFAULT_ZONE, ZoneChoiceField, offered


class IdentityFields(forms.Form):
    """Who the patient is and how to reach them: at enrolment and on "Edit details"."""

    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        required=False,
        input_formats=["%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d"],
        # Shown the reader's way (31/12/1960; 31.12.1960 in German); any of these is read.
        widget=forms.DateInput(),
        help_text=_("For example 31/12/1960."),
    )
    hospital_number = forms.CharField(label=_("Hospital number"), max_length=20, required=False)
    national_number = forms.CharField(label=NATIONAL_NUMBER_LABEL, max_length=30, required=False)
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=25,
        required=False,
        validators=[validate_phone],
        help_text=_("The number the team calls, e.g. +44 7700 900123."),
    )

    def clean_date_of_birth(self):
        """A date of birth a person can have: not in the future, not over 120 years ago."""
        value = self.cleaned_data.get("date_of_birth")
        today = dj_timezone.localdate()
        if value is not None and not today.replace(year=today.year - 120) <= value <= today:
            raise forms.ValidationError(
                _("Check the date of birth: it is in the future or too long ago.")
            )
        return value

    def country(self) -> str | None:
        """The country whose national number this is (the patient's team's)."""
        raise NotImplementedError

    def clean(self):
        cleaned = super().clean()
        typed = (cleaned.get("national_number") or "").strip()
        country = self.country()
        if typed and country is not None:
            try:
                cleaned["national_number"] = validate_national_number(typed, country)
            except forms.ValidationError as error:
                self.add_error("national_number", error)
        return cleaned

    def name_national_number(self, country: str) -> None:
        """Call the field what the country calls it: "NHS number" for a team in the UK."""
        self.fields["national_number"].label = national_label(country)


class EnrolForm(IdentityFields):
    field_order = [
        "first_name",
        "last_name",
        "email",
        "language",
        "date_of_birth",
        "hospital_number",
        "national_number",
        "phone",
    ]

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail (the invitation goes here)"), max_length=254)
    language = forms.ChoiceField(
        label=_("Language"),
        choices=settings.LANGUAGES,
        help_text=_(
            "The invitation, reminders and the diary's pages are in this language. The "
            "patient can change it later in their settings."
        ),
    )
    team = forms.ModelChoiceField(label=_("Care team"), queryset=None)
    timezone = forms.ChoiceField(label=_("Time zone"))  # its choices: ZoneChoiceField
    temperature_unit = forms.ChoiceField(
        label=_("Temperature unit"),
        choices=Patient.Unit.choices,
        initial="C",
        widget=forms.RadioSelect,
    )
    first_dose_at = LocalDateTimeField(
        label=_("First dose (date and time)"), required=False, also_accept=("%Y-%m-%d",)
    )
    er_immunosuppressant = forms.BooleanField(
        label=_("Other immunosuppressant or steroid course"), required=False
    )
    er_low_ig = forms.BooleanField(label=_("IgG or IgM below normal"), required=False)
    er_recurrent_infection = forms.BooleanField(
        label=_("Chronic or recurrent infection"), required=False
    )
    er_cytopenia = forms.BooleanField(label=_("Neutropenia or lymphopenia"), required=False)
    hbv_risk = forms.BooleanField(
        label=_("Hepatitis B risk (HBsAg or HBcAb positive)"), required=False
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        if len(teams) == 1:
            self.fields["team"].initial = teams[0]
            self.name_national_number(teams[0].country)
        self.fields["language"].initial = translation.get_language()
        self.fields["timezone"] = ZoneChoiceField()

    def country(self) -> str | None:
        team = self.cleaned_data.get("team")
        return team.country if team is not None else None

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email, patient__isnull=False).exists():
            raise forms.ValidationError(_("A patient with this e-mail is already enrolled."))
        return email

    def clean_first_dose_at(self):
        # A wall-clock time in the patient's zone (the field gives it naive).
        value = self.cleaned_data.get("first_dose_at")
        name = self.data.get("timezone") or DEFAULT_ZONE
        # A zone not offered is the timezone field's own error; read the time in the page's.
        zone = ZoneInfo(name) if name in offered() else dj_timezone.get_current_timezone()
        if value is not None:
            value = wall_time(value, zone)
        now = dj_timezone.now()
        if value is not None and not now - timedelta(days=730) <= value <= now + timedelta(
            days=365
        ):
            raise forms.ValidationError(
                _("The first dose must be within the next year (or the last two years).")
            )
        return value


class IdentityForm(IdentityFields):
    """Who the patient is and how to reach them: the team edits it, with history
    (patients.enrolment.patient_identity_update)."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)

    field_order = ["first_name", "last_name"]

    def __init__(self, *args, patient: Patient, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "first_name": patient.user.first_name,
                "last_name": patient.user.last_name,
                "date_of_birth": patient.date_of_birth,
                "hospital_number": patient.hospital_number,
                "national_number": patient.national_number,
                "phone": patient.phone,
            },
        )
        super().__init__(*args, **kwargs)
        self.patient = patient
        self.name_national_number(patient.team.country)

    def country(self) -> str | None:
        return self.patient.team.country


class RiskFlagsForm(forms.ModelForm):
    class Meta:
        model = Patient
        fields = [
            "er_immunosuppressant",
            "er_low_ig",
            "er_recurrent_infection",
            "er_cytopenia",
            "hbv_risk",
        ]


class CaregiverForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    relationship = forms.CharField(label=_("Relationship"), max_length=60, required=False)


class ResolveForm(forms.Form):
    """What the team did. Nothing is chosen for the nurse; an URGENT alert needs a note."""

    action = forms.ChoiceField(
        label=_("Action taken"),
        choices=[("", "—"), *ResolutionAction.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={
            "required": _("Choose the action you took."),
            "invalid_choice": _("Choose the action you took."),
        },
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )

    def __init__(self, *args, urgent: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.urgent = urgent
        if urgent:
            self.fields["note"].label = _("Note (needed for an URGENT alert)")
            self.fields["note"].widget.attrs["required"] = "required"

    def clean_note(self) -> str:
        note = self.cleaned_data["note"].strip()
        if self.urgent and not note:
            raise forms.ValidationError(
                _("Say what was done for this URGENT alert: who you spoke to and the advice.")
            )
        return note


class AssignForm(forms.Form):
    to = forms.ModelChoiceField(
        label=_("Pass to"),
        queryset=User.objects.none(),
        empty_label="—",
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
        error_messages={"required": _("Choose the colleague to pass this patient to.")},
    )

    def __init__(self, *args, colleagues, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = colleagues
        self.fields["to"].label_from_instance = lambda u: u.get_full_name() or u.username


class SnoozeForm(forms.Form):
    hours = forms.TypedChoiceField(
        label=_("Snooze reminders for"),
        coerce=int,
        choices=[(1, _("1 hour")), (4, _("4 hours")), (24, _("24 hours"))],
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class LabImportForm(forms.Form):
    """A file of laboratory results: CSV, or a FHIR R4 Bundle (JSON). Read here, checked by
    alerts.care.lab_import; nothing of it is kept unless it can be read."""

    MAX_BYTES = 2 * 1024 * 1024
    SUFFIXES = {".csv": "csv", ".txt": "csv", ".json": "fhir"}

    file = forms.FileField(
        label=_("File of results"),
        help_text=_("A CSV file, or a FHIR R4 Bundle of Observations (.json); at most 2 MB."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name or "").suffix.lower()
        if suffix not in self.SUFFIXES:
            raise forms.ValidationError(
                _(
                    "This is a “%(suffix)s” file. Upload a CSV file (.csv) or a FHIR bundle "
                    "(.json); a spreadsheet must be saved as CSV first."
                ),
                params={"suffix": suffix or _("no extension")},
            )
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(
                _("This file is %(size)s MB; the limit is 2 MB. Split it into smaller files."),
                params={"size": f"{upload.size / 1024 / 1024:.1f}"},
            )
        try:
            self.text = file_text(upload.read())
        except ImportFileError as error:
            raise forms.ValidationError(str(error)) from None
        if not self.text.strip():
            raise forms.ValidationError(_("The file is empty."))
        self.format = FHIR if suffix == ".json" else detect_format(self.text)
        return upload
