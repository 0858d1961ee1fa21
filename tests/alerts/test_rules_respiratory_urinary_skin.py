"""Respiratory, urinary, cold-sore and shingles rules."""

from __future__ import annotations

import pytest

from tests.alerts.rulekit import T0, D, entry, fired

FAMILIES = ("RESP-", "GU-", "HSV-", "HZ-", "SEP-RF")


def family(e, **kw):
    return {r for r in fired(e, **kw) if r.startswith(FAMILIES)}


@pytest.mark.parametrize(
    ("symptoms", "t", "expected"),
    [
        ({"runny_nose": 1}, None, {"RESP-URTI"}),
        ({"sore_throat": 2, "sneezing": 1}, "37.4", {"RESP-URTI"}),
        ({"sore_throat": 2}, "37.5", set()),  # a raised reading is not a simple cold
        ({"sore_throat": 3}, None, set()),  # beyond grade 2 (PRO-SEV instead)
        ({"cough": 1, "phlegm_coloured": 1}, None, {"RESP-LRTI", "RESP-URTI"}),
        ({"cough": 1}, "38.0", {"RESP-LRTI"}),
        ({"cough": 1}, "37.9", set()),  # 37.9 is neither a cold (>=37.5) nor LRTI
        ({"cough": 2, "chest_pain_breathing": 1}, None, {"RESP-LRTI", "RESP-URTI"}),
        ({"cough": 1, "breathless": 1}, None, {"RESP-LRTI", "RESP-URTI"}),
        ({"breathless": 2}, None, set()),  # no cough: not LRTI
        ({"phlegm_coloured": 1}, None, set()),
    ],
)
def test_respiratory(symptoms, t, expected):
    assert family(entry(sym=symptoms, t=t)) == expected


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (["severe_breathless"], {"RESP-SEV", "SEP-RF"}),
        (["mottled_skin"], {"RESP-SEV", "SEP-RF"}),
        (["slurred_speech_confusion"], {"RESP-SEV", "SEP-RF"}),
        (["might_die"], {"SEP-RF"}),
        (["extreme_shivering"], {"SEP-RF"}),
        (["no_urine"], {"SEP-RF"}),
        (["non_blanching_rash"], {"SEP-RF"}),
    ],
)
def test_severe_breathing_and_sepsis_flags(flags, expected):
    assert family(entry(rf=flags)) == expected


def cough_days(*grades):
    """History with one entry a day, oldest first, ending yesterday."""
    n = len(grades)
    return [entry(T0 - (n - i) * D, sym={"cough": g} if g else {}) for i, g in enumerate(grades)]


@pytest.mark.parametrize(
    ("before", "today", "expected"),
    [
        ((1, 1), 1, True),
        ((1,), 1, False),
        ((1, 0), 1, False),  # a cough-free day breaks it
        ((3, 1), 1, True),
    ],
)
def test_cough_three_days(before, today, expected):
    result = fired(entry(sym={"cough": today}), history=cough_days(*before))
    assert ("RESP-COUGH-3D" in result) is expected


def test_cough_chain_broken_by_a_day_without_entry():
    history = [entry(T0 - 3 * D, sym={"cough": 1}), entry(T0 - D, sym={"cough": 1})]
    assert "RESP-COUGH-3D" not in fired(entry(sym={"cough": 1}), history=history)


@pytest.mark.parametrize(
    ("symptoms", "t", "flags", "expected"),
    [
        ({"dysuria": 1}, None, [], {"GU-UTI"}),
        ({"urinary_frequency": 1}, None, [], {"GU-UTI"}),
        ({"urine_cloudy_bloody": 1}, None, [], {"GU-UTI"}),
        ({"dysuria": 1}, "38.0", [], {"GU-UTI", "GU-UPPER"}),
        ({"dysuria": 1}, "37.9", [], {"GU-UTI"}),
        ({"dysuria": 1, "flank_pain": 1}, None, [], {"GU-UTI", "GU-UPPER"}),
        ({"dysuria": 1, "chills": 1}, None, [], {"GU-UTI", "GU-UPPER"}),
        ({"dysuria": 1, "vomiting": 1}, None, [], {"GU-UTI", "GU-UPPER"}),
        ({"dysuria": 1}, None, ["extreme_shivering"], {"GU-UTI", "GU-UPPER", "SEP-RF"}),
        ({"flank_pain": 3}, "38.5", [], set()),  # no urinary symptom
    ],
)
def test_urinary(symptoms, t, flags, expected):
    assert family(entry(sym=symptoms, t=t, rf=flags)) == expected


@pytest.mark.parametrize(
    ("symptoms", "t", "expected"),
    [
        ({"cold_sore": 1}, None, {"HSV-ORAL"}),
        ({"cold_sore": 1}, "37.4", {"HSV-ORAL"}),
        ({"cold_sore": 1}, "37.5", set()),
        ({"one_sided_pain": 1}, None, {"HZ-PRODROME"}),
        ({"one_sided_pain": 2, "one_sided_rash": 1}, None, {"HZ-RASH"}),
        ({"one_sided_rash": 1}, None, {"HZ-RASH"}),
        ({"rash_near_eye": 1}, None, {"HZ-EYE"}),
        ({"one_sided_rash": 1, "rash_near_eye": 1}, None, {"HZ-EYE", "HZ-RASH"}),
    ],
)
def test_cold_sores_and_shingles(symptoms, t, expected):
    assert family(entry(sym=symptoms, t=t)) == expected
