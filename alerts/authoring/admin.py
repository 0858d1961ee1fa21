"""The rule admin: a rule's words and numbers edited as a draft that a second person
approves, the what-if runs, the engine's settings and the education pages.
"""

from __future__ import annotations

import copy
from datetime import date, datetime
from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from alerts.authoring.drafts import (
    DraftRefused,
    can_approve,
    rule_draft_approve,
    rule_draft_create,
    rule_draft_reject,
    rule_draft_rollback,
)
from alerts.authoring.models import DRAFT_FIELDS, RuleDraft, WhatIfRun, rule_changes
from alerts.authoring.whatif import RUN_GRACE, whatif_run_request
from alerts.care.admin import level_shown
from alerts.rules import DEFAULT_RULES
from alerts.rules.definitions import Param, params_to_json
from alerts.ruleset.messages import RULE_TEXT_FIELDS, draft_message_problems, in_each_language
from alerts.ruleset.models import AlertRule, EducationPage, EngineSettings
from patients.admin_mixins import (
    ReadOnlyAdminMixin,
    TranslatedContentMixin,
)
from patients.models import Patient


class VersionedAdmin(SimpleHistoryAdmin):
    """Every saved change is a new version, with history; alerts keep the version they fired on."""

    def save_model(self, request, obj, form, change) -> None:
        if change and form.changed_data:
            obj.version += 1
        super().save_model(request, obj, form, change)


PARAM_PREFIX = "param_"


def _run_people(result: dict, *, named: bool) -> dict:
    """The what-if's patients as the administrator knows them (name and hospital number,
    one query), and its examples' times as datetimes shown in the reader's zone; the run
    stores only references and UTC times."""
    lab = result.get("lab") or {}
    references = {p["reference"] for key in ("gained", "lost") for p in result.get(key, [])}
    references |= {c["reference"] for key in ("flags", "review") for c in lab.get(key, [])}
    references |= {
        e["reference"] for key in ("gained_examples", "lost_examples") for e in result.get(key, [])
    }
    people = (
        {
            p.reference: p
            for p in Patient.objects.filter(reference__in=references).select_related("user")
        }
        if named
        else {}
    )

    def person(reference: str) -> dict:
        patient = people.get(reference)
        return {
            "reference": reference,
            "name": patient.display_name if patient else "",
            "hospital_number": patient.hospital_number if patient else "",
            "pk": patient.pk if patient else None,
        }

    def examples(key: str) -> list[dict]:
        return [
            {**e, **person(e["reference"]), "when": datetime.fromisoformat(e["at"])}
            for e in result.get(key, [])
        ]

    def lab_changes(key: str) -> list[dict]:
        return [
            {
                **c,
                **person(c["reference"]),
                "collected": date.fromisoformat(c["decided_by"]["collected"]),
            }
            for c in lab.get(key, [])
        ]

    return {
        "lab_flags": lab_changes("flags"),
        "lab_review": lab_changes("review"),
        "gained_people": [{**p, **person(p["reference"])} for p in result.get("gained", [])],
        "lost_people": [{**p, **person(p["reference"])} for p in result.get("lost", [])],
        "gained_examples": examples("gained_examples"),
        "lost_examples": examples("lost_examples"),
    }


# A parameter's name in words for the rule's form ("threshold_c" was the label); the code
# name stays in the help text, as the specification and the scenario files use it.
PARAM_WORDS = {
    "threshold_c": gettext_lazy("Threshold"),
    "threshold": gettext_lazy("Threshold"),
    "fever_c": gettext_lazy("Fever from"),
    "below_c": gettext_lazy("Below"),
    "at_or_below_c": gettext_lazy("At or below"),
    "at_or_below": gettext_lazy("At or below"),
    "unconfirmed_at_or_below": gettext_lazy("At or below, before it is confirmed"),
    "low_c": gettext_lazy("From"),
    "high_c": gettext_lazy("Up to (not including)"),
    "low": gettext_lazy("From"),
    "high": gettext_lazy("Up to (not including)"),
    "min_grade": gettext_lazy("Lowest grade that counts"),
    "max_grade": gettext_lazy("Highest grade that counts"),
    "rise": gettext_lazy("Rise in grade"),
    "fatigue_rise": gettext_lazy("Rise in fatigue grade"),
    "days": gettext_lazy("Days"),
    "grace_days": gettext_lazy("Days of grace"),
    "episode_days": gettext_lazy("Days one episode lasts"),
    "lookback_days": gettext_lazy("Days looked back"),
    "until_days": gettext_lazy("Until day"),
    "hours": gettext_lazy("Hours"),
    "after_hours": gettext_lazy("After hours"),
    "due_within_hours": gettext_lazy("Due within (hours)"),
    "window_hours": gettext_lazy("Within a window of (hours)"),
    "exclude_after_injection_hours": gettext_lazy("Not within this long after an injection"),
    "min_gap_minutes": gettext_lazy("At least this long apart"),
    "confirm_window_minutes": gettext_lazy("Time to confirm"),
    # Laboratory results (§6): the clinic's lower limits of normal, used when the lab gives
    # none, and how far below them a result is at the trials' interruption level.
    "igg_lln": gettext_lazy("IgG lower limit of normal"),
    "igm_lln": gettext_lazy("IgM lower limit of normal"),
    "neutrophils_lln": gettext_lazy("Neutrophils lower limit of normal"),
    "lymphocytes_lln": gettext_lazy("Lymphocytes lower limit of normal"),
    "igg_below_percent": gettext_lazy("IgG review level, below its lower limit by"),
    "igm_below_percent": gettext_lazy("IgM review level, below its lower limit by"),
    "interval_months": gettext_lazy("Immunoglobulins due every"),
    "baseline_months": gettext_lazy("Before the first dose, a result no older than"),
    "ahead_days": gettext_lazy("Listed this long before they are due"),
}


def param_step(param: Param) -> Decimal:
    """The smallest step of a decimal parameter (0.1 for a temperature, 0.01 for a
    laboratory limit)."""
    return Decimal(1).scaleb(-param.places)


def param_field(name: str, param: Param) -> forms.Field:
    """One parameter as a typed form field, with its unit and bounds from the declaration."""
    help_text = _("From %(low)s to %(high)s %(unit)s.") % {
        "low": param.low,
        "high": param.high,
        "unit": param.unit,
    }
    if param.limit:
        help_text += " " + _("At most %(high)s: %(why)s.") % {
            "high": param.high,
            "why": param.limit,
        }
    help_text += " " + _("In the specification: %(name)s.") % {"name": name}
    words = PARAM_WORDS.get(name) or name.replace("_", " ").capitalize()
    common = {"label": f"{words} ({param.unit})", "help_text": help_text}
    if isinstance(param.default, Decimal):
        # As many decimal places as the parameter takes (a laboratory limit has two):
        # more is refused with the field's own message, nothing rounded silently.
        return forms.DecimalField(
            max_digits=max(4, len(str(int(param.high))) + param.places),
            decimal_places=param.places,
            min_value=param.low,
            max_value=param.high,
            step_size=param_step(param),
            **common,
        )
    return forms.IntegerField(min_value=param.low, max_value=param.high, **common)


def label_languages(form: forms.ModelForm, fields) -> None:
    """Label each language's column in words ("Patient message — Español"); English is
    required, the others may wait for a translator (English is shown meanwhile)."""
    names = dict(settings.LANGUAGES)
    for field in fields:
        base = str(form._meta.model._meta.get_field(field).verbose_name)
        for code, column in zip(
            settings.MODELTRANSLATION_LANGUAGES, in_each_language(field), strict=True
        ):
            if column in form.fields:
                form.fields[column].label = f"{base[:1].upper()}{base[1:]} — {names[code]}"
                if code == settings.MODELTRANSLATION_DEFAULT_LANGUAGE:
                    form.fields[column].required = field != "clinician_summary"
                else:
                    form.fields[column].required = False


class AlertRuleForm(forms.ModelForm):
    """The rule's values, and why they are being changed (the change becomes a draft)."""

    reason = forms.CharField(
        label=gettext_lazy("Reason for the change"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "Required. Saved with the draft and, once approved, in the rule's history."
        ),
    )

    class Meta:
        model = AlertRule
        fields = DRAFT_FIELDS

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.live = {name: copy.deepcopy(getattr(self.instance, name)) for name in DRAFT_FIELDS}
        label_languages(self, RULE_TEXT_FIELDS)
        for name in self.param_names():
            if name in (self.instance.params or {}):
                self.initial.setdefault(PARAM_PREFIX + name, self.instance.params[name])

    def param_names(self) -> list[str]:
        return [f[len(PARAM_PREFIX) :] for f in self.fields if f.startswith(PARAM_PREFIX)]

    def clean(self):
        cleaned = super().clean()
        names = self.param_names()
        if names and all(PARAM_PREFIX + n in cleaned for n in names):
            values = {n: cleaned[PARAM_PREFIX + n] for n in names}
            definition = DEFAULT_RULES[self.instance.rule_id]
            params = params_to_json(
                {
                    n: v.quantize(param_step(definition.params[n])) if isinstance(v, Decimal) else v
                    for n, v in values.items()
                }
            )
            problems = definition.param_problems(params)
            if problems:
                raise forms.ValidationError("; ".join(problems))
            cleaned["params"] = self.instance.params = params
        proposed = {name: cleaned.get(name, self.live[name]) for name in DRAFT_FIELDS}
        if self.instance.pk and not rule_changes(
            AlertRule(rule_id=self.instance.rule_id, **self.live), proposed
        ):
            raise forms.ValidationError(_("Nothing would change: the values are the live ones."))
        live = AlertRule(rule_id=self.instance.rule_id, **self.live)
        for name, problems in draft_message_problems(live, proposed).items():
            if name in self.fields:
                self.add_error(name, problems)
        return cleaned


@admin.register(AlertRule)
class AlertRuleAdmin(TranslatedContentMixin, SimpleHistoryAdmin):
    """Saving a rule writes a draft (alerts/drafts.py); a second person publishes it."""

    form = AlertRuleForm
    change_form_template = "admin/alerts/alertrule/change_form.html"
    list_display = (
        "rule_id",
        "title",
        level_shown,
        "active",
        "version",
        "drafts_waiting",
        "updated_at",
    )
    list_filter = ("level", "active", "family")
    search_fields = ("rule_id", "title", "patient_message")
    readonly_fields = ("rule_id", "family", "version", "updated_at")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "rule_id",
                    "family",
                    in_each_language("title"),
                    "level",
                    "active",
                    "version",
                )
            },
        ),
        (
            gettext_lazy("Parameters"),
            {
                "fields": ("params", "remeasure_minutes"),
                "description": gettext_lazy(
                    "Each parameter with its unit and the range it may take. Saving "
                    "writes a draft: the live rule changes only once a second person approves "
                    "it. Try a draft with `manage.py try_rules DRAFT_ID --days 90`."
                ),
            },
        ),
        (
            gettext_lazy("Messages"),
            {
                "fields": (
                    in_each_language("patient_message"),
                    in_each_language("clinician_summary"),
                    "rationale",
                ),
                "description": gettext_lazy(
                    "Each message in every language, side by side; English is required, and a "
                    "language left empty shows the English words. Name the rule's numbers "
                    "with placeholders, filled in from the parameters wherever the message is "
                    "shown: {threshold_c} °C ({threshold_c_f} °F), {remeasure_minutes} "
                    "minutes, and use the same placeholders in every language. A number typed "
                    "in that is a parameter is refused: it would stay behind when the "
                    "parameter changes."
                ),
            },
        ),
        (gettext_lazy("Why"), {"fields": ("reason",)}),
        (None, {"fields": ("updated_at",)}),
    )

    def get_form(self, request, obj=None, change=False, **kwargs):
        definition = DEFAULT_RULES.get(obj.rule_id) if obj is not None else None
        if definition is not None:
            fields = {
                PARAM_PREFIX + name: param_field(name, param)
                for name, param in definition.params.items()
            }
            kwargs["form"] = type("TypedAlertRuleForm", (AlertRuleForm,), fields)
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        definition = DEFAULT_RULES.get(obj.rule_id) if obj is not None else None
        if definition is None:
            return self.fieldsets
        typed = tuple(PARAM_PREFIX + name for name in definition.params)
        fieldsets = []
        for title, options in self.fieldsets:
            if "params" in options["fields"]:
                options = {**options, "fields": (*typed, "remeasure_minutes")}
            fieldsets.append((title, options))
        return tuple(fieldsets)

    @admin.display(description=gettext_lazy("drafts waiting"))
    def drafts_waiting(self, obj) -> int:
        return obj.waiting

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(waiting=Count("drafts", filter=Q(drafts__status=RuleDraft.Status.DRAFT)))
        )

    def has_add_permission(self, request) -> bool:
        # Rules are code-backed: rows come from the seed migration, never from the admin.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    # Saving writes a draft, never the live row.

    def save_model(self, request, obj, form, change) -> None:
        live = AlertRule.objects.get(pk=obj.pk)
        try:
            request._rule_draft = rule_draft_create(
                rule=live,
                by=request.user,
                reason=form.cleaned_data["reason"],
                proposed={name: getattr(obj, name) for name in DRAFT_FIELDS},
            )
        except DraftRefused as exc:
            request._rule_draft_refused = str(exc)
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change) -> None:
        pass  # the rule's own relations are not edited here

    def log_change(self, request, obj, message):
        draft = getattr(request, "_rule_draft", None)
        if draft is None:
            return None
        return super().log_change(
            request, obj, [{"added": {"name": "rule draft", "object": str(draft)}}]
        )

    def response_change(self, request, obj):
        draft = getattr(request, "_rule_draft", None)
        if draft is None:
            self.message_user(request, request._rule_draft_refused, messages.ERROR)
        else:
            self.message_user(
                request,
                _(
                    "Your change is saved as draft %(id)s. The live rule is unchanged until "
                    "a second person approves it."
                )
                % {"id": draft.pk},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:alerts_alertrule_change", args=[obj.pk]))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        rule = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if rule is not None:
            extra["drafts"] = [
                {"draft": d, "changes": d.changes() if d.status == d.Status.DRAFT else []}
                for d in rule.drafts.select_related("created_by", "reviewed_by")[:20]
            ]
        return super().change_view(request, object_id, form_url, extra)

    # Review and rollback pages.

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:rule_pk>/drafts/<int:draft_pk>/",
                view(self.review_view),
                name="alerts_alertrule_review",
            ),
            path(
                "<int:rule_pk>/drafts/<int:draft_pk>/try/",
                view(self.try_view),
                name="alerts_alertrule_try",
            ),
            path(
                "<int:rule_pk>/drafts/<int:draft_pk>/try/<int:run_pk>/",
                view(self.run_view),
                name="alerts_alertrule_run",
            ),
            path(
                "<int:rule_pk>/rollback/",
                view(self.rollback_view),
                name="alerts_alertrule_rollback",
            ),
            *super().get_urls(),
        ]

    def review_view(self, request, rule_pk: int, draft_pk: int):
        """The draft's changes in words, and approve / reject (a confirmation page)."""
        draft = get_object_or_404(
            RuleDraft.objects.select_related("rule", "created_by", "reviewed_by"),
            pk=draft_pk,
            rule_id=rule_pk,
        )
        if not self.has_view_permission(request, draft.rule):
            raise PermissionDenied
        error = ""
        if request.method == "POST":
            action, note = request.POST.get("action"), request.POST.get("note", "")
            try:
                if action == "approve":
                    rule = rule_draft_approve(draft=draft, by=request.user, note=note)
                    self.message_user(
                        request,
                        _("Published: %(rule)s is now version %(version)s.")
                        % {"rule": rule.rule_id, "version": rule.version},
                        messages.SUCCESS,
                    )
                elif action == "reject":
                    rule_draft_reject(draft=draft, by=request.user, note=note)
                    self.message_user(request, _("Draft rejected."), messages.SUCCESS)
                else:
                    raise DraftRefused(_("Choose approve or reject."))
                return HttpResponseRedirect(
                    reverse("admin:alerts_alertrule_change", args=[draft.rule_id])
                )
            except DraftRefused as exc:
                error = str(exc)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Review draft %(id)s of %(rule)s")
            % {"id": draft.pk, "rule": draft.rule.rule_id},
            "draft": draft,
            "rule": draft.rule,
            "changes": draft.changes(),
            "may_approve": can_approve(draft, request.user),
            "own_draft": draft.created_by_id == request.user.pk,
            "error": error,
        }
        return TemplateResponse(request, "admin/alerts/alertrule/review.html", context)

    def _draft(self, request, rule_pk: int, draft_pk: int) -> RuleDraft:
        draft = get_object_or_404(
            RuleDraft.objects.select_related("rule"), pk=draft_pk, rule_id=rule_pk
        )
        if not self.has_view_permission(request, draft.rule):
            raise PermissionDenied
        return draft

    def try_view(self, request, rule_pk: int, draft_pk: int):
        """Queue "try this draft on the last N days" (POST); its page shows the progress."""
        draft = self._draft(request, rule_pk, draft_pk)
        if request.method != "POST":
            return HttpResponseRedirect(
                reverse("admin:alerts_alertrule_review", args=[rule_pk, draft_pk])
            )
        try:
            days = int(request.POST.get("days", ""))
            run = whatif_run_request(draft=draft, days=days, by=request.user)
        except (ValueError, ValidationError):
            self.message_user(request, _("Choose a number of days from 1 to 366."), messages.ERROR)
            return HttpResponseRedirect(
                reverse("admin:alerts_alertrule_review", args=[rule_pk, draft_pk])
            )
        return HttpResponseRedirect(
            reverse("admin:alerts_alertrule_run", args=[rule_pk, draft_pk, run.pk])
        )

    def run_view(self, request, rule_pk: int, draft_pk: int, run_pk: int):
        draft = self._draft(request, rule_pk, draft_pk)
        run = get_object_or_404(WhatIfRun, pk=run_pk, draft=draft)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Draft %(id)s of %(rule)s on the last %(days)s days")
            % {"id": draft.pk, "rule": draft.rule.rule_id, "days": run.days},
            "draft": draft,
            "rule": draft.rule,
            "run": run,
            "finished": run.status in (WhatIfRun.Status.DONE, WhatIfRun.Status.FAILED),
            "waiting_long": timezone.now() - run.created_at > RUN_GRACE,
            "changes": draft.changes(),
            # Names only for someone who may read patients in the admin (whose pages
            # audit each read); otherwise the run's references, as it stores them.
            **_run_people(run.result or {}, named=request.user.has_perm("patients.view_patient")),
        }
        return TemplateResponse(request, "admin/alerts/alertrule/try.html", context)

    def rollback_view(self, request, rule_pk: int):
        """Draft a return to an earlier version (reviewed like any other change)."""
        rule = get_object_or_404(AlertRule, pk=rule_pk)
        if not self.has_change_permission(request, rule):
            raise PermissionDenied
        versions = sorted(
            {v for v in rule.history.values_list("version", flat=True) if v < rule.version},
            reverse=True,
        )
        error = ""
        if request.method == "POST":
            try:
                to_version = int(request.POST.get("version", ""))
            except ValueError:
                to_version = None
            if to_version not in versions:
                error = _("Choose one of the earlier versions.")
            else:
                try:
                    draft = rule_draft_rollback(
                        rule=rule,
                        to_version=to_version,
                        by=request.user,
                        reason=request.POST.get("reason", ""),
                    )
                except DraftRefused as exc:
                    error = str(exc)
                else:
                    self.message_user(
                        request,
                        _("Draft %(id)s restores version %(version)s once it is approved.")
                        % {"id": draft.pk, "version": to_version},
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(
                        reverse("admin:alerts_alertrule_review", args=[rule.pk, draft.pk])
                    )
        if not versions and request.method == "GET":
            raise Http404(_("This rule has no earlier version."))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Roll back %(rule)s") % {"rule": rule.rule_id},
            "rule": rule,
            "versions": versions,
            "error": error,
        }
        return TemplateResponse(request, "admin/alerts/alertrule/rollback.html", context)


@admin.register(RuleDraft)
class RuleDraftAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Every proposed rule change; reviewed from the rule's page."""

    list_display = ("__str__", "status", "created_by", "created_at", "reviewed_by", "self_approved")
    list_filter = ("status", "self_approved")
    search_fields = ("rule__rule_id", "reason")
    list_select_related = ("rule", "created_by", "reviewed_by")


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


@admin.register(EducationPage)
class EducationPageAdmin(TranslatedContentMixin, TranslationAdmin, SimpleHistoryAdmin):
    # Each language's title, summary and body side by side (django-modeltranslation).
    list_display = ("title", "slug", "published", "order", "updated_at")
    list_filter = ("published",)
    search_fields = ("title_en_gb", "title_es", "title_de", "summary_en_gb", "body_en_gb")
    filter_horizontal = ("rules",)
    prepopulated_fields = {"slug": ("title_en_gb",)}
