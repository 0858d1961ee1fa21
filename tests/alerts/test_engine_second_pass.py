"""The clinical engine's second pass through the real models: recurrences reach the team,
the patient is never told "we have let them know" when nobody was, windows are data, and the
pre-dose check runs from an entry, the sweep and the injection form."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alerts.care import sweeps
from alerts.care.concerns import concern_resolve
from alerts.care.prompts import prompt_of
from alerts.models import Alert, EngineSettings, Episode, ResolutionAction
from patients.models import Injection
from tests.alerts.factories import submit_entry

pytestmark = pytest.mark.django_db


def evaluate(patient, at, **fields):
    """Saved and recorded as the diary does; the prompt is what the patient was shown."""
    entry = submit_entry(patient, at, **fields)
    return entry, prompt_of(entry)


def team_rules(entry) -> list[str]:
    return sorted(
        Alert.objects.filter(entry=entry, team_alert=True).values_list("rule__rule_id", flat=True)
    )


def test_a_urine_symptom_that_clears_and_comes_back_reaches_the_team(bob, alice):
    now = timezone.now()
    first, _ = evaluate(bob, now - timedelta(days=4), symptoms={"dysuria": 2})
    assert team_rules(first) == ["GU-UTI"]
    evaluate(bob, now - timedelta(days=3))  # cleared
    evaluate(bob, now - timedelta(days=2))
    back, prompt = evaluate(bob, now, symptoms={"dysuria": 2})
    assert "GU-UTI" in team_rules(back)
    # The concern opened 4 days ago is still open (nobody resolved it): the recurrence joins
    # it, and the patient is told when the team was told rather than "we have let them know".
    assert prompt.transition == "joined"
    assert not prompt.team_alerted and prompt.team_told_at is not None


def test_an_unchanged_symptom_every_day_waits_and_the_prompt_says_when_the_team_was_told(
    bob, alice
):
    now = timezone.now()
    for days in (3, 2, 1):
        evaluate(bob, now - timedelta(days=days), symptoms={"dysuria": 1})
    latest, prompt = evaluate(bob, now, symptoms={"dysuria": 1})
    assert team_rules(latest) == []
    assert (prompt.team_alerted, prompt.team_told_at) == (False, now - timedelta(days=3))
    html = services_prompt_html(latest)
    assert "We have also let them know" not in html
    told = timezone.localtime(now - timedelta(days=3))
    assert (
        f"The diary told them about this on {told:%A} {told.day} {told:%B} at {told:%H:%M}" in html
    )


def test_a_new_team_alert_is_announced_as_such(bob, alice):
    entry, prompt = evaluate(bob, timezone.now(), symptoms={"dysuria": 1})
    assert prompt.team_alerted
    assert "We have also let them know" in services_prompt_html(entry)


def test_an_alert_the_team_resolved_closes_its_episode(bob, alice):
    now = timezone.now()
    first, _ = evaluate(bob, now - timedelta(hours=3), symptoms={"dysuria": 1})
    concern_resolve(
        patient=bob,
        by=alice,
        action=ResolutionAction.PHONED,
        note="Urine test booked",
        now=now - timedelta(hours=2),
    )
    again, prompt = evaluate(bob, now, symptoms={"dysuria": 1})
    assert team_rules(again) == ["GU-UTI"]
    assert prompt.team_alerted
    assert Episode.objects.filter(patient=bob, key__startswith="GU-UTI:").count() == 2


def test_the_windows_are_edited_with_history_and_kept_with_each_alert(bob, alice):
    settings_row = EngineSettings.current()
    settings_row.dedup_hours = 6
    settings_row.save()
    assert settings_row.history.first().dedup_hours == 6  # who changed it, when: history
    now = timezone.now()
    evaluate(bob, now - timedelta(hours=7), temp="38.4")
    later, _ = evaluate(bob, now, temp="38.4")
    assert "T-FEV-1" in team_rules(later)  # 7 h > 6 h: the team is told again
    snapshot = Alert.objects.get(entry=later, rule__rule_id="T-FEV-1").snapshot
    assert snapshot["engine"] == {"dedup_hours": 6, "persistent_days": 7, "episode_gap_days": 7}


def test_the_windows_refuse_values_beyond_the_history_the_engine_reads():
    from django.core.exceptions import ValidationError

    row = EngineSettings.current()
    row.persistent_days = 30
    with pytest.raises(ValidationError):
        row.full_clean()


# The team's first-dose date and the pre-dose check ----------------------------------------


def test_an_unlogged_first_dose_is_missed_on_the_dashboard_and_by_the_rule(bob, alice):
    now = timezone.now()
    bob.first_dose_at = now - timedelta(days=3)
    bob.save()
    assert bob.missed_dose(now=now) is not None  # what the dashboard shows
    sweeps.periodic_rules_sweep(now=now)
    assert Alert.objects.filter(patient=bob, rule__rule_id="INJ-MISSED").count() == 1


def uti_alert(bob, at):
    entry, _ = evaluate(bob, at, symptoms={"dysuria": 2})
    return entry


def dose_due_in_a_day(bob, now):
    Injection.objects.create(patient=bob, given_at=now - timedelta(days=27), dose_number=4)


def test_the_sweep_asks_for_a_check_when_a_dose_falls_due_during_an_infection(bob, alice):
    now = timezone.now()
    uti_alert(bob, now - timedelta(days=5))  # before the dose was close: no check then
    dose_due_in_a_day(bob, now)
    sweeps.periodic_rules_sweep(now=now)
    sweeps.periodic_rules_sweep(now=now + timedelta(minutes=15))
    checks = Alert.objects.filter(patient=bob, rule__rule_id="INJ-DUE-INF")
    assert [(a.team_alert, a.entry_id) for a in checks] == [(True, None)]  # once


def test_the_injection_form_says_talk_to_the_team_and_tells_them_once(client, bob, alice):
    now = timezone.now()
    uti_alert(bob, now - timedelta(days=2))
    dose_due_in_a_day(bob, now)
    Alert.objects.filter(rule__rule_id="INJ-DUE-INF").delete()  # as if only the form asked
    client.force_login(bob.user)
    for _ in range(2):
        page = client.get(reverse("patients:injections")).content.decode()
        assert "Talk to your team before this dose" in page
        assert "Possible urine infection" in page
        assert f'href="tel:{bob.team.phone.replace(" ", "")}"' in page
    assert (
        Alert.objects.filter(patient=bob, rule__rule_id="INJ-DUE-INF", team_alert=True).count() == 1
    )


def test_the_injection_form_is_quiet_without_an_infection(client, bob):
    dose_due_in_a_day(bob, timezone.now())
    client.force_login(bob.user)
    page = client.get(reverse("patients:injections")).content.decode()
    assert "Talk to your team before this dose" not in page
    assert not Alert.objects.filter(patient=bob).exists()


def services_prompt_html(entry) -> str:
    from django.template.loader import render_to_string

    prompt = prompt_of(entry)
    return render_to_string("alerts/_prompt.html", {"prompt": prompt, "team": entry.patient.team})


def test_the_team_is_told_once_per_dose_even_weeks_later(bob, alice):
    """Dose 5 stays overdue for weeks; an alert for it 20 days ago (older than the two weeks
    the evaluator reads) still stands for the entry path and the sweep."""
    now = timezone.now()
    Injection.objects.create(patient=bob, given_at=now - timedelta(days=50), dose_number=4)
    early = uti_alert(bob, now - timedelta(days=20))
    assert "INJ-DUE-INF" in team_rules(early)
    later = uti_alert(bob, now)
    sweeps.periodic_rules_sweep(now=now + timedelta(minutes=15))
    assert "INJ-DUE-INF" not in team_rules(later)
    assert (
        Alert.objects.filter(patient=bob, rule__rule_id="INJ-DUE-INF", team_alert=True).count() == 1
    )


@pytest.mark.parametrize(
    ("rule_id", "name", "value", "ok"),
    [
        ("INJ-DUE-INF", "lookback_days", 14, True),
        ("INJ-DUE-INF", "lookback_days", 15, False),
        ("NEURO-PROG", "episode_days", 30, False),
        ("DIARY-GAP-3", "days", 21, True),
    ],
)
def test_a_rule_window_longer_than_the_history_read_is_refused(rule_id, name, value, ok):
    from django.core.exceptions import ValidationError

    from alerts.models import AlertRule

    row = AlertRule.objects.get(rule_id=rule_id)
    row.params = {**row.params, name: value}
    try:
        row.full_clean()
        accepted = True
    except ValidationError:
        accepted = False
    assert accepted is ok
