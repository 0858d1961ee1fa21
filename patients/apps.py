from __future__ import annotations

from django.apps import AppConfig


class PatientsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "patients"
    verbose_name = "Patients and care teams"

    def ready(self) -> None:
        # The one place receivers are connected, in their order (patients/receivers.py).
        from patients import receivers

        receivers.connect()
