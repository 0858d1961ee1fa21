"""A clinic set up by its administrator without a developer: the new-clinic checklist, a
team made on a form, staff invited by e-mail with their roles by name, patients enrolled
(team/patient_views.enrol), and a clinical lead's sign-off of the rules in use."""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from alerts.models import AlertRule, EngineSettings
from patients import enrolment
from patients.access import administrator_required
from patients.backends import DIARY_BACKEND
from patients.models import CareTeam, CareTeamMembership, User
from patients.roles import ADMINISTRATOR, APPROVE_RULE_CHANGE, CLINICAL_LEAD, ROLE_WORDS
from patients.timezones import ZoneChoiceField


class TeamForm(forms.ModelForm):
    class Meta:
        model = CareTeam
        fields = ["name", "country", "phone", "urgent_phone", "emergency_number", "timezone"]
        labels = {"name": gettext_lazy("Team name"), "timezone": gettext_lazy("Time zone")}
        help_texts = {
            "phone": gettext_lazy("Shown to patients with every 'contact the team' message."),
            "urgent_phone": gettext_lazy("For URGENT advice in working hours, if you have one."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"] = ZoneChoiceField(current=self.instance.timezone or None)


class StaffInviteForm(forms.Form):
    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=150)
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=150)
    email = forms.EmailField(label=gettext_lazy("E-mail (the invitation goes here)"))
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=settings.LANGUAGES)
    team = forms.ModelChoiceField(
        label=gettext_lazy("Care team"),
        queryset=CareTeam.objects.order_by("name"),
        required=False,
        help_text=gettext_lazy(
            "A clinician sees this team's patients. Leave empty for staff who only administer."
        ),
    )
    team_role = forms.ChoiceField(
        label=gettext_lazy("In the team"),
        choices=CareTeamMembership.Role.choices,
        initial=CareTeamMembership.Role.PRIMARY,
        widget=forms.RadioSelect,
        help_text=gettext_lazy("Backups are told of an URGENT alert nobody has acknowledged."),
    )
    clinical_lead = forms.BooleanField(label=ROLE_WORDS[CLINICAL_LEAD], required=False)
    administrator = forms.BooleanField(label=ROLE_WORDS[ADMINISTRATOR], required=False)

    def __init__(self, *args, may_grant_lead: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = translation.get_language()
        if not may_grant_lead:
            # Approving rule changes takes two people: an administrator who could make a
            # clinical lead could draft a change and approve it through a second account.
            del self.fields["clinical_lead"]

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _(
                    "Someone already has an account with this e-mail: add them to the team on "
                    "their user page instead."
                )
            )
        return email

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("team") and not cleaned.get("administrator"):
            raise forms.ValidationError(
                _(
                    "Choose a care team for a clinician, or tick Administrator: a person needs "
                    "one or the other to use the site."
                )
            )
        return cleaned


@dataclass
class Step:
    """One line of the checklist: done or not, what stands now, and where to change it."""

    title: str
    done: bool
    now: str
    link: str
    action: str


def _rules_changed_at():
    """The last change to what the rules decide with: a rule, or the engine's settings
    (windows, de-duplication)."""
    changes = [
        AlertRule.objects.aggregate(at=Max("updated_at"))["at"],
        EngineSettings.objects.aggregate(at=Max("updated_at"))["at"],
    ]
    return max((at for at in changes if at is not None), default=None)


def team_steps(team: CareTeam, *, rules_changed_at) -> list[Step]:
    change = reverse("admin:patients_careteam_change", args=[team.pk])
    members = list(team.memberships.select_related("user"))
    signed_in = [m for m in members if m.user.last_login]
    leads = User.objects.with_perm(
        APPROVE_RULE_CHANGE, backend=DIARY_BACKEND, include_superusers=False
    ).filter(is_active=True, pk__in=[m.user_id for m in members])
    words = {
        code: getattr(team, "out_of_hours_" + code.replace("-", "_"), "")
        for code in settings.MODELTRANSLATION_LANGUAGES
    }
    missing_words = [name for code, name in settings.LANGUAGES if not words.get(code)]
    signed = team.rules_signed_off_at is not None and (
        rules_changed_at is None or team.rules_signed_off_at >= rules_changed_at
    )
    invite = reverse("team:setup_invite") + f"?team={team.pk}"
    return [
        Step(
            _("Team, phone and country"),
            bool(team.phone),
            _("%(country)s · team phone %(phone)s · emergency number %(number)s")
            % {
                "country": team.get_country_display(),
                "phone": team.phone or "—",
                "number": team.emergency_number,
            },
            change,
            _("Change"),
        ),
        Step(
            _("An urgent line for working hours"),
            bool(team.urgent_phone),
            team.urgent_phone or _("Not set: URGENT advice gives the team phone."),
            change,
            _("Add one") if not team.urgent_phone else _("Change"),
        ),
        Step(
            _("Clinicians, and a backup"),
            bool(members) and any(m.role == "backup" for m in members),
            _("%(members)s in the team (%(signed)s signed in); %(backups)s backup")
            % {
                "members": len(members),
                "signed": len(signed_in),
                "backups": sum(m.role == "backup" for m in members),
            },
            invite,
            _("Invite staff"),
        ),
        Step(
            _("A clinical lead who approves rule changes"),
            leads.exists(),
            ", ".join(u.get_full_name() or u.username for u in leads) or _("Nobody yet"),
            invite,
            _("Invite staff"),
        ),
        Step(
            _("Response targets"),
            True,
            _(
                "URGENT acknowledged within %(urgent)s minutes; CONTACT within %(contact)s "
                "working hours"
            )
            % {
                "urgent": team.urgent_escalation_minutes,
                "contact": team.contact_escalation_working_hours,
            },
            change,
            _("Change"),
        ),
        Step(
            _("Out-of-hours words in every language"),
            not missing_words,
            _("Missing in: %(languages)s") % {"languages": ", ".join(missing_words)}
            if missing_words
            else words.get(settings.MODELTRANSLATION_DEFAULT_LANGUAGE, ""),
            change,
            _("Change"),
        ),
        Step(
            _("Rules signed off by a clinical lead"),
            signed,
            _("Signed off by %(who)s on %(day)s")
            % {
                "who": team.rules_signed_off_by.get_full_name()
                if team.rules_signed_off_by
                else _("a former member"),
                "day": date_format(timezone.localtime(team.rules_signed_off_at), "j M Y"),
            }
            if signed
            else _("Not signed off since the rules last changed"),
            reverse("team:setup") + f"#sign-{team.pk}",
            _("Sign off"),
        ),
    ]


def setup_or_lead_required(view):
    """The clinic's administrators, and clinical leads (who sign off the rules here)."""

    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if user.role != User.Role.ADMINISTRATOR and not user.has_perm(APPROVE_RULE_CHANGE):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


@setup_or_lead_required
def checklist(request: HttpRequest) -> HttpResponse:
    changed = _rules_changed_at()
    user = request.user
    lead = user.has_perm(APPROVE_RULE_CHANGE)
    mine = set(CareTeamMembership.objects.filter(user=user).values_list("team_id", flat=True))
    teams = [
        {
            "team": team,
            "steps": (steps := team_steps(team, rules_changed_at=changed)),
            "left": sum(not s.done for s in steps),
            # A clinical lead signs off their own team's rules (a superuser any team's).
            "can_sign": lead and (user.is_superuser or team.pk in mine),
        }
        for team in CareTeam.objects.order_by("name")
        .select_related("rules_signed_off_by")
        .annotate(patient_count=Count("patients"))
    ]
    return render(
        request,
        "team/setup/checklist.html",
        {"teams": teams},
    )


@administrator_required
def team_new(request: HttpRequest) -> HttpResponse:
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        team = form.save()
        messages.success(
            request,
            _("%(team)s is made. Next: invite its staff.") % {"team": team.name},
        )
        return redirect("team:setup")
    return render(request, "team/setup/team_form.html", {"form": form})


@administrator_required
def invite(request: HttpRequest) -> HttpResponse:
    initial = {}
    if (chosen := request.GET.get("team", "")).isascii() and chosen.isdigit():
        initial["team"] = CareTeam.objects.filter(pk=chosen).first()
    form = StaffInviteForm(
        request.POST or None,
        initial=initial,
        may_grant_lead=request.user.has_perm(APPROVE_RULE_CHANGE),
    )
    if request.method == "POST" and form.is_valid():
        user = enrolment.invite_staff(form.cleaned_data, invited_by=request.user)
        messages.success(
            request,
            _(
                "%(name)s is invited: the e-mail with a link to choose a password is on its way. "
                "They set up their second factor at first login."
            )
            % {"name": user.get_full_name()},
        )
        return redirect("team:setup")
    return render(request, "team/setup/invite.html", {"form": form})


@require_POST
@setup_or_lead_required
def sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    """A clinical lead confirms the rules in use for this team; a later rule change undoes it."""
    if not request.user.has_perm(APPROVE_RULE_CHANGE):
        raise Http404
    team = get_object_or_404(CareTeam, pk=pk)
    mine = CareTeam.objects.for_clinician(request.user).filter(pk=team.pk).exists()
    if not request.user.is_superuser and not mine:
        # A clinical lead signs off the rules of their own team, not another clinic's.
        raise Http404
    team.rules_signed_off_at, team.rules_signed_off_by = timezone.now(), request.user
    team.save(update_fields=["rules_signed_off_at", "rules_signed_off_by"])
    messages.success(request, _("The rules are signed off for %(team)s.") % {"team": team.name})
    return redirect("team:setup")
