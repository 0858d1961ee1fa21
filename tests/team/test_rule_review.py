"""A clinical lead reviews a rule change on the team's side: what changes, what it would
have done to her own teams, approve or reject. Nobody else sees these pages."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from alerts.authoring.drafts import rule_draft_create
from alerts.models import AlertRule, RuleDraft, WhatIfRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(alice):
    """Alice, given the approval permission (each request reads it afresh)."""
    alice.user_permissions.add(Permission.objects.get(codename="approve_rule_change"))
    return alice


@pytest.fixture
def draft(dana):
    return rule_draft_create(
        rule=AlertRule.objects.get(rule_id="T-FEV-1"),
        by=dana,
        reason="Audit of last quarter's fevers",
        proposed={"params": {"threshold_c": "37.8"}},
    )


def test_the_lead_sees_the_change_in_words_and_approves_it(client, lead, draft, team_a, team_b):
    WhatIfRun.objects.create(
        draft=draft,
        days=90,
        requested_by=draft.created_by,
        status=WhatIfRun.Status.DONE,
        result={
            "days": 90,
            "entries": 40,
            "levels": [
                {"level": "CONTACT", "live": 3, "draft": 7, "live_team": 3, "draft_team": 7}
            ],
            "gained": [
                {"team": team_a.name, "reference": "P-MINE0001"},
                {"team": team_b.name, "reference": "P-THEIRS01"},
            ],
            "lost": [],
        },
    )
    client.force_login(lead)
    listing = client.get(reverse("team:rule_changes")).content.decode()
    assert "Audit of last quarter" in listing
    page = client.get(reverse("team:rule_change", args=[draft.pk])).content.decode()
    assert "38.0 °C" in page and "37.8 °C" in page
    assert "P-MINE0001" in page and "P-THEIRS01" not in page  # only her own teams' patients
    response = client.post(
        reverse("team:rule_change", args=[draft.pk]), {"action": "approve", "note": "Agreed"}
    )
    assert response.status_code == 302
    rule = AlertRule.objects.get(rule_id="T-FEV-1")
    assert (rule.params["threshold_c"], rule.version) == ("37.8", 2)
    draft.refresh_from_db()
    assert draft.reviewed_by == lead and draft.status == RuleDraft.Status.PUBLISHED


def test_rejecting_needs_a_note_and_keeps_what_was_typed(client, lead, draft):
    client.force_login(lead)
    url = reverse("team:rule_change", args=[draft.pk])
    html = client.post(url, {"action": "reject", "note": ""}).content.decode()
    assert "Say why you reject it" in html
    draft.refresh_from_db()
    assert draft.status == RuleDraft.Status.DRAFT
    client.post(url, {"action": "reject", "note": "Not before the audit"})
    draft.refresh_from_db()
    assert draft.status == RuleDraft.Status.REJECTED
    assert AlertRule.objects.get(rule_id="T-FEV-1").version == 1


def test_a_lead_cannot_approve_her_own_draft(client, lead):
    own = rule_draft_create(
        rule=AlertRule.objects.get(rule_id="T-FEV-1"),
        by=lead,
        reason="Mine",
        proposed={"params": {"threshold_c": "37.9"}},
    )
    client.force_login(lead)
    url = reverse("team:rule_change", args=[own.pk])
    assert "Approve and publish" not in client.get(url).content.decode()
    client.post(url, {"action": "approve"})
    assert AlertRule.objects.get(rule_id="T-FEV-1").version == 1


@pytest.mark.parametrize("who", ["alice", "charlie"])
def test_without_the_permission_the_pages_are_not_found(client, request, draft, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(reverse("team:rule_changes")).status_code == 404
    url = reverse("team:rule_change", args=[draft.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "approve"}).status_code == 404
    assert AlertRule.objects.get(rule_id="T-FEV-1").version == 1


def test_the_queue_tells_only_a_lead_how_many_changes_wait(client, alice, charlie, draft):
    client.force_login(charlie)
    assert "Rule changes to review" not in client.get(reverse("team:triage")).content.decode()
    alice.user_permissions.add(Permission.objects.get(codename="approve_rule_change"))
    client.force_login(alice)
    html = client.get(reverse("team:triage")).content.decode()
    assert "Rule changes to review" in html and 'text-bg-secondary">1</span>' in html
