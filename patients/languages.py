"""Each person's language in what is written to them: every e-mail, a PDF they asked for.

Their pages follow the same choice (`accounts/languages.py`): the person's own
(User.language), else the language their browser asked for at their first login, else
English.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.utils import translation

from accounts.languages import SHIPPED


def language_of(user) -> str:
    """The language to write to this person in (an e-mail, a PDF they asked for)."""
    code = getattr(user, "language", "") or ""
    return code if code in SHIPPED else settings.LANGUAGE_CODE


@contextmanager
def speaking_to(user) -> Iterator[str]:
    """Render what is inside (subject, body) in this person's language."""
    code = language_of(user)
    with translation.override(code):
        yield code
