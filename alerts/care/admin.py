"""The care record in the admin: read-only, every read in the access log (alerts, concerns,
outcomes, episodes, quietings are handled on the team's pages, where each step is audited).
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from alerts.care.models import Alert, Concern, ConcernEvent, EntryOutcome, Episode, Quieting
from alerts.ruleset.models import Level
from patients.admin_mixins import (
    AuditedReadsMixin,
    ReadOnlyAdminMixin,
)


@admin.display(description=gettext_lazy("Level"), ordering="level")
def level_shown(obj) -> str:
    """The level as the queue names it, with the words the patient read: "URGENT · Seek
    attention now" (the admin said only the words, the queue only the code)."""
    if not obj.level or obj.level == Level.NONE:
        return str(Level(obj.level or Level.NONE).label)
    return f"{obj.level} · {Level(obj.level).label}"


@admin.register(Alert)
class AlertAdmin(AuditedReadsMixin, ReadOnlyAdminMixin, SimpleHistoryAdmin):
    # Alerts are clinical records: clinicians acknowledge and resolve them on the dashboard,
    # where each step is notified and audited. The admin only shows them.

    list_display = ("rule", level_shown, "team_alert", "patient", "status", "fired_at")
    list_filter = ("level", "team_alert", "status")
    search_fields = ("patient__reference", "rule__rule_id")
    list_select_related = ("rule", "patient")
    raw_id_fields = ("patient", "entry", "episode", "acknowledged_by", "resolved_by")
    readonly_fields = ("snapshot", "why", "rule_version", "episode_key", "fired_at", "created_at")
    date_hierarchy = "fired_at"


class ConcernEventInline(admin.TabularInline):
    model = ConcernEvent
    fields = ("at", "kind", "by", "level", "entry", "detail")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("at", "pk")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Concern)
class ConcernAdmin(AuditedReadsMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    # What stands for a patient (clinical-rules.md §5): the team acts on it on the queue and
    # the patient's page, where each change is an event and each message audited. The admin
    # only shows it, with its changes.

    list_display = ("patient", "status", level_shown, "owner", "acknowledged_at", "opened_at")
    list_filter = ("status", "level")
    search_fields = ("patient__reference",)
    list_select_related = ("patient", "owner")
    raw_id_fields = (
        "patient", "lead", "advice_lead", "acknowledged_by", "owner", "owned_by", "reached_by",
        "callback_requested_by", "callback_done_by", "snoozed_by", "resolved_by",
    )  # fmt: skip
    inlines = [ConcernEventInline]
    date_hierarchy = "opened_at"


@admin.register(EntryOutcome)
class EntryOutcomeAdmin(AuditedReadsMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    # What the diary concluded and told the patient about an entry, recorded when it was
    # saved: never edited, never evaluated again.

    list_display = ("entry", "revision", level_shown, "transition", "recorded_at")
    list_filter = ("level", "transition")
    search_fields = ("entry__patient__reference",)
    list_select_related = ("entry",)
    raw_id_fields = ("entry", "concern")


@admin.register(Episode)
class EpisodeAdmin(AuditedReadsMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    # Episodes group alerts for de-duplication; the evaluator keeps them, never the admin.

    list_display = ("patient", "key", "highest_level", "opened_at", "last_alert_at")
    search_fields = ("patient__reference", "key")
    raw_id_fields = ("patient",)


@admin.register(Quieting)
class QuietingAdmin(AuditedReadsMixin, ReadOnlyAdminMixin, SimpleHistoryAdmin):
    # Quiets are set and lifted by the care team on the patient's care page (URGENT rules
    # refused there); the admin only shows them, with their history.

    list_display = ("patient", "rule", "symptom_code", "starts_at", "expires_at", "lifted_at")
    list_filter = ("rule",)
    search_fields = ("patient__reference", "rule__rule_id", "symptom_code")
    list_select_related = ("rule", "patient")
    raw_id_fields = ("patient", "rule", "created_by", "lifted_by")
