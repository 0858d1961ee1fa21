"""The rota page's forms: one row of the weekly pattern, one swap. Times are the team's
wall time (the view validates them with the team's zone active)."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alerts.models import RotaShift, RotaSwap
from patients.models import CareTeam, User

SWAP_AHEAD_DAYS = 365
LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


def team_people(team: CareTeam):
    """Whom the rota may name: the team's active members."""
    return User.objects.filter(team_memberships__team=team, is_active=True).order_by(
        "first_name", "last_name", "username"
    )


class _People:
    def _people(self, team: CareTeam) -> None:
        people = team_people(team)
        for name in ("on_call", "backup"):
            field = self.fields[name]
            field.queryset = people
            field.label_from_instance = lambda u: u.get_full_name() or u.get_username()


class ShiftForm(_People, forms.ModelForm):
    class Meta:
        model = RotaShift
        fields = ["weekday", "starts", "ends", "on_call", "backup"]
        widgets = {
            "starts": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "ends": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        help_texts = {
            "ends": _("An end at or before the start runs past midnight into the next day."),
        }

    def __init__(self, *args, team: CareTeam, **kwargs) -> None:
        kwargs.setdefault("auto_id", "shift-%s")
        super().__init__(*args, **kwargs)
        self.instance.team = team
        self.team = team
        self._people(team)
        self.fields["backup"].empty_label = _("No backup")
        self.fields["on_call"].empty_label = _("Choose a person")
        self.fields["weekday"].choices = [
            ("", _("Choose a day")),
            *RotaShift._meta.get_field("weekday").choices,
        ]

    def clean(self):
        data = super().clean()
        if (
            data.get("weekday") is not None
            and data.get("starts") is not None
            and RotaShift.objects.filter(
                team=self.team, weekday=data["weekday"], starts=data["starts"]
            ).exists()
        ):
            self.add_error(
                "starts", _("This day already has a row starting then: remove that one first.")
            )
        return data


class SwapForm(_People, forms.ModelForm):
    class Meta:
        model = RotaSwap
        fields = ["starts_at", "ends_at", "on_call", "backup"]
        field_classes = {"starts_at": forms.DateTimeField, "ends_at": forms.DateTimeField}
        widgets = {
            "starts_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "ends_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }

    def __init__(self, *args, team: CareTeam, now=None, **kwargs) -> None:
        kwargs.setdefault("auto_id", "swap-%s")
        super().__init__(*args, **kwargs)
        self.instance.team = team
        self.now = now or timezone.now()
        self._people(team)
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = LOCAL_FORMATS
        self.fields["on_call"].empty_label = _("Keep the usual person")
        self.fields["backup"].empty_label = _("Keep the usual backup")

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if ends is not None and ends <= self.now:
            self.add_error("ends_at", _("This time has passed: choose an end in the future."))
        if starts is not None and starts > self.now + timedelta(days=SWAP_AHEAD_DAYS):
            self.add_error(
                "starts_at",
                _("Choose a start within a year from now."),
            )
        return data
