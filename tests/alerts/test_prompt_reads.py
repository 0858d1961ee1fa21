"""The result page's reads run compiled once per process (diary_core.prepared): what they
give must be what the ORM gives, or the page would show other advice than was recorded."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from alerts.care.models import EntryOutcome
from alerts.care.prompts import latest_outcome, prompt_of
from alerts.care.recording import entry_amend
from symptoms.services import EntryData, Reading
from tests.alerts.factories import make_entry, submit_entry
from tests.rows import assert_same_row

pytestmark = pytest.mark.django_db


def test_the_latest_outcome_is_the_amended_entrys_as_the_orm_reads_it(bob):
    now = timezone.now()
    entry = submit_entry(bob, now - timedelta(minutes=30), temp="39.4", symptoms={"chills": 2})
    first = latest_outcome(entry)
    assert first.revision == 0 and first.level == "CONTACT"
    want = EntryOutcome.objects.filter(entry=entry).select_related("concern").first()
    assert_same_row(first, want)
    assert_same_row(first.concern, want.concern)  # the concern it opened, read with it
    entry_amend(
        entry=entry,
        data=EntryData(readings=(Reading(Decimal("37.0")),), recorded_at=entry.recorded_at),
        by=bob.user,
        now=now,
    )
    got = latest_outcome(entry)
    want = EntryOutcome.objects.filter(entry=entry).select_related("concern").first()
    assert EntryOutcome.objects.filter(entry=entry).count() == 2
    assert got.revision == want.revision == 1  # the latest version's, not the first
    assert_same_row(got, want)
    assert got.concern_id == want.concern_id
    assert isinstance(got.reasons, list)  # a JSON column, read as the ORM reads it
    assert prompt_of(entry).level == want.level


def test_an_entry_not_yet_evaluated_has_no_outcome(bob):
    now = timezone.now()
    submit_entry(bob, now - timedelta(minutes=5), temp="38.4")  # another entry's outcome
    entry = make_entry(bob, now, temp="37.0")  # written, not recorded
    assert EntryOutcome.objects.exists()
    assert latest_outcome(entry) is None
    assert prompt_of(entry).key == "pending"
