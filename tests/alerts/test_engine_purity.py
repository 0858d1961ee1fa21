"""The engine (alerts/rules/) is pure arithmetic on plain values: importing it loads no
database layer and no model, so it runs, and is tested, without settings or a database
(the only Django it reaches is the number formatting of symptoms/readings.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_importing_the_engine_loads_no_database_layer():
    code = (
        "import sys, alerts.rules, alerts.rules.engine, alerts.rules.sweep, alerts.rules.pre_dose;"
        "print(sorted(m for m in sys.modules if m.startswith('django.db')));"
        "print(sorted(m for m in sys.modules if m.startswith(('alerts.', 'patients.', 'symptoms.'))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin"},
    )
    database, modules = done.stdout.splitlines()
    assert database == "[]", done.stdout
    outside = [m for m in eval(modules) if not m.startswith("alerts.rules")]  # noqa: S307
    # The only app modules it reads are pure helpers of their own: the dose schedule's
    # arithmetic and the temperature conversion.
    assert set(outside) <= {"patients.dosing", "symptoms.readings"}, outside
