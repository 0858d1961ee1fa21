"""Enrolment by a clinician: create the patient (or a caregiver) and e-mail a one-time link.

The link is Django's password-reset link: it works once (the token depends on the
password hash) and expires after PASSWORD_RESET_TIMEOUT. The e-mail carries no health data.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from patients.models import Caregiver, Patient, User


def invite_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.DIARY_BASE_URL + reverse("password_reset_confirm", args=[uid, token])


def _username(email: str) -> str:
    base = email.split("@")[0].lower()[:30] or "user"
    candidate, n = base, 1
    while User.objects.filter(username=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


def send_invitation(user: User, *, invited_by: User, role: str) -> None:
    ctx = {"name": user.first_name or user.username, "link": invite_link(user),
           "username": user.username, "role": role,
           "days": settings.PASSWORD_RESET_TIMEOUT // 86400}  # fmt: skip
    send_mail(
        subject=render_to_string("emails/invite-subject.txt", ctx).strip(),
        message=render_to_string("emails/invite-body.txt", ctx),
        from_email=None,
        recipient_list=[user.email],
    )


@transaction.atomic
def enrol_patient(data: dict, *, invited_by: User) -> Patient:
    user = User.objects.create_user(
        _username(data["email"]), data["email"], None,
        first_name=data["first_name"], last_name=data["last_name"],
    )  # fmt: skip
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
    )
    transaction.on_commit(lambda: send_invitation(user, invited_by=invited_by, role="patient"))
    return patient


@transaction.atomic
def add_caregiver(patient: Patient, data: dict, *, added_by: User) -> Caregiver:
    user = User.objects.filter(email__iexact=data["email"]).first()
    new_user = user is None
    if new_user:
        user = User.objects.create_user(
            _username(data["email"]), data["email"], None,
            first_name=data["first_name"], last_name=data.get("last_name", ""),
        )  # fmt: skip
    caregiver, _ = Caregiver.objects.update_or_create(
        patient=patient, user=user,
        defaults={"relationship": data.get("relationship", ""), "active": True,
                  "added_by": added_by},
    )  # fmt: skip
    if new_user:
        transaction.on_commit(lambda: send_invitation(user, invited_by=added_by, role="caregiver"))
    return caregiver
