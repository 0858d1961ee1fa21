"""Fill the Spanish and German symptom labels from diary_site/content_translations/ (drafts
for a medical translator to review). A label someone has already filled is kept."""

import json
from pathlib import Path

from django.db import migrations

FILES = Path(__file__).resolve().parents[2] / "diary_site" / "content_translations"
LANGUAGES = ("es", "de")


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


def empty(apps, schema_editor):
    apps.get_model("symptoms", "Symptom").objects.update(
        **{f"{field}_{code}": None for field in ("label", "help_text") for code in LANGUAGES}
    )


class Migration(migrations.Migration):
    dependencies = [("symptoms", "0006_label_languages")]

    operations = [migrations.RunPython(fill, empty)]
