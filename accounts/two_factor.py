"""Two-factor enforcement (django-otp): required for clinicians and administrators,
optional for patients (once a patient sets it up, it is required for them too).

After the password, a user who needs a second factor is sent to /accounts/2fa/ (the pages
are `patients/two_factor.py`): to enter a code from their authenticator app (or a backup
code), or, the first time, to set the app up. Until then every page except these, logout,
help and static files redirects.
"""

from __future__ import annotations

from django.shortcuts import redirect
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY, user_has_device

from accounts.staff import is_clinic_staff

NEEDS_OTP = "needs_otp"
EXEMPT_PREFIXES = (
    "/accounts/2fa/",
    "/accounts/logout/",
    "/static/",
    "/healthz",
    "/patients/help/",
    "/admin/logout/",
    "/favicon",
)


def requires_second_factor(user) -> bool:
    return bool(is_clinic_staff(user) or user_has_device(user))


def mark_session(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    if requires_second_factor(user):
        request.session[NEEDS_OTP] = True
    device = getattr(user, "otp_device", None)
    if device is not None and device.user_id == user.pk:
        # An OTP-aware login already checked a device (django-otp's own hook needs
        # request.user, which a programmatic login may not have set yet).
        request.session[DEVICE_ID_SESSION_KEY] = device.persistent_id


class RequireSecondFactorMiddleware:
    """Send a signed-in user who still owes a second factor to /accounts/2fa/."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if (
            session is not None
            and session.get(NEEDS_OTP)
            and request.user.is_authenticated
            and not request.user.is_verified()
            and not request.path.startswith(EXEMPT_PREFIXES)
        ):
            target = "two_factor_verify" if user_has_device(request.user) else "two_factor_setup"
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)
