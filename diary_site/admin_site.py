"""The admin site: clinical content first, then configuration, people, audit, and the
technical sections (lockouts, authenticator devices) last and apart."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

# (heading, models as "app_label.model_name"), in the order the index shows them. A model
# not listed here is technical: it goes in the last section.
SECTIONS = (
    (
        _("Clinical records (read only: append-only history)"),
        (
            "patients.patient",
            "patients.injection",
            "symptoms.diaryentry",
            "alerts.entryoutcome",
            "alerts.concern",
            "alerts.alert",
            "alerts.episode",
            "alerts.quieting",
        ),
    ),
    (
        _("Clinical rules and content"),
        (
            "alerts.alertrule",
            "alerts.ruledraft",
            "alerts.whatifrun",
            "alerts.enginesettings",
            "alerts.educationpage",
            "symptoms.symptom",
        ),
    ),
    (_("People and care teams"), ("patients.user", "patients.careteam", "auth.group")),
    (
        _("Audit trails (read only)"),
        ("patients.accesslog", "patients.refusedrequest", "patients.accountemail"),
    ),
)
TECHNICAL = _("Technical: sign-in lockouts, authenticator devices")


class DiaryAdminSite(admin.AdminSite):
    site_header = _("Kesimpta diary administration")
    site_title = _("Kesimpta diary admin")

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        if app_label is not None:
            return apps  # one app's own index page
        models = {}
        for app in apps:
            for model in app["models"]:
                key = f"{app['app_label']}.{model['object_name'].lower()}"
                models[key] = (app, model)
        sections = []
        for index, (heading, keys) in enumerate(SECTIONS):
            listed = [models.pop(key) for key in keys if key in models]
            if listed:
                sections.append(_section(f"section-{index}", heading, listed))
        if models:
            sections.append(_section("technical", TECHNICAL, list(models.values())))
        return sections


def _section(label: str, heading, listed: list) -> dict:
    first_app = listed[0][0]
    return {
        "name": heading,
        "app_label": label,
        "app_url": first_app["app_url"],
        "has_module_perms": True,
        "models": [model for _app, model in listed],
    }
