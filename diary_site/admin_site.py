"""The admin site: clinical content first, then configuration, people, audit, and the
technical sections (lockouts, authenticator devices) last and apart."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import CharField, F, QuerySet, Value
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from diary_core.outbox import Channel, OutboxMessage, outbox_models

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
    (_("Messages"), ("patients.accountemail",)),
    (_("Audit trails (read only)"), ("patients.accesslog", "patients.refusedrequest")),
)
MESSAGES = 3  # the index of the "Messages" section: the outbox's page comes first in it
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
            if index == MESSAGES and _viewable_kinds(request):
                listed.insert(0, (None, _messages_entry()))
            if listed:
                sections.append(_section(f"section-{index}", heading, listed))
        if models:
            sections.append(_section("technical", TECHNICAL, list(models.values())))
        return sections

    def get_urls(self):
        return [
            path("messages/", self.admin_view(self.messages_view), name="messages"),
            *super().get_urls(),
        ]

    def messages_view(self, request):
        """Every message the product sends, of every kind the person may view: to whose
        account, on which channel, and how its delivery went (diary_core/outbox.py).
        Filters: ?status= and ?kind= (app_label.model_name). No health data: a message
        row holds a kind, a recipient and delivery facts; its error is a type and a code."""
        kinds = _viewable_kinds(request)
        if not kinds:
            raise PermissionDenied
        kind = request.GET.get("kind", "")
        status = request.GET.get("status", "")
        shown = [m for m in kinds if kind in ("", m._meta.label_lower)]
        if not shown:  # a kind this person may not see, or none at all: every kind
            kind, shown = "", kinds
        if status not in OutboxMessage.Status.values:
            status = ""
        page = Paginator(_message_rows(shown, status), 100).get_page(request.GET.get("page"))
        for row in page:
            _label_row(row, kinds)
        context = {
            **self.each_context(request),
            "title": _("Messages"),
            # A full-width table: at 1024 px the sidebar would push its dates off screen.
            "is_nav_sidebar_enabled": False,
            "page": page,
            "kinds": [(m._meta.label_lower, m._meta.verbose_name) for m in kinds],
            "statuses": OutboxMessage.Status.choices,
            "kind": kind,
            "status": status,
        }
        return TemplateResponse(request, "admin/messages.html", context)


def _viewable_kinds(request) -> list[type[OutboxMessage]]:
    return [
        model
        for model in outbox_models()
        if request.user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")
    ]


def _messages_entry() -> dict:
    """The outbox's page as an entry of the index's "Messages" section."""
    return {
        "name": _("Messages"),
        "object_name": "Messages",
        "perms": {"view": True},
        "admin_url": reverse("admin:messages"),
        "add_url": None,
        "view_only": True,
    }


COLUMNS = (
    "pk", "kind", "status", "attempts", "last_error", "due_at", "sent_at", "created_at"
)  # fmt: skip


def _message_rows(models: list[type[OutboxMessage]], status: str) -> QuerySet:
    """One query over every kind's table (UNION ALL), newest first."""
    text = CharField()
    parts = []
    for model in models:
        rows = model._default_manager.order_by()
        if status:
            rows = rows.filter(status=status)
        parts.append(
            rows.annotate(
                message=Value(model._meta.label_lower, output_field=text),
                account=F(f"{model.recipient_path}__username"),
                channel_value=(
                    F(model.channel_path)
                    if model.channel_path
                    else Value(Channel.EMAIL.value, output_field=text)
                ),
            ).values(*COLUMNS, "message", "account", "channel_value")
        )
    return parts[0].union(*parts[1:], all=True).order_by("-created_at", "-pk")


def _label_row(row: dict, kinds: list[type[OutboxMessage]]) -> None:
    model = next(m for m in kinds if m._meta.label_lower == row["message"])
    row["kind_label"] = model._meta.verbose_name
    row["subkind_label"] = dict(model._meta.get_field("kind").choices).get(row["kind"], row["kind"])
    row["channel_label"] = dict(Channel.choices).get(row["channel_value"], row["channel_value"])
    row["status_label"] = dict(OutboxMessage.Status.choices).get(row["status"], row["status"])


def _section(label: str, heading, listed: list) -> dict:
    first_app = listed[0][0] or listed[-1][0] or {"app_url": reverse("admin:messages")}
    return {
        "name": heading,
        "app_label": label,
        "app_url": first_app["app_url"],
        "has_module_perms": True,
        "models": [model for _app, model in listed],
    }
