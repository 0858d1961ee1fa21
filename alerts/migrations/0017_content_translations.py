"""Fill the Spanish and German columns of the rules and education pages from the drafts in
diary_site/content_translations/ (translations for a medical translator to review: see
docs/clinical-safety.md, "Languages"). A column someone has already filled is kept."""

import json
from pathlib import Path

from django.db import migrations
from django.utils import timezone

FILES = Path(__file__).resolve().parents[2] / "diary_site" / "content_translations"
LANGUAGES = ("es", "de")
REASON = "Spanish and German draft translations added (to be reviewed)"


def record(apps, model_name, row, when):
    """A history row for the change, as the admin would write: a rollback to this version
    then restores these words too."""
    history = apps.get_model("alerts", f"Historical{model_name}")
    values = {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}
    history.objects.create(
        **values, history_date=when, history_type="~", history_change_reason=REASON
    )


def fill(apps, schema_editor):
    for code in LANGUAGES:
        content = json.loads((FILES / f"{code}.json").read_text(encoding="utf-8"))
        for model_name, key, section in (
            ("AlertRule", "rule_id", "rules"),
            ("EducationPage", "slug", "education"),
        ):
            model = apps.get_model("alerts", model_name)
            for row in model.objects.all():
                words = content[section].get(getattr(row, key), {})
                changed = []
                for field, text in words.items():
                    column = f"{field}_{code}"
                    if text and not getattr(row, column):
                        setattr(row, column, text)
                        changed.append(column)
                if changed:
                    row.save(update_fields=changed)
                    record(apps, model_name, row, timezone.now())


def empty(apps, schema_editor):
    for model_name, fields in (
        ("AlertRule", ("title", "patient_message", "clinician_summary")),
        ("EducationPage", ("title", "summary", "body")),
    ):
        apps.get_model("alerts", model_name).objects.update(
            **{f"{field}_{code}": None for field in fields for code in LANGUAGES}
        )


class Migration(migrations.Migration):
    dependencies = [("alerts", "0016_content_languages")]

    operations = [migrations.RunPython(fill, empty)]
