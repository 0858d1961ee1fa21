"""Enrolment by a clinician: create the patient and invite them; ask a caregiver to help.

Invitations are account e-mails (patients/mail.py): sent by a worker with retries, with a
one-time link made at sending time (Django's password-reset link: it works once and
expires after PASSWORD_RESET_TIMEOUT). No e-mail carries health data or names a patient.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from enum import StrEnum

from django.db import transaction
from django.utils import timezone

from patients.mail import account_email_queue
from patients.models import AccountEmail, Caregiver, CareTeamMembership, Patient, User
from patients.roles import ADMINISTRATOR, CLINICAL_LEAD, CLINICIAN, ensure_role_groups

logger = logging.getLogger("security")


def _username(email: str) -> str:
    base = email.split("@")[0].lower()[:30] or "user"
    candidate, n = base, 1
    while User.objects.filter(username=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


def _invited_user(data: dict, **extra) -> User:
    """An account without a password (an invitation's link sets it), in the person's
    language: the invitation and every later e-mail follow it (accounts/languages.py)."""
    return User.objects.create_user(
        _username(data["email"]),
        data["email"],
        None,
        first_name=data["first_name"],
        last_name=data["last_name"],
        language=data.get("language", ""),
        **extra,
    )


@transaction.atomic
def enrol_patient(data: dict, *, invited_by: User) -> Patient:
    user = _invited_user(data)
    patient = Patient.objects.create(
        user=user,
        team=data["team"],
        timezone=data["timezone"],
        temperature_unit=data["temperature_unit"],
        first_dose_at=data.get("first_dose_at"),
        er_immunosuppressant=data.get("er_immunosuppressant", False),
        er_low_ig=data.get("er_low_ig", False),
        er_recurrent_infection=data.get("er_recurrent_infection", False),
        er_cytopenia=data.get("er_cytopenia", False),
        hbv_risk=data.get("hbv_risk", False),
        date_of_birth=data.get("date_of_birth"),
        hospital_number=data.get("hospital_number", "").strip(),
        national_number=data.get("national_number", ""),
        phone=data.get("phone", "").strip(),
    )
    account_email_queue(user, AccountEmail.Kind.INVITE_PATIENT)
    return patient


# One invitation per patient per this long, however often the button is pressed.
INVITATION_RESEND_INTERVAL = timedelta(minutes=10)


class Resend(StrEnum):
    SENT = "sent"
    TOO_SOON = "too_soon"  # an invitation went within INVITATION_RESEND_INTERVAL
    NOT_NEEDED = "not_needed"  # the patient has a password, or the account is closed


@transaction.atomic
def patient_invitation_resend(*, patient: Patient, now: datetime | None = None) -> Resend:
    """Send the invitation again through the account-mail outbox, for a patient who never
    chose a password; at most once per INVITATION_RESEND_INTERVAL (two nurses pressing at
    once send one: the user row is locked while checking)."""
    now = now or timezone.now()
    user = User.objects.select_for_update().get(pk=patient.user_id)
    if user.has_usable_password() or not user.is_active or patient.discharged_at:
        return Resend.NOT_NEEDED
    recent = AccountEmail.objects.filter(
        user=user,
        kind=AccountEmail.Kind.INVITE_PATIENT,
        created_at__gt=now - INVITATION_RESEND_INTERVAL,
    )
    if recent.exists():
        return Resend.TOO_SOON
    account_email_queue(user, AccountEmail.Kind.INVITE_PATIENT, now=now)
    return Resend.SENT


def can_be_caregiver(user: User, patient: Patient) -> bool:
    """Staff and clinicians never become caregivers (a caregiver link would let a
    clinician of one team read another team's patient); nor does the patient."""
    return user.is_active and not user.is_clinic_staff and user.pk != patient.user_id


@transaction.atomic
def caregiver_invite(patient: Patient, data: dict, *, invited_by: User) -> None:
    """Ask someone to help with the patient's diary. The link is active only once they
    accept, signed in as themselves; a new address gets a new account and an invitation.

    The caller's reply is the same whatever happens here: it must never say whether an
    address belongs to an account, or to whom.
    """
    email = data["email"].strip()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(
            _username(email),
            email,
            None,
            first_name=data["first_name"],
            last_name=data.get("last_name", ""),
        )
        kind = AccountEmail.Kind.INVITE_CAREGIVER
    elif can_be_caregiver(user, patient):
        kind = AccountEmail.Kind.CAREGIVER_CONSENT
    else:
        logger.warning(
            "caregiver invitation refused: the address cannot be a caregiver (patient=%s, by=%s)",
            patient.pk,
            invited_by.pk,
        )
        return
    caregiver, _created = Caregiver.objects.get_or_create(
        patient=patient,
        user=user,
        defaults={
            "relationship": data.get("relationship", ""),
            "active": False,
            "added_by": invited_by,
        },
    )
    if caregiver.active:
        return  # helping already: nothing to ask
    if caregiver.removed_at is not None:
        # Asked again after the link was ended: a new request, answered afresh.
        caregiver.accepted_at = caregiver.removed_at = caregiver.removed_by = None
        caregiver._history_user = invited_by
        caregiver.save(update_fields=["accepted_at", "removed_at", "removed_by"])
    account_email_queue(user, kind, caregiver=caregiver)


def caregiver_answer(caregiver: Caregiver, *, accept: bool, now) -> None:
    """The invited person's answer, signed in as themselves (a "no" removes the request;
    its history stays)."""
    if not accept:
        caregiver.delete()
        return
    caregiver.active = True
    caregiver.accepted_at = now
    caregiver.save(update_fields=["active", "accepted_at"])


@transaction.atomic
def caregiver_remove(caregiver: Caregiver, *, by: User, now) -> bool:
    """End a caregiver's access: the patient removes them, or they stop helping. From the
    next request on they cannot open the diary (User.kept_diary reads `active`). The row
    stays, because entries they made name it; the history says who ended it and when.
    False if it had ended already (a second tap, or both at once)."""
    row = Caregiver.objects.select_for_update().filter(pk=caregiver.pk, active=True).first()
    if row is None:
        return False
    row.active, row.removed_at, row.removed_by = False, now, by
    row._history_user = by
    row._change_reason = (
        "stopped helping" if by.pk == row.user_id else "removed by the patient's side"
    )
    row.save(update_fields=["active", "removed_at", "removed_by"])
    caregiver.refresh_from_db()
    return True


@transaction.atomic
def patient_identity_update(*, patient: Patient, data: dict, by: User) -> list[str]:
    """Save the team's edit of who the patient is; history records who and when.
    Returns the names of the fields that changed."""
    changed = []
    user = patient.user
    for field in ("first_name", "last_name"):
        if getattr(user, field) != data[field]:
            setattr(user, field, data[field])
            changed.append(field)
    if changed:
        user.save(update_fields=["first_name", "last_name"])
    for field in ("date_of_birth", "hospital_number", "national_number", "phone"):
        value = data.get(field)
        value = value.strip() if isinstance(value, str) else value
        if getattr(patient, field) != value:
            setattr(patient, field, value)
            changed.append(field)
    if changed:
        patient._history_user = by
        patient.save()
    return changed


@transaction.atomic
def invite_staff(data: dict, *, invited_by: User) -> User:
    """A new member of staff, by e-mail: they choose their own password from a one-time
    link and set up their second factor at first login (nobody types another person's
    password). Roles are the seeded groups (patients/roles.py); a clinician joins a team."""
    groups = ensure_role_groups()
    user = _invited_user(data, is_staff=data.get("administrator", False))
    roles = [CLINICIAN] if data.get("team") else []
    roles += [CLINICAL_LEAD] if data.get("clinical_lead") else []
    roles += [ADMINISTRATOR] if data.get("administrator") else []
    user.groups.set([groups[name] for name in roles])
    if data.get("team"):
        CareTeamMembership.objects.create(
            team=data["team"], user=user, role=data.get("team_role") or "primary"
        )
    account_email_queue(user, AccountEmail.Kind.INVITE_STAFF)
    logger.info("staff invited (user=%s, by=%s, roles=%s)", user.pk, invited_by.pk, roles)
    return user
