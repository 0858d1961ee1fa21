"""E-mail about accounts: invitations, password resets, caregiver requests, security notices.

`account_email_queue` writes an AccountEmail row in the caller's transaction and asks a
worker to send it after commit; `account_emails_send` (the task, and beat every minute)
sends what is due through the outbox (diary_core/outbox.py), with its retries. Mail that
cannot be sent now is not lost, and nothing secret (a reset token, a link) ever waits in
Redis or a log: links are made when sending.
E-mails carry no health data and never name a patient. The one e-mail to clinicians here,
DOSE_CHECK, names the patient's reference only, like the alert e-mails.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.languages import speaking_to
from diary_core import mailer
from diary_core.outbox import DeliveryError, Outcome, deliver_due
from diary_core.publisher import publish_task_on_commit
from patients.models import AccountEmail, Caregiver, CareTeamMembership, Injection, Patient, User

BATCH = 100
Kind = AccountEmail.Kind
TEMPLATES = {
    Kind.INVITE_PATIENT: "invite",
    Kind.INVITE_CAREGIVER: "invite",
    Kind.CAREGIVER_CONSENT: "caregiver-consent",
    Kind.PASSWORD_RESET: "password-reset",
    Kind.DEVICE_ADDED: "security-notice",
    Kind.CODES_REGENERATED: "security-notice",
    Kind.DOSE_CHECK: "dose-check",
    Kind.INVITE_STAFF: "invite-staff",
}


def account_email_queue(
    user: User,
    kind: str,
    *,
    caregiver: Caregiver | None = None,
    patient: Patient | None = None,
    now: datetime | None = None,
) -> AccountEmail:
    """Write the e-mail to send (in the caller's transaction); a worker sends it after commit."""
    now = now or timezone.now()
    email = AccountEmail.objects.create(
        user=user, kind=kind, caregiver=caregiver, patient=patient, due_at=now, created_at=now
    )
    publish_task_on_commit("patients.tasks.send_account_email", email.pk)
    return email


def dose_check_queue(injection: Injection) -> list[AccountEmail]:
    """Tell the patient's care team that a confirmed dose is outside the schedule: one
    e-mail to each primary clinician (every member when the team has no primary), in the
    caller's transaction. The dose itself carries the mark the team's page shows."""
    members = CareTeamMembership.objects.filter(
        team_id=injection.patient.team_id, user__is_active=True
    ).select_related("user")
    primaries = [m.user for m in members if m.role == CareTeamMembership.Role.PRIMARY]
    recipients = primaries or [m.user for m in members]
    return [
        account_email_queue(user, Kind.DOSE_CHECK, patient=injection.patient) for user in recipients
    ]


def set_password_link(user: User) -> str:
    """Django's one-time password link: dies with the password change, or after 3 days."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.DIARY_BASE_URL + reverse("password_reset_confirm", args=[uid, token])


def _context(email: AccountEmail) -> dict:
    user = email.user
    context = {
        "name": user.first_name or user.username,
        "username": user.username,
        "kind": email.kind,
        "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
        "site": settings.DIARY_BASE_URL,
    }
    if email.kind in (
        Kind.INVITE_PATIENT,
        Kind.INVITE_CAREGIVER,
        Kind.INVITE_STAFF,
        Kind.PASSWORD_RESET,
    ):
        context["link"] = set_password_link(user)
    elif email.kind == Kind.CAREGIVER_CONSENT:
        # Accepting needs the person signed in as themselves: the link carries no token.
        context["link"] = settings.DIARY_BASE_URL + reverse("patients:caregiving")
    elif email.kind == Kind.DOSE_CHECK:
        context["reference"] = email.patient.reference
        context["link"] = settings.DIARY_BASE_URL + reverse("team:patient", args=[email.patient_id])
    return context


def _message(email: AccountEmail) -> EmailMessage:
    name = TEMPLATES[email.kind]
    with speaking_to(email.user):  # in the recipient's language (accounts/languages.py)
        context = _context(email)
        return EmailMessage(
            subject=render_to_string(f"emails/{name}-subject.txt", context).strip(),
            body=render_to_string(f"emails/{name}-body.txt", context),
            to=[email.user.email],
        )


_LOAD = AccountEmail.objects.select_related("user", "caregiver", "patient")


def account_emails_send(*, now: datetime | None = None, only: int | None = None) -> int:
    """Send due account e-mails (or only one) through the outbox (diary_core/outbox.py:
    claimed so two workers never send one twice, retried under its one policy). Returns
    how many were sent."""
    return deliver_due(_LOAD, _email_deliver, now=now, batch=BATCH, only=only)[Outcome.SENT]


def _email_deliver(email: AccountEmail, now: datetime) -> None:
    """The outbox's send_one for an account e-mail."""
    if not email.user.email or not email.user.is_active:
        raise DeliveryError("no active account with an address", permanent=True)
    mailer.send(_message(email))
