from __future__ import annotations

from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class DiarySiteConfig(AppConfig):
    """The project itself, as an app: its deployment checks (diary_site/checks.py)."""

    name = "diary_site"
    verbose_name = "Kesimpta diary"

    def ready(self) -> None:
        from diary_site import checks  # noqa: F401 — registers the checks


class DiaryAdminConfig(AdminConfig):
    """django.contrib.admin with the diary's site (diary_site/admin_site.py)."""

    default_site = "diary_site.admin_site.DiaryAdminSite"
