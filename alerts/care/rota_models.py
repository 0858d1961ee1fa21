"""The on-call rota of a care team (who is paged about an URGENT concern nobody has
acknowledged) and the paging steps planned for each wait. The rules that read them are
alerts/care/oncall.py.

The weekly pattern is in the team's wall time (CareTeam.timezone): "Monday 20:00 to 08:00"
means 20:00 on Monday to 08:00 on Tuesday as the team's clocks say, whatever the clocks
did in between. A swap is a range of instants that wins over the pattern.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from patients.models import CareTeam, CareTeamMembership


class Weekday(models.IntegerChoices):
    """Python's numbering (date.weekday()): Monday is 0."""

    # Django's own words for the days (its catalogues, as dates are written): a second
    # translation of "Saturday" in ours would change how every date reads.
    MONDAY = 0, WEEKDAYS[0]
    TUESDAY = 1, WEEKDAYS[1]
    WEDNESDAY = 2, WEEKDAYS[2]
    THURSDAY = 3, WEEKDAYS[3]
    FRIDAY = 4, WEEKDAYS[4]
    SATURDAY = 5, WEEKDAYS[5]
    SUNDAY = 6, WEEKDAYS[6]


def active_member(team_id: int | None, user_id: int | None) -> bool:
    """Whether the person is an active member of the team (only they may be on call)."""
    if team_id is None or user_id is None:
        return False
    return CareTeamMembership.objects.filter(
        team_id=team_id, user_id=user_id, user__is_active=True
    ).exists()


def _check_people(row, *, required_on_call: bool) -> None:
    errors = {}
    if required_on_call and row.on_call_id is None:
        errors["on_call"] = _("Choose who is on call.")
    for field in ("on_call", "backup"):
        user_id = getattr(row, f"{field}_id")
        if user_id is not None and not active_member(row.team_id, user_id):
            errors[field] = _("Choose an active member of this team.")
    if row.on_call_id is not None and row.on_call_id == row.backup_id:
        errors["backup"] = _("The backup must be someone other than the person on call.")
    if errors:
        raise ValidationError(errors)


class RotaShift(models.Model):
    """One row of a team's weekly pattern: on `weekday` from `starts` to `ends` (team's wall
    time), `on_call` is paged first and `backup` next. An end at or before the start means
    the shift runs past midnight into the next day (equal: a whole day)."""

    team = models.ForeignKey(CareTeam, on_delete=models.CASCADE, related_name="rota_shifts")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"))
    on_call = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("on call"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    backup = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("backup"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    # Who changed the rota, and what it said before: who was paged is read from it.
    history = HistoricalRecords()

    class Meta:
        ordering = ["team", "weekday", "starts"]
        constraints = [
            # on_call() finds one row per team, day and start (the page refuses a second).
            models.UniqueConstraint(
                fields=["team", "weekday", "starts"], name="alerts_rotashift_once"
            ),
            # on_call() reads weekday as date.weekday().
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6),
                name="alerts_rotashift_weekday",
                violation_error_message=_("Choose a day of the week."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts:%H:%M}–{self.ends:%H:%M}"

    @property
    def crosses_midnight(self) -> bool:
        return self.ends <= self.starts

    def clean(self) -> None:
        super().clean()
        _check_people(self, required_on_call=True)


class RotaSwapQuerySet(models.QuerySet):
    def at(self, when) -> RotaSwapQuerySet:
        """The swaps in force at the instant `when`."""
        return self.filter(starts_at__lte=when, ends_at__gt=when)


class RotaSwap(models.Model):
    """A one-off change: from `starts_at` to `ends_at` the replacement on call and/or backup
    win over the weekly pattern (an empty one keeps the pattern's). The latest made wins
    where two overlap."""

    MAX_DAYS = 62

    team = models.ForeignKey(CareTeam, on_delete=models.CASCADE, related_name="rota_swaps")
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    on_call = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("on call instead"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    backup = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("backup instead"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = RotaSwapQuerySet.as_manager()

    # Who changed the rota, and what it said before: who was paged is read from it.
    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            # A swap is a range: on_call() compares both ends.
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="alerts_rotaswap_ends_after_start",
                violation_error_message=_("The end must be after the start."),
            ),
            # A swap replaces someone: one with nobody would change nothing.
            models.CheckConstraint(
                condition=Q(on_call__isnull=False) | Q(backup__isnull=False),
                name="alerts_rotaswap_someone",
                violation_error_message=_("Choose who is on call instead, or the backup instead."),
            ),
        ]
        indexes = [
            # on_call() reads a team's swaps in force at one instant.
            models.Index(fields=["team", "ends_at"], name="alerts_rotaswap_team_end"),
        ]

    def __str__(self) -> str:
        return f"swap {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%Y-%m-%d %H:%M}"

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.on_call_id is None and self.backup_id is None:
            errors["on_call"] = _("Choose who is on call instead, or the backup instead.")
        if self.starts_at and self.ends_at:
            if self.ends_at <= self.starts_at:
                errors["ends_at"] = _("The end must be after the start.")
            elif (self.ends_at - self.starts_at).days >= self.MAX_DAYS:
                errors["ends_at"] = _("A swap may last at most %(days)s days.") % {
                    "days": self.MAX_DAYS
                }
        if errors:
            raise ValidationError(errors)
        _check_people(self, required_on_call=False)


class PageStep(models.Model):
    """A planned step of paging about an URGENT concern nobody has acknowledged; beat picks
    it up when due (no Celery ETA: the due time lives here).

    Step 1 pages the person on call, step 2 the backup, step 3 shows the team's
    out-of-hours route on the queue and tells the team lead. A wait (the event that made
    the concern URGENT and unacknowledged) ends with its steps when the concern is
    acknowledged, raised or resolved.
    """

    class Step(models.IntegerChoices):
        ON_CALL = 1, _("Page the person on call")
        BACKUP = 2, _("Page the backup")
        OUT_OF_HOURS = 3, _("Show the out-of-hours route and tell the lead")

    concern = models.ForeignKey(
        "alerts.Concern", on_delete=models.CASCADE, related_name="page_steps"
    )
    wait = models.ForeignKey("alerts.ConcernEvent", on_delete=models.CASCADE, related_name="+")
    step = models.PositiveSmallIntegerField(choices=Step.choices)
    due_at = models.DateTimeField()
    processed_at = models.DateTimeField(null=True, blank=True)
    # paged | nobody | shown | not needed | acknowledged | raised | resolved
    outcome = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["due_at", "step"]
        constraints = [
            # Planning a wait twice (a redelivered task) keeps one row per step.
            models.UniqueConstraint(fields=["wait", "step"], name="alerts_pagestep_once"),
        ]
        indexes = [
            # The paging sweep reads unprocessed due steps.
            models.Index(
                fields=["due_at"],
                name="alerts_pagestep_due",
                condition=Q(processed_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return (
            f"page step {self.step} of concern {self.concern_id} due {self.due_at:%Y-%m-%d %H:%M}"
        )
