"""Generated query strings, headers and character sets on every page: a page or a clear
400/404, never a server error (a NUL byte in ?rule= and a utf-16 login form once gave 500s)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

ANY_TEXT = st.text(max_size=60)  # every code point, NUL and controls included
PARAMS = st.dictionaries(
    st.sampled_from(["q", "rule", "level", "team", "status", "page", "sort", "days", "next", "x"])
    | ANY_TEXT,
    ANY_TEXT,
    max_size=4,
)
GETS = {
    "alice": ["team:triage", "team:watch", "team:inbox", "team:patients", "team:enrol"],
    "bob": [
        "symptoms:today",
        "symptoms:history",
        "patients:injections",
        "patients:settings",
        "patients:caregiving",
    ],
    None: ["login", "password_reset", "patients:help"],
}
ALLOWED = (200, 204, 302, 400, 404)


def as_user(client, who, alice, bob):
    if who == "alice":
        client.force_login(alice)
    elif who == "bob":
        client.force_login(bob.user)


@given(who=st.sampled_from(list(GETS)), index=st.integers(0, 4), params=PARAMS)
def test_query_strings(client, alice, bob, who, index, params):
    as_user(client, who, alice, bob)
    routes = GETS[who]
    response = client.get(reverse(routes[index % len(routes)]), params)
    assert response.status_code in ALLOWED


HEADERS = st.fixed_dictionaries(
    {},
    optional={
        "HTTP_HX_REQUEST": st.sampled_from(["true", "false", ""]) | ANY_TEXT,
        "HTTP_HX_CURRENT_URL": ANY_TEXT | st.just("http://testserver/team/?level=URGENT"),
        "HTTP_X_DIARY_BACKGROUND": st.sampled_from(["1", "0"]) | ANY_TEXT,
        "HTTP_X_FORWARDED_FOR": ANY_TEXT | st.just("198.51.100.9, 10.0.0.1"),
        "HTTP_ACCEPT_LANGUAGE": ANY_TEXT | st.sampled_from(["es", "de-DE,de;q=0.9", "*"]),
        "HTTP_USER_AGENT": ANY_TEXT,
        "HTTP_REFERER": ANY_TEXT,
    },
)


def _latin1(headers: dict) -> dict:
    # A real request's headers are bytes read as latin-1: anything else cannot arrive.
    return {k: v.encode("utf-8", "surrogatepass").decode("latin-1") for k, v in headers.items()}


@given(who=st.sampled_from(list(GETS)), index=st.integers(0, 4), headers=HEADERS)
def test_headers(client, alice, bob, who, index, headers):
    as_user(client, who, alice, bob)
    routes = GETS[who]
    response = client.get(reverse(routes[index % len(routes)]), **_latin1(headers))
    assert response.status_code in ALLOWED


CHARSETS = st.sampled_from(
    [
        "utf-8",
        "UTF-8",
        "utf-16",
        "utf-16-le",
        "latin-1",
        "cp1252",
        "shift_jis",
        "us-ascii",
        "nonsense",
        "",
    ]
)


@given(
    charset=CHARSETS,
    route=st.sampled_from(["login", "password_reset", "symptoms:today"]),
    body=st.text(max_size=80),
)
def test_form_posts_in_any_charset(client, bob, charset, route, body):
    if route == "symptoms:today":
        client.force_login(bob.user)
    content_type = "application/x-www-form-urlencoded" + (f"; charset={charset}" if charset else "")
    try:
        data = body.encode(charset or "utf-8", "replace")
    except LookupError:
        data = body.encode("utf-8", "surrogatepass")
    response = client.generic("POST", reverse(route), data, content_type=content_type)
    assert response.status_code in (*ALLOWED, 403)  # 403: no CSRF token in a made-up body


# The login form and the team's `next` (issue 31: a 256-character username and `next=abc`
# each answered 500, the second after the action had been saved).

LONG_TEXT = st.text(min_size=0, max_size=2000)


@given(
    route=st.sampled_from(["login", "admin:login"]),
    username=LONG_TEXT | st.integers(150, 20_000).map(lambda n: "u" * n),
    password=LONG_TEXT,
)
def test_the_login_forms_take_any_username_and_password(client, route, username, password):
    response = client.post(reverse(route), {"username": username, "password": password})
    assert response.status_code in (200, 400, 429)


NEXT = (
    ANY_TEXT
    | st.sampled_from(["abc", "0", "2026-02-30T10:00", "//evil.example.org", "team:triage"])
    | st.from_regex(r"\A(https?:)?//[a-z.]{1,20}/.{0,20}\Z")
    | st.from_regex(r"\A/[ -~]{0,40}\Z")
)


@given(
    action=st.sampled_from(["patient_claim", "patient_acknowledge", "patient_called_back"]),
    target=NEXT,
)
def test_a_team_action_with_any_next_is_saved_and_stays_on_this_site(
    client, alice, bob, action, target
):
    client.force_login(alice)
    response = client.post(reverse(f"team:{action}", kwargs={"pk": bob.pk}), {"next": target})
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("/") and not location.startswith(("//", "/\\"))
