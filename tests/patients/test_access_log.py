"""The access log: the model takes plain values; the page's helper reads the request."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import pytest
from django.test import RequestFactory
from django.urls import resolve, reverse

from patients.audit import access_record
from patients.models import AccessLog

ROOT = Path(__file__).resolve().parents[2]
# Modules that are about a request; the model layer imports none of them.
HTTP = ("django.http", "django.shortcuts", "django.urls", "django.test", "diary_core.client_ip")
FIRST_PARTY = ("accounts", "patients", "symptoms", "alerts", "team", "diary_site", "diary_core")


def imported_names(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            # `from patients import dosing` imports the module patients.dosing
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def first_party_closure(module: str) -> dict[str, set[str]]:
    """Each project module `module` imports, directly or through another of ours, with
    what it imports."""
    seen: dict[str, set[str]] = {}
    todo = [module]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        try:
            spec = importlib.util.find_spec(name)
        except (ModuleNotFoundError, ValueError):  # a name imported from a module
            continue
        if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
            continue
        seen[name] = imported_names(Path(spec.origin))
        todo += [n for n in seen[name] if n.split(".")[0] in FIRST_PARTY and n not in seen]
    return seen


def test_the_patient_models_do_not_import_http():
    closure = first_party_closure("patients.models")
    assert "patients.models" in closure and "patients.dosing" in closure
    for module, names in closure.items():
        about_requests = sorted(n for n in names if n.startswith(HTTP))
        assert about_requests == [], f"{module} imports {about_requests}"


def test_a_record_is_written_from_plain_values(bob, alice):
    row = AccessLog.record(
        alice, bob, AccessLog.Action.EXPORT_CSV, ip="203.0.113.9", route="team:" + "x" * 200
    )
    row.refresh_from_db()
    assert (row.user, row.patient, row.action) == (alice, bob, AccessLog.Action.EXPORT_CSV)
    assert row.ip == "203.0.113.9" and row.route == ("team:" + "x" * 200)[:100]
    # A list: no patient; no address or route known (a script, a task).
    bare = AccessLog.record(alice, None, AccessLog.Action.LIST)
    assert (bare.patient, bare.ip, bare.route) == (None, None, "")


@pytest.mark.django_db
def test_the_page_helper_reads_the_user_address_and_route(bob, alice, settings):
    settings.DIARY_PROXY_COUNT = 0
    path = reverse("team:triage")
    request = RequestFactory().get(path, REMOTE_ADDR="198.51.100.7")
    request.user = alice
    request.resolver_match = resolve(path)
    row = access_record(request, bob, AccessLog.Action.VIEW)
    assert (row.user, row.patient, row.ip) == (alice, bob, "198.51.100.7")
    assert row.route == "team:triage"
