from __future__ import annotations

from django.apps import AppConfig


class PatientsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "patients"
    verbose_name = "Patients and care teams"

    def ready(self) -> None:
        from patients import (  # noqa: F401 — login signals
            display_zone,
            languages,
            roles,  # noqa: F401 — seeds the staff roles after migrate
            sessions,
            two_factor,
        )
