"""Immunoglobulins over time on the team's patient page, the printable summary and the PDF
(team/lab_charts.py, team/lab_series.py): the lower limit and the review level at the right
height, the doses at the right place on the time axis, results below their limit marked by
shape, mg/dL converted, withdrawn results left out, and nothing drawn without results."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from alerts.models import AlertRule
from patients.lab_models import LabResult
from patients.lab_tests import BY_NAME
from team import lab_charts
from team.lab_charts import IgChart, LabPoint, ig_chart_svg
from team.lab_series import ig_charts

LONDON = ZoneInfo("Europe/London")


def em_of(svg: str, cls: str) -> float:
    """The y (em) of the horizontal line of class `cls`."""
    match = re.search(rf'<line [^>]*y1="([\d.]+)em"[^>]*class="{cls}"', svg)
    assert match, cls
    return float(match.group(1))


def chart_of(**kw) -> IgChart:
    values = {
        "test": "IgG",
        "unit": "g/L",
        "points": (
            LabPoint(date(2026, 1, 1), Decimal("6.0"), "6 g/L", low=False, lln=Decimal("5.65")),
            LabPoint(date(2026, 7, 1), Decimal("4.0"), "4 g/L", low=True, lln=Decimal("5.65")),
        ),
        "lln": Decimal("5.65"),
        "lln_source": "clinic",
        "review": Decimal("4.52"),
        "review_percent": Decimal("20"),
        "doses": (date(2025, 6, 1), date(2026, 1, 15), date(2026, 2, 12)),
    }
    return IgChart(**(values | kw))


# The drawing, from plain values ---------------------------------------------------------


def test_the_lower_limit_and_the_review_level_are_drawn_at_their_values():
    chart = chart_of()
    svg = ig_chart_svg(chart)
    # 6.0 g/L × 1.1 needs a top of 8 in steps of 2 (at most five intervals from 0).
    assert chart.axis == (Decimal(8), Decimal(2))
    assert [str(t) for t in chart.ticks] == ["0", "2", "4", "6", "8"]
    top, height = lab_charts.PLOT_TOP, lab_charts.PLOT_HEIGHT
    assert em_of(svg, "lln") == pytest.approx(top + height * (8 - 5.65) / 8, abs=0.001)
    assert em_of(svg, "review") == pytest.approx(top + height * (8 - 4.52) / 8, abs=0.001)
    assert 'class="review"' in svg and 'stroke-dasharray="5 3"' in svg
    for words in ("Lower limit", "5.65 g/L", "Review level", "4.52 g/L"):
        assert f">{words}</text>" in svg


@pytest.mark.parametrize(
    ("dose", "expected"),
    [
        # From 22 Dec 2025 (the first result less 10 days) to 11 Jul 2026: 201 days.
        (date(2026, 1, 15), 100 * 24 / 201),
        (date(2026, 2, 12), 100 * 52 / 201),
    ],
)
def test_each_dose_is_a_mark_at_its_day_on_the_time_axis(dose, expected):
    chart = chart_of()
    assert (chart.start, chart.end) == (date(2025, 12, 22), date(2026, 7, 11))
    svg = ig_chart_svg(chart)
    match = re.search(rf'<svg x="([\d.]+)%"[^>]*class="dose" data-day="{dose.isoformat()}"', svg)
    assert match and float(match.group(1)) == pytest.approx(expected, abs=0.001)


def test_a_dose_before_the_first_result_is_not_drawn():
    svg = ig_chart_svg(chart_of())
    assert svg.count('class="dose"') == 2 and "2025-06-01" not in svg


def test_a_result_below_its_limit_is_a_diamond_not_only_another_colour():
    svg = ig_chart_svg(chart_of())
    low = re.findall(r'class="point low"[^>]*>(<[a-z]+)', svg)
    normal = re.findall(r'class="point"[^>]*>(<[a-z]+)', svg)
    assert low == ["<path"] and normal == ["<circle"]
    assert "1 Jul 2026: 4 g/L, below the lower limit" in svg  # the <desc> and the point's title


def test_the_points_are_joined_in_date_order():
    svg = ig_chart_svg(chart_of())
    joins = re.findall(r'<line x1="([\d.]+)%" y1="[\d.]+em" x2="([\d.]+)%"', svg)
    assert len(joins) == 1 and float(joins[0][0]) < float(joins[0][1])


def test_it_is_an_image_with_a_title_and_a_description():
    svg = ig_chart_svg(chart_of())
    assert 'role="img"' in svg and 'aria-labelledby="lab-igg-title lab-igg-desc"' in svg
    assert '<title id="lab-igg-title">IgG in g/L: 2 results' in svg
    assert '<desc id="lab-igg-desc">1 Jan 2026: 6 g/L; 1 Jul 2026: 4 g/L' in svg


def test_a_single_result_still_draws_with_room_either_side():
    chart = chart_of(points=(LabPoint(date(2026, 3, 3), Decimal("7.1"), "7.1 g/L"),), doses=())
    svg = ig_chart_svg(chart)
    assert chart.x(date(2026, 3, 3)) == pytest.approx(0.5)
    assert svg.count('class="point"') == 1
    assert not re.search(r'<line x1="[\d.]+%" y1=', svg)  # nothing to join
    assert "1 result, on 3 Mar 2026" in svg


# From the database ----------------------------------------------------------------------


def result(patient, test, value, unit="g/L", *, on, lln=None, withdrawn=False):
    return LabResult.objects.create(
        patient=patient,
        test=BY_NAME[test].loinc,
        value=Decimal(value),
        unit=unit,
        reference_low=None if lln is None else Decimal(lln),
        collected_on=on,
        withdrawn_at=timezone.now() if withdrawn else None,
    )


@pytest.fixture
def labs(bob):
    result(bob, "IgG", "7.2", on=date(2026, 3, 2))
    result(bob, "IgG", "4.1", on=date(2026, 9, 1))
    result(bob, "IgM", "55", "mg/dL", on=date(2026, 3, 2))
    result(bob, "IgM", "35", "mg/dL", on=date(2026, 9, 1))
    for day in (date(2026, 3, 20), date(2026, 4, 17), date(2026, 5, 15)):
        bob.injections.create(given_at=datetime(day.year, day.month, day.day, 9, tzinfo=LONDON))
    return bob


@pytest.mark.django_db
def test_it_reads_the_clinics_limits_from_the_rule_rows(labs):
    igg, igm = ig_charts(labs)
    assert (igg.test, igg.lln, igg.lln_source) == ("IgG", Decimal("5.65"), "clinic")
    assert igg.review == Decimal("4.52") and igm.review == Decimal("0.36")
    assert [p.low for p in igg.points] == [False, True]
    assert igg.doses == (date(2026, 3, 20), date(2026, 4, 17), date(2026, 5, 15))
    rule = AlertRule.objects.get(rule_id="LAB-IG-LOW")
    rule.params = {**rule.params, "igg_lln": "6"}
    rule.save()
    review = AlertRule.objects.get(rule_id="LAB-IG-REVIEW")
    review.params = {**review.params, "igg_below_percent": "25"}
    review.save()
    igg, _igm = ig_charts(labs)
    assert (igg.lln, igg.review) == (Decimal("6"), Decimal("4.5"))


@pytest.mark.django_db
def test_mg_per_decilitre_is_drawn_in_grams_per_litre(labs):
    _igg, igm = ig_charts(labs)
    assert [p.value for p in igm.points] == [Decimal("0.55"), Decimal("0.35")]
    assert [p.low for p in igm.points] == [False, True]  # 0.35 < 0.40 g/L
    svg = ig_chart_svg(igm)
    assert "0.35 g/L (reported 35 mg/dL)" in svg


@pytest.mark.django_db
def test_the_latest_results_own_limit_wins_over_the_clinics(bob):
    result(bob, "IgG", "5.0", on=date(2026, 1, 5))
    result(bob, "IgG", "5.0", on=date(2026, 6, 5), lln="480", withdrawn=False)
    # 480 g/L is nonsense but proves the source: a lab LLN in mg/dL converts too.
    LabResult.objects.filter(collected_on=date(2026, 6, 5)).update(unit="mg/dL", value=500)
    (igg,) = ig_charts(bob)
    assert (igg.lln, igg.lln_source) == (Decimal("4.8"), "lab")
    assert igg.review == Decimal("3.84")
    # Each result is marked against its own limit, as the rules read it.
    assert [p.low for p in igg.points] == [True, False]


@pytest.mark.django_db
def test_withdrawn_results_are_not_drawn_and_iga_has_no_review_line(bob):
    result(bob, "IgG", "3.0", on=date(2026, 2, 1), withdrawn=True)
    result(bob, "IgA", "0.5", on=date(2026, 2, 1), lln="0.7")
    (iga,) = ig_charts(bob)
    assert iga.test == "IgA" and iga.lln == Decimal("0.7") and iga.review is None
    svg = ig_chart_svg(iga)
    assert 'class="lln"' in svg and 'class="review"' not in svg
    result(bob, "IgA", "0.9", on=date(2026, 5, 1))  # no limit of its own, none of the clinic's
    (iga,) = ig_charts(bob)
    assert iga.lln is None and 'class="lln"' not in ig_chart_svg(iga)


@pytest.mark.django_db
def test_no_results_no_chart(bob):
    result(bob, "IgG", "3.0", on=date(2026, 2, 1), withdrawn=True)
    assert ig_charts(bob) == []


# The pages and the PDF ------------------------------------------------------------------


@pytest.mark.django_db
def test_the_patient_page_shows_each_chart_and_its_values(client, alice, labs):
    client.force_login(alice)
    page = client.get(reverse("team:patient", args=[labs.pk])).content.decode()
    assert 'id="lab-charts-heading"' in page
    assert page.count('class="chart lab-chart"') == 2
    assert "lower limit 5.65 g/L (the clinic&#x27;s)" in page
    assert "review level 0.36 g/L (10 % below the lower limit)" in page
    assert "lower limit 0.40 g/L" in page
    assert "0.35 g/L (reported 35 mg/dL)" in page  # the table of values


@pytest.mark.django_db
def test_the_patient_page_has_no_section_without_results(client, alice, bob):
    client.force_login(alice)
    page = client.get(reverse("team:patient", args=[bob.pk])).content.decode()
    assert "lab-charts-heading" not in page and "lab-chart" not in page


@pytest.mark.django_db
def test_another_teams_clinician_still_gets_nothing(client, charlie, labs):
    client.force_login(charlie)
    for name in ("team:patient", "team:summary", "team:summary_pdf"):
        assert client.get(reverse(name, args=[labs.pk])).status_code == 404


@pytest.mark.django_db
def test_the_printable_summary_shows_the_charts(client, alice, labs):
    client.force_login(alice)
    page = client.get(reverse("team:summary", args=[labs.pk])).content.decode()
    assert page.count('class="chart lab-chart"') == 2


@pytest.mark.django_db
def test_the_pdf_draws_them_with_their_lines_and_values(client, alice, labs):
    client.force_login(alice)
    response = client.get(reverse("team:summary_pdf", args=[labs.pk]))
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages).replace("\n", " ")
    assert "Immunoglobulins (g/L)" in text
    assert "lower limit 5.65 g/L (the clinic's)" in text
    assert "review level 4.52 g/L (20 % below the lower limit)" in text
    assert "review level 0.36 g/L (10 % below the lower limit)" in text
    assert "Lower limit" in text and "Review level" in text and "4.52 g/L" in text
    assert "1 Sep 2026: 4.1 g/L — below the lower limit" in text
    assert "0.35 g/L (reported 35 mg/dL)" in text


@pytest.mark.django_db
def test_the_pdf_has_no_immunoglobulins_without_results(client, alice, bob):
    client.force_login(alice)
    response = client.get(reverse("team:summary_pdf", args=[bob.pk]))
    reader = PdfReader(io.BytesIO(response.content))
    assert "Immunoglobulins" not in " ".join(p.extract_text() for p in reader.pages)


def test_a_date_near_the_span_is_inside_it():
    chart = chart_of()
    assert 0 < chart.x(date(2026, 1, 1)) < chart.x(date(2026, 7, 1)) < 1
    assert chart.end - chart.start == timedelta(days=201)


@pytest.mark.django_db
def test_the_queries_do_not_grow_with_the_results(labs, django_assert_num_queries):
    # The results, the configuration's version (the rule rows and engine settings are
    # held per process since issue 37), the doses.
    with django_assert_num_queries(3):
        assert len(ig_charts(labs)) == 2
    for month in range(1, 11):
        result(labs, "IgG", "6.5", on=date(2025, month, 3))
        result(labs, "IgA", "1.5", on=date(2025, month, 3))
    with django_assert_num_queries(3):
        assert len(ig_charts(labs)) == 3


@pytest.mark.django_db
def test_the_printable_summary_prints_the_values_open(client, alice, labs):
    client.force_login(alice)
    summary = client.get(reverse("team:summary", args=[labs.pk])).content.decode()
    page = client.get(reverse("team:patient", args=[labs.pk])).content.decode()
    assert summary.count('<details class="small" open>') == 2
    assert '<details class="small">' in page and '<details class="small" open>' not in page


@pytest.mark.parametrize(
    ("lln", "review", "lln_shown", "review_shown"),
    [
        (Decimal("0.40"), Decimal("0.360"), "0.40 g/L", "0.36 g/L"),
        (Decimal("6"), Decimal("4.5"), "6.00 g/L", "4.50 g/L"),
        (Decimal("5.65"), Decimal("4.8025"), "5.65 g/L", "4.8025 g/L"),  # 15 % below
        (Decimal("4.80000"), Decimal("3.84"), "4.80 g/L", "3.84 g/L"),  # 480 mg/dL converted
    ],
)
def test_limits_are_written_with_two_places_as_the_rule_editor_writes_them(
    lln, review, lln_shown, review_shown
):
    chart = chart_of(lln=lln, review=review)
    assert lab_charts.lln_value(chart) == lln_shown
    assert lab_charts.review_value(chart) == review_shown
    assert f">{lln_shown}</text>" in ig_chart_svg(chart)
