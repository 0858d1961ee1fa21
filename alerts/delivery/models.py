"""Delivery's own rows: the daily WATCH digest sent to each team member, and the beat's
heartbeat (what /healthz reads to know the scheduler runs).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """The last time a periodic job ran. /healthz reads the beat's row."""

    name = models.CharField(max_length=40, unique=True)
    beat_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.name} at {self.beat_at:%Y-%m-%d %H:%M:%S}"


class Digest(models.Model):
    """The daily WATCH digest e-mail to one clinician for one team (one per local day).

    It says how many WATCH items there are and links to the list; never what they are.
    """

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        EMPTY = "empty", _("Nothing to report")
        FAILED = "failed", _("Failed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    team = models.ForeignKey("patients.CareTeam", on_delete=models.CASCADE, related_name="digests")
    local_day = models.DateField()
    watch_count = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=8, choices=Status.choices)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "team", "local_day"], name="alerts_digest_once_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"WATCH digest for {self.recipient} ({self.team}) on {self.local_day}"
