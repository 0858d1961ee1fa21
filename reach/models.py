"""A person's ways of being reached: push devices, a phone for SMS, and preferences.

None of these rows holds health data. A push subscription's endpoint and keys are a
capability to send to one browser; a phone number is contact data, stored in E.164.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from diary_core.outbox import Channel


class Topic(models.TextChoices):
    """What a message is about, as a person chooses how to get it. Patients' topics first,
    then the team's. The words are what the preferences page shows."""

    DAILY_REMINDER = "daily_reminder", _("Reminder to fill in the diary")
    TEAM_SAW = "team_saw", _("Your team has seen what you sent")
    CALL_BACK = "call_back", _("Your team's answer to “Ask the team to call me”")
    MISSED_DOSE = "missed_dose", _("Reminder about an injection that is due")
    URGENT = "urgent", _("A new or raised URGENT concern")
    CONTACT = "contact", _("A new or raised CONTACT concern")
    PASSED = "passed", _("A patient passed to you")
    OVERDUE = "overdue", _("A concern past its response target")
    ON_CALL = "on_call", _("Paging while you are on call")


PATIENT_TOPICS = (Topic.DAILY_REMINDER, Topic.TEAM_SAW, Topic.CALL_BACK, Topic.MISSED_DOSE)
STAFF_TOPICS = (Topic.URGENT, Topic.CONTACT, Topic.PASSED, Topic.OVERDUE, Topic.ON_CALL)


class PushDevice(models.Model):
    """One browser's push subscription (RFC 8030): where to send, and its keys (RFC 8291).

    A person may have several (a phone, a work computer), each named by them. A push
    service answering 404 or 410 means the subscription is gone: the row is deleted.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_devices"
    )
    name = models.CharField(_("device name"), max_length=60)
    endpoint = models.URLField(max_length=2000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("push device")

    def __str__(self) -> str:
        return self.name


class Phone(models.Model):
    """A person's number for text messages, in E.164. Nothing is sent to it until the
    person has typed back the code sent to it once (`verified_at`)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sms_phone"
    )
    number = PhoneNumberField(_("mobile number"))
    verified_at = models.DateTimeField(null=True, blank=True)
    # The code sent, hashed (django.contrib.auth.hashers); empty once used.
    code_hash = models.CharField(max_length=200, blank=True)
    code_sent_at = models.DateTimeField(null=True, blank=True)
    code_tries = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("phone for text messages")

    def __str__(self) -> str:
        return str(self.user)

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class Preference(models.Model):
    """A person's own choice for one topic on one channel; without a row, the default
    (reach/choices.py) holds."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reach_preferences"
    )
    topic = models.CharField(max_length=20, choices=Topic.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    enabled = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "topic", "channel"], name="reach_preference_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.topic} by {self.channel} {'on' if self.enabled else 'off'}"


class QuietHours(models.Model):
    """When a member of staff does not want non-URGENT messages on their phone or inbox,
    in their own time zone (they wait until the end; URGENT and paging are never held)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiet_hours"
    )
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"))
    # The zone the hours are read in: the person's display zone when they saved them (their
    # team's, or the one they chose), not a choice of its own on the page.
    zone = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("quiet hours")
        verbose_name_plural = _("quiet hours")

    def __str__(self) -> str:
        return f"{self.user}: {self.start:%H:%M}–{self.end:%H:%M}"
