from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReachConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reach"
    verbose_name = _("Notifications: devices, phones and preferences")

    def ready(self) -> None:
        from reach import checks  # noqa: F401 — registers the deployment checks
