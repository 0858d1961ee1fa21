"""Every route × every role, generated from the URLConf: a new URL cannot escape this test.

Roles: anonymous, bob (patient), dave (another patient of the same team), carol (bob's
caregiver, who keeps his diary), alice (bob's clinician), charlie (another team's
clinician), dana (administrator). "Missing" and "not
yours" give the same 404. Refused POSTs leave the object unchanged.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import Sum
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from alerts.models import Alert, Quieting, RotaShift, RotaSwap
from patients.models import LabImport, Patient, RefusedRequest
from symptoms.reminders import opt_out_token
from tests.alerts.factories import submit_entry
from tests.conftest import without_tokens

ROLES = ("anonymous", "bob", "dave", "carol", "alice", "charlie", "dana")
OK, LOGIN, NF, REDIRECT, NA = 200, "login", 404, 302, 405

# route name -> (method, {role: expected}); "*" is the default for unnamed roles.
PATIENT_PAGE = {"anonymous": LOGIN, "bob": OK, "dave": OK, "carol": OK, "*": NF}
BOBS_OBJECT = {"anonymous": LOGIN, "bob": OK, "carol": OK, "*": NF}
CLINICIAN_PAGE = {"anonymous": LOGIN, "alice": OK, "charlie": OK, "*": NF}
BOBS_CLINICAL = {"anonymous": LOGIN, "alice": OK, "*": NF}
EVERYONE = {"*": OK}
SIGNED_IN = {"anonymous": LOGIN, "*": OK}
NOT_PATIENTS = {"anonymous": LOGIN, "bob": NF, "dave": NF, "carol": NF}

EXPECTED = {
    "home": ("get", {"anonymous": LOGIN, "*": REDIRECT}),
    "healthz": ("get", {"*": (OK, 503)}),
    "favicon": ("get", {"*": 301}),
    # The installable app: nobody's data in any of them.
    "manifest": ("get", EVERYONE),
    "service_worker": ("get", EVERYONE),
    "offline": ("get", EVERYONE),
    # A fresh CSRF token for sending an entry kept on the phone; 401 tells it to wait.
    "session_token": ("get", {"anonymous": 401, "*": OK}),
    "login": ("get", EVERYONE),
    # Second factor: required for staff (who have a device here), optional for patients.
    "two_factor_verify": (
        "get",
        {"anonymous": LOGIN, "bob": REDIRECT, "dave": REDIRECT, "carol": REDIRECT, "*": OK},
    ),
    "two_factor_setup": ("get", SIGNED_IN),
    "logout": ("post", {"*": LOGIN}),  # back to the login page
    # The language switcher: anyone, back to the page they were on (or home).
    "set_language": ("post", {"*": REDIRECT}),
    "password_change": ("get", SIGNED_IN),
    "password_change_done": ("get", SIGNED_IN),
    "password_reset": ("get", EVERYONE),
    "password_reset_done": ("get", EVERYONE),
    "password_reset_confirm": ("get", EVERYONE),  # an invalid link: a page saying so
    "password_reset_complete": ("get", EVERYONE),
    "symptoms:today": ("get", PATIENT_PAGE),
    "symptoms:history": ("get", PATIENT_PAGE),
    "symptoms:result": ("get", BOBS_OBJECT),
    "symptoms:edit": ("get", BOBS_OBJECT),
    # About the advice that stands for the diary's own patient (none for dave: nothing
    # changes, and he is told so).
    "symptoms:follow_up": (
        "post",
        {"anonymous": LOGIN, "bob": REDIRECT, "dave": REDIRECT, "carol": REDIRECT, "*": NF},
    ),
    "symptoms:callback": (
        "post",
        {"anonymous": LOGIN, "bob": REDIRECT, "dave": REDIRECT, "carol": REDIRECT, "*": NF},
    ),
    "patients:help": ("get", EVERYONE),
    "patients:education": ("get", EVERYONE),
    "patients:injections": ("get", PATIENT_PAGE),
    # A dose of Bob's logged just now (the GET of "remove" only asks).
    "patients:injection_change": ("get", BOBS_OBJECT),
    "patients:injection_remove": ("get", BOBS_OBJECT),
    "patients:settings": ("get", PATIENT_PAGE),
    "patients:reminders_off": ("get", EVERYONE),  # the signed token is the credential
    # Requests to help with a diary: each person sees and answers only their own.
    "patients:caregiving": ("get", SIGNED_IN),
    # Ending Carol's help: Bob removes her, or she stops (each GET only asks).
    "patients:caregiver_remove": ("get", {"anonymous": LOGIN, "bob": OK, "*": NF}),
    "patients:caregiving_stop": ("get", {"anonymous": LOGIN, "carol": OK, "*": NF}),
    "team:patients": ("get", CLINICIAN_PAGE),
    # Clinicians enrol into their teams; an administrator setting up a clinic into any.
    "team:enrol": ("get", {**CLINICIAN_PAGE, "dana": OK}),
    # The new-clinic checklist and its forms: the administrator's (and a clinical lead's,
    # who signs the rules off there; dana, a superuser, holds that permission too).
    "team:setup": ("get", {"anonymous": LOGIN, "dana": OK, "*": NF}),
    "team:setup_team_new": ("get", {"anonymous": LOGIN, "dana": OK, "*": NF}),
    "team:setup_invite": ("get", {"anonymous": LOGIN, "dana": OK, "*": NF}),
    "team:setup_sign_off": ("post", {"anonymous": LOGIN, "dana": REDIRECT, "*": NF}),
    "team:patient": ("get", BOBS_CLINICAL),
    "team:patient_details": ("get", BOBS_CLINICAL),
    "team:export_csv": ("get", BOBS_CLINICAL),
    "team:summary": ("get", BOBS_CLINICAL),
    "team:summary_pdf": ("get", BOBS_CLINICAL),
    "team:export_fhir": ("get", BOBS_CLINICAL),
    "team:export_alerts_csv": ("get", BOBS_CLINICAL),
    "team:risk": ("post", {"anonymous": LOGIN, "alice": REDIRECT, "*": NF}),
    "team:caregivers": ("post", {"anonymous": LOGIN, "alice": REDIRECT, "*": NF}),
    # Blood results (team/lab_views.py): record, withdraw one entered in error, clear a
    # hepatitis B risk a result set.
    "team:lab_add": ("post", {"anonymous": LOGIN, "alice": REDIRECT, "*": NF}),
    "team:lab_withdraw": ("post", {"anonymous": LOGIN, "alice": REDIRECT, "*": NF}),
    "team:hbv_clear": ("post", {"anonymous": LOGIN, "alice": REDIRECT, "*": NF}),
    "team:triage": ("get", CLINICIAN_PAGE),
    "team:report": ("get", CLINICIAN_PAGE),
    # A clinical lead's review of rule changes: the approval permission, else not found.
    "team:rule_changes": ("get", {"anonymous": LOGIN, "*": NF}),
    "team:rule_change": ("get", {"anonymous": LOGIN, "*": NF}),
    "team:report_csv": ("get", CLINICIAN_PAGE),
    # "Your diary is waiting" to a patient of one's own team, from the report's list.
    "team:report_remind": ("post", {"anonymous": LOGIN, "alice": REDIRECT, "*": NF}),
    "team:inbox": ("get", CLINICIAN_PAGE),
    "team:inbox_read_all": (
        "post",
        {"anonymous": LOGIN, "alice": REDIRECT, "charlie": REDIRECT, "*": NF},
    ),
    "team:watch": ("get", CLINICIAN_PAGE),
    # The blood tests due (LAB-DUE): each clinician's own teams' patients.
    "team:tests_due": ("get", CLINICIAN_PAGE),
    # Treatment stopped / B-cell recovery: the GET shows the form alone.
    "team:treatment_stop": ("post", {"anonymous": LOGIN, "alice": REDIRECT, "*": NF}),
    "team:alert": ("get", BOBS_CLINICAL),
    "team:concern": ("get", BOBS_CLINICAL),
    "team:acknowledge": ("post", {"anonymous": LOGIN, "alice": REDIRECT, "*": NF}),
    "team:resolve": ("post", {"anonymous": LOGIN, "alice": REDIRECT, "*": NF}),
    "team:snooze": ("post", {"anonymous": LOGIN, "alice": REDIRECT, "*": NF}),
    # A patient's open alerts together: take, pass on, acknowledge, resolve.
    "team:patient_claim": ("post", {"anonymous": LOGIN, "alice": REDIRECT, "*": NF}),
    "team:patient_assign": ("post", {"anonymous": LOGIN, "alice": REDIRECT, "*": NF}),
    "team:patient_acknowledge": ("post", {"anonymous": LOGIN, "alice": REDIRECT, "*": NF}),
    "team:patient_resolve": ("post", {"anonymous": LOGIN, "alice": REDIRECT, "*": NF}),
    "team:patient_called_back": ("post", {"anonymous": LOGIN, "alice": REDIRECT, "*": NF}),
    # Care settings (team/care_views.py).
    "team:care": ("get", BOBS_CLINICAL),
    "team:quiet_add": ("post", {"anonymous": LOGIN, "alice": REDIRECT, "*": NF}),
    "team:quiet_lift": ("post", {"anonymous": LOGIN, "alice": REDIRECT, "*": NF}),
    "team:pause": ("post", {"anonymous": LOGIN, "alice": REDIRECT, "*": NF}),
    "team:resume": ("post", {"anonymous": LOGIN, "alice": REDIRECT, "*": NF}),
    "team:discharge": ("post", {"anonymous": LOGIN, "alice": REDIRECT, "*": NF}),
    # Bob is not discharged: "nothing to undo", back to his care page.
    "team:discharge_undo": ("post", {"anonymous": LOGIN, "alice": REDIRECT, "*": NF}),
    "team:invitation": ("post", {"anonymous": LOGIN, "alice": REDIRECT, "*": NF}),
    # Importing blood results (team/lab_import_views.py): a clinician's own upload only.
    "team:lab_import": ("get", CLINICIAN_PAGE),
    "team:lab_import_example": ("get", CLINICIAN_PAGE),
    "team:lab_import_review": ("get", BOBS_CLINICAL),
    # Not the count the check showed: nothing imported, back to the check.
    "team:lab_import_confirm": ("post", {"anonymous": LOGIN, "alice": REDIRECT, "*": NF}),
    "team:lab_import_discard": ("post", {"anonymous": LOGIN, "alice": REDIRECT, "*": NF}),
    # How a person is reached (reach/): their own page, their own devices and phone.
    "reach:notifications": ("get", SIGNED_IN),
    # A team's rota: its clinicians only; a refused edit is a 400 with what was typed.
    "team:rota_mine": (
        "get",
        {"anonymous": LOGIN, "alice": REDIRECT, "charlie": REDIRECT, "*": NF},
    ),
    "team:rota": ("get", BOBS_CLINICAL),
    "team:rota_shift_add": ("post", {"anonymous": LOGIN, "alice": 400, "*": NF}),
    "team:rota_shift_remove": ("post", {"anonymous": LOGIN, "alice": REDIRECT, "*": NF}),
    "team:rota_swap_add": ("post", {"anonymous": LOGIN, "alice": 400, "*": NF}),
    "team:rota_swap_remove": ("post", {"anonymous": LOGIN, "alice": REDIRECT, "*": NF}),
    # Push is off in the test settings: "not set up on this server" (503), and an empty
    # body is not a subscription (400).
    "reach:push_subscribe": ("post", {"anonymous": LOGIN, "*": 503}),
    "reach:push_unsubscribe": ("post", {"anonymous": LOGIN, "*": 400}),
    # A push device of Bob's (the test last: removing it ends the list).
    "reach:push_rename": ("post", {"anonymous": LOGIN, "bob": REDIRECT, "*": NF}),
    "reach:push_test": ("post", {"anonymous": LOGIN, "bob": REDIRECT, "*": NF}),
    "reach:push_remove": ("post", {"anonymous": LOGIN, "bob": REDIRECT, "*": NF}),
    # A member of staff's own number for texts (no id in the URL); an empty code is a 400.
    # Their own choices only (nothing of anyone else's).
    "reach:preferences": ("post", {"anonymous": LOGIN, "*": REDIRECT}),
    "reach:phone_save": ("post", {**NOT_PATIENTS, "*": REDIRECT}),
    "reach:phone_verify": ("post", {**NOT_PATIENTS, "*": 400}),
    "reach:phone_resend": ("post", {**NOT_PATIENTS, "*": REDIRECT}),
    "reach:phone_delete": ("post", {**NOT_PATIENTS, "*": REDIRECT}),
    # The SMS provider's delivery reports: not taken unless SMS_STATUS_CALLBACK is set.
    "sms_status": ("post", {"*": NF}),
}


def routes() -> list[str]:
    names = []

    def walk(patterns, namespace=None):
        for p in patterns:
            if isinstance(p, URLResolver):
                if str(p.pattern).startswith("admin/"):
                    continue  # the admin is checked below, as a whole
                walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern):
                names.append(f"{namespace}:{p.name}" if namespace else p.name)

    walk(get_resolver().url_patterns)
    return names


def test_every_route_has_an_expectation():
    assert sorted(set(routes()) - set(EXPECTED)) == []
    assert sorted(set(EXPECTED) - set(routes())) == []


@pytest.fixture
def world(bob, dave, carol, alice, charlie, dana):
    # Now, not an hour ago: only today's entry can be edited, and an hour ago is yesterday
    # when CI runs just after midnight.
    entry = submit_entry(bob, timezone.now(), temp="38.4")
    alert = Alert.objects.filter(entry=entry, team_alert=True).first()
    dose = bob.injections.create(given_at=timezone.now(), dose_number=1)
    quiet = Quieting.objects.create(
        patient=bob,
        symptom_code="fatigue",
        reason="baseline",
        expires_at=timezone.now() + timedelta(days=30),
        created_by=alice,
    )
    device = bob.user.push_devices.create(
        name="Bob's phone", endpoint="https://push.example.org/bob", p256dh="k", auth="a"
    )
    shift = RotaShift.objects.create(
        team=bob.team, weekday=0, starts="18:00", ends="08:00", on_call=alice
    )
    swap = RotaSwap.objects.create(
        team=bob.team,
        starts_at=timezone.now(),
        ends_at=timezone.now() + timedelta(days=1),
        on_call=alice,
        created_by=alice,
    )
    # A positive HBsAg holding the hepatitis B risk, written as rows (recording it would
    # join the concern, whose events the refused posts must leave alone).
    lab = bob.lab_results.create(
        test="5196-1", positive=True, collected_on=bob.today(), recorded_by=alice
    )
    Patient.objects.filter(pk=bob.pk).update(lab_hbv_risk=lab)
    bob.refresh_from_db()
    upload = LabImport.objects.create(
        uploaded_by=alice, format="csv", text="hospital_number,test,value,unit,collected_on\r\n"
    )
    users = {
        "bob": bob.user,
        "dave": dave.user,
        "carol": carol.user,
        "alice": alice,
        "charlie": charlie,
        "dana": dana,
    }
    args = {
        "symptoms:result": [entry.pk],
        "symptoms:edit": [entry.pk],
        "patients:education": ["sepsis-signs"],
        "patients:reminders_off": [opt_out_token(bob)],
        "patients:injection_change": [dose.pk],
        "patients:injection_remove": [dose.pk],
        "patients:caregiver_remove": [carol.pk],
        "patients:caregiving_stop": [carol.pk],
        "password_reset_confirm": ["MQ", "set-password"],
        **{
            f"team:{n}": [bob.pk]
            for n in (
                "risk",
                "caregivers",
                "patient",
                "patient_details",
                "export_csv",
                "summary",
                "summary_pdf",
                "export_fhir",
                "export_alerts_csv",
                "report_remind",
                "patient_claim",
                "patient_assign",
                "patient_acknowledge",
                "patient_resolve",
                "patient_called_back",
                "care",
                "quiet_add",
                "pause",
                "resume",
                "discharge",
                "discharge_undo",
                "invitation",
                "treatment_stop",
                "lab_add",
                "hbv_clear",
            )
        },
        "team:lab_withdraw": [bob.pk, lab.pk],
        "team:quiet_lift": [bob.pk, quiet.pk],
        "team:setup_sign_off": [bob.team_id],
        "team:rule_change": [1],  # no draft: not found for everyone but the login page
        **{f"team:{n}": [alert.pk] for n in ("alert", "acknowledge", "resolve", "snooze")},
        "team:concern": [alert.concern_id],
        **{f"reach:{n}": [device.pk] for n in ("push_rename", "push_test", "push_remove")},
        **{f"team:{n}": [bob.team_id] for n in ("rota", "rota_shift_add", "rota_swap_add")},
        "team:rota_shift_remove": [bob.team_id, shift.pk],
        "team:rota_swap_remove": [bob.team_id, swap.pk],
        **{f"team:lab_import_{n}": [upload.pk] for n in ("review", "confirm", "discard")},
    }
    posts = {
        "symptoms:follow_up": {"answer": "gp"},
        "team:resolve": {"action": "no_action"},
        "team:patient_resolve": {"action": "no_action"},
        "team:snooze": {"hours": "2"},
        "team:risk": {"hbv_risk": "on"},
        "team:treatment_stop": {"treatment_stopped_on": "2026-01-05"},
        "team:caregivers": {"first_name": "Ann", "email": "ann@example.org"},
        "team:quiet_add": {"subject": "rule:PRO-SEV", "reason": "baseline", "days": "30"},
        "team:pause": {
            "resume_on": (bob.today() + timedelta(days=3)).isoformat(),
            "reason": "holiday",
        },
        "team:discharge": {"reason": "end of care", "confirm": "on"},
        "team:discharge_undo": {"reason": "back in care"},
        "reach:push_rename": {"name": "Phone"},
        "team:lab_add": {
            "test": "5196-1",
            "positive": "negative",
            "collected_on": bob.today().isoformat(),
        },
        "team:hbv_clear": {"note": "hepatologist: no risk"},
    }
    return {
        "users": users,
        "args": args,
        "posts": posts,
        "alert": alert,
        "bob": bob,
        "lab": lab,
    }


def outcome(response):
    if response.status_code == 302 and "/accounts/login/" in response["Location"]:
        return LOGIN
    return response.status_code


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(client, world, role):
    problems = []
    refused = 0
    for name, (method, table) in EXPECTED.items():
        if role != "anonymous":
            client.force_login(world["users"][role])
        else:
            client.logout()
        url = reverse(name, args=world["args"].get(name, []))
        if method == "get":
            response = client.get(url)
        else:
            response = client.post(url, world["posts"].get(name, {}))
        want = table.get(role, table.get("*"))
        got = outcome(response)
        refused += got == NF
        if got != want and not (isinstance(want, tuple) and got in want):
            problems.append(f"{method.upper()} {name} as {role}: got {got}, want {want}")
    assert not problems, "\n".join(problems)
    # Every refusal of a signed-in user is in the audit trail (anonymous users are sent to log in).
    counted = RefusedRequest.objects.aggregate(n=Sum("count"))["n"] or 0
    assert counted == (refused if role != "anonymous" else 0)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["bob", "dave", "carol", "charlie", "dana"])
def test_refused_posts_change_nothing(client, world, role):
    client.force_login(world["users"][role])
    alert, bob = world["alert"], world["bob"]
    for name in ("team:acknowledge", "team:resolve", "team:snooze"):
        client.post(reverse(name, args=[alert.pk]), world["posts"].get(name, {}))
    client.post(reverse("team:risk", args=[bob.pk]), {"hbv_risk": "on"})
    for name in ("team:patient_claim", "team:patient_acknowledge", "team:patient_called_back"):
        client.post(reverse(name, args=[bob.pk]))
    for name in ("team:lab_add", "team:hbv_clear", "team:lab_withdraw"):
        client.post(reverse(name, args=world["args"][name]), world["posts"].get(name, {}))
    alert.refresh_from_db()
    bob.refresh_from_db()
    concern = alert.concern
    concern.refresh_from_db()
    assert alert.status == "open"
    assert (concern.acknowledged_at, concern.owner, concern.snoozed_until) == (None, None, None)
    assert not concern.events.exclude(kind="opened").exists()
    assert not bob.hbv_risk
    lab = world["lab"]
    lab.refresh_from_db()
    assert bob.lab_hbv_risk_id == lab.pk and lab.withdrawn_at is None
    assert bob.lab_results.count() == 1
    assert list(bob.caregivers.values_list("user__username", flat=True)) == ["carol"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["bob", "dave", "alice", "charlie", "dana"])
def test_nobody_answers_someone_elses_caregiving_request(client, world, role, carol):
    """A request for carol to help dave: only carol can answer it."""
    from patients.models import Caregiver

    dave = world["users"]["dave"].patient
    request = Caregiver.objects.create(patient=dave, user=carol.user, active=False)
    client.force_login(world["users"][role])
    response = client.post(
        reverse("patients:caregiving"), {"caregiver": request.pk, "answer": "accept"}
    )
    assert response.status_code == 404
    request.refresh_from_db()
    assert not request.active


@pytest.mark.django_db
def test_missing_and_not_yours_are_the_same_404(client, world):
    client.force_login(world["users"]["charlie"])
    theirs = client.get(reverse("team:alert", args=[world["alert"].pk]))
    missing = client.get(reverse("team:alert", args=[world["alert"].pk + 10_000]))
    assert theirs.status_code == missing.status_code == 404
    # The same page, byte for byte, once the per-response CSRF token and CSP nonce are set aside.
    assert without_tokens(theirs.content) == without_tokens(missing.content)
    assert b"Page not found" in theirs.content


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", 302), ("bob", 302), ("alice", 302), ("dana", 200)]
)
def test_only_administrators_reach_the_admin(client, world, role, status):
    if role != "anonymous":
        client.force_login(world["users"][role])
    response = client.get("/admin/")
    assert response.status_code == status
    if status == 302:
        assert "/admin/login/" in response["Location"]
    assert RefusedRequest.objects.count() == (1 if role in ("bob", "alice") else 0)
