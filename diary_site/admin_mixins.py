"""Shared admin behaviour."""

from __future__ import annotations


class ReadOnlyAdminMixin:
    """Rows shown in the admin but never added, changed or deleted there (audit trails,
    and alerts, which clinicians handle on the dashboard where each step is audited)."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
