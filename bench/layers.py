"""Where a profile's time goes, by layer (bench/profile_requests.py, bench/profile_delivery.py).

The layers are read from where each sample's innermost frame is: PostgreSQL and its driver
(psycopg, including the wait for the server's answer), ORM and row building (django.db),
templates (django.template, crispy), middleware and the request cycle (the rest of django),
our code (the apps), and everything else.
"""

from __future__ import annotations

import os
from collections import Counter

LAYERS = (
    # (layer, what the innermost frame's file path contains)
    ("PostgreSQL and its driver", ("psycopg",)),
    ("ORM and row building", ("django/db/",)),
    ("templates", ("django/template/", "crispy", "django/forms/")),
    (
        "our code",
        (
            "/alerts/",
            "/symptoms/",
            "/patients/",
            "/team/",
            "/reach/",
            "/accounts/",
            "/diary_core/",
            "/diary_site/",
        ),
    ),
    ("middleware and request cycle", ("django/", "axes", "django_otp", "csp", "whitenoise")),
)


def layer(path: str) -> str | None:
    for name, needles in LAYERS:
        if any(needle in path for needle in needles):
            return name
    return None


def shares(session) -> Counter:
    """Self time per layer (seconds). A frame of the standard library or of a library not
    named above counts for the layer that called it (copy.deepcopy under the ORM is ORM)."""
    spent: Counter = Counter()

    def walk(frame, inherited: str) -> None:
        own = layer(frame.file_path or "") or inherited
        spent[own] += frame.total_self_time
        for child in frame.children:
            walk(child, own)

    walk(session.root_frame(), "other (Python, libraries)")
    return spent


def print_profile(profiler, session, chars: int) -> None:
    """The share of each layer, then the tree (PROFILE_ALL=1: every frame; PROFILE_CHARS: how
    much of it)."""
    spent = shares(session)
    total = sum(spent.values()) or 1
    for name, seconds in spent.most_common():
        print(f"  {name:<32}{100 * seconds / total:5.1f} %")
    print(
        profiler.output_text(
            unicode=True, color=False, show_all=os.environ.get("PROFILE_ALL") == "1"
        )[: int(os.environ.get("PROFILE_CHARS", str(chars)))]
    )
