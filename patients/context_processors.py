from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from accounts.two_factor import NEEDS_OTP
from patients.models import User


def role(request: HttpRequest) -> dict[str, Any]:
    """Expose the user's role to templates (navigation differs per role), and for a
    caregiver the patient whose diary they keep (`kept_for`): every page then says whose
    diary it is, in the third person ("Bob's diary")."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_role": None, "kept_for": None}
    if request.session.get(NEEDS_OTP) and not user.is_verified():
        # Between the password and the second factor nothing behind it is offered: the
        # code page showed the clinician's menu, every link of which led back to it.
        return {"user_role": None, "kept_for": None}
    role = user.role  # worked out once per request (User.role), shared with the view
    kept_for = None
    if role == User.Role.CAREGIVER:
        kept = user.kept_diary()
        kept_for = kept[0] if kept else None
    return {"user_role": role, "kept_for": kept_for}
