"""Validation of AlertRule rows edited in the admin: the rule's definition decides which
parameters it has, their types and the range each may take (alerts/rules/definitions.py)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import formats
from modeltranslation.utils import build_localized_fieldname

from alerts.rules import DEFAULT_RULES, NONE, Level
from symptoms.readings import from_celsius


def validate_rule_row(rule: Any) -> None:
    """Raise ValidationError (per field) unless the row's params match the rule's definition."""
    definition = DEFAULT_RULES.get(rule.rule_id)
    if definition is None:
        raise ValidationError({"rule_id": f"Unknown rule id {rule.rule_id!r}."})
    if rule.level not in set(Level) - {NONE}:
        raise ValidationError({"level": "Choose WATCH, CONTACT or URGENT."})
    if not isinstance(rule.params, dict):
        raise ValidationError({"params": "Parameters must be a JSON object."})
    problems = definition.param_problems(rule.params)
    if problems:
        raise ValidationError({"params": "; ".join(problems)})


# Messages name the rule's numbers through placeholders, rendered from its parameters:
# "{threshold_c} °C", "in {remeasure_minutes} minutes". A number typed into the message
# would stay behind when the parameter changes.
RULE_TEXT_FIELDS = ("title", "patient_message", "clinician_summary")


def language_of(column: str) -> str:
    """The language code a translated column is in: "patient_message_es" is "es"."""
    for code in settings.MODELTRANSLATION_LANGUAGES:
        suffix = build_localized_fieldname("", code)
        if column.endswith(suffix):
            return suffix[1:]
    return build_localized_fieldname("", settings.MODELTRANSLATION_DEFAULT_LANGUAGE)[1:]


def in_each_language(field: str) -> tuple[str, ...]:
    """A translated field's columns, English first: ("title_en_gb", "title_es", "title_de")."""
    return tuple(
        build_localized_fieldname(field, code) for code in settings.MODELTRANSLATION_LANGUAGES
    )


def english(field: str) -> str:
    return build_localized_fieldname(field, settings.MODELTRANSLATION_DEFAULT_LANGUAGE)


MESSAGE_FIELDS = (*in_each_language("patient_message"), *in_each_language("clinician_summary"))
PLACEHOLDER = re.compile(r"\{(\w+)\}")
# "38.0", and "38,0" as Spanish and German write it.
DECIMAL_NUMBER = re.compile(r"(?<![\d.,])\d+[.,]\d+(?![\d.,])")
MINUTES = re.compile(
    r"(?<![\d.])(\d+)\s*(?:min\b|mins\b|minutes?\b|minutos?\b|minuten?\b)", re.IGNORECASE
)


# The words after a whole number that say it is a parameter of this unit (English,
# Spanish, German): "24 h", "2 consecutive days", "131/min", "90 mmHg", "92 %", "2 grades".
UNIT_WORDS = {
    "hours": r"h\b|hrs?\b|hours?\b|horas?\b|Stunden?\b",
    "days": r"days?\b|d[ií]as?\b|Tag(?:e|en)?\b",
    "minutes": r"min\b|mins\b|minutes?\b|minutos?\b|Minuten?\b",
    "per minute": r"/\s?min\b|per minute\b|a minute\b|por minuto\b|pro Minute\b|[lr]pm\b",
    "%": r"%",
    "mmHg": r"mm\s?Hg\b",
    # Not "grado(s)" or "Grad(e)": in Spanish and German those are mostly degrees.
    "grades": r"grades?\b|Stufen?\b",
}
# "24 h", "2 consecutive days" (one word between), and both ends of "91–130/min"; not
# the "2" of "SpO2" or of "2nd day".
WHOLE_NUMBER = r"(?<![\w.,{{])(\d+)(?:\s*[–-]\s*(\d+))?(?:\s+[^\W\d_]+)?\s*(?:{words})"
# The re-measure time written in hours: "in 1 hour", "en 1 hora", "in 1 Stunde".
HOURS = re.compile(rf"(?<![\w.,{{])(\d+)\s*(?:{UNIT_WORDS['hours']})", re.IGNORECASE)


def units_of(rule_id: str) -> dict[str, str]:
    """Each parameter's unit, as the rule declares it."""
    definition = DEFAULT_RULES.get(rule_id)
    return {name: p.unit for name, p in definition.params.items()} if definition else {}


def _whole_numbers(units: dict[str, str], values: dict[str, Any]):
    """Per unit: its pattern, and the whole-number parameters of that unit by value."""
    by_unit: dict[str, dict[int, str]] = {}
    for name, value in (values or {}).items():
        unit = units.get(name)
        if unit in UNIT_WORDS and isinstance(value, int) and not isinstance(value, bool):
            by_unit.setdefault(unit, {}).setdefault(value, name)
    for unit, names in by_unit.items():
        yield unit, re.compile(WHOLE_NUMBER.format(words=UNIT_WORDS[unit]), re.IGNORECASE), names


def whole_number_mentions(text: str, units: dict[str, str], values: dict[str, Any]):
    """(token, parameter, unit) for each whole number in `text` written with the unit of
    a parameter (`units`: name to unit) whose value (`values`) it is."""
    found = []
    for unit, pattern, names in _whole_numbers(units, values):
        for match in pattern.finditer(text or ""):
            for token in match.groups():
                if token is not None and int(token) in names:
                    found.append((token, names[int(token)], unit))
    return found


def message_values(params: dict, remeasure_minutes: int | None) -> dict[str, str]:
    """Each placeholder's words: every parameter, its Fahrenheit for a °C one (`{name_f}`),
    and the re-measure minutes."""
    values = {name: str(value) for name, value in (params or {}).items()}
    for name, value in list(values.items()):
        if name.endswith("_c") and "." in value:
            try:
                fahrenheit = from_celsius(Decimal(value), "F")
            except InvalidOperation:
                continue
            values[f"{name}_f"] = str(fahrenheit)
    if remeasure_minutes is not None:
        values["remeasure_minutes"] = str(remeasure_minutes)
    return values


def render_message(text: str, params: dict, remeasure_minutes: int | None) -> str:
    """The message with each known {placeholder} replaced; unknown ones are left as typed."""
    values = {
        name: _localised(value) for name, value in message_values(params, remeasure_minutes).items()
    }
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text or "")


def _localised(value: str) -> str:
    """A decimal in the active language's way: "38.0" in English, "38,0" in Spanish."""
    if "." not in value:
        return value
    try:
        number = Decimal(value)
    except InvalidOperation:
        return value
    return formats.number_format(number, decimal_pos=-number.as_tuple().exponent)


def message_problems(
    text: str,
    *,
    values: dict[str, Any],
    remeasure_minutes: int | None,
    placeholders: bool = True,
    units: dict[str, str] | None = None,
) -> list[str]:
    """What is wrong with a message: an unknown placeholder, or a number that is one of
    the rule's parameters (°C values, and the re-measure minutes) typed in by hand.

    `values` are the parameter values to look for (the proposed ones and the live ones, so
    that an old threshold left in a message is caught when the threshold changes); `units`
    (name to unit) lets whole numbers be recognised by the unit written after them.
    """
    known = set(message_values(values, remeasure_minutes))
    problems = [
        f"{{{name}}} is not a parameter of this rule"
        for name in PLACEHOLDER.findall(text or "")
        if placeholders and name not in known
    ]
    decimals = {}
    for name, value in values.items():
        try:
            if isinstance(value, int | str) and "." in str(value):
                decimals.setdefault(Decimal(str(value)), name)
        except InvalidOperation:
            continue
    for token in DECIMAL_NUMBER.findall(text or ""):
        name = decimals.get(Decimal(token.replace(",", ".")))
        if name is not None:
            problems.append(f"it names {token}, the value of {name}: write {{{name}}} instead")
    for token, name, unit in whole_number_mentions(text, units or {}, values):
        problems.append(f"it names {token} {unit}, the value of {name}: write {{{name}}} instead")
    if remeasure_minutes is not None:
        for token in MINUTES.findall(text or ""):
            if int(token) == remeasure_minutes:
                problems.append(
                    f"it names {token} minutes, the re-measure time: write "
                    "{remeasure_minutes} instead"
                )
        for token in HOURS.findall(text or ""):
            if int(token) * 60 == remeasure_minutes:
                problems.append(
                    f"it names {token} hour(s), the re-measure time: write "
                    "{remeasure_minutes} minutes instead"
                )
    return problems


def draft_message_problems(live: Any, proposed: dict[str, Any]) -> dict[str, list[str]]:
    """Per message field: numbers typed in that are the proposed value of a parameter, or
    the live value of a parameter the draft changes (it would be left behind)."""
    params = proposed.get("params") or {}
    live_params = live.params or {}
    changed = {n: v for n, v in live_params.items() if str(params.get(n)) != str(v)}
    minutes = proposed.get("remeasure_minutes")
    units = units_of(live.rule_id)
    found = {}
    for field in MESSAGE_FIELDS:
        text = proposed.get(field) or ""
        problems = message_problems(text, values=params, remeasure_minutes=minutes, units=units)
        old_minutes = live.remeasure_minutes if live.remeasure_minutes != minutes else None
        left_behind = message_problems(
            text, values=changed, remeasure_minutes=old_minutes, placeholders=False, units=units
        )
        problems += [p for p in left_behind if p not in problems]
        english_field = english(next(b for b in RULE_TEXT_FIELDS if field.startswith(b + "_")))
        # A translation the draft writes must name the same placeholders as the English
        # (one it leaves as it was is listed for the translator instead: alerts/authoring/admin.py).
        if text and field != english_field and text != (getattr(live, field, "") or ""):
            theirs = set(PLACEHOLDER.findall(proposed.get(english_field) or ""))
            ours = set(PLACEHOLDER.findall(text))
            if ours != theirs:
                problems.append(
                    "it must use the same placeholders as the English message: "
                    + (", ".join(f"{{{n}}}" for n in sorted(theirs)) or "none")
                )
        if problems:
            found[field] = problems
    return found


CELSIUS_WITH_F = re.compile(r"(?<![\d.])(\d+\.\d+) °C \((\d+\.\d+) °F\)")


def with_placeholders(
    text: str,
    params: dict,
    *,
    rule_id: str = "",
    remeasure_minutes: int | None = None,
    language: str = "en_gb",
) -> str:
    """`text` with the numbers that are the rule's parameters written as placeholders: °C
    values, whole numbers written with their unit, the re-measure time written in hours,
    and the "37.9 °C" below a high_c (an older version's message, restored by a rollback;
    the seed messages were converted this way before the migrations were squashed). `language` is the column's code (en_gb, es, de)."""
    names: dict[Decimal, str] = {}
    for name, value in (params or {}).items():
        if isinstance(value, str) and "." in value:
            names.setdefault(Decimal(value), name)

    def celsius(match: re.Match) -> str:
        name = names.get(Decimal(match.group(1)))
        if name and name.endswith("_c"):
            return f"{{{name}}} °C ({{{name}_f}} °F)"
        return match.group(0)

    def number(match: re.Match) -> str:
        name = names.get(Decimal(match.group(0).replace(",", ".")))
        return f"{{{name}}}" if name else match.group(0)

    text = DECIMAL_NUMBER.sub(number, CELSIUS_WITH_F.sub(celsius, text or ""))
    if rule_id not in DEFAULT_RULES:
        return text
    for _unit, pattern, whole in _whole_numbers(units_of(rule_id), params):
        text = pattern.sub(lambda m, whole=whole: _named(m, whole), text)
    if rule_id == "VIT-SPO2-M" and (params or {}).get("high") == (params or {}).get(
        "unconfirmed_at_or_below"
    ):
        # 94 is both `high` and `unconfirmed_at_or_below`: "≤94 % not yet re-checked" is the latter.
        text = text.replace("≤{high}", "≤{unconfirmed_at_or_below}")
    if remeasure_minutes and remeasure_minutes % 60 == 0 and language in MINUTES_WORD:
        hours = remeasure_minutes // 60
        text = HOURS.sub(
            lambda m: (
                f"{{remeasure_minutes}} {MINUTES_WORD[language]}"
                if int(m.group(1)) == hours
                else m.group(0)
            ),
            text,
        )
    if "high_c" in (params or {}) and language in BELOW_HIGH:
        text = RANGE_TO_HIGH.sub(BELOW_HIGH[language], text)
    return text


MINUTES_WORD = {"en_gb": "minutes", "es": "minutos", "de": "Minuten"}
BELOW_HIGH = {
    "en_gb": "{low_c} °C to below {high_c} °C",
    "es": "{low_c} °C a menos de {high_c} °C",
    "de": "{low_c} °C bis unter {high_c} °C",
}
# "{low_c}–37.9 °C": the tenth below high_c, typed in.
RANGE_TO_HIGH = re.compile(r"\{low_c\}–\d+[.,]\d °C")


def _named(match: re.Match, whole: dict[int, str]) -> str:
    """The WHOLE_NUMBER match with each number that is a parameter as its placeholder."""
    out, last = [], match.start()
    for group in (1, 2):
        token = match.group(group)
        if token is not None and int(token) in whole:
            out += [match.string[last : match.start(group)], f"{{{whole[int(token)]}}}"]
            last = match.end(group)
    out.append(match.string[last : match.end()])
    return "".join(out)


def in_reader_language(path: str):
    """A translated column read in the reader's language, English where it has none, for
    queries through another model (modeltranslation rewrites only its own models' queries):
    `in_reader_language("rule__title")`."""
    from django.db.models import CharField, F, Value
    from django.db.models.functions import Coalesce, NullIf
    from django.utils import translation

    code = translation.get_language() or settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    if code not in settings.MODELTRANSLATION_LANGUAGES:
        code = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    ours = build_localized_fieldname(path, code)
    english = build_localized_fieldname(path, settings.MODELTRANSLATION_DEFAULT_LANGUAGE)
    return Coalesce(NullIf(F(ours), Value("")), F(english), output_field=CharField())
