"""What the diary's offline script needs from the server: whose device storage it may use,
where to send a kept entry, and every sentence it shows (translated here, not in the JS).

The script (static/js/diary-offline.js) keeps a draft of the diary form on the device and
an outbox of entries saved while offline; docs/security.md says what is stored and when it
is cleared. Nothing here reads the database: the page's own context has the patient.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

# The service worker's copy of the diary form (symptoms.views.today): no entries, no
# questions, no messages; what the form looks like offline.
OFFLINE_COPY_PARAM = "offline"
# The one Cache Storage name that holds a signed-in page; cleared at logout.
OFFLINE_COPY_CACHE = "diary-offline-copy"
DIARY_ROLES = ("patient", "caregiver")


def owner_key(user_pk: int, patient_pk: int) -> str:
    """Names this person's drafts and queued entries on a shared device: the user who
    types and the diary they keep. A queued entry is sent only in a session of the same
    user for the same diary."""
    return f"u{user_pk}-p{patient_pk}"


def is_offline_copy(request: HttpRequest) -> bool:
    return request.method == "GET" and request.GET.get(OFFLINE_COPY_PARAM) == "1"


def urls() -> dict[str, str]:
    return {
        "sw": reverse("service_worker"),
        "today": reverse("symptoms:today"),
        "token": reverse("session_token"),
        # The result page of entry 0: the script matches /…/<pk>/ against it.
        "result": reverse("symptoms:result", args=[0]),
        "login": reverse("login"),
        "logout": reverse("logout"),
    }


def texts(emergency_number: str) -> dict[str, str]:
    """Every sentence the script shows. {time} is filled in by the script (e.g. 10:02)."""
    return {
        "restored": _("We kept what you typed earlier ({time}). Check it and press Save."),
        "discard": _("Discard what I typed"),
        "discarded": _("What you typed has been removed from this phone."),
        "offline": _(
            "You are offline. You can still fill in your diary: it will be saved on this "
            "phone and sent when you are back online. If you have any of the warning signs, "
            "call %(number)s now."
        )
        % {"number": emergency_number},
        "queued": _(
            "You are offline. Your entry is saved on this phone and will be sent when you "
            "are back online. Your care team has not been told yet. If you have any of the "
            "warning signs, call %(number)s now."
        )
        % {"number": emergency_number},
        "sending": _("Sending your entry from {time}…"),
        "saved": _("Your entry from {time} has been saved."),
        "see_result": _("See what to do now"),
        "not_sent": _(
            "Your entry from {time} is kept on this phone but is not sent yet. We will try "
            "again. If you have any of the warning signs, call %(number)s now."
        )
        % {"number": emergency_number},
        "rejected": _(
            "Your entry from {time} could not be saved as it was. Please check it and press Save."
        ),
        "waiting": _(
            "An entry typed on this phone is waiting to be sent. Log in again and it will be sent."
        ),
        # {number}: the emergency number of the diary last open on this phone.
        "call": _("Call %(number)s") % {"number": "{number}"},
    }


def config(request: HttpRequest, context: Any) -> dict[str, Any]:
    """The JSON the script reads, for the page being rendered."""
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    # From the context processor (patients.context_processors.role): no second look-up.
    role = context.get("user_role") if signed_in else None
    diary_user = role in DIARY_ROLES
    # A clinician's page about a patient is not that patient's diary (and its patient may
    # not have the team loaded: no extra query).
    patient = context.get("patient") if diary_user else None
    team = getattr(patient, "team", None)
    emergency = getattr(team, "emergency_number", "") or "999"
    match = getattr(request, "resolver_match", None)
    entry = context.get("entry")
    saved = None
    if match is not None and match.view_name == "symptoms:result" and entry is not None:
        saved = str(entry.client_key)
    return {
        "signedIn": signed_in,
        "diaryUser": diary_user,
        # The start of this user's owner keys: logging out clears their unsent typing.
        "user": f"u{user.pk}-" if signed_in else None,
        "owner": owner_key(user.pk, patient.pk) if signed_in and patient is not None else None,
        "timeZone": str(patient.zone) if patient is not None else None,
        "posted": request.method == "POST",
        "offlineCopy": is_offline_copy(request),
        "fallback": bool(context.get("offline_fallback")),
        "savedClientKey": saved,
        "cache": OFFLINE_COPY_CACHE,
        # Kept on the phone for the login page's "waiting" notice (docs/security.md).
        "emergencyNumber": emergency if diary_user and patient is not None else None,
        "urls": urls(),
        "text": texts(emergency),
    }
