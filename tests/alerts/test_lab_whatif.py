"""A draft of a laboratory rule (§6) shows whose result-held risk flags would change: the
what-if, `manage.py try_rules`, the admin's run page; its parameters take two decimal
places in the rule editor; publishing it works the flags out again."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alerts.authoring.drafts import DraftRefused, rule_draft_approve, rule_draft_create
from alerts.authoring.lab_whatif import lab_whatif
from alerts.authoring.whatif import rule_draft_try, ruleset_with_draft
from alerts.care.labs import LabData, lab_result_record
from alerts.models import AlertRule, RuleDraft
from alerts.ruleset.loading import rule_configs
from patients.lab_tests import BY_NAME
from patients.models import Patient
from tests.alerts.factories import make_entry
from tests.conftest import make_user, with_second_factor

pytestmark = pytest.mark.django_db

CHANGE = "/admin/alerts/alertrule/{}/change/"
TODAY = timezone.now().date()


def patient(name: str, team, **flags) -> Patient:
    return Patient.objects.create(
        user=make_user(name), team=team, timezone="Europe/London", **flags
    )


def record(who: Patient, test: str, value: str, *, lln: str | None = None, days_ago: int = 10):
    found = BY_NAME[test]
    return lab_result_record(
        patient=who,
        data=LabData(
            test=found,
            collected_on=TODAY - timedelta(days=days_ago),
            value=Decimal(value),
            unit=found.unit,
            reference_low=None if lln is None else Decimal(lln),
        ),
        by=None,
    ).result


def draft_of(rule_id: str, by, **proposed) -> RuleDraft:
    rule = AlertRule.objects.get(rule_id=rule_id)
    if "params" in proposed:
        proposed["params"] = {**rule.params, **proposed["params"]}
    return rule_draft_create(rule=rule, by=by, reason="try a limit", proposed=proposed)


def changes(draft: RuleDraft, teams=None):
    live = rule_configs()
    return lab_whatif(live_rules=live, draft_rules=ruleset_with_draft(draft), teams=teams)


@pytest.fixture
def erik(db):
    """A second administrator, to approve Dana's drafts."""
    return with_second_factor(make_user("erik", is_staff=True, is_superuser=True))


# Who would change -----------------------------------------------------------------------

# The clinic's IgG LLN is 5.65 g/L. "Below" is strict: a result equal to the LLN is not low.
IGG = ["4.99", "5.0", "5.3", "5.5", "5.64", "5.65", "5.8", "5.99", "6.0", "6.2"]


@pytest.mark.parametrize(
    ("new_lln", "gained", "lost"),
    [
        # Raised: those from the old LLN (included) to the new one (excluded) become low.
        ("6.00", {"5.65", "5.8", "5.99"}, set()),
        ("5.66", {"5.65"}, set()),
        # Lowered: those from the new LLN (included) to the old one (excluded) are no more.
        ("5.00", set(), {"5.0", "5.3", "5.5", "5.64"}),
        ("5.64", set(), {"5.64"}),
    ],
)
def test_an_igg_lln_draft_flips_exactly_those_between_the_two_limits(
    dana, team_a, new_lln, gained, lost
):
    by_value = {}
    for i, value in enumerate(IGG):
        who = patient(f"p{i}", team_a)
        record(who, "IgG", value)
        by_value[who.reference] = value
    draft = draft_of("LAB-IG-LOW", dana, params={"igg_lln": new_lln})

    found = changes(draft)

    assert found.patients == len(IGG)
    now_low = {by_value[c.reference] for c in found.flags if c.draft}
    no_more = {by_value[c.reference] for c in found.flags if c.live}
    assert (now_low, no_more) == (gained, lost)
    assert {c.flag for c in found.flags} <= {"low_ig"}
    for change in found.flags:
        decider = change.decided_by
        assert decider.test == "IgG" and decider.unit == "g/L" and decider.lln_from == "clinic"
        assert Decimal(decider.value) == Decimal(by_value[change.reference])
        assert Decimal(decider.live.lln) == Decimal("5.65")
        assert Decimal(decider.draft.lln) == Decimal(new_lln)
        assert decider.collected == TODAY - timedelta(days=10)
        assert change.team == "Team A" and not change.ticked


def test_only_the_latest_result_of_each_test_counts(dana, bob):
    record(bob, "IgG", "5.8", days_ago=40)  # low with the draft, but an older result
    record(bob, "IgG", "6.5", days_ago=5)
    assert changes(draft_of("LAB-IG-LOW", dana, params={"igg_lln": "6.00"})).flags == []


def test_a_review_percent_draft_lists_the_results_that_reach_the_review_level(dana, bob, dave):
    # Live: IgG at or below 5.65 × 0.80 = 4.52 is at the review level; with 15 %, 4.8025
    # (a smaller percentage: the review level comes nearer the LLN).
    record(bob, "IgG", "4.7")
    record(dave, "IgG", "4.4")  # at it either way
    draft = draft_of("LAB-IG-REVIEW", dana, params={"igg_below_percent": 15})

    found = changes(draft)

    assert found.flags == []  # low either way: LAB-IG-LOW holds low_ig
    assert [(c.reference, c.live, c.draft) for c in found.review] == [(bob.reference, False, True)]
    assert found.review[0].decided_by.live.review == "4.52"
    assert found.review[0].decided_by.draft.review == "4.8025"


def test_switching_lab_cyto_low_off_clears_cytopenia_for_those_it_held(dana, team_a):
    neutro = patient("neutro", team_a)
    record(neutro, "neutrophils", "1.2")
    lympho = patient("lympho", team_a)
    record(lympho, "lymphocytes", "0.8")
    normal = patient("normal", team_a)
    record(normal, "neutrophils", "2.0")
    ticked = patient("ticked", team_a, er_cytopenia=True)
    record(ticked, "lymphocytes", "0.5")
    draft = draft_of("LAB-CYTO-LOW", dana, active=False)

    found = changes(draft)

    assert [(c.reference, c.flag, c.live, c.draft, c.ticked) for c in found.flags] == sorted(
        [
            (neutro.reference, "cytopenia", True, False, False),
            (lympho.reference, "cytopenia", True, False, False),
            (ticked.reference, "cytopenia", True, False, True),
        ]
    )
    decider = next(c for c in found.flags if c.reference == neutro.reference).decided_by
    assert (decider.test, decider.value, decider.unit) == ("neutrophils", "1.2", "10^9/L")
    assert decider.live.lln == "1.50" and decider.draft.lln is None  # switched off


def test_a_result_with_its_own_lln_is_not_moved_by_the_clinics_default(dana, team_a):
    own_normal = patient("own-normal", team_a)
    record(own_normal, "IgG", "5.8", lln="5.5")  # normal by its lab's limit
    own_low = patient("own-low", team_a)
    record(own_low, "IgG", "5.8", lln="6.0")  # low by its lab's limit, either way
    clinic = patient("clinic", team_a)
    record(clinic, "IgG", "5.8")

    found = changes(draft_of("LAB-IG-LOW", dana, params={"igg_lln": "6.00"}))

    assert [(c.reference, c.live, c.draft) for c in found.flags] == [
        (clinic.reference, False, True)
    ]


def test_hbv_risk_and_hand_ticked_flags_are_never_changed(dana, team_a):
    hbv = patient("hbv", team_a)
    lab_result_record(
        patient=hbv,
        data=LabData(test=BY_NAME["HBsAg"], collected_on=TODAY, positive=True),
        by=None,
    )
    ticked = patient("ticked", team_a, er_low_ig=True)
    record(ticked, "IgG", "5.8")
    draft = draft_of("LAB-IG-LOW", dana, params={"igg_lln": "6.00"})

    found = changes(draft)

    assert [(c.reference, c.ticked) for c in found.flags] == [(ticked.reference, True)]


def test_only_the_teams_asked_for(dana, bob, team_b):
    other = patient("other", team_b)
    record(bob, "IgG", "5.8")
    record(other, "IgG", "5.8")
    draft = draft_of("LAB-IG-LOW", dana, params={"igg_lln": "6.00"})
    assert [c.reference for c in changes(draft, teams=[team_b]).flags] == [other.reference]


def test_a_withdrawn_result_is_not_read(dana, bob):
    from alerts.care.labs import lab_result_withdraw

    record(bob, "IgG", "6.5", days_ago=20)
    lab_result_withdraw(result=record(bob, "IgG", "5.8"), by=None)
    assert changes(draft_of("LAB-IG-LOW", dana, params={"igg_lln": "6.00"})).flags == []


def lab_queries(draft) -> int:
    live, proposed = rule_configs(), ruleset_with_draft(draft)
    with CaptureQueriesContext(connection) as queries:
        lab_whatif(live_rules=live, draft_rules=proposed)
    return len(queries)


def test_its_query_count_does_not_grow_with_the_clinic(dana, team_a, team_b):
    draft = draft_of("LAB-IG-LOW", dana, params={"igg_lln": "6.00"})
    record(patient("one", team_a), "IgG", "5.8")
    few = lab_queries(draft)
    for i in range(12):
        who = patient(f"many{i}", team_a if i % 2 else team_b)
        record(who, "IgG", f"5.{i % 10}")
        record(who, "neutrophils", "1.2", days_ago=3)
        record(who, "IgM", "0.35", days_ago=2)
    assert few == lab_queries(draft) == 2


# The what-if as a whole -----------------------------------------------------------------


def test_a_lab_draft_changes_no_entrys_evaluation(dana, bob, dave):
    now = timezone.now()
    record(bob, "IgG", "5.8")
    for day in range(5):
        make_entry(bob, now - timedelta(days=day, hours=1), temp="37.6")
        make_entry(dave, now - timedelta(days=day, hours=2), temp="38.2")
    result = rule_draft_try(
        draft=draft_of("LAB-IG-LOW", dana, params={"igg_lln": "6.00"}), days=30, now=now
    )
    assert result.entries == 10
    assert result.live.firings_by_level == result.draft.firings_by_level
    assert result.live.firings_by_level  # the entries did fire
    assert result.live.firings_by_rule == result.draft.firings_by_rule
    assert not result.gained and not result.lost
    assert [c.reference for c in result.lab.flags] == [bob.reference]
    assert result.as_json()["lab"]["flags"][0]["decided_by"]["collected"] == str(
        TODAY - timedelta(days=10)
    )


def test_an_entry_rule_draft_has_no_lab_part(dana, bob):
    record(bob, "IgG", "5.8")
    draft = rule_draft_create(
        rule=AlertRule.objects.get(rule_id="T-FEV-1"),
        by=dana,
        reason="try",
        proposed={"params": {"threshold_c": "37.8"}},
    )
    result = rule_draft_try(draft=draft, days=30)
    assert result.lab is None and result.as_json()["lab"] is None


def test_try_rules_lists_the_changes_by_reference(dana, bob, dave):
    record(bob, "IgG", "5.8")
    record(dave, "IgG", "6.5")
    draft = draft_of("LAB-IG-LOW", dana, params={"igg_lln": "6.00"})
    out = StringIO()
    call_command("try_rules", str(draft.pk), "--days", "30", stdout=out)
    text = out.getvalue()
    assert f"Draft {draft.pk} of LAB-IG-LOW" in text
    assert "Flags that would change: 1" in text
    assert f"Team A: {bob.reference}  low_ig: not held -> held" in text
    assert "IgG 5.8 g/L collected" in text and "compared with the clinic's lower limit" in text
    assert "live rules: low below 5.65 g/L, review level at or below 4.52 g/L" in text
    assert "draft:      low below 6.00 g/L, review level at or below 4.80 g/L" in text
    assert dave.reference not in text
    assert "Bob" not in text and "Baker" not in text  # references, never names
    assert "never evaluated again" in text and "use the changed flags" in text


def test_the_admin_run_page_shows_the_flags_that_would_change(client, dana, bob):
    from alerts.models import WhatIfRun
    from alerts.tasks import try_rule_draft

    record(bob, "IgG", "5.8")
    draft = draft_of("LAB-IG-LOW", dana, params={"igg_lln": "6.00"})
    client.force_login(dana)
    rule = draft.rule
    queued = client.post(
        f"/admin/alerts/alertrule/{rule.pk}/drafts/{draft.pk}/try/", {"days": "30"}
    )
    try_rule_draft(WhatIfRun.objects.get().pk)
    page = client.get(queued["Location"]).content.decode()
    assert 'id="whatif-lab-flags"' in page and "1 flag would change" in page
    assert bob.display_name in page and bob.reference in page  # Dana may read patients
    assert "low immunoglobulins" in page and "IgG 5.8 g/L of" in page
    assert "low below 5.65 g/L" in page and "low below 6.00 g/L" in page
    assert "never evaluated again" in page


# Publishing ------------------------------------------------------------------------------


def test_approving_a_lab_draft_works_the_flags_out_again(dana, erik, bob, dave, team_a):
    held = record(bob, "IgG", "5.8")
    record(dave, "IgG", "6.5")
    ticked = patient("ticked", team_a, er_low_ig=True)
    record(ticked, "IgG", "7.0")
    bob.refresh_from_db()
    assert bob.lab_low_ig_id is None
    rule_draft_approve(draft=draft_of("LAB-IG-LOW", dana, params={"igg_lln": "6.00"}), by=erik)
    bob.refresh_from_db()
    dave.refresh_from_db()
    ticked.refresh_from_db()
    assert bob.lab_low_ig_id == held.pk and "low_ig" in bob.elevated_risk
    assert "LAB-IG-LOW version 2 published" in bob.history.latest().history_change_reason
    assert dave.lab_low_ig_id is None
    assert ticked.lab_low_ig_id is None and "low_ig" in ticked.elevated_risk  # by hand

    rule_draft_approve(draft=draft_of("LAB-IG-LOW", dana, active=False), by=erik)
    bob.refresh_from_db()
    assert bob.lab_low_ig_id is None


def change_form(rule: AlertRule, **params) -> dict:
    from alerts.ruleset.messages import RULE_TEXT_FIELDS, in_each_language

    data = {
        **{
            column: getattr(rule, column) or ""
            for field in RULE_TEXT_FIELDS
            for column in in_each_language(field)
        },
        "level": rule.level,
        "active": "on" if rule.active else "",
        **{f"param_{name}": value for name, value in rule.params.items()},
        **{f"param_{name}": value for name, value in params.items()},
        "rationale": rule.rationale,
        "reason": "The trust's laboratory changed its IgG range",
        "remeasure_minutes": "",
        "_save": "Save",
    }
    return {k: v for k, v in data.items() if v != "" or k in ("reason", "remeasure_minutes")}


def test_the_editor_takes_two_decimal_places_with_units_and_approval_publishes_them(
    client, dana, erik
):
    rule = AlertRule.objects.get(rule_id="LAB-IG-LOW")
    client.force_login(dana)
    page = client.get(CHANGE.format(rule.pk)).content.decode()
    assert "IgG lower limit of normal (g/L)" in page and "From 0.01 to 30.00 g/L." in page
    assert 'step="0.01"' in page and 'value="0.40"' in page

    response = client.post(CHANGE.format(rule.pk), change_form(rule, igg_lln="6.05"))
    assert response.status_code == 302
    draft = RuleDraft.objects.get()
    assert draft.params == {"igg_lln": "6.05", "igm_lln": "0.40"}
    assert [what for what, _before, _after in draft.changes()] == ["igg_lln"]

    client.force_login(erik)
    review = f"/admin/alerts/alertrule/{rule.pk}/drafts/{draft.pk}/"
    assert "5.65 g/L" in client.get(review).content.decode()
    assert client.post(review, {"action": "approve", "note": "ok"}).status_code == 302
    rule.refresh_from_db()
    assert rule.version == 2 and rule.params["igg_lln"] == "6.05"
    assert rule_configs().param("LAB-IG-LOW", "igg_lln") == Decimal("6.05")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("6.055", "no more than 2 decimal places"),
        ("0", "greater than or equal to 0.01"),
        ("31", "less than or equal to 30.00"),
    ],
)
def test_the_editor_refuses_a_lab_limit_out_of_its_range_or_places(client, dana, value, message):
    rule = AlertRule.objects.get(rule_id="LAB-IG-LOW")
    client.force_login(dana)
    response = client.post(CHANGE.format(rule.pk), change_form(rule, igg_lln=value))
    assert response.status_code == 200 and message in response.content.decode()
    assert value in response.content.decode()  # what was typed is kept
    assert not RuleDraft.objects.exists()


def test_a_one_decimal_seeded_limit_saved_unchanged_is_no_change(client, dana):
    rule = AlertRule.objects.get(rule_id="LAB-CYTO-LOW")  # seeded "1.5" and "1.0"
    client.force_login(dana)
    response = client.post(CHANGE.format(rule.pk), change_form(rule))
    assert "Nothing would change" in response.content.decode()
    response = client.post(CHANGE.format(rule.pk), change_form(rule, neutrophils_lln="1.25"))
    assert response.status_code == 302
    assert [c[0] for c in RuleDraft.objects.get().changes()] == ["neutrophils_lln"]


def test_approving_a_three_decimal_limit_is_refused_with_a_clear_message(client, dana, erik):
    rule = AlertRule.objects.get(rule_id="LAB-IG-LOW")
    # Written past the editor (an import, the shell): approval checks it again.
    draft = RuleDraft.objects.create(
        rule=rule,
        based_on_version=rule.version,
        reason="typo",
        created_by=dana,
        **{
            **{name: getattr(rule, name) for name in rule_fields()},
            "params": {"igg_lln": "6.055", "igm_lln": "0.40"},
        },
    )
    with pytest.raises(DraftRefused, match="igg_lln must have at most 2 decimal places"):
        rule_draft_approve(draft=draft, by=erik)
    client.force_login(erik)
    page = client.post(
        f"/admin/alerts/alertrule/{rule.pk}/drafts/{draft.pk}/", {"action": "approve"}
    ).content.decode()
    assert "igg_lln must have at most 2 decimal places (got 6.055)" in page
    rule.refresh_from_db()
    assert rule.version == 1 and rule.params["igg_lln"] == "5.65"


def rule_fields():
    from alerts.authoring.models import DRAFT_FIELDS

    return [name for name in DRAFT_FIELDS if name != "params"]


# The scenario replay's readable timeline --------------------------------------------------


def test_replay_scenario_prints_the_flags_after_each_event(tmp_path):
    scenario = tmp_path / "lab.json"
    scenario.write_text(
        json.dumps(
            {
                "name": "Low IgG then a fever",
                "events": [
                    {
                        "at": "2026-03-01T08:00",
                        "type": "entry",
                        "temperature": {"value": 37.6, "unit": "C"},
                    },
                    {
                        "at": "2026-03-03T09:00",
                        "type": "lab",
                        "test": "IgG",
                        "value": 4.4,
                        "unit": "g/L",
                    },
                    {
                        "at": "2026-03-05T08:00",
                        "type": "entry",
                        "temperature": {"value": 37.6, "unit": "C"},
                    },
                ],
            }
        )
    )
    out = StringIO()
    call_command("replay_scenario", str(scenario), stdout=out, no_color=True)
    lines = out.getvalue().splitlines()
    assert "flags:" not in lines[1]
    assert "LAB-IG-REVIEW" in lines[2] and lines[2].endswith("| flags: low_ig")
    assert lines[3].endswith("| flags: low_ig")
    out = StringIO()
    call_command("replay_scenario", str(scenario), "--format", "json", stdout=out)
    results = json.loads(out.getvalue())["results"]
    assert [r["flags"] for r in results] == [[], ["low_ig"], ["low_ig"]]
    assert all("| flags" not in json.dumps(r) for r in results)
