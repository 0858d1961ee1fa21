"""Delivery's own rows: the daily WATCH digest sent to each team member (an outbox
message), and the beat's heartbeat (what /healthz reads to know the scheduler runs).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from diary_core.outbox import OutboxMessage, due_index


class Heartbeat(models.Model):
    """The last time a periodic job ran. /healthz reads the beat's row."""

    name = models.CharField(max_length=40, unique=True)
    beat_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.name} at {self.beat_at:%Y-%m-%d %H:%M:%S}"


class Digest(OutboxMessage):
    """The daily WATCH digest e-mail to one clinician for one team (one per local day).

    It says how many WATCH items there are and links to the list; never what they are.
    An outbox row (diary_core/outbox.py): sent, and retried, by the one loop. A day with
    nothing to report keeps its row, cancelled with `NOTHING_TO_REPORT`: nothing is sent,
    and the day's later sweeps find it there.
    """

    recipient_path = "recipient"
    NOTHING_TO_REPORT = "nothing to report"

    class Kind(models.TextChoices):
        WATCH = "watch", _("Daily WATCH digest")

    # One kind: what the admin's "Messages" page shows next to every other kind's.
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.WATCH)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    team = models.ForeignKey("patients.CareTeam", on_delete=models.CASCADE, related_name="digests")
    local_day = models.DateField()
    watch_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "team", "local_day"], name="alerts_digest_once_a_day"
            ),
        ]
        indexes = [
            # The outbox claims pending rows that are due.
            due_index("alerts_digest_due"),
        ]

    def __str__(self) -> str:
        return f"WATCH digest for {self.recipient} ({self.team}) on {self.local_day}"
