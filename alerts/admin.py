from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from alerts.models import Alert, AlertRule, EducationPage, EngineSettings, Episode, Quieting
from diary_site.admin_mixins import AuditedReadsMixin, ReadOnlyAdminMixin


class VersionedAdmin(SimpleHistoryAdmin):
    """Every saved change is a new version, with history; alerts keep the version they fired on."""

    def save_model(self, request, obj, form, change) -> None:
        if change and form.changed_data:
            obj.version += 1
        super().save_model(request, obj, form, change)


@admin.register(AlertRule)
class AlertRuleAdmin(VersionedAdmin):
    list_display = ("rule_id", "title", "level", "active", "version", "updated_at")
    list_filter = ("level", "active", "family")
    search_fields = ("rule_id", "title", "patient_message")
    readonly_fields = ("rule_id", "family", "version", "updated_at")
    fieldsets = (
        (None, {"fields": ("rule_id", "family", "title", "level", "active", "version")}),
        (
            "Parameters",
            {
                "fields": ("params", "remeasure_minutes"),
                "description": "Thresholds in °C, windows in hours/minutes/days, grades 0–4. "
                "Try a change with `manage.py replay_scenario` before it goes live.",
            },
        ),
        ("Messages", {"fields": ("patient_message", "clinician_summary", "rationale")}),
        (None, {"fields": ("updated_at",)}),
    )

    def has_add_permission(self, request) -> bool:
        # Rules are code-backed: rows come from the seed migration, never from the admin.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(EngineSettings)
class EngineSettingsAdmin(VersionedAdmin):
    """The de-duplication windows: one row, edited with history, never added or deleted."""

    list_display = (
        "__str__",
        "dedup_hours",
        "persistent_days",
        "episode_gap_days",
        "version",
        "updated_at",
    )
    readonly_fields = ("version", "updated_at")
    fieldsets = (
        (
            None,
            {
                "fields": ("dedup_hours", "persistent_days", "episode_gap_days"),
                "description": "How often the care team is told again about the same rule "
                "(docs/clinical-rules.md A.0). Every alert keeps the values it fired on. Try a "
                "change with `manage.py replay_scenario` before it goes live.",
            },
        ),
        (None, {"fields": ("version", "updated_at")}),
    )

    def has_add_permission(self, request) -> bool:
        return not EngineSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Alert)
class AlertAdmin(AuditedReadsMixin, ReadOnlyAdminMixin, SimpleHistoryAdmin):
    # Alerts are clinical records: clinicians acknowledge and resolve them on the dashboard,
    # where each step is notified and audited. The admin only shows them.

    list_display = ("rule", "level", "team_alert", "patient", "status", "fired_at")
    list_filter = ("level", "team_alert", "status")
    search_fields = ("patient__reference", "rule__rule_id")
    list_select_related = ("rule", "patient")
    raw_id_fields = ("patient", "entry", "episode", "acknowledged_by", "resolved_by")
    readonly_fields = ("snapshot", "why", "rule_version", "episode_key", "fired_at", "created_at")
    date_hierarchy = "fired_at"


@admin.register(Episode)
class EpisodeAdmin(AuditedReadsMixin, admin.ModelAdmin):
    list_display = ("patient", "key", "highest_level", "opened_at", "last_alert_at")
    search_fields = ("patient__reference", "key")
    raw_id_fields = ("patient",)


@admin.register(EducationPage)
class EducationPageAdmin(SimpleHistoryAdmin):
    list_display = ("title", "slug", "published", "order", "updated_at")
    list_filter = ("published",)
    search_fields = ("title", "summary", "body")
    filter_horizontal = ("rules",)
    prepopulated_fields = {"slug": ("title",)}


@admin.register(Quieting)
class QuietingAdmin(AuditedReadsMixin, ReadOnlyAdminMixin, SimpleHistoryAdmin):
    # Quiets are set and lifted by the care team on the patient's care page (URGENT rules
    # refused there); the admin only shows them, with their history.

    list_display = ("patient", "rule", "symptom_code", "starts_at", "expires_at", "lifted_at")
    list_filter = ("rule",)
    search_fields = ("patient__reference", "rule__rule_id", "symptom_code")
    list_select_related = ("rule", "patient")
    raw_id_fields = ("patient", "rule", "created_by", "lifted_by")
