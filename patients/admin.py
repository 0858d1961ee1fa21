from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from diary_site.admin_mixins import AuditedReadsMixin, ReadOnlyAdminMixin, TranslatedContentMixin
from patients.mail import account_email_queue
from patients.models import (
    AccessLog,
    AccountEmail,
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
    list_filter = ("is_staff", "is_active", "groups")
    # Roles by name (the seeded groups, patients/roles.py), never ~200 raw permissions.
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email", "language")}),
        (
            _("Roles"),
            {
                "fields": ("is_active", "is_staff", "is_superuser", "groups"),
                "description": _(
                    "Clinician: the care team's pages (add them to a team too). Clinical "
                    "lead: approves rule changes. Administrator: set-up, staff and content "
                    "(tick Staff status too)."
                ),
            },
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    filter_horizontal = ("groups",)

    def add_view(self, request, form_url="", extra_context=None):
        """Nobody types another person's password: new staff are invited by e-mail and
        choose their own (team/setup_views.py); patients are enrolled the same way."""
        return redirect("team:setup_invite")

    def has_delete_permission(self, request, obj=None) -> bool:
        # Deleting a patient's account would delete their diary with it: deactivate it
        # (Active off) instead. No bulk delete either, for the same reason.
        if obj is None or hasattr(obj, "patient"):
            return False
        return super().has_delete_permission(request, obj)


class MembershipInline(admin.TabularInline):
    model = CareTeamMembership
    extra = 1
    raw_id_fields = ("user",)


@admin.register(CareTeam)
class CareTeamAdmin(TranslatedContentMixin, TranslationAdmin, SimpleHistoryAdmin):
    # The out-of-hours words per language (django-modeltranslation), never the bare field.
    list_display = ("name", "country", "emergency_number", "phone", "urgent_phone", "timezone")
    search_fields = ("name",)
    inlines = [MembershipInline]


class CaregiverInline(admin.TabularInline):
    """Caregivers are invited from the team's patient page, where the person must accept
    (a link made here would skip their consent); the admin can only end a link."""

    model = Caregiver
    fk_name = "patient"
    extra = 0
    fields = ("user", "relationship", "active", "accepted_at", "added_by")
    readonly_fields = ("user", "relationship", "accepted_at", "added_by")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Patient)
class PatientAdmin(AuditedReadsMixin, SimpleHistoryAdmin):
    list_display = ("reference", "display_name", "team", "timezone", "hbv_risk")
    list_filter = ("team", "hbv_risk", "er_immunosuppressant", "er_low_ig")
    search_fields = ("reference", "user__username", "user__first_name", "user__last_name")
    list_select_related = ("user", "team")
    raw_id_fields = ("user",)
    readonly_fields = ("reference",)
    inlines = [CaregiverInline]

    def audited_patient(self, obj):
        return obj

    def has_delete_permission(self, request, obj=None) -> bool:
        # A patient is deactivated or discharged, never deleted: their diary, alerts and
        # audit trail stay. A data-protection erase is a separate, logged procedure.
        return False

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if not change and not obj.user.has_usable_password():
            # Enrolled here rather than from the team's page: invite them all the same.
            account_email_queue(obj.user, AccountEmail.Kind.INVITE_PATIENT)


@admin.register(Injection)
class InjectionAdmin(AuditedReadsMixin, SimpleHistoryAdmin):
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


@admin.register(AccountEmail)
class AccountEmailAdmin(ReadOnlyAuditAdmin):
    """Invitations, resets and notices: what was sent, when, and what failed."""

    list_display = ("created_at", "kind", "user", "status", "attempts", "sent_at", "last_error")
    list_filter = ("kind", "status")
    search_fields = ("user__username", "user__email")
    list_select_related = ("user",)
    date_hierarchy = "created_at"
