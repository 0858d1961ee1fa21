from __future__ import annotations

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from patients.admin_mixins import (
    AuditedReadsMixin,
    ReadOnlyAdminMixin,
    TranslatedContentMixin,
)
from symptoms.models import DiaryEntry, Symptom, SymptomReport, TemperatureReading


@admin.register(Symptom)
class SymptomAdmin(TranslatedContentMixin, TranslationAdmin, SimpleHistoryAdmin):
    # Each language's label and help text (django-modeltranslation).
    list_display = ("code", "label", "kind", "display_group", "order", "active")
    list_filter = ("kind", "display_group", "is_red_flag", "active")
    list_editable = ("order", "active")
    search_fields = ("code", "label_en_gb", "label_es", "label_de")

    def get_readonly_fields(self, request, obj=None):
        # Codes are stable ids used by rules, scenario files and exports.
        return ("code", "is_red_flag") if obj else ()


class TemperatureInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = TemperatureReading
    extra = 0
    readonly_fields = ("value_c",)


class ReportInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = SymptomReport
    extra = 0
    autocomplete_fields = ("symptom",)


@admin.register(DiaryEntry)
class DiaryEntryAdmin(AuditedReadsMixin, ReadOnlyAdminMixin, SimpleHistoryAdmin):
    # A diary entry is a clinical record: the patient amends it in the diary (each change
    # kept as an amendment); the admin only shows it.

    list_display = ("patient", "recorded_at", "local_day", "reported_by", "evaluation_state")
    list_filter = ("evaluation_state", "reported_by")
    search_fields = ("patient__reference",)
    list_select_related = ("patient",)
    raw_id_fields = ("patient", "caregiver", "entered_by")
    date_hierarchy = "recorded_at"
    inlines = [TemperatureInline, ReportInline]
