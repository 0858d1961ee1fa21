from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from patients.admin_mixins import AuditedReadsMixin, ReadOnlyAdminMixin, TranslatedContentMixin
from patients.mail import account_email_queue
from patients.models import (
    AccessLog,
    AccountEmail,
    Caregiver,
    CareTeam,
    CareTeamMembership,
    Injection,
    LabResult,
    Patient,
    RefusedRequest,
    User,
)
from patients.roles import APPROVE_RULE_CHANGE, CLINICAL_LEAD
from patients.timezones import ZoneChoiceField


class ZoneChoicesMixin:
    """The admin picks a time zone from the same list as every other form."""

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "timezone" in form.base_fields:
            form.base_fields["timezone"] = ZoneChoiceField(
                current=obj.timezone if obj is not None else None
            )
        return form


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

    def get_readonly_fields(self, request, obj=None):
        """An administrator who is not a superuser can neither make anyone a superuser nor
        change a superuser's account or their own roles (an administrator made themself
        superuser by ticking the box on their own page)."""
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields.append("is_superuser")
            if obj is not None and (obj.is_superuser or obj.pk == request.user.pk):
                fields += ["is_staff", "is_active", "groups"]
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        may_grant_lead = request.user.has_perm(APPROVE_RULE_CHANGE)

        class RolesForm(form):
            def clean_groups(self):
                """Only a clinical lead (or a superuser) makes or unmakes a clinical lead:
                approving rule changes takes two people, and an administrator who could
                grant it could approve their own draft through a second account."""
                groups = self.cleaned_data["groups"]
                before = (
                    set(self.instance.groups.values_list("name", flat=True))
                    if self.instance.pk
                    else set()
                )
                after = {group.name for group in groups}
                if (CLINICAL_LEAD in before) != (CLINICAL_LEAD in after) and not may_grant_lead:
                    raise forms.ValidationError(
                        _("Only a clinical lead can make someone a clinical lead, or end it.")
                    )
                return groups

        return RolesForm

    def user_change_password(self, request, id, form_url=""):
        """A superuser sets any password; anyone else only their own (an administrator
        could set a superuser's, a clinician's or a patient's and sign in as them)."""
        target = self.get_object(request, unquote(id))
        if not request.user.is_superuser and (target is None or target.pk != request.user.pk):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

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
class CareTeamAdmin(ZoneChoicesMixin, TranslatedContentMixin, TranslationAdmin, SimpleHistoryAdmin):
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
class PatientAdmin(ZoneChoicesMixin, AuditedReadsMixin, SimpleHistoryAdmin):
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


@admin.register(LabResult)
class LabResultAdmin(ReadOnlyAdminMixin, AuditedReadsMixin, SimpleHistoryAdmin):
    """Laboratory results are read here; they are recorded and withdrawn on the team's
    pages, where the rules run (alerts/care/labs.py): a row changed here would leave the
    patient's risk flags behind."""

    list_display = (
        "patient",
        "test",
        "shown",
        "collected_on",
        "source",
        "recorded_by",
        "withdrawn_at",
    )
    list_filter = ("test", "source")
    search_fields = ("patient__reference",)
    list_select_related = ("patient", "recorded_by")
    date_hierarchy = "collected_on"

    def audited_patient(self, obj):
        return obj.patient


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
