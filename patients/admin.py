from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from diary_site.admin_mixins import ReadOnlyAdminMixin
from patients.models import (
    AccessLog,
    Caregiver,
    CareTeam,
    CareTeamMembership,
    Injection,
    Patient,
    RefusedRequest,
    User,
)


@admin.register(User)
class DiaryUserAdmin(UserAdmin):
    list_display = ("username", "first_name", "last_name", "email", "is_staff", "is_active")


class MembershipInline(admin.TabularInline):
    model = CareTeamMembership
    extra = 1
    raw_id_fields = ("user",)


@admin.register(CareTeam)
class CareTeamAdmin(SimpleHistoryAdmin):
    list_display = ("name", "phone", "urgent_phone", "timezone")
    search_fields = ("name",)
    inlines = [MembershipInline]


class CaregiverInline(admin.TabularInline):
    model = Caregiver
    fk_name = "patient"
    extra = 0
    raw_id_fields = ("user", "added_by")


@admin.register(Patient)
class PatientAdmin(SimpleHistoryAdmin):
    list_display = ("reference", "display_name", "team", "timezone", "hbv_risk")
    list_filter = ("team", "hbv_risk", "er_immunosuppressant", "er_low_ig")
    search_fields = ("reference", "user__username", "user__first_name", "user__last_name")
    list_select_related = ("user", "team")
    raw_id_fields = ("user",)
    readonly_fields = ("reference",)
    inlines = [CaregiverInline]


@admin.register(Injection)
class InjectionAdmin(SimpleHistoryAdmin):
    list_display = ("patient", "given_at", "dose_number", "site")
    list_filter = ("site",)
    search_fields = ("patient__reference",)
    list_select_related = ("patient",)
    raw_id_fields = ("patient", "logged_by")
    date_hierarchy = "given_at"


class ReadOnlyAuditAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Audit trails are read in the admin, never written or deleted there."""


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAuditAdmin):
    list_display = ("at", "user", "patient", "action", "ip")
    list_filter = ("action",)
    search_fields = ("user__username", "patient__reference")
    list_select_related = ("user", "patient")
    date_hierarchy = "at"


@admin.register(RefusedRequest)
class RefusedRequestAdmin(ReadOnlyAuditAdmin):
    list_display = ("at", "user", "method", "status", "route", "path", "ip")
    list_filter = ("status", "method")
    search_fields = ("user__username", "path", "route")
    list_select_related = ("user",)
    date_hierarchy = "at"
