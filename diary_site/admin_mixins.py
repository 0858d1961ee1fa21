"""Shared admin behaviour."""

from __future__ import annotations

from patients.models import AccessLog


class ReadOnlyAdminMixin:
    """Rows shown in the admin but never added, changed or deleted there (audit trails,
    and alerts, which clinicians handle on the dashboard where each step is audited)."""

    def has_add_permission(self, request, obj=None) -> bool:  # obj: inlines pass the parent
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class AuditedReadsMixin:
    """Clinical records read in the admin are in the access log like the team's pages: the
    list (one row), each record (with its patient) and its change history.

    `audited_patient(obj)` names the patient a record belongs to.
    """

    def audited_patient(self, obj):
        return getattr(obj, "patient", None)

    def _audit(self, request, obj, action: str) -> None:
        AccessLog.record(request, self.audited_patient(obj) if obj else None, action)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if getattr(response, "status_code", 200) == 200:
            self._audit(request, None, "list")
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and getattr(response, "status_code", 200) == 200:
            self._audit(request, self.get_object(request, object_id), "admin")
        return response

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        if getattr(response, "status_code", 200) == 200:
            self._audit(request, self.get_object(request, object_id), "history")
        return response

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """One past version of a record (django-simple-history)."""
        response = super().history_form_view(request, object_id, version_id, extra_context)
        if getattr(response, "status_code", 200) == 200:
            self._audit(request, self.get_object(request, object_id), "history")
        return response
