"""Messages name a rule's numbers through placeholders ({threshold_c}), so that they follow
the parameters instead of drifting from them. The rendered words are unchanged."""

import re
from decimal import Decimal

from django.db import migrations

FIELDS = ("patient_message", "clinician_summary")
CELSIUS_WITH_F = re.compile(r"(?<![\d.])(\d+\.\d+) °C \((\d+\.\d+) °F\)")
DECIMAL = re.compile(r"(?<![\d.{])(\d+\.\d+)(?![\d.])")


def names_by_value(params):
    found = {}
    for name, value in (params or {}).items():
        if isinstance(value, str) and "." in value:
            found.setdefault(Decimal(value), name)
    return found


def with_placeholders(text, params):
    names = names_by_value(params)

    def celsius(match):
        name = names.get(Decimal(match.group(1)))
        return f"{{{name}}} °C ({{{name}_f}} °F)" if name and name.endswith("_c") else match.group(0)

    def number(match):
        name = names.get(Decimal(match.group(1)))
        return f"{{{name}}}" if name else match.group(0)

    return DECIMAL.sub(number, CELSIUS_WITH_F.sub(celsius, text))


def forwards(apps, schema_editor):
    AlertRule = apps.get_model("alerts", "AlertRule")
    for rule in AlertRule.objects.all():
        changed = {}
        for field in FIELDS:
            new = with_placeholders(getattr(rule, field), rule.params)
            if new != getattr(rule, field):
                changed[field] = new
        if changed:
            AlertRule.objects.filter(pk=rule.pk).update(**changed)


class Migration(migrations.Migration):
    dependencies = [("alerts", "0014_what_if_runs")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
