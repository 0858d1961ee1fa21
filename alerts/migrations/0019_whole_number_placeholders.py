"""Messages name a rule's whole-number parameters and its re-measure time through
placeholders too ("within {window_hours} h", "≥{threshold}/min", "in {remeasure_minutes}
minutes"), and T-LOW-1 / INJ-IRR-24 say "below {high_c} °C" for the "37.9 °C" that stayed
behind when the threshold moved. Each changed rule gets a history row saying so."""

from django.db import migrations
from django.utils import timezone

from alerts.ruleset.messages import with_placeholders

LANGUAGES = ("en_gb", "es", "de")
FIELDS = ("patient_message", "clinician_summary")
REASON = "Whole numbers and the re-measure time written as placeholders (same meaning)"


def forwards(apps, schema_editor):
    AlertRule = apps.get_model("alerts", "AlertRule")
    history = apps.get_model("alerts", "HistoricalAlertRule")
    now = timezone.now()
    for rule in AlertRule.objects.all():
        changed = {}
        for field in FIELDS:
            for language in LANGUAGES:
                column = f"{field}_{language}"
                text = getattr(rule, column)
                new = text and with_placeholders(
                    text,
                    rule.params,
                    rule_id=rule.rule_id,
                    remeasure_minutes=rule.remeasure_minutes,
                    language=language,
                )
                if new != getattr(rule, column):
                    changed[column] = new
        if not changed:
            continue
        AlertRule.objects.filter(pk=rule.pk).update(**changed)
        rule.refresh_from_db()
        values = {f.attname: getattr(rule, f.attname) for f in rule._meta.concrete_fields}
        history.objects.create(
            **values, history_date=now, history_type="~", history_change_reason=REASON
        )


class Migration(migrations.Migration):
    dependencies = [("alerts", "0018_what_if_run_started")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
