"""The per-process copies of the configuration are never stale (diary_core.config): a
change to a rule, the engine's settings or the catalogue, made in any way, is what the
very next submit in the same process uses."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alerts.models import AlertRule, EntryOutcome
from alerts.ruleset.loading import published
from diary_core.config import config_version, request_config_version
from symptoms.catalogue import active_symptoms
from symptoms.models import Symptom

pytestmark = pytest.mark.django_db

SUBMIT = reverse("symptoms:today")


def post(client, **data):
    response = client.post(SUBMIT, {"client_key": str(uuid.uuid4()), "unit": "C", **data})
    assert response.status_code == 302
    return EntryOutcome.objects.get(entry__pk=response.url.rstrip("/").split("/")[-1])


def test_a_rule_changed_by_update_is_used_by_the_next_submit(client, bob, alice):
    client.force_login(bob.user)
    assert post(client, temperature="38.1").level == "CONTACT"  # the rules are now held
    AlertRule.objects.filter(rule_id="T-FEV-1").update(level="URGENT")
    assert post(client, temperature="38.1").level == "URGENT"


def test_a_rule_changed_by_raw_sql_is_used_by_the_next_submit(client, bob, alice):
    client.force_login(bob.user)
    assert post(client, temperature="38.1").level == "CONTACT"
    with connection.cursor() as cursor:
        cursor.execute("UPDATE alerts_alertrule SET active = false WHERE rule_id = 'T-FEV-1'")
    assert post(client, temperature="38.1").level != "CONTACT"


def test_a_rule_saved_in_the_admin_way_is_used_by_the_next_submit(client, bob, alice):
    client.force_login(bob.user)
    assert post(client, temperature="38.1").level == "CONTACT"
    row = AlertRule.objects.get(rule_id="T-FEV-1")
    row.level = "URGENT"
    row.save()
    assert post(client, temperature="38.1").level == "URGENT"


def test_a_catalogue_edit_shows_on_the_next_form(client, bob):
    client.force_login(bob.user)
    before = client.get(SUBMIT).content.decode()
    Symptom.objects.filter(code="chills").update(label="Shivers, renamed just now")
    after = client.get(SUBMIT).content.decode()
    assert "Shivers, renamed just now" not in before
    assert "Shivers, renamed just now" in after


def test_a_symptom_switched_off_leaves_the_next_form(client, bob):
    client.force_login(bob.user)
    assert 'name="s_chills"' in client.get(SUBMIT).content.decode()
    Symptom.objects.filter(code="chills").update(active=False)
    assert 'name="s_chills"' not in client.get(SUBMIT).content.decode()


def test_a_version_seen_in_a_rolled_back_change_is_never_used_again():
    """Held copies are keyed by a sequence's numbers: a change rolled back after the process
    read it cannot leave its rows behind under a version that a later change also gets."""
    published()
    with transaction.atomic():
        AlertRule.objects.filter(rule_id="T-FEV-1").update(level="URGENT")
        inside = config_version()
        assert published(inside).configs.levels["T-FEV-1"] == "URGENT"
        transaction.set_rollback(True)
    AlertRule.objects.filter(rule_id="T-FEV-1").update(remeasure_minutes=30)
    after = config_version()
    assert after != inside
    assert published(after).configs.levels["T-FEV-1"] != "URGENT"


def test_every_configuration_table_sets_a_new_version():
    tables = [
        "alerts_alertrule",
        "alerts_enginesettings",
        "alerts_educationpage",
        "alerts_educationpage_rules",
        "symptoms_symptom",
    ]
    for table in tables:
        before = config_version()
        with connection.cursor() as cursor:
            # No row changes: still a statement that could have.
            cursor.execute(f"UPDATE {table} SET id = id WHERE false")  # noqa: S608 — our names
        assert config_version() != before, table


def test_a_missing_version_row_serves_nothing_held():
    active_symptoms()  # held
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM diary_core_configversion")
    assert config_version() is None
    Symptom.objects.filter(code="chills").update(label="Read again")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM diary_core_configversion")  # the trigger wrote it again
    assert next(s for s in active_symptoms() if s.code == "chills").label == "Read again"


def test_a_rule_renamed_shows_in_the_queues_filter_on_the_next_page(client, alice):
    """The queue's rule filter comes from the process's copy, for the version the
    session's read brought (diary_core.sessions): never a page late."""
    client.force_login(alice)
    assert "Fever, renamed just now" not in client.get(reverse("team:triage")).content.decode()
    AlertRule.objects.filter(rule_id="T-FEV-1").update(title="Fever, renamed just now")
    assert "Fever, renamed just now" in client.get(reverse("team:triage")).content.decode()


def test_a_symptom_label_edit_shows_on_the_next_team_page(client, alice, bob):
    client.force_login(bob.user)
    post(client, temperature="38.4", s_chills="2")
    client.force_login(alice)
    page = reverse("team:patient", args=[bob.pk])
    before = client.get(page).content.decode()
    assert Symptom.objects.get(code="chills").label in before
    assert "Shivers, renamed just now" not in before
    Symptom.objects.filter(code="chills").update(label="Shivers, renamed just now")
    assert "Shivers, renamed just now" in client.get(page).content.decode()


def test_the_version_a_request_began_with_ends_with_the_request(client, bob):
    """A process serves many requests, and tasks between them: the version a session's
    read brought is never used after its request."""
    client.force_login(bob.user)
    client.get(SUBMIT)
    AlertRule.objects.filter(rule_id="T-FEV-1").update(level="URGENT")
    assert request_config_version() == config_version()
    client.session.load()  # a session read outside a request brings nothing to keep
    AlertRule.objects.filter(rule_id="T-FEV-1").update(level="CONTACT")
    assert request_config_version() == config_version()


def test_a_signed_in_request_reads_the_version_with_its_session(client, bob):
    client.force_login(bob.user)
    client.get(SUBMIT)
    with CaptureQueriesContext(connection) as captured:
        client.get(SUBMIT)
    assert not [
        q
        for q in captured.captured_queries
        if "diary_core_configversion" in q["sql"] and "django_session" not in q["sql"]
    ]


def test_a_copy_read_inside_a_change_that_rolls_back_is_never_kept():
    """A caller holding the version its request began with, inside a transaction that
    changes the catalogue and then rolls back: the copy it read is used once, not kept
    under the version it does not belong to."""
    version = config_version()
    active_symptoms.forget()
    with pytest.raises(RuntimeError), transaction.atomic():
        Symptom.objects.filter(code="chills").update(label="Rolled back, never kept")
        labels = {s.code: s.label for s in active_symptoms(version)}
        assert labels["chills"] == "Rolled back, never kept"
        raise RuntimeError
    assert config_version() == version
    labels = {s.code: s.label for s in active_symptoms(version)}
    assert labels["chills"] != "Rolled back, never kept"
