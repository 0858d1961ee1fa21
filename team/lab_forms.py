"""The forms of a patient's blood results on the team's patient page (team/lab_views.py):
record a result, and confirm that a hepatitis B risk set by a result no longer applies.

Every field is typed and bounded; a bad value gets a message next to its field and the
page comes back with everything that was typed (docs/clinical-rules.md §6)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from alerts.care.labs import HBV_NOTE_LIMIT, LabData
from diary_core.fields import TypedDecimalField
from patients.lab_models import LabTestCode
from patients.lab_tests import BY_LOINC, NEGATIVE, POSITIVE, TESTS, LabTest
from symptoms.readings import local_number

# The earliest date a result may be collected on: older is a slip of the keyboard.
EARLIEST = date(2000, 1, 1)
# Every unit a test is measured in, in the tests' order ("g/L", "mg/dL", "10^9/L").
UNITS = list(dict.fromkeys(unit for test in TESTS for unit in test.units))
UNIT_WORDS = {"10^9/L": "×10⁹/L"}
# What the model keeps: 9 digits, 3 of them after the point (patients/lab_models.py).
DIGITS, PLACES = 9, 3
NUMBER_ERRORS = {
    "invalid": _("Type a number, for example 4.4."),
    "max_decimal_places": _("Give at most 3 decimal places."),
    "max_digits": _("That number is too long: check it."),
    "max_whole_digits": _("That number is too long: check it."),
    "min_value": _("A result cannot be below zero."),
}


def unit_words(unit: str) -> str:
    return UNIT_WORDS.get(unit, unit)


def _number(label) -> TypedDecimalField:
    return TypedDecimalField(
        label=label,
        required=False,
        max_digits=DIGITS,
        decimal_places=PLACES,
        min_value=Decimal(0),
        error_messages=NUMBER_ERRORS,
        # Text, not number: a number input drops "4,4" in most browsers' English locales.
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


class LabResultForm(forms.Form):
    """One result as the team types it from a laboratory report."""

    test = forms.ChoiceField(
        label=_("Test"),
        choices=[("", _("Choose a test")), *LabTestCode.choices],
        error_messages={
            "required": _("Choose the test."),
            "invalid_choice": _("Choose the test from the list."),
        },
    )
    value = _number(_("Value"))
    unit = forms.ChoiceField(
        label=_("Unit"),
        required=False,
        choices=[("", "—"), *((u, unit_words(u)) for u in UNITS)],
        error_messages={"invalid_choice": _("Choose the unit from the list.")},
    )
    positive = forms.ChoiceField(
        label=_("Result"),
        required=False,
        choices=[(POSITIVE, _("Positive")), (NEGATIVE, _("Negative"))],
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose positive or negative.")},
    )
    collected_on = forms.DateField(
        label=_("Date collected"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Give the date the sample was collected."),
            "invalid": _("Type the date as 31/12/2026."),
        },
    )
    reference_low = _number(_("Lower limit"))
    reference_high = _number(_("Upper limit"))

    def __init__(self, *args, today: date, **kwargs) -> None:
        kwargs.setdefault("auto_id", "lab-%s")
        super().__init__(*args, **kwargs)
        self.today = today  # the patient's, in their time zone
        self.fields["collected_on"].widget.attrs.update(
            min=EARLIEST.isoformat(), max=today.isoformat()
        )
        # The units of each test, for the page's script to offer only those.
        self.units_of = {t.loinc: list(t.units) for t in TESTS}

    @property
    def definition(self) -> LabTest | None:
        return BY_LOINC.get(self.cleaned_data.get("test") or "")

    def clean_collected_on(self) -> date:
        day = self.cleaned_data["collected_on"]
        if day > self.today:
            raise forms.ValidationError(
                _("This date is in the future (in the patient's time zone). Please check it.")
            )
        if day < EARLIEST:
            raise forms.ValidationError(_("Give a date from 1 January 2000 on."))
        return day

    def clean(self):
        cleaned = super().clean()
        test = self.definition
        if test is None:
            return cleaned
        if test.quantitative:
            self._clean_quantity(test, cleaned)
        else:
            self._clean_presence(test, cleaned)
        return cleaned

    def _clean_quantity(self, test: LabTest, cleaned: dict) -> None:
        name = test.name
        accepted = " / ".join(unit_words(u) for u in test.units)
        if cleaned.get("positive"):
            self.add_error(
                "positive",
                _("%(test)s is a measured value: leave positive or negative empty.")
                % {"test": name},
            )
        unit = cleaned.get("unit") or ""
        if not unit:
            if "unit" not in self.errors:
                self.add_error("unit", _("Choose the unit (%(units)s).") % {"units": accepted})
        elif unit not in test.units:
            self.add_error(
                "unit",
                _("%(test)s is measured in %(units)s.") % {"test": name, "units": accepted},
            )
            unit = ""
        value = cleaned.get("value")
        if value is None and "value" not in self.errors:
            self.add_error("value", _("Type the value of %(test)s.") % {"test": name})
        if unit:
            for field in ("value", "reference_low", "reference_high"):
                self._bounded(test, field, cleaned.get(field), unit)
        low, high = cleaned.get("reference_low"), cleaned.get("reference_high")
        if (
            low is not None
            and high is not None
            and not low < high
            and not self.has_error("reference_high")
        ):
            self.add_error(
                "reference_high",
                _("The upper limit must be above the lower limit (%(low)s).")
                % {"low": local_number(low)},
            )

    def _bounded(self, test: LabTest, field: str, value: Decimal | None, unit: str) -> None:
        """A value a laboratory can report: inside the test's bounds, in its unit."""
        if value is None or self.has_error(field):
            return
        if field == "reference_low" and value == 0:
            # A lower limit of 0 would make no result low: the clinic's default is meant.
            self.add_error(
                field, _("A lower limit of normal is above zero; leave it empty for the clinic's.")
            )
            return
        if test.low <= test.converted(value, unit) <= test.high:
            return
        factor = test.units[unit]
        self.add_error(
            field,
            _(
                "%(test)s is between %(low)s and %(high)s %(unit)s in any laboratory report: "
                "check the value and the unit."
            )
            % {
                "test": test.name,
                "low": local_number((test.low / factor).normalize()),
                "high": local_number((test.high / factor).normalize()),
                "unit": unit_words(unit),
            },
        )

    def _clean_presence(self, test: LabTest, cleaned: dict) -> None:
        name = test.name
        if not cleaned.get("positive") and "positive" not in self.errors:
            self.add_error("positive", _("Choose positive or negative."))
        for field in ("value", "unit", "reference_low", "reference_high"):
            if cleaned.get(field) not in (None, "") and not self.has_error(field):
                self.add_error(
                    field,
                    _("%(test)s is positive or negative: leave this empty.") % {"test": name},
                )

    def lab_data(self) -> LabData:
        """The checked result for alerts.care.labs.lab_result_record."""
        test = self.definition
        data = self.cleaned_data
        if test.quantitative:
            return LabData(
                test=test,
                collected_on=data["collected_on"],
                value=data["value"],
                unit=data["unit"],
                reference_low=data.get("reference_low"),
                reference_high=data.get("reference_high"),
            )
        return LabData(
            test=test, collected_on=data["collected_on"], positive=data["positive"] == POSITIVE
        )


# hbv_risk_clear keeps the note in the patient's history as its change reason: a note
# longer than it holds is refused here rather than cut there.
NOTE_LIMIT = HBV_NOTE_LIMIT


class HbvClearForm(forms.Form):
    """A clinician confirms the hepatitis B risk a positive marker set no longer applies."""

    note = forms.CharField(
        label=_("Why it no longer applies (kept in the patient's history with your name)"),
        max_length=NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": _(
                "Say why the hepatitis B risk no longer applies: for example the liver "
                "specialist's advice."
            ),
            "max_length": _(
                "The note is %(show_value)d characters long; keep it to %(limit_value)d."
            ),
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "hbv-%s")
        super().__init__(*args, **kwargs)

    def clean_note(self) -> str:
        note = self.cleaned_data["note"].strip()
        if not note:
            raise forms.ValidationError(self.fields["note"].error_messages["required"])
        return note
