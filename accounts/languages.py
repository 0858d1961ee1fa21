"""A person's language: for their pages, and in everything written to them.

The order is: the person's own choice (User.language, set in settings or by the switcher),
else the language their browser asks for (Django's LocaleMiddleware), else English. At the
first login the page's language is kept, so e-mails follow the person before they choose
(an e-mail, a push notification, a text message or a PDF is written in it by
`speaking_to`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.utils import translation

SHIPPED = {code for code, _name in settings.LANGUAGES}


def language_of(user) -> str:
    """The language to write to this person in (an e-mail, a push notification, a text
    message, a PDF they asked for): theirs, else the site's."""
    code = getattr(user, "language", "") or ""
    return code if code in SHIPPED else settings.LANGUAGE_CODE


@contextmanager
def speaking_to(user) -> Iterator[str]:
    """Render what is inside (subject, body) in this person's language."""
    code = language_of(user)
    with translation.override(code):
        yield code


def keep_login_language(sender, request, user, **kwargs) -> None:
    """A person who has not chosen keeps the language their login page was shown in."""
    if request is None or user.language:
        return
    asked = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or request.META.get(
        "HTTP_ACCEPT_LANGUAGE"
    )
    if not asked:  # the browser said nothing: nothing to keep (pages and e-mails: English)
        return
    code = translation.get_language_from_request(request)
    if code in SHIPPED:
        type(user).objects.filter(pk=user.pk, language="").update(language=code)
        user.language = code


class PersonLanguageMiddleware:
    """After authentication: a signed-in person's own language wins over the browser's."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        code = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if code in SHIPPED:
            translation.activate(code)
            request.LANGUAGE_CODE = code
        return self.get_response(request)
