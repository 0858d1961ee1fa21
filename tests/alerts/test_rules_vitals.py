"""Optional vital signs at their bounds, confirmation, and NEWS2."""

from __future__ import annotations

import pytest

from alerts.rules import Vital
from tests.alerts.rulekit import T0, M, entry, fired, run, temp

VITALS = {
    "VIT-HR-H",
    "VIT-HR-M",
    "VIT-RR-H",
    "VIT-RR-M",
    "VIT-SPO2-H",
    "VIT-SPO2-M",
    "VIT-SBP-H",
    "VIT-SBP-M",
    "VIT-NEWS2",
}


def vital_rules(**kw):
    return set(fired(entry(**kw))) & VITALS


@pytest.mark.parametrize(
    ("name", "value", "confirmed", "t", "symptoms", "expected"),
    [
        ("heart_rate", 131, True, None, {}, {"VIT-HR-H"}),
        ("heart_rate", 131, False, None, {}, {"VIT-HR-M"}),  # re-check asked first
        ("heart_rate", 130, True, "37.5", {}, {"VIT-HR-M"}),
        ("heart_rate", 130, True, "37.4", {}, set()),
        ("heart_rate", 91, False, None, {"sore_throat": 1}, {"VIT-HR-M"}),
        ("heart_rate", 90, False, "38.5", {}, set()),
        ("resp_rate", 25, False, None, {}, {"VIT-RR-H"}),
        ("resp_rate", 24, False, None, {"cough": 1}, {"VIT-RR-M"}),
        ("resp_rate", 24, False, None, {}, set()),
        ("resp_rate", 21, False, None, {"cough": 1}, {"VIT-RR-M"}),
        ("resp_rate", 20, False, None, {"cough": 1}, set()),
        ("spo2", 92, True, None, {}, {"VIT-SPO2-H"}),
        ("spo2", 92, False, None, {}, {"VIT-SPO2-M"}),
        ("spo2", 93, True, None, {}, {"VIT-SPO2-M"}),
        ("spo2", 94, True, None, {}, {"VIT-SPO2-M"}),
        ("spo2", 95, True, None, {}, set()),
        ("systolic_bp", 90, False, None, {}, {"VIT-SBP-H"}),
        ("systolic_bp", 91, False, None, {"dysuria": 1}, {"VIT-SBP-M"}),
        ("systolic_bp", 100, False, None, {"dysuria": 1}, {"VIT-SBP-M"}),
        ("systolic_bp", 100, False, None, {}, set()),
        ("systolic_bp", 101, False, None, {"dysuria": 1}, set()),
    ],
)
def test_single_vital_bounds(name, value, confirmed, t, symptoms, expected):
    assert vital_rules(vit={name: Vital(value, confirmed)}, t=t, sym=symptoms) == expected


def full(t="37.0", hr=70, rr=16, spo2=97, sbp=120, **kw):
    vit = {"heart_rate": hr, "resp_rate": rr, "spo2": spo2, "systolic_bp": sbp}
    return entry(t=t, vit=vit, **kw)


@pytest.mark.parametrize(
    ("values", "news2"),
    [
        ({}, False),  # all 0
        ({"t": "38.5", "hr": 112, "spo2": 95}, False),  # 1 + 2 + 1 = 4
        ({"t": "38.5", "hr": 112, "spo2": 95, "sbp": 108}, True),  # 5
        ({"t": "39.1", "hr": 111, "spo2": 94}, True),  # 2 + 2 + 1 = 5
        ({"t": "35.0"}, True),  # single parameter scoring 3
        ({"t": "35.1", "hr": 41, "rr": 11, "spo2": 95}, False),  # 1+1+1+1 = 4
        ({"t": "35.1", "hr": 41, "rr": 11, "spo2": 95, "sbp": 110}, True),  # + 1 = 5
        ({"rr": 8}, True),
        ({"hr": 40}, True),
        ({"sbp": 220}, True),
        ({"spo2": 91}, True),
    ],
)
def test_news2(values, news2):
    assert ("VIT-NEWS2" in fired(full(**values))) is news2


@pytest.mark.parametrize(
    ("readings", "expected"),
    [
        (("34.9", "36.5"), True),  # the low reading scores 3, whichever is higher
        (("36.5", "34.9"), True),
        (("35.1", "36.5"), False),  # 1: not enough alone
        (("39.1", "36.5"), False),  # 2: not enough alone
    ],
)
def test_news2_scores_the_most_abnormal_temperature(readings, expected):
    e = full(t=None, temps=[temp(value, at=T0 + n * M) for n, value in enumerate(readings)])
    assert ("VIT-NEWS2" in fired(e)) is expected


def test_news2_consciousness_from_red_flags():
    assert "VIT-NEWS2" in fired(full(rf=["slurred_speech_confusion"]))
    assert "VIT-NEWS2" not in fired(full(rf=["might_die"]))


def test_news2_needs_every_parameter():
    partial = entry(t="39.5", vit={"heart_rate": 125, "resp_rate": 23, "spo2": 95})
    assert "VIT-NEWS2" not in fired(partial)


def test_news2_why_lists_each_score():
    result = run(full(t="38.5", hr=112, spo2=95, sbp=108))
    why = {f.rule_id: f.why for f in result.fired}["VIT-NEWS2"]
    assert "5" in str(why)
    assert result.level == "URGENT"
