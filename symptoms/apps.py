from __future__ import annotations

from django.apps import AppConfig


class SymptomsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "symptoms"
    verbose_name = "Symptom diary"
