from __future__ import annotations

from django.apps import AppConfig


class PatientsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "patients"
    verbose_name = "Patients and care teams"

    def ready(self) -> None:
        from accounts import languages, sessions, two_factor  # noqa: F401 — login signals
        from patients import (  # noqa: F401
            display_zone,  # login signal
            roles,  # seeds the staff roles after migrate
        )
