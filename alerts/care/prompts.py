"""What the patient reads, from the record (docs/clinical-rules.md §5): an entry's advice as
it was given (EntryOutcome), the history's advice day by day, and the advice that stands
(the open concern). Nothing here evaluates anything: a rule changed since an entry was saved
never changes what the patient is shown about it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.utils import translation

from alerts import rules
from alerts.care.evaluation import ENTRY_PARTS
from alerts.care.models import Concern, EntryOutcome
from alerts.rules.concern import Transition
from alerts.ruleset.models import EducationPage, Level
from diary_core.prepared import PreparedObjects
from patients.models import Patient
from symptoms.models import DiaryEntry


@dataclass(frozen=True)
class Reason:
    rule_id: str
    level: str
    title: str
    message: str
    why: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Prompt:
    """What the patient was shown right after saving an entry."""

    level: str  # NONE | WATCH | CONTACT | URGENT
    key: str  # thank_you | keep_monitoring | contact_today | seek_now | pending
    reasons: tuple[Reason, ...] = ()
    remeasure_minutes: int | None = None
    remeasure_at: datetime | None = None
    pages: tuple[EducationPage, ...] = ()
    # Whether this entry told the team; if not, when the team was told about the same thing
    # (a de-duplicated firing). The prompt never says "we have let them know" when nobody
    # was told.
    team_alerted: bool = False
    team_told_at: datetime | None = None
    # The concern this entry opened or joined, and what it did to it.
    concern: Concern | None = None
    transition: str = ""

    @property
    def is_team_level(self) -> bool:
        return self.level in (Level.CONTACT, Level.URGENT)

    @property
    def lead(self) -> Reason | None:
        """The reason read first (its "You ticked: …" line before its words)."""
        return self.reasons[0] if self.reasons and self.is_team_level else None

    @property
    def lower_reasons(self) -> tuple[Reason, ...]:
        """The reasons below the prompt's level (folded under an URGENT prompt)."""
        return tuple(reason for reason in self.reasons if reason.level != self.level)


# Saved, but not recorded yet: the sweep records it within minutes; the page says what to do.
PENDING = Prompt(level=Level.NONE, key="pending")


def said(words: dict[str, dict[str, str]], language: str | None = None) -> dict[str, str]:
    """A reason's recorded words in the reader's language (English when it had none)."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    return words.get(language) or words.get(settings.MODELTRANSLATION_DEFAULT_LANGUAGE) or {}


def reasons_of(outcome: EntryOutcome) -> tuple[Reason, ...]:
    reasons = []
    for item in outcome.reasons:
        words = said(item.get("words") or {})
        reasons.append(
            Reason(
                rule_id=item["rule_id"],
                level=item["level"],
                title=words.get("title") or item["rule_id"],
                message=words.get("message", ""),
                why=item.get("why") or {},
            )
        )
    return tuple(reasons)


# The result page's read of the advice recorded for an entry, compiled to SQL once per
# process (diary_core.prepared): Django compiling it was about a sixth of the page's time.
_LATEST_OUTCOME = PreparedObjects.keyed(
    "entry_id",
    lambda entry_id: (
        EntryOutcome.objects.filter(entry_id=entry_id)
        .select_related("concern")
        .order_by("-revision")[:1]
    ),
)


def latest_outcome(entry: DiaryEntry) -> EntryOutcome | None:
    """The outcome recorded for the entry's latest version (None before it is evaluated)."""
    return _LATEST_OUTCOME.first(entry_id=entry.pk)


def prompt_of(entry: DiaryEntry, outcome: EntryOutcome | None = None) -> Prompt:
    """The advice recorded for the entry's latest version, in the reader's language."""
    outcome = outcome or latest_outcome(entry)
    if outcome is None:
        return PENDING
    minutes = outcome.remeasure_minutes
    pages = ()
    if outcome.pages:
        found = EducationPage.objects.filter(slug__in=outcome.pages, published=True).in_bulk(
            field_name="slug"
        )
        pages = tuple(found[slug] for slug in outcome.pages if slug in found)
    return Prompt(
        level=outcome.level,
        key=outcome.prompt_key,
        reasons=reasons_of(outcome),
        remeasure_minutes=minutes,
        remeasure_at=entry.recorded_at + timedelta(minutes=minutes) if minutes else None,
        pages=pages,
        # "We have also let them know" only when this entry sent the team a message; when
        # it joined what they were told already, when that was.
        team_alerted=outcome.transition in Transition.TOLD,
        team_told_at=outcome.team_told_at
        or (
            outcome.concern.level_since
            if outcome.transition == Transition.JOINED and outcome.concern
            else None
        ),
        concern=outcome.concern,
        transition=outcome.transition,
    )


@dataclass(frozen=True)
class EntryAdvice:
    """What the diary advised after one entry, and why (the history's day-by-day list)."""

    entry: DiaryEntry
    level: str
    key: str  # the prompt's key: thank_you | keep_monitoring | contact_today | seek_now
    reasons: tuple[str, ...]  # the rules' titles, most serious first


# History lists each entry with its advice, this many to a page (newest first).
ADVICE_PAGE = 50


def entries_advice(
    patient: Patient, *, since: datetime, page: int | str | None = 1, per_page: int = ADVICE_PAGE
) -> Page:
    """Each entry since `since`, newest first, with the advice recorded for its latest
    version: one page of `per_page` (a count, the page, its outcomes, plus the prefetches),
    so the page's size never grows with the number of entries."""
    entries = (
        DiaryEntry.objects.for_patient(patient)
        .since(since)
        .prefetch_related(*ENTRY_PARTS, "amendments")
        .order_by("-recorded_at", "-pk")  # a total order: no entry on two pages, or none
    )
    chosen = Paginator(entries, per_page).get_page(page)
    shown = list(chosen.object_list)
    outcomes: dict[int, EntryOutcome] = {}
    for outcome in EntryOutcome.objects.filter(entry__in=shown).order_by("entry_id", "revision"):
        outcomes[outcome.entry_id] = outcome  # the latest revision wins
    advice = []
    for entry in shown:
        outcome = outcomes.get(entry.pk)
        if outcome is None:
            advice.append(EntryAdvice(entry=entry, level=Level.NONE, key="pending", reasons=()))
            continue
        advice.append(
            EntryAdvice(
                entry=entry,
                level=outcome.level,
                key=outcome.prompt_key,
                reasons=tuple(dict.fromkeys(r.title for r in reasons_of(outcome))),
            )
        )
    chosen.object_list = advice
    return chosen


# The standing card's read, compiled to SQL once per process: on every patient page (the
# strip, the diary, the result page), and Django compiling its five-table join took about
# 2 ms of each, more than PostgreSQL answering it (docs/scaling.md, issue 37). A patient
# has at most one open concern (alerts_concern_one_open).
_STANDING = PreparedObjects.keyed(
    "patient_id",
    lambda patient_id: Concern.objects.filter(
        patient_id=patient_id, status=Concern.Status.OPEN
    ).select_related("advice_lead__rule", "advice_lead__entry", "acknowledged_by"),
)


def standing_advice(patient: Patient) -> Concern | None:
    """The open concern whose advice the patient was given (CONTACT or URGENT), with what
    the standing card shows; None when none stands or has stood. Its `standing` says
    whether the advice still stands (NONE once they said they reached someone)."""
    concern = _STANDING.first(patient_id=patient.pk)
    if concern is None or concern.advice_level not in rules.TEAM_LEVELS:
        return None
    return concern
