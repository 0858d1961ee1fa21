"""VAPID keys: the command's pair works, the deploy check warns on half a configuration,
and a development checkout makes a pair of its own once."""

from __future__ import annotations

import base64
import io
import stat

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.management import call_command
from py_vapid import Vapid02

from diary_site.private_vapid import KEY_FILE, private_vapid_keys
from reach.checks import check_push_keys
from reach.vapid import new_key_pair, pair_matches
from tests.reach.push_service import unb64url, vapid_claims


def run_command() -> dict[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("vapid_keys", stdout=out, stderr=err)
    assert "WEBPUSH_VAPID_SUBJECT" in err.getvalue()
    return dict(line.split("=", 1) for line in out.getvalue().splitlines())


def test_the_command_prints_a_pair_that_signs_and_verifies():
    printed = run_command()
    assert set(printed) == {"WEBPUSH_VAPID_PUBLIC_KEY", "WEBPUSH_VAPID_PRIVATE_KEY"}
    public, private = printed["WEBPUSH_VAPID_PUBLIC_KEY"], printed["WEBPUSH_VAPID_PRIVATE_KEY"]
    # What a page hands to pushManager.subscribe: an uncompressed P-256 point, base64url.
    point = unb64url(public)
    assert len(point) == 65 and point[0] == 4
    ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    assert "=" not in public and "=" not in private
    # What pywebpush reads; its signature verifies with the public key.
    headers = Vapid02.from_string(private).sign(
        {"sub": "mailto:a@example.org", "aud": "https://push.example.org"}
    )
    claims = vapid_claims(headers["Authorization"], public)
    assert claims["aud"] == "https://push.example.org"


def test_each_run_makes_a_new_pair():
    assert run_command() != run_command()


def test_a_pair_matches_only_its_own_half():
    public, private = new_key_pair()
    other_public, _other = new_key_pair()
    assert pair_matches(public, private)
    assert not pair_matches(other_public, private)
    assert not pair_matches(public, base64.urlsafe_b64encode(b"short").decode())


def ids(settings_changes, settings) -> list[str]:
    for name, value in settings_changes.items():
        setattr(settings, name, value)
    return [message.id for message in check_push_keys(None)]


PUBLIC, PRIVATE = new_key_pair()


@pytest.mark.parametrize(
    "public, private, subject, expected",
    [
        ("", "", "", []),  # push off: nothing to say
        (PUBLIC, PRIVATE, "mailto:ops@example.org", []),
        (PUBLIC, PRIVATE, "https://clinic.example.org/contact", []),
        (PUBLIC, "", "mailto:ops@example.org", ["reach.W001"]),
        ("", PRIVATE, "mailto:ops@example.org", ["reach.W001"]),
        (PUBLIC, PRIVATE, "", ["reach.W002"]),
        (PUBLIC, PRIVATE, "ops@example.org", ["reach.W002"]),
        (new_key_pair()[0], PRIVATE, "mailto:ops@example.org", ["reach.W003"]),
    ],
    # Named by what each case is, not by its keys: the keys are made afresh at collection,
    # and pytest-xdist's workers must collect the same test names.
    ids=[
        "push-off",
        "mailto",
        "https-subject",
        "no-private",
        "no-public",
        "no-subject",
        "bare-address",
        "halves-of-two-pairs",
    ],
)
def test_the_deploy_check_warns_on_half_a_configuration(
    settings, public, private, subject, expected
):
    changes = {
        "WEBPUSH_VAPID_PUBLIC_KEY": public,
        "WEBPUSH_VAPID_PRIVATE_KEY": private,
        "WEBPUSH_VAPID_SUBJECT": subject,
    }
    assert ids(changes, settings) == expected


def test_the_check_runs_with_check_deploy(settings):
    from django.core.checks import registry

    assert check_push_keys in registry.registry.get_checks(include_deployment_checks=True)
    assert check_push_keys not in registry.registry.get_checks(include_deployment_checks=False)


def test_a_development_checkout_makes_its_pair_once_and_keeps_it(tmp_path):
    public, private = private_vapid_keys(tmp_path)
    assert pair_matches(public, private)
    path = tmp_path / KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert private_vapid_keys(tmp_path) == (public, private)


def test_a_checkout_that_cannot_be_written_has_push_off(tmp_path):
    (tmp_path / ".run").write_text("a file where the folder should be")
    assert private_vapid_keys(tmp_path) == ("", "")


def test_settings_make_the_pair_only_in_development(tmp_path):
    """Production (DEBUG off) never makes keys: without them push is off."""
    import subprocess
    import sys

    code = (
        "import django, os; django.setup(); from django.conf import settings; "
        "print(settings.WEBPUSH_ENABLED)"
    )
    base = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "diary_site.settings",
        "DJANGO_SECRET_KEY": "x" * 50,
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/none",
        "EMAIL_URL": "consolemail://",
    }
    from django.conf import settings

    def enabled(**env) -> str:
        result = subprocess.run(
            [sys.executable, "-c", code],
            env={**base, **env},
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout.strip()

    assert enabled(DJANGO_DEBUG="false") == "False"
    assert enabled(DJANGO_DEBUG="true") == "True"
    public, private = new_key_pair()
    assert (
        enabled(
            DJANGO_DEBUG="false", WEBPUSH_VAPID_PUBLIC_KEY=public, WEBPUSH_VAPID_PRIVATE_KEY=private
        )
        == "True"
    )
