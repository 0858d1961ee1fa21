from __future__ import annotations

from zoneinfo import available_timezones

from django import forms
from django.utils.translation import gettext_lazy as _

from patients.models import Patient

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
        from patients.reminders import QUIET_END, QUIET_START, in_quiet_hours

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
