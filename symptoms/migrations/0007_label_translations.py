"""Fill the Spanish and German symptom labels from diary_site/content_translations/ (drafts
for a medical translator to review). A label someone has already filled is kept."""

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
    history = apps.get_model("symptoms", f"Historical{model_name}")
    values = {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}
    history.objects.create(
        **values, history_date=when, history_type="~", history_change_reason=REASON
    )


def fill(apps, schema_editor):
    Symptom = apps.get_model("symptoms", "Symptom")
    for code in LANGUAGES:
        content = json.loads((FILES / f"{code}.json").read_text(encoding="utf-8"))["symptoms"]
        for row in Symptom.objects.all():
            words = content.get(row.code, {})
            changed = []
            for field, text in words.items():
                column = f"{field}_{code}"
                if text and not getattr(row, column):
                    setattr(row, column, text)
                    changed.append(column)
            if changed:
                row.save(update_fields=changed)
                record(apps, "Symptom", row, timezone.now())


def empty(apps, schema_editor):
    apps.get_model("symptoms", "Symptom").objects.update(
        **{f"{field}_{code}": None for field in ("label", "help_text") for code in LANGUAGES}
    )


class Migration(migrations.Migration):
    dependencies = [("symptoms", "0006_label_languages")]

    operations = [migrations.RunPython(fill, empty)]
