"""The today form: temperature, graded symptoms, red flags, vitals — built from the catalogue.

Bad input gets a message next to the field and everything typed is kept (a bound form
re-renders with the POST data).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from diary_core.fields import LocalDateTimeField, TypedDecimalField, past_wall_time
from symptoms.models import GRADE_LABELS, DiaryEntry, Symptom
from symptoms.readings import (
    TEMPERATURE_LIMITS,
    TENTH,
    VITAL_LIMITS,
    local_number,
    not_recordable,
    other_unit_fits,
    temperature_problem,
    to_celsius,
)

GRADE_CHOICES = list(GRADE_LABELS.items())
# Readings outside symptoms.validation's limits are refused; outside this plausible band
# the patient is asked "is this right?".
CHECK_ABOVE_C = Decimal("41.0")
CHECK_BELOW_C = Decimal("35.0")
VITAL_LABELS = {
    "heart_rate": _("Heart rate (beats a minute)"),
    "resp_rate": _("Breathing rate (breaths a minute)"),
    "spo2": _("Oxygen level (SpO2, %)"),
    "systolic_bp": _("Blood pressure, top number (mmHg)"),
}
MAX_BACKDATE = timedelta(days=7)
NOTE_LIMIT = DiaryEntry._meta.get_field("note").max_length  # one home: the model
SYMPTOM_PREFIX = "s_"


# Said by the form here and, offline, by the script before it keeps an entry on the phone
# (offline_checks): the same words either way.
NOTHING_TO_SAVE = _(
    "There is nothing to save yet. Type a temperature or choose a symptom below — or press "
    "“%(button)s”."
)
NEEDS_TEMPERATURE = _(
    "You reported: %(symptoms)s. Please take your temperature and type it here: it changes "
    "what you should do. If you have no thermometer, tick “I have no thermometer” and save."
)
OTHER_UNIT = _(
    "As °%(other)s it would be a body temperature: if you measured in °%(other)s, press "
    "“Save as %(value)s °%(other)s”."
)
VACCINE_UNNAMED = _("Please say which vaccine you plan to have.")
UNUSUAL = _("%(reading)s is very unusual. Please check it: see the question above.")

# Infection symptoms (the rules' INF group) change what to do with the temperature beside
# them, so the form asks for one (docs/clinical-safety.md, decision 36).
NEEDS_TEMPERATURE_GROUP = "INF"


class EntryForm(forms.Form):
    """One diary entry. Symptom fields are named s_<code> and added from the catalogue."""

    client_key = forms.UUIDField(widget=forms.HiddenInput)
    # On the change page: the entry's version when it was opened (DiaryEntry.version).
    version = forms.CharField(required=False, widget=forms.HiddenInput)
    temperature = TypedDecimalField(
        label=_("Temperature"),
        required=False,
        # Text, not number: a number input drops "38,6" in most browsers' English locales.
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    no_thermometer = forms.BooleanField(label=_("I have no thermometer"), required=False)
    unit = forms.ChoiceField(
        label=_("Unit"), choices=[("C", "°C"), ("F", "°F")], widget=forms.RadioSelect
    )
    site = forms.ChoiceField(
        label=_("Where did you measure?"),
        required=False,
        choices=[
            ("", _("Not sure")),
            ("mouth", _("Mouth")),
            ("armpit", _("Armpit")),
            ("ear", _("Ear")),
        ],
    )
    confirmed = forms.BooleanField(label=_("This is a re-measure"), required=False)
    # "Yes, this reading is right" (the button's value): the reading it answers for
    # ("41.5C", unusual_key), so that a changed number is asked about again. It saves the
    # reading as confirmed.
    confirm_unusual = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    # A reading already answered for (an entry being changed, or a page asking another
    # question): not asked about again, and its re-measure box stays the patient's to untick.
    answered_unusual = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    # "I feel fine — save" was pressed on a page that came back with a question: kept.
    fine_chosen = forms.BooleanField(required=False, widget=forms.HiddenInput)
    measured_at = LocalDateTimeField(label=_("When (leave empty for now)"), required=False)
    antipyretic_6h = forms.BooleanField(
        label=_("I took paracetamol or ibuprofen in the last 6 hours"), required=False
    )
    planned_vaccine = forms.CharField(
        label=_("Vaccine you plan to have"), required=False, max_length=120
    )
    planned_vaccine_live = forms.BooleanField(
        label=_("It is a live vaccine (for example yellow fever, MMR, chickenpox)"), required=False
    )
    note = forms.CharField(
        label=_("Anything else to add?"),
        required=False,
        max_length=NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        # Longer is refused with this message, never cut: the browser's maxlength is removed
        # in __init__ (a pasted 5,000 characters became 1,998, silently).
        error_messages={
            "max_length": _(
                "Your note is %(show_value)d characters long and the diary keeps up to "
                "%(limit_value)d. Please shorten it: nothing has been cut."
            )
        },
    )

    def __init__(
        self,
        *args,
        symptoms: list[Symptom],
        patient_zone,
        now=None,
        recent=(),
        kept_for_name: str = "",
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.kept_for_name = kept_for_name
        self._made_with = {
            "symptoms": symptoms,
            "patient_zone": patient_zone,
            "now": now,
            "recent": recent,
            "kept_for_name": kept_for_name,
        }
        # The fine-day button's words: the patient's, or about them for a caregiver.
        self.fine_button = (
            _("%(name)s feels fine — save") % {"name": kept_for_name}
            if kept_for_name
            else str(_("I feel fine — save"))
        )
        if self.is_bound and self.data.get("use_unit") in ("C", "F"):
            # "Save as 37.1 °C": the refused reading's other unit, chosen in one tap.
            data = self.data.copy()
            data["unit"] = data["use_unit"]
            self.data = data
        self.fields["note"].widget.attrs.pop("maxlength", None)
        self.symptoms = symptoms
        self.recent = frozenset(recent)
        self.zone = patient_zone
        self.now = now or timezone.now()
        for symptom in symptoms:
            name = SYMPTOM_PREFIX + symptom.code
            if symptom.kind == Symptom.Kind.GRADED and not symptom.is_red_flag:
                self.fields[name] = forms.TypedChoiceField(
                    label=symptom.label,
                    choices=GRADE_CHOICES,
                    coerce=int,
                    required=False,
                    empty_value=0,
                    initial=0,
                    widget=forms.RadioSelect,
                    help_text=symptom.help_text,
                )
            else:
                self.fields[name] = forms.BooleanField(
                    label=symptom.label, required=False, help_text=symptom.help_text
                )
        for name, label in VITAL_LABELS.items():
            low, high = VITAL_LIMITS[name]
            self.fields[name] = forms.IntegerField(
                label=label,
                required=False,
                min_value=low,
                max_value=high,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
            self.fields[f"{name}_confirmed"] = forms.BooleanField(
                label=_("Re-checked"), required=False
            )

        _style_widgets(self)

    # Grouping for the template ---------------------------------------------------------

    def symptom_groups(self):
        """[(group label, [(symptom, bound field)], open?)] for the symptoms not in
        recent_fields(), in catalogue order. A group is open when something in it is
        recorded or has an error: the patient opens the others by saying "yes" to them."""
        groups: dict[str, list] = {}
        labels = dict(Symptom.DisplayGroup.choices)
        for symptom in self.symptoms:
            if symptom.is_red_flag or symptom.code in self.recent:
                continue
            groups.setdefault(symptom.display_group, []).append(
                (symptom, self[SYMPTOM_PREFIX + symptom.code])
            )
        return [
            (labels[key], items, any(_recorded(field) for _symptom, field in items))
            for key, items in groups.items()
        ]

    def recent_fields(self):
        """The symptoms the patient reported in the last days, first on the form."""
        return [
            (s, self[SYMPTOM_PREFIX + s.code])
            for s in self.symptoms
            if s.code in self.recent and not s.is_red_flag
        ]

    def red_flag_fields(self):
        return [(s, self[SYMPTOM_PREFIX + s.code]) for s in self.symptoms if s.is_red_flag]

    def red_flags_open(self) -> bool:
        """The full list of warning signs is shown when one is ticked (or has an error)."""
        return any(_recorded(field) for _symptom, field in self.red_flag_fields())

    def reading_more_open(self) -> bool:
        """The "No thermometer, or measured earlier?" fold is open when something in it is filled in,
        has an error, or is asked for (a symptom that needs a temperature)."""
        names = ("no_thermometer", "site", "confirmed", "measured_at")
        return self.needs_temperature or any(_recorded(self[name]) for name in names)

    def vital_fields(self):
        return [(self[name], self[f"{name}_confirmed"]) for name in VITAL_LABELS]

    # Validation ---------------------------------------------------------------------------

    def full_clean(self):
        super().full_clean()
        mark_invalid(self)

    def clean_measured_at(self):
        value = self.cleaned_data.get("measured_at")
        if value is None:
            return None
        value = past_wall_time(value, self.zone, now=self.now)
        if value < self.now - MAX_BACKDATE:
            raise forms.ValidationError(_("You can only add readings from the last 7 days."))
        return value

    @property
    def fine(self) -> bool:
        """ "I feel fine — save" pressed, now or before a question this page answers."""
        chosen = getattr(self, "cleaned_data", {}).get("fine_chosen")
        return self.data.get("action") == "fine" or bool(chosen)

    def clean(self):
        data = super().clean()
        known = set(self.fields)
        unknown = sorted(
            key[len(SYMPTOM_PREFIX) :]
            for key in (self.data or {})
            if key.startswith(SYMPTOM_PREFIX) and key not in known
        )
        if unknown:
            raise forms.ValidationError(
                _("Unknown symptom: %(codes)s. Please reload the page."),
                params={"codes": ", ".join(unknown)},
            )
        value, unit = data.get("temperature"), data.get("unit")
        if value is not None and unit:
            problem = temperature_problem(value, unit)
            if problem:
                self.other_unit = other_unit_fits(value, unit)
                if self.other_unit:
                    problem += " " + OTHER_UNIT % {
                        "value": local_number(value),
                        "other": self.other_unit,
                    }
                self.add_error("temperature", problem)
            else:
                self._check_unusual(data, value, unit)
        if data.get("planned_vaccine_live") and not data.get("planned_vaccine"):
            self.add_error("planned_vaccine", VACCINE_UNNAMED)
        if not self.errors:
            self._check_something_to_record(data)
        return data

    def _check_unusual(self, data: dict, value: Decimal, unit: str) -> None:
        """A reading outside the usual band is asked about once ("is this right?"), with the
        emergency number first. "Yes, this reading is right" saves it as confirmed: the
        patient checked it, as a re-measure would (T-HYPO-2; docs/clinical-safety.md, 41)."""
        celsius = to_celsius(value, unit)
        if CHECK_BELOW_C <= celsius <= CHECK_ABOVE_C:
            return
        key = unusual_key(value, unit)
        if data.get("confirm_unusual") == key:
            data["confirmed"] = True
            self.confirmed_key = key  # carried if the page comes back with another question
            return
        if data.get("answered_unusual") == key:
            return
        if self._red_flag_ticked():
            return  # a warning sign saves at once: nothing is asked first
        self.needs_confirmation = True
        self.unusual_low = celsius < CHECK_BELOW_C
        self.unusual_reading = f"{local_number(value)}\u00a0°{unit}"  # never split
        self.unusual_key = key
        self.add_error("temperature", UNUSUAL % {"reading": self.unusual_reading})

    @property
    def confirmation_only(self) -> bool:
        """The one thing to answer is "is this reading right?" (no other error)."""
        return self.needs_confirmation and set(self.errors) == {"temperature"}

    def salvaged(self) -> tuple[EntryForm, list[str]] | None:
        """A warning sign ticked is always saved: when something else on the page cannot be
        read (an impossible temperature, a note too long, a time in the future), the entry
        is saved without it. Returns the form without those fields and what was left out
        ("Temperature: 98.6 °C is not a body temperature…"), or None when nothing is ticked
        or the entry cannot be saved even so."""
        if not self.is_bound or self.non_field_errors() or not self._red_flag_ticked():
            return None
        data = self.data.copy()
        left_out = []
        for name, errors in self.errors.items():
            data.pop(name, None)
            left_out.append(f"{self.fields[name].label}: {' '.join(map(str, errors))}")
        rescued = EntryForm(data, **self._made_with)
        return (rescued, left_out) if rescued.is_valid() else None

    def _red_flag_ticked(self) -> bool:
        """A warning sign is ticked: the entry saves at once, nothing is asked first."""
        return any(
            s.is_red_flag and self.cleaned_data.get(SYMPTOM_PREFIX + s.code) for s in self.symptoms
        )

    def _check_something_to_record(self, data: dict) -> None:
        """No empty entry; a symptom that needs a temperature asks for one. Never in the way
        of a red flag: an entry with a warning sign always saves, at once."""
        if self._red_flag_ticked():
            return
        grades = self.grades()
        has_temperature = data.get("temperature") is not None
        fine = self.fine
        recorded = (
            has_temperature
            or grades
            or any(data.get(name) is not None for name in VITAL_LABELS)
            or data.get("note")
            or data.get("planned_vaccine")
            or data.get("antipyretic_6h")
        )
        if not recorded and not fine:
            raise forms.ValidationError(
                NOTHING_TO_SAVE % {"button": self.fine_button}, code="empty"
            )
        needing = [
            s.label
            for s in self.symptoms
            if grades.get(s.code) and NEEDS_TEMPERATURE_GROUP in s.group_list
        ]
        if needing and not has_temperature and not data.get("no_thermometer"):
            self.needs_temperature = True
            self.add_error(
                "temperature", NEEDS_TEMPERATURE % {"symptoms": ", ".join(map(str, needing))}
            )

    needs_confirmation = False
    needs_temperature = False
    unusual_low = False
    unusual_reading = ""
    unusual_key = ""
    confirmed_key = ""
    other_unit: str | None = None

    def clean_version(self) -> int | None:
        """The version the change page was opened on; None when absent or not a number
        (the save is then checked by the entry's lock alone)."""
        value = self.cleaned_data.get("version") or ""
        return int(value) if value.isascii() and value.isdigit() and len(value) <= 9 else None

    def offline_checks(self, emergency_number: str) -> dict:
        """What the offline script checks before it keeps an entry on the phone, so that
        nothing queued is refused later: the same limits and words as clean()
        (static/js/diary-offline.js, "checks")."""
        placeholders = {"value": "{value}", "unit": "{unit}", "other": "{other}"}
        return {
            "limits": {u: [str(low), str(high)] for u, (low, high) in TEMPERATURE_LIMITS.items()},
            # Tenths of a °C: outside these, "is this reading right?" is asked first.
            "usualTenths": [int(CHECK_BELOW_C * 10), int(CHECK_ABOVE_C * 10)],
            "redFlags": [SYMPTOM_PREFIX + s.code for s in self.symptoms if s.is_red_flag],
            "needTemperature": {
                SYMPTOM_PREFIX + s.code: str(s.label)
                for s in self.symptoms
                if NEEDS_TEMPERATURE_GROUP in s.group_list and not s.is_red_flag
            },
            "vitals": {name: list(VITAL_LIMITS[name]) for name in VITAL_LABELS},
            "noteLimit": NOTE_LIMIT,
            "emergencyNumber": emergency_number,
            "text": {
                "vaccine": VACCINE_UNNAMED,
                "nothing": NOTHING_TO_SAVE % {"button": self.fine_button},
                "needTemperature": NEEDS_TEMPERATURE % {"symptoms": "{symptoms}"},
                "number": _("Please enter a number, like 37.2."),
                "decimals": _("Please give the temperature to one decimal place, like 37.5."),
                "notBody": {u: not_recordable("{value}", u) for u in TEMPERATURE_LIMITS},
                # Offline there is no "Save as" button: the patient changes the unit.
                "otherUnit": _("If you measured in °%(other)s, choose °%(other)s and save again.")
                % placeholders,
                "vital": _("%(value)s is outside the range we can record (%(low)s to %(high)s).")
                % {"value": "{value}", "low": "{low}", "high": "{high}"},
                "note": _("%(n)s characters: the diary keeps up to %(limit)s. Please shorten it.")
                % {"n": "{n}", "limit": NOTE_LIMIT},
                "question": _("Is %(reading)s right?") % {"reading": "{reading}"},
                "callFirst": (
                    _("If %(name)s is very unwell, call %(number)s now.")
                    % {"name": self.kept_for_name, "number": emergency_number}
                    if self.kept_for_name
                    else _("If you feel very unwell, call %(number)s now.")
                    % {"number": emergency_number}
                ),
                "call": _("Call %(number)s") % {"number": emergency_number},
                "low": _("This is much lower than a body temperature usually is."),
                "high": _("This is much higher than a body temperature usually is."),
                "yes": _("Yes, %(reading)s is right — save") % {"reading": "{reading}"},
            },
        }

    # Results --------------------------------------------------------------------------

    def grades(self, *, feels_fine: bool = False) -> dict[str, int]:
        """Symptom code -> grade (flags as 1); empty when the patient feels fine."""
        if feels_fine:
            return {}
        result = {}
        for symptom in self.symptoms:
            value = self.cleaned_data.get(SYMPTOM_PREFIX + symptom.code)
            graded = symptom.kind == Symptom.Kind.GRADED and not symptom.is_red_flag
            grade = int(value or 0) if graded else int(bool(value))
            if grade:
                result[symptom.code] = grade
        return result


def unusual_key(value: Decimal, unit: str) -> str:
    """What "Yes, this reading is right" answers for: the reading to one decimal place and
    its unit ("34", "34,0" and "034.0" °C are all "34.0C"); the offline script builds the
    same (diary-offline.js, check)."""
    return f"{value.quantize(TENTH)}{unit}"


def _recorded(field) -> bool:
    """Whether a bound field holds something (a grade above None, a tick) or an error."""
    return bool(field.errors) or str(field.value()) not in ("", "0", "None", "False")


def _style_widgets(form: forms.Form) -> None:
    """Give text, number, date and select inputs Bootstrap's classes (full width, big targets)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.Select) and not isinstance(widget, forms.RadioSelect):
            widget.attrs.setdefault("class", "form-select")
        elif isinstance(
            widget, (forms.Textarea, forms.TextInput, forms.NumberInput, forms.DateTimeInput)
        ):
            widget.attrs.setdefault("class", "form-control")


def mark_invalid(form: forms.Form) -> None:
    """Flag fields with errors for sighted users and screen readers (error text is linked)."""
    for name in form.errors:
        if name not in form.fields:
            continue
        attrs = form.fields[name].widget.attrs
        attrs["class"] = (attrs.get("class", "") + " is-invalid").strip()
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"id_{name}_error"
