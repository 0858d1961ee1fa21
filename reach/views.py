"""The "Notifications" page: how a person is reached, for patients, caregivers and staff.

One page with three parts, each with its own views: this device and the others that get
push notifications (push_views.py), a phone for text messages (staff; sms_views.py), and
what to get on which channel, with quiet hours (preferences, below).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from reach.forms import phone_part


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
        **extra,
    }
