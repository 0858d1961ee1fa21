"""What the team's pages say about blood results (docs/clinical-rules.md §6): the risk flags
in force with where each comes from, a patient's results as rows, what recording one
changed, and the "why" of a LAB-* alert in words.

Every page and export that shows a patient's flags reads `flags_shown`, so a flag held by
a result is never shown as if the team had ticked it, nor missed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alerts.care.labs import LabRecorded
from alerts.rules.labs import HBV_RULE, REVIEW_RULE
from patients.lab_models import LabResult, LabTestCode
from patients.lab_tests import BY_NAME
from patients.models import Patient
from symptoms.readings import local_number

# The words of a flag held by a result (the hand-ticked ones keep their field's words).
LAB_FLAG_WORDS = {
    "low_ig": gettext_lazy("Low immunoglobulins"),
    "cytopenia": gettext_lazy("Neutropenia or lymphopenia"),
    "hbv_risk": gettext_lazy("Hepatitis B risk"),
}
FLAG_ORDER = (*Patient.ER_FIELDS, "hbv_risk")
UNIT_WORDS = {"10^9/L": "×10⁹/L"}


def unit_words(unit: str) -> str:
    return UNIT_WORDS.get(unit, unit)


def day_words(day: date) -> str:
    """ "1 Dec 2026", with the reader's month names."""
    return date_format(day, "j M Y")


def number_words(value: Decimal | str) -> str:
    """A stored decimal as people read it: "4.4", not "4.400" ("4,4" in German)."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if not number.is_finite():
        return str(value)
    return local_number(Decimal(f"{number.normalize():f}"))


@dataclass(frozen=True)
class FlagShown:
    """One risk flag in force and where it comes from."""

    code: str  # immunosuppressant, low_ig, recurrent_infection, cytopenia, hbv_risk
    words: str  # the flag and its source: "IgG or IgM below normal", "Low … (from the …)"
    by_hand: bool  # ticked by the team (else held by `result`)
    result: LabResult | None = None

    @property
    def text(self) -> str:
        """A badge's words: an elevated-risk reason the team ticked says so."""
        if self.by_hand and self.code in Patient.ER_FIELDS:
            return _("Elevated risk: %(why)s") % {"why": self.words}
        return self.words


def _hand_words(code: str) -> str:
    if code == "hbv_risk":
        return _("Hepatitis B risk")
    return str(Patient._meta.get_field(Patient.ER_FIELDS[code]).verbose_name)


def lab_flag_words(code: str, collected_on: date) -> str:
    """ "Low immunoglobulins (from the result of 1 Dec 2026)"."""
    return _("%(flag)s (from the result of %(day)s)") % {
        "flag": LAB_FLAG_WORDS[code],
        "day": day_words(collected_on),
    }


def _holders(patients: list[Patient]) -> dict[int, LabResult]:
    """The results holding the patients' flags, by id: those select_related already, and
    the rest in one query (none when no result holds a flag)."""
    found: dict[int, LabResult] = {}
    wanted = set()
    for patient in patients:
        for field in Patient.LAB_FIELDS.values():
            pk = getattr(patient, field + "_id")
            if pk is None:
                continue
            if Patient._meta.get_field(field).is_cached(patient):
                found[pk] = getattr(patient, field)
            else:
                wanted.add(pk)
    if wanted - set(found):
        found.update(LabResult.objects.in_bulk(wanted - set(found)))
    return found


def flags_shown(
    patient: Patient, *, holders: dict[int, LabResult] | None = None
) -> list[FlagShown]:
    """The patient's risk flags in force, each with its source: ticked by the team ("as
    ever") or held by a result ("… (from the result of 1 Dec 2026)"); both when both."""
    if holders is None:
        holders = _holders([patient])
    hand = patient.hand_flags
    shown = []
    for code in FLAG_ORDER:
        if code in hand:
            shown.append(FlagShown(code, _hand_words(code), by_hand=True))
        field = Patient.LAB_FIELDS.get(code)
        pk = getattr(patient, field + "_id") if field else None
        if pk is not None and pk in holders:
            result = holders[pk]
            shown.append(FlagShown(code, lab_flag_words(code, result.collected_on), False, result))
    return shown


def flags_shown_many(patients: list[Patient]) -> dict[int, list[FlagShown]]:
    """flags_shown of several patients (a list page): at most one query."""
    holders = _holders(patients)
    return {p.pk: flags_shown(p, holders=holders) for p in patients}


# A patient's results ----------------------------------------------------------------------


@dataclass(frozen=True)
class ResultRow:
    result: LabResult
    test: str  # the test's label
    shown: str  # as reported: "440 mg/dL", "positive"
    converted: str  # in the test's unit when reported in another ("4.4 g/L"), else ""
    reference: str  # "5.65–16 g/L", "from 5.65 g/L", or ""
    holds: list[str]  # the flags this result holds


def result_words(result: LabResult) -> str:
    """The result as reported, in the reader's language: "4.4 g/L", "positive"."""
    if result.value is None:
        return _("positive") if result.positive else _("negative")
    return f"{number_words(result.value)} {unit_words(result.unit)}"


def _reference(result: LabResult) -> str:
    low, high = result.reference_low, result.reference_high
    unit = unit_words(result.unit)
    if low is not None and high is not None:
        return f"{number_words(low)}–{number_words(high)} {unit}"
    if low is not None:
        return _("from %(low)s %(unit)s") % {"low": number_words(low), "unit": unit}
    if high is not None:
        return _("up to %(high)s %(unit)s") % {"high": number_words(high), "unit": unit}
    return ""


def result_rows(patient: Patient) -> list[ResultRow]:
    """Every result of the patient, newest first (withdrawn ones too, marked), one query."""
    held = {getattr(patient, field + "_id"): code for code, field in Patient.LAB_FIELDS.items()}
    rows = []
    results = (
        LabResult.objects.filter(patient=patient)
        .select_related("recorded_by", "withdrawn_by")
        .newest_first()
    )
    labels = dict(LabTestCode.choices)
    for result in results:
        test = result.definition
        converted = ""
        if result.value is not None and result.unit != test.unit:
            converted = f"{number_words(result.value_in_test_unit)} {unit_words(test.unit)}"
        rows.append(
            ResultRow(
                result=result,
                test=str(labels.get(result.test, result.test)),
                shown=result_words(result),
                converted=converted,
                reference=_reference(result),
                holds=[
                    str(LAB_FLAG_WORDS[code])
                    for pk, code in held.items()
                    if pk == result.pk and result.withdrawn_at is None
                ],
            )
        )
    return rows


# What recording a result changed --------------------------------------------------------

TEAM_ALERT_WORDS = {
    REVIEW_RULE: gettext_lazy("the team has a review alert"),
    HBV_RULE: gettext_lazy("the team has an alert: hepatitis B marker positive"),
}
NOT_AGAIN_WORDS = {
    REVIEW_RULE: gettext_lazy(
        "no new team alert: the team was alerted about a value as low or lower already"
    ),
    HBV_RULE: gettext_lazy("no new team alert: a positive marker already holds the risk"),
}


def recorded_message(recorded: LabRecorded) -> str:
    """ "Recorded IgG 4.4 g/L (1 Dec 2026). Low immunoglobulins is now set; the team has a
    review alert." """
    result = recorded.result
    lines = [
        _("Recorded %(test)s %(result)s (%(day)s).")
        % {
            "test": result.test_name,
            "result": result_words(result),
            "day": day_words(result.collected_on),
        }
    ]
    evaluation = recorded.evaluation
    if not evaluation.latest:
        lines.append(
            _(
                "A later %(test)s is on record: this one is kept with the results and "
                "changes no flag."
            )
            % {"test": result.test_name}
        )
    changes: list[str] = []
    for code in ("low_ig", "cytopenia", "hbv_risk"):
        words = LAB_FLAG_WORDS[code]
        if code in recorded.flags_after - recorded.flags_before:
            changes.append(_("%(flag)s is now set") % {"flag": words})
        elif code in recorded.flags_before - recorded.flags_after:
            changes.append(_("%(flag)s is no longer set by a result") % {"flag": words})
        elif getattr(evaluation.flags, code) == result.pk:
            changes.append(_("%(flag)s stays set, now from this result") % {"flag": words})
    changes += [str(TEAM_ALERT_WORDS[r]) for r in evaluation.team_alerts if r in TEAM_ALERT_WORDS]
    changes += [str(NOT_AGAIN_WORDS[r]) for r in evaluation.deduplicated if r in NOT_AGAIN_WORDS]
    if changes:
        text = "; ".join(changes)
        lines.append(text[0].upper() + text[1:] + ".")
    elif evaluation.latest:
        lines.append(_("No risk flag changed."))
    return " ".join(lines)


# The "why" of a LAB-* alert --------------------------------------------------------------


def is_lab_why(why) -> bool:
    return isinstance(why, dict) and "loinc" in why and why.get("test") in BY_NAME


def _reported(why: dict) -> str:
    """The value as reported, when the laboratory's unit is not the test's: "440 mg/dL"."""
    number, _sep, unit = str(why.get("reported") or "").partition(" ")
    if not unit or unit == why.get("unit"):
        return ""
    return f"{number_words(number)} {unit_words(unit)}"


def lab_why_text(why) -> str:
    """ "IgG 4.4 g/L, at or below 4.52 g/L (20 % below the lower limit 5.65 g/L, clinic
    default) · collected 1 Dec 2026"; "HBsAg positive · collected 1 Dec 2026". "" when
    `why` is not a laboratory result's."""
    if not is_lab_why(why):
        return ""
    test = why["test"]
    collected = why.get("collected")
    try:
        day = day_words(date.fromisoformat(collected)) if collected else ""
    except ValueError:
        day = str(collected)
    if "unit" in why and why.get("value") is not None:
        unit = unit_words(why["unit"])
        value = f"{number_words(why['value'])} {unit}"
        if reported := _reported(why):
            value = f"{reported} ({value})"
        source = _("clinic default") if why.get("lln_from") == "clinic" else _("the laboratory's")
        lln = f"{number_words(why['lln'])} {unit}" if why.get("lln") is not None else ""
        if why.get("review_at_or_below") is not None:
            text = _(
                "%(test)s %(value)s, at or below %(level)s (%(percent)s %% below the lower "
                "limit %(lln)s, %(source)s)"
            ) % {
                "test": test,
                "value": value,
                "level": f"{number_words(why['review_at_or_below'])} {unit}",
                "percent": number_words(why.get("below_percent", "")),
                "lln": lln,
                "source": source,
            }
        elif lln:
            text = _("%(test)s %(value)s, below the lower limit %(lln)s (%(source)s)") % {
                "test": test,
                "value": value,
                "lln": lln,
                "source": source,
            }
        else:
            text = f"{test} {value}"
    else:
        words = _("positive") if why.get("value") == "positive" else _("negative")
        text = f"{test} {words}"
    if day:
        text += " · " + _("collected %(day)s") % {"day": day}
    return text


# What the last action on a patient's blood results said ("Recorded IgG 4.4 g/L …"): it
# names a result, so it waits in the session (in the database) for the page the action
# returns to, never in the messages framework's default cookie.
SAID = "team_labs_said"


def say_about_labs(request, patient, text: str, *, level: str = "success") -> None:
    request.session[SAID] = {"patient": patient.pk, "text": str(text), "level": level}


def said_about_labs(request, patient) -> dict | None:
    """The words waiting for this patient's page (taken once), or None."""
    said = request.session.get(SAID)
    if not said or said.get("patient") != patient.pk:
        return None
    del request.session[SAID]
    return said
