"""The "Notifications" page: how a person is reached, for patients, caregivers and staff.

One page with three parts, each with its own views: this device and the others that get
push notifications (push_views.py), a phone for text messages (staff; sms_views.py), and
what to get on which channel, with quiet hours (preferences, below).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.display_zone import SESSION_KEY as ZONE_KEY
from reach.forms import PreferencesForm, phone_part


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    return render(request, "reach/notifications.html", page_context(request))


def page_context(request: HttpRequest, **extra) -> dict:
    """What every part of the page needs; a part's view re-renders the page with its own
    bound form in `extra` (a refused input is shown where it was typed, nothing lost)."""
    user = request.user
    return {
        "is_staff_member": user.is_clinic_staff,
        "devices": list(user.push_devices.all()),
        **phone_part(user),
        "reminders_off": reminders_off(user),
        **({} if "prefs_form" in extra else {"prefs_form": preferences_form(request)}),
        **extra,
    }


def reminders_off(user) -> bool:
    """Whether a patient has turned daily reminders off on the Settings page.

    `Patient.reminders_enabled` stays the master switch of the daily reminder: the Settings
    page and the e-mail's one-click "stop these reminders" (RFC 8058, which must stop them
    whatever else is chosen) set it. The boxes here only choose the channels; with the
    switch off none is sent, and the page says so next to them rather than quietly
    changing either. (Unticking every box has the same effect while the switch is on.)
    The profile is read by its reverse name, so this app imports nothing of patients."""
    patient = getattr(user, "patient", None)
    return patient is not None and not patient.reminders_enabled


def display_zone(request: HttpRequest) -> str:
    """The person's display zone (accounts/display_zone.py: the patient's, or their care
    team's, kept in the session at login), else the site's: quiet hours are in it."""
    name = request.session.get(ZONE_KEY) or settings.TIME_ZONE
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return settings.TIME_ZONE
    return name


def preferences_form(request: HttpRequest, data=None) -> PreferencesForm:
    return PreferencesForm(data, user=request.user, zone=display_zone(request))


@login_required
@require_POST
def preferences(request: HttpRequest) -> HttpResponse:
    """Save what the person gets on which channel (and staff's quiet hours); a refused
    input is shown on the page with every box as it was sent."""
    form = preferences_form(request, request.POST)
    if not form.is_valid():
        return render(
            request, "reach/notifications.html", page_context(request, prefs_form=form), status=400
        )
    form.save()
    messages.success(request, _("Your choices are saved."))
    return redirect("reach:notifications")
