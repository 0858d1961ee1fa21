from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def role(request: HttpRequest) -> dict[str, Any]:
    """Expose the user's role to templates (navigation differs per role)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_role": None}
    return {"user_role": user.role}
