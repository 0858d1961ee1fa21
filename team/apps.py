from __future__ import annotations

from django.apps import AppConfig


class TeamConfig(AppConfig):
    """The care team's pages: triage, patients, alerts, exports. No models of its own: it is
    the top layer, over patients, symptoms and alerts (docs/architecture.md)."""

    name = "team"
    verbose_name = "Care team"
