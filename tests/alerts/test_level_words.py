"""A level's words have one home, alerts.models.Level's labels (the words the patient's
prompt says, clinical-rules.md A.0), and templates ask the `levels` tags about a level
instead of comparing "URGENT" themselves."""

from __future__ import annotations

import pytest

from alerts.models import Level
from alerts.templatetags.levels import is_none, is_urgent, level_tone, level_words, team_levels
from tests.sources import places

WORDS = {
    "URGENT": "Seek medical attention now",
    "CONTACT": "Contact your care team today",
    "WATCH": "Keep monitoring",
    "NONE": "Thank you — nothing needs action today",
}


@pytest.mark.parametrize(("level", "words"), WORDS.items())
def test_each_level_has_the_words_the_patient_reads(level, words):
    assert str(Level(level).label) == level_words(level) == words


def test_the_words_are_written_in_the_model_only():
    """A template or module typing "Seek medical attention now" again is a second home."""
    pattern = "|".join(WORDS.values())
    assert {p.split(":")[0] for p in places(f"[\"'](?:{pattern})[\"']", ".py", ".html")} == {
        "alerts/ruleset/models.py"
    }


def test_no_template_compares_a_level_by_its_name():
    assert places(r"(==|!=)\s*[\"'](URGENT|CONTACT|WATCH|NONE)[\"']", ".html", ".txt") == []


def test_the_tags_answer_from_the_levels():
    assert is_urgent("URGENT") and not is_urgent("CONTACT")
    assert is_none("NONE") and not is_none("WATCH")
    assert [level_tone(level) for level in WORDS] == ["danger", "warning", "secondary", "secondary"]
    assert team_levels() == ["URGENT", "CONTACT"]
