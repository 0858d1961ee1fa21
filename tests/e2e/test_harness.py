"""The harness itself: axe must catch a real violation, or "0 violations" means nothing."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import AXE_REPORT, check_accessibility

pytestmark = pytest.mark.e2e


def test_axe_reports_a_serious_violation_with_its_rule_and_element(page):
    page.set_content(
        '<!doctype html><html lang="en"><title>t</title><main>'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" id="chart">'
        "</main></html>"
    )
    with pytest.raises(AssertionError) as failure:
        check_accessibility(page, "harness/broken-page")
    assert "image-alt (critical)" in str(failure.value)
    assert "#chart" in str(failure.value)
    AXE_REPORT.pop()  # a deliberate violation: keep it out of the journeys' counts
