"""A LAB-* alert's why in words (clinical-rules §6: "a why that shows the result, its limit
and the date"), from the keys the engine writes (alerts/rules/labs.py), on every team page
that reads an alert's values."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from alerts.care.labs import LabData, lab_result_record
from alerts.models import Alert, Concern
from alerts.rules.labs import LabInput, LabResult, evaluate_lab
from patients.lab_tests import BY_NAME
from team.templatetags.alert_format import fired_values_of, why_text


def whys(test, **result) -> dict[str, dict]:
    """The whys the engine writes for one result, by rule."""
    value = LabResult(key=7, test=test, collected=date(2026, 12, 1), **result)
    return {f.rule_id: f.why for f in evaluate_lab(LabInput(result=value, results=[value])).fired}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("test", "result", "rule", "words"),
    [
        (
            "IgG",
            {"value": Decimal("4.4"), "unit": "g/L"},
            "LAB-IG-REVIEW",
            "IgG 4.4 g/L, at or below 4.52 g/L (20 % below the lower limit 5.65 g/L, clinic "
            "default) · collected 1 Dec 2026",
        ),
        (
            "IgG",
            {"value": Decimal("4.4"), "unit": "g/L"},
            "LAB-IG-LOW",
            "IgG 4.4 g/L, below the lower limit 5.65 g/L (clinic default) · collected 1 Dec 2026",
        ),
        (  # reported in mg/dL: as reported, then in g/L
            "IgG",
            {"value": Decimal("500"), "unit": "mg/dL"},
            "LAB-IG-LOW",
            "IgG 500 mg/dL (5 g/L), below the lower limit 5.65 g/L (clinic default) · "
            "collected 1 Dec 2026",
        ),
        (  # the laboratory's own limit
            "IgM",
            {"value": Decimal("0.35"), "unit": "g/L", "lln": Decimal("0.4")},
            "LAB-IG-REVIEW",
            "IgM 0.35 g/L, at or below 0.36 g/L (10 % below the lower limit 0.4 g/L, the "
            "laboratory's) · collected 1 Dec 2026",
        ),
        (
            "neutrophils",
            {"value": Decimal("1.2"), "unit": "10^9/L"},
            "LAB-CYTO-LOW",
            "neutrophils 1.2 ×10⁹/L, below the lower limit 1.5 ×10⁹/L (clinic default) · "
            "collected 1 Dec 2026",
        ),
        ("HBsAg", {"positive": True}, "LAB-HBV-POS", "HBsAg positive · collected 1 Dec 2026"),
        ("anti-HBc", {"positive": True}, "LAB-HBV-POS", "anti-HBc positive · collected 1 Dec 2026"),
    ],
)
def test_the_why_of_each_lab_rule_in_words(test, result, rule, words):
    why = whys(test, **result)[rule]
    assert why_text(why) == words
    assert fired_values_of([why]) == [words]


@pytest.mark.django_db
def test_a_result_that_fired_low_and_review_is_said_once_at_its_review_level():
    fired = whys("IgG", value=Decimal("4.4"), unit="g/L")
    values = fired_values_of([fired["LAB-IG-LOW"], fired["LAB-IG-REVIEW"]])
    assert values == [
        "IgG 4.4 g/L, at or below 4.52 g/L (20 % below the lower limit 5.65 g/L, clinic "
        "default) · collected 1 Dec 2026"
    ]


@pytest.mark.django_db
def test_the_lab_why_in_german():
    why = whys("IgG", value=Decimal("440"), unit="mg/dL")["LAB-IG-LOW"]
    with translation.override("de"):
        text = why_text(why)
    assert text.startswith("IgG 440 mg/dL (4,4 g/L)")
    assert "5,65 g/L" in text and "Dez 2026" in text


@pytest.mark.django_db
def test_other_whys_are_untouched():
    assert why_text({"threshold_c": "38.3"}) == "threshold 38.3 °C"
    assert fired_values_of([{"test": "not a lab test", "loinc": "x"}]) == []


@pytest.mark.django_db
def test_the_queue_and_the_concern_page_read_the_lab_why(client, alice, bob):
    lab_result_record(
        patient=bob,
        data=LabData(
            test=BY_NAME["IgG"], collected_on=date(2026, 12, 1), value=Decimal("4.4"), unit="g/L"
        ),
        by=alice,
    )
    words = (
        "IgG 4.4 g/L, at or below 4.52 g/L (20 % below the lower limit 5.65 g/L, clinic "
        "default) · collected 1 Dec 2026"
    )
    client.force_login(alice)
    queue = client.get(reverse("team:triage")).content.decode()
    assert words in queue
    concern = Concern.objects.get(patient=bob)
    detail = client.get(reverse("team:concern", args=[concern.pk])).content.decode()
    lead = detail.split("lead-reason")[1].split("</p>")[0]
    assert words in lead
    card = detail.split("Why this alert")[1].split("</dl>")[0]
    assert words in card and "loinc" not in card.lower()  # one line, not the stored keys
    alert = Alert.objects.get(patient=bob, rule__rule_id="LAB-IG-REVIEW")
    page = client.get(reverse("team:alert", args=[alert.pk])).content.decode()
    assert words in page
    patient_page = client.get(reverse("team:patient", args=[bob.pk])).content.decode()
    open_list = patient_page.split('id="open-heading"')[1].split("</section>")[0]
    assert words in open_list
