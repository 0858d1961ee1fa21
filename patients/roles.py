"""The staff roles a clinic gives by name: seeded groups, never a list of raw permissions.

- **Clinician**: the care team's pages (what they see follows their team membership).
- **Clinical lead**: also approves rule changes and signs off the rules a team uses.
- **Administrator**: the clinic's set-up (teams, staff, content) and the Django admin.

The groups are made (and their permissions kept as listed here) after every `migrate`, so a
new clinic has them from the first day; an administrator picks them on the staff invitation
or on a user's admin page. The one home of which permission each role holds.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

CLINICIAN = "Clinician"
CLINICAL_LEAD = "Clinical lead"
ADMINISTRATOR = "Administrator"

APPROVE_RULE_CHANGE = "alerts.approve_rule_change"

ROLE_WORDS = {
    CLINICIAN: _("Clinician"),
    CLINICAL_LEAD: _("Clinical lead (approves rule changes)"),
    ADMINISTRATOR: _("Administrator (set-up, staff and content)"),
}

# "app_label.codename"; a permission an app does not define (yet) is skipped.
ROLE_PERMISSIONS = {
    CLINICIAN: (),
    CLINICAL_LEAD: (
        APPROVE_RULE_CHANGE,
        "alerts.view_alertrule",
        "alerts.view_ruledraft",
        "alerts.add_ruledraft",
        "alerts.change_ruledraft",
    ),
    ADMINISTRATOR: (
        "patients.view_user",
        "patients.change_user",
        "patients.add_careteam",
        "patients.change_careteam",
        "patients.view_careteam",
        "patients.add_careteammembership",
        "patients.change_careteammembership",
        "patients.delete_careteammembership",
        "patients.view_careteammembership",
        "patients.view_patient",
        "patients.change_patient",
        "symptoms.view_symptom",
        "symptoms.change_symptom",
        "alerts.view_alertrule",
        "alerts.view_ruledraft",
        "alerts.add_ruledraft",
        "alerts.change_ruledraft",
        "alerts.view_educationpage",
        "alerts.add_educationpage",
        "alerts.change_educationpage",
        "alerts.view_enginesettings",
        # The admin's "Messages" page: how every message's delivery went (no health data).
        "alerts.view_notification",
        "alerts.view_digest",
        "patients.view_accountemail",
        "patients.view_patientreminder",
    ),
}


def _permissions(names) -> list[Permission]:
    query = Q(pk__in=[])
    for name in names:
        app_label, _dot, codename = name.partition(".")
        query |= Q(content_type__app_label=app_label, codename=codename)
    return list(Permission.objects.filter(query))


def ensure_role_groups() -> dict[str, Group]:
    """Make the three groups and give each exactly its permissions. Idempotent."""
    groups = {}
    for name, names in ROLE_PERMISSIONS.items():
        group, _made = Group.objects.get_or_create(name=name)
        group.permissions.set(_permissions(names))
        groups[name] = group
    return groups


def seed_role_groups(sender, using="default", **kwargs) -> None:
    """Once per migrate, after the last app's signal. The permissions of that last app may
    not exist yet (django.contrib.auth makes each app's in its own receiver, which can run
    after this one), so every app's are made first; both steps are idempotent."""
    # post_migrate is sent for the apps that have models, in INSTALLED_APPS order.
    configs = [config for config in apps.get_app_configs() if config.models_module is not None]
    if using != "default" or sender.label != configs[-1].label:
        return
    for config in configs:
        create_permissions(config, verbosity=0, using=using)
    ensure_role_groups()
