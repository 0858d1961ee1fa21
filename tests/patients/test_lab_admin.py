"""Laboratory results in the admin: read, never written there (the rules run on the team's
pages), and each read is in the access log."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from alerts.care.labs import LabData, lab_result_record
from patients.lab_tests import BY_NAME
from patients.models import AccessLog

pytestmark = pytest.mark.django_db


def test_the_admin_shows_results_and_refuses_to_add_or_change_them(client, dana, bob):
    result = lab_result_record(
        patient=bob,
        data=LabData(
            test=BY_NAME["IgG"], collected_on=date(2026, 11, 2), value=Decimal("4.4"), unit="g/L"
        ),
        by=None,
    ).result
    client.force_login(dana)
    listing = client.get(reverse("admin:patients_labresult_changelist"))
    assert listing.status_code == 200
    assert "4.4 g/L" in listing.content.decode()
    assert client.get(reverse("admin:patients_labresult_add")).status_code == 403
    change = reverse("admin:patients_labresult_change", args=[result.pk])
    assert client.get(change).status_code == 200
    posted = client.post(change, {"value": "9"})
    assert posted.status_code == 403
    result.refresh_from_db()
    assert result.value == Decimal("4.400")
    assert AccessLog.objects.filter(patient=bob).exists()
