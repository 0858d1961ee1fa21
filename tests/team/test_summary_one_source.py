"""The printable summary and its PDF are drawn from one team.summary.Summary: the same
readings, days, team alerts (in the same order), injections and risk reasons in both."""

from __future__ import annotations

import inspect
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from symptoms.readings import local_number
from team import exports
from team.summary import summary_build
from tests.alerts.factories import make_entry
from tests.team.test_summary_pdf import fever, get_pdf, lukasz, pdf_text  # noqa: F401


@pytest.mark.django_db
def test_the_page_and_the_pdf_show_the_same_facts(client, alice, lukasz, fever):  # noqa: F811
    lukasz.er_low_ig = True
    lukasz.save()
    make_entry(lukasz, timezone.now() - timedelta(days=1), temp="36.9")
    summary = summary_build(lukasz, days=30)
    client.force_login(alice)
    html = client.get(reverse("team:summary", args=[lukasz.pk]), {"days": 30}).content.decode()
    text, _pages = pdf_text(get_pdf(client, lukasz))
    text = text.replace("\n", " ")

    # Every reading of the chart's series, and the count.
    assert len(summary.points) == 3
    assert f"{len(summary.points)} readings" in html and f"{len(summary.points)} readings" in text
    # Each day's highest temperature.
    for row in summary.history["rows"]:
        shown = f"{local_number(row['max_c'])} °C"
        assert shown in html and shown in text
    # The team alerts, most serious first, in both.
    assert summary.team_alerts
    titles = [alert.title_words for alert in summary.team_alerts]
    for place in (html, text):
        found = [place.find(title) for title in titles]
        assert -1 not in found and found == sorted(found)
    # The injections and the risk reasons, in the same words.
    assert summary.risk_reasons == ["IgG or IgM below normal"]
    for reason in summary.risk_reasons:
        assert reason in html and reason in text


def test_the_pdf_draws_the_summarys_series_not_its_own():
    """The PDF's chart reads the Summary's points and injections; it never places a
    reading or a dose on the time axis itself."""
    chart = inspect.getsource(exports._temperature_chart)
    assert "summary.points" in chart
    assert "measured_at" not in chart and "astimezone" not in chart


@pytest.mark.django_db
def test_the_summary_title_never_breaks_the_reference_at_its_hyphen(client, alice, lukasz):  # noqa: F811
    client.force_login(alice)
    html = client.get(reverse("team:summary", args=[lukasz.pk])).content.decode()
    assert f'(<span class="text-nowrap">{lukasz.reference}</span>)' in html
