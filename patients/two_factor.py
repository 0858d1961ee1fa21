"""The two-factor pages (django-otp): enter a code, or set an authenticator app up.

Who owes a second factor, and the middleware that sends them here, are account plumbing:
`accounts/two_factor.py`. These pages stay with the patients app because setting a device
up writes the notice e-mail (`AccountEmail`).
"""

from __future__ import annotations

import math
import time
from base64 import b32encode

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.sessions import LOGIN_AT
from diary_core.next_page import next_page
from patients.mail import account_email_queue
from patients.models import AccountEmail

BACKUP_CODES = 10


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "class": "form-control form-control-lg",
            }
        ),
    )


class SetupForm(CodeForm):
    """Adding an authenticator (and new backup codes) asks for the password again unless the
    person logged in moments ago: a stolen session must not buy lasting 2FA access."""

    password = forms.CharField(
        label=gettext_lazy("Your password"),
        required=False,
        widget=forms.PasswordInput(
            attrs={"autocomplete": "current-password", "class": "form-control form-control-lg"}
        ),
    )

    def __init__(self, *args, user, needs_password: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.needs_password = needs_password
        if not needs_password:
            del self.fields["password"]

    def clean_password(self):
        password = self.cleaned_data.get("password", "")
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."))
        return password


# The password at login counts as a fresh confirmation for this long (the first setup).
RECENT_LOGIN_S = 10 * 60


def _recently_authenticated(request: HttpRequest) -> bool:
    login_at = request.session.get(LOGIN_AT)
    return login_at is not None and time.time() - login_at < RECENT_LOGIN_S


def _next(request: HttpRequest) -> str:
    return next_page(request, reverse("home"))


def _match(user, code: str) -> tuple[object | None, str]:
    """The device a code opens, or None and why not.

    Six digits go to the authenticator app, anything else to the backup codes, so a backup
    code never counts as a failed app code (which throttles the app).
    """
    if len(code) == 6 and code.isdigit():
        devices = TOTPDevice.objects.filter(user=user, confirmed=True)
    else:
        devices = StaticDevice.objects.filter(user=user, confirmed=True)
    for device in devices:
        allowed, data = device.verify_is_allowed()
        if not allowed:
            wait = (data or {}).get("locked_until")
            seconds = max(1, math.ceil((wait - timezone.now()).total_seconds())) if wait else 0
            return None, (
                _("Too many wrong codes: codes are temporarily disabled. Try again in %(n)s s.")
                % {"n": seconds}
            )
        if device.verify_token(code):
            return device, ""
    return None, _("That code is not right or has expired. Try the newest code.")


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """Enter a code from the authenticator app, or one backup code."""
    if not user_has_device(request.user):
        return redirect("two_factor_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"].replace(" ", "").replace("-", "")
        device, problem = _match(request.user, code)
        if device is not None:
            otp_login(request, device)
            return redirect(_next(request))
        form.add_error("code", problem)
    return render(
        request, "registration/two_factor_verify.html", {"form": form, "next": _next(request)}
    )


@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code, confirm with one code (and the
    password, unless the person has just logged in). New backup codes come with it, and the
    person is told by e-mail."""
    if user_has_device(request.user) and not request.user.is_verified():
        return redirect("two_factor_verify")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=request.user, name=_("Authenticator app"), confirmed=False
        )
    form = SetupForm(
        request.POST or None, user=request.user, needs_password=not _recently_authenticated(request)
    )
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].replace(" ", "")):
            with transaction.atomic():
                device.confirmed = True
                device.save()
                otp_login(request, device)
                codes = _new_backup_codes(request.user)
                account_email_queue(request.user, AccountEmail.Kind.DEVICE_ADDED)
            messages.success(request, _("Two-factor authentication is on."))
            return render(
                request,
                "registration/two_factor_codes.html",
                {"codes": codes, "next": _next(request)},
            )
        form.add_error(
            "code",
            _("That code is not right. Check the time on your phone and enter the newest code."),
        )
    qr = segno.make(device.config_url, error="m").svg_inline(scale=5, title=_("QR code"))
    return render(
        request,
        "registration/two_factor_setup.html",
        {"form": form, "qr": qr, "secret": _spaced(device), "next": _next(request)},
    )


def _spaced(device: TOTPDevice) -> str:
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _new_backup_codes(user) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="Backup codes", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes
