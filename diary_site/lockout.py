"""django-axes: the username it records for each login attempt, cut to its column.

axes writes the attempt before the form's own checks run (an admin login, any other form
that authenticates), so a username of 256 characters or more made the login answer 500
(DataError). The cut name still locks out a guesser: the same long name, the same record.
"""

from __future__ import annotations

from django.http import HttpRequest

USERNAME_WIDTH = 255  # axes.models.AccessBase.username


def attempt_username(request: HttpRequest | None, credentials: dict | None) -> str:
    """AXES_USERNAME_CALLABLE: axes' own choice (the credentials, else the posted field),
    at most USERNAME_WIDTH characters."""
    name = (credentials or {}).get("username")
    if name is None and request is not None:
        name = request.POST.get("username", "")
    return str(name or "")[:USERNAME_WIDTH]
