"""The draft es/de files cover every seeded content row and keep each message's placeholders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import diary_site
from alerts.models import AlertRule, EducationPage
from alerts.ruleset.messages import PLACEHOLDER
from symptoms.models import Symptom

FOLDER = Path(diary_site.__file__).parent / "content_translations"
LANGUAGES = ("es", "de")

# section: (model, key field, translated fields)
SECTIONS = {
    "rules": (AlertRule, "rule_id", ("title", "patient_message", "clinician_summary")),
    "education": (EducationPage, "slug", ("title", "summary", "body")),
    "symptoms": (Symptom, "code", ("label", "help_text")),
}


def load(language: str) -> dict:
    return json.loads((FOLDER / f"{language}.json").read_text(encoding="utf-8"))


def rows(section: str):
    model, key, fields = SECTIONS[section]
    for row in model.objects.all():
        yield getattr(row, key), {field: getattr(row, field) for field in fields}, model


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("section", SECTIONS)
def test_it_translates_every_row_and_field(language, section):
    translated = load(language)[section]
    problems = []
    for key, english, model in rows(section):
        entry = translated.get(key)
        if entry is None:
            problems.append(f"{key}: missing")
            continue
        for field, text in english.items():
            ours = entry.get(field)
            if ours is None:
                problems.append(f"{key}.{field}: missing")
            elif bool(text.strip()) != bool(ours.strip()):
                problems.append(f"{key}.{field}: empty in one language only")
            max_length = model._meta.get_field(field).max_length
            if ours and max_length and len(ours) > max_length:
                problems.append(f"{key}.{field}: longer than {max_length}")
    assert problems == []


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("section", SECTIONS)
def test_it_keeps_the_same_placeholders(language, section):
    translated = load(language)[section]
    problems = [
        f"{key}.{field}"
        for key, english, _ in rows(section)
        for field, text in english.items()
        if set(PLACEHOLDER.findall(text))
        != set(PLACEHOLDER.findall(translated.get(key, {}).get(field, "")))
    ]
    assert problems == []


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_it_keeps_the_paragraphs_of_each_education_page(language):
    translated = load(language)["education"]
    problems = [
        page.slug
        for page in EducationPage.objects.all()
        if len(page.body.split("\n\n"))
        != len(translated.get(page.slug, {}).get("body", "").split("\n\n"))
    ]
    assert problems == []


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("section", SECTIONS)
def test_it_has_no_entries_for_rows_that_do_not_exist(language, section):
    """A stale key would be loaded onto nothing: catch a renamed or removed row."""
    keys = {key for key, _, _ in rows(section)}
    assert set(load(language)[section]) - keys == set()
