"""The "Text messages" part of the Notifications page (staff only): a number, its code.

Each view acts on the signed-in person's own phone (there is no id in the URL: nobody can
name someone else's), answers a refused input on the page where it was typed, with what
was typed kept, and otherwise redirects back to the part (#phone) with a message.
The code is sent in the request (reach/phones.py says why).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from diary_core.limits import over_limit
from reach import sms
from reach.forms import CodeForm, PhoneForm, team_region
from reach.models import Phone
from reach.phones import (
    CODE_LIFETIME,
    MAX_TRIES,
    Check,
    CodeNotSent,
    code_pending,
    phone_code_check,
    phone_code_send,
    phone_number_set,
    phone_remove,
    resend_at,
)

# Codes a person may be sent in a day, whatever the number (a flood of texts costs money
# and annoys whoever owns a mistyped number).
CODES_PER_DAY = 5


def _staff_only(request: HttpRequest) -> None:
    if not request.user.is_clinic_staff:
        raise Http404


def _back() -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("reach:notifications") + "#phone")


def _refused(request: HttpRequest, **forms) -> HttpResponse:
    from reach.views import page_context  # the page's view imports this module

    return render(request, "reach/notifications.html", page_context(request, **forms), status=400)


def _send_code(request: HttpRequest, phone: Phone) -> None:
    """Text a new code to the phone, within the limits; say what happened."""
    now = timezone.now()
    wait_until = resend_at(phone)
    if wait_until is not None and now < wait_until:
        messages.warning(
            request, _("A code was sent less than a minute ago. Wait a minute, then ask again.")
        )
        return
    if over_limit(request, group="sms-code", key="user", rate=f"{CODES_PER_DAY}/d"):
        messages.warning(
            request,
            _("You have been sent %(count)s codes today. Ask for a new one tomorrow.")
            % {"count": CODES_PER_DAY},
        )
        return
    try:
        phone_code_send(phone=phone, now=now)
    except CodeNotSent:
        messages.error(
            request,
            _(
                "We could not send a code to %(number)s. Check the number, or try again "
                "in a few minutes."
            )
            % {"number": phone.number.as_international},
        )
        return
    messages.success(
        request,
        _("We sent a 6-digit code to %(number)s. Type it below to confirm the number.")
        % {"number": phone.number.as_international},
    )


@login_required
@require_POST
def phone_save(request: HttpRequest) -> HttpResponse:
    """Add or change the person's number; a new number is sent a code."""
    _staff_only(request)
    if not sms.is_on():
        messages.error(request, _("Text messages are not set up on this site."))
        return _back()
    form = PhoneForm(request.POST, region=team_region(request.user))
    if not form.is_valid():
        return _refused(request, phone_form=form)
    phone, changed = phone_number_set(user=request.user, number=form.cleaned_data["number"])
    if not changed and (phone.is_verified or code_pending(phone)):
        messages.info(request, _("That is already your number. Nothing changed."))
        return _back()
    _send_code(request, phone)
    return _back()


@login_required
@require_POST
def phone_resend(request: HttpRequest) -> HttpResponse:
    """Send a new code to the number (the last one was lost, void or mistyped)."""
    _staff_only(request)
    phone = Phone.objects.filter(user=request.user).first()
    if phone is None:
        messages.error(request, _("Add your mobile number first."))
    elif phone.is_verified:
        messages.info(request, _("Your number is already confirmed."))
    elif not sms.is_on():
        messages.error(request, _("Text messages are not set up on this site."))
    else:
        _send_code(request, phone)
    return _back()


@login_required
@require_POST
def phone_verify(request: HttpRequest) -> HttpResponse:
    """Check the code the person typed back."""
    _staff_only(request)
    form = CodeForm(request.POST)
    if not form.is_valid():
        return _refused(request, code_form=form)
    result = phone_code_check(user=request.user, code=form.cleaned_data["code"])
    if result is Check.VERIFIED:
        messages.success(request, _("Your number is confirmed. Texts will come to it."))
        return _back()
    if result is Check.WRONG:
        form.add_error(
            "code",
            _("That is not the code we sent. Check the text message and try again."),
        )
        return _refused(request, code_form=form)
    words = {
        Check.USED_UP: _(
            "That code was wrong %(tries)s times, so it no longer works. Ask for a new code."
        )
        % {"tries": MAX_TRIES},
        Check.EXPIRED: _("That code is more than %(minutes)s minutes old. Ask for a new code.")
        % {"minutes": int(CODE_LIFETIME.total_seconds() // 60)},
        Check.NO_CODE: _("There is no code waiting. Ask for a new code."),
    }
    messages.error(request, words[result])
    return _back()


@login_required
@require_POST
def phone_delete(request: HttpRequest) -> HttpResponse:
    """Remove the person's number: no more texts."""
    _staff_only(request)
    if phone_remove(user=request.user):
        messages.success(request, _("Your number is removed. No more texts will be sent to you."))
    return _back()
