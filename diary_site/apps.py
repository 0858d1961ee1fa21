from __future__ import annotations

from django.apps import AppConfig


class DiarySiteConfig(AppConfig):
    """The project itself, as an app: its deployment checks (diary_site/checks.py)."""

    name = "diary_site"
    verbose_name = "Kesimpta diary"

    def ready(self) -> None:
        from diary_site import checks  # noqa: F401 — registers the checks
