"""The form of a patient's treatment stop and B-cell recovery (LAB-DUE, clinical-rules §6):
immunoglobulins stay due after stopping until the team records recovery."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from patients.models import Patient


class TreatmentStopForm(forms.ModelForm):
    class Meta:
        model = Patient
        fields = ["treatment_stopped_on", "b_cell_recovery_on"]
        labels = {
            "treatment_stopped_on": _("Treatment stopped on"),
            "b_cell_recovery_on": _("B-cell recovery recorded on"),
        }
        help_texts = {
            "treatment_stopped_on": _("Leave empty while the patient is on treatment."),
            "b_cell_recovery_on": _(
                "Immunoglobulins stay due every interval after stopping until this is recorded."
            ),
        }
        widgets = {
            "treatment_stopped_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "b_cell_recovery_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, today: date, **kwargs) -> None:
        # The patient page holds other forms: ids of its own.
        kwargs.setdefault("auto_id", "stop-%s")
        super().__init__(*args, **kwargs)
        self.today = today

    def _not_future(self, name: str) -> date | None:
        day = self.cleaned_data.get(name)
        if day is not None and day > self.today:
            raise forms.ValidationError(_("This date is in the future: give the day it happened."))
        return day

    def clean_treatment_stopped_on(self) -> date | None:
        return self._not_future("treatment_stopped_on")

    def clean_b_cell_recovery_on(self) -> date | None:
        return self._not_future("b_cell_recovery_on")

    def clean(self) -> dict:
        data = super().clean()
        stopped, recovery = data.get("treatment_stopped_on"), data.get("b_cell_recovery_on")
        if recovery is not None and "treatment_stopped_on" not in self.errors:
            if stopped is None:
                self.add_error(
                    "b_cell_recovery_on",
                    _("Give the day treatment stopped first: recovery is recorded after it."),
                )
            elif recovery < stopped:
                self.add_error(
                    "b_cell_recovery_on",
                    _("B-cell recovery cannot be before the day treatment stopped."),
                )
        return data
