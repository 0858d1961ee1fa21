"""Seed one AlertRule row per rule of docs/clinical-rules.md §3 from alerts.rules.DEFAULT_RULES."""

from django.db import migrations


def seed(apps, schema_editor):
    from alerts.rules import DEFAULT_RULES, params_to_json

    from django.utils import timezone

    AlertRule = apps.get_model("alerts", "AlertRule")
    HistoricalAlertRule = apps.get_model("alerts", "HistoricalAlertRule")
    for definition in DEFAULT_RULES.values():
        rule, created = AlertRule.objects.get_or_create(
            rule_id=definition.rule_id,
            defaults={
                "family": definition.family,
                "title": definition.title,
                "level": definition.level,
                "params": params_to_json(definition.params),
                "patient_message": definition.patient_message,
                "clinician_summary": definition.clinician_summary,
                "rationale": definition.rationale,
                "remeasure_minutes": definition.remeasure_minutes,
            },
        )
        if created:
            # Record the seeded values as the first history row, so the first edit in
            # the admin shows what it changed from.
            fields = {f.attname: getattr(rule, f.attname) for f in AlertRule._meta.fields}
            HistoricalAlertRule.objects.create(
                **fields,
                history_date=timezone.now(),
                history_type="+",
                history_change_reason="seeded from clinical-rules.md defaults",
            )


class Migration(migrations.Migration):
    dependencies = [("alerts", "0002_rules_alerts_episodes")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
