from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo, available_timezones

from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext_lazy as _

from patients.mail import account_email_queue
from patients.models import (
    QUIET_END,
    QUIET_START,
    AccountEmail,
    Injection,
    Patient,
    User,
    in_quiet_hours,
)

COMMON_ZONES = [
    "Europe/London", "Europe/Dublin", "Europe/Paris", "Europe/Berlin", "Europe/Madrid",
    "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
    "Australia/Sydney",
]  # fmt: skip


class SettingsForm(forms.ModelForm):
    timezone = forms.ChoiceField(label=_("Your time zone"))

    class Meta:
        model = Patient
        fields = ["temperature_unit", "timezone", "reminders_enabled", "reminder_time"]
        labels = {
            "temperature_unit": _("Temperature unit"),
            "reminders_enabled": _("Send me a daily reminder if I have not filled in my diary"),
            "reminder_time": _("Reminder time"),
        }
        widgets = {
            "temperature_unit": forms.RadioSelect,
            "reminder_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def clean_reminder_time(self):
        value = self.cleaned_data["reminder_time"]
        if value is not None and in_quiet_hours(value):
            raise forms.ValidationError(
                _("Please choose a time between %(start)s and %(end)s; we do not send "
                  "reminders at night.") % {"start": QUIET_END.strftime("%H:%M"),
                                           "end": QUIET_START.strftime("%H:%M")}
            )  # fmt: skip
        return value

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        others = sorted(available_timezones() - set(COMMON_ZONES))
        self.fields["timezone"].choices = [
            (_("Common"), [(z, z.replace("_", " ")) for z in COMMON_ZONES]),
            (_("All time zones"), [(z, z.replace("_", " ")) for z in others]),
        ]


class EnrolForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail (the invitation goes here)"), max_length=254)
    team = forms.ModelChoiceField(label=_("Care team"), queryset=None)
    timezone = forms.ChoiceField(label=_("Time zone"))
    temperature_unit = forms.ChoiceField(
        label=_("Temperature unit"), choices=Patient.Unit.choices, initial="C",
        widget=forms.RadioSelect,
    )  # fmt: skip
    first_dose_at = forms.DateTimeField(
        label=_("First dose (date and time)"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )  # fmt: skip
    er_immunosuppressant = forms.BooleanField(
        label=_("Other immunosuppressant or steroid course"), required=False
    )
    er_low_ig = forms.BooleanField(label=_("IgG or IgM below normal"), required=False)
    er_recurrent_infection = forms.BooleanField(
        label=_("Chronic or recurrent infection"), required=False
    )
    er_cytopenia = forms.BooleanField(label=_("Neutropenia or lymphopenia"), required=False)
    hbv_risk = forms.BooleanField(label=_("Hepatitis B risk (HBsAg or HBcAb positive)"),
                                  required=False)  # fmt: skip

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        if teams.count() == 1:
            self.fields["team"].initial = teams.first()
        others = sorted(available_timezones() - set(COMMON_ZONES))
        self.fields["timezone"].choices = [
            (_("Common"), [(z, z.replace("_", " ")) for z in COMMON_ZONES]),
            (_("All time zones"), [(z, z.replace("_", " ")) for z in others]),
        ]
        self.fields["timezone"].initial = "Europe/London"

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email, patient__isnull=False).exists():
            raise forms.ValidationError(_("A patient with this e-mail is already enrolled."))
        return email

    def clean_first_dose_at(self):
        # Django read the wall-clock time in the clinician's zone; it is the patient's.
        value = self.cleaned_data.get("first_dose_at")
        zone = self.data.get("timezone") or "Europe/London"
        if value is not None and zone in available_timezones():
            if dj_timezone.is_aware(value):
                value = dj_timezone.make_naive(value)
            value = value.replace(tzinfo=ZoneInfo(zone))
        now = dj_timezone.now()
        if value is not None and not now - timedelta(days=730) <= value <= now + timedelta(
            days=365
        ):
            raise forms.ValidationError(
                _("The first dose must be within the next year (or the last two years).")
            )
        return value


class RiskFlagsForm(forms.ModelForm):
    class Meta:
        model = Patient
        fields = ["er_immunosuppressant", "er_low_ig", "er_recurrent_infection", "er_cytopenia",
                  "hbv_risk"]  # fmt: skip


class CaregiverForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    relationship = forms.CharField(label=_("Relationship"), max_length=60, required=False)


class AccountPasswordResetForm(PasswordResetForm):
    """ "Forgotten your password?": for every active account with that address, including an
    invited one that never chose a password (Django's own form skips those). The e-mail goes
    through the account-mail outbox, with its link made when it is sent."""

    email = forms.EmailField(label=_("E-mail"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))  # fmt: skip

    def get_users(self, email):
        return User.objects.filter(email__iexact=email.strip(), is_active=True)

    def save(self, **kwargs) -> None:
        for user in self.get_users(self.cleaned_data["email"]):
            account_email_queue(user, AccountEmail.Kind.PASSWORD_RESET)


class InjectionForm(forms.Form):
    given_at = forms.DateTimeField(
        label=_("When did you inject?"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    site = forms.ChoiceField(
        label=_("Where?"), choices=Injection.Site.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, zone, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.now = now or dj_timezone.now()

    def clean_given_at(self):
        value = self.cleaned_data["given_at"]
        if dj_timezone.is_naive(value):
            value = value.replace(tzinfo=self.zone)
        if value > self.now + timedelta(minutes=5):
            raise forms.ValidationError(_("This time is in the future. Please check it."))
        if value < self.now - timedelta(days=365):
            raise forms.ValidationError(_("Please enter an injection from the last year."))
        return value
