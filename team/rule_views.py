"""Rule changes waiting for a second person, reviewed by a clinical lead on the team's side
(a clinician with the approval permission; administrators review in the admin)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from alerts.authoring.drafts import (
    APPROVE_PERMISSION,
    DraftRefused,
    can_approve,
    rule_draft_approve,
    rule_draft_reject,
)
from alerts.models import RuleDraft, WhatIfRun, rule_changes
from patients.access import clinician_required
from patients.models import CareTeam


def _lead_required(request: HttpRequest) -> None:
    """Only a clinical lead (the permission) sees these pages; anyone else a 404."""
    if not request.user.has_perm(APPROVE_PERMISSION):
        raise Http404


@clinician_required
def rule_changes_list(request: HttpRequest) -> HttpResponse:
    _lead_required(request)
    drafts = (
        RuleDraft.objects.filter(status=RuleDraft.Status.DRAFT)
        .select_related("rule", "created_by")
        .order_by("created_at")
    )
    return render(request, "team/rule_changes.html", {"drafts": drafts})


@clinician_required
def rule_change(request: HttpRequest, pk: int) -> HttpResponse:
    """One draft: what changes in words, what it would have done to the lead's own teams'
    last days (the latest what-if run), and approve or reject with a note."""
    _lead_required(request)
    draft = get_object_or_404(RuleDraft.objects.select_related("rule", "created_by"), pk=pk)
    if request.method == "POST" and draft.status == RuleDraft.Status.DRAFT:
        note = request.POST.get("note", "").strip()[:2000]
        try:
            if request.POST.get("action") == "approve":
                rule = rule_draft_approve(draft=draft, by=request.user, note=note)
                messages.success(
                    request,
                    _("Published: %(rule)s is now version %(v)s.")
                    % {"rule": rule.title, "v": rule.version},
                )
                return redirect("team:rule_changes")
            if request.POST.get("action") == "reject":
                if not note:
                    raise DraftRefused(_("Say why you reject it, so the author can redraft."))
                rule_draft_reject(draft=draft, by=request.user, note=note)
                messages.success(request, _("Rejected. The live rule is unchanged."))
                return redirect("team:rule_changes")
        except DraftRefused as refused:
            messages.error(request, str(refused))
    run = (
        WhatIfRun.objects.filter(draft=draft, status=WhatIfRun.Status.DONE).order_by("-pk").first()
    )
    result = run.result if run and run.result else None
    if result:
        mine = set(CareTeam.objects.for_clinician(request.user).values_list("name", flat=True))
        # Patients by reference, and only the lead's own teams'.
        result = {
            **result,
            "gained": [p for p in result.get("gained", []) if p["team"] in mine],
            "lost": [p for p in result.get("lost", []) if p["team"] in mine],
        }
    return render(
        request,
        "team/rule_change.html",
        {
            "draft": draft,
            "changes": rule_changes(draft.rule, draft.proposed()),
            "run": run,
            "result": result,
            "may_approve": can_approve(draft, request.user),
            "note": request.POST.get("note", ""),
        },
    )
