"""The periodic sweep: rules that fire on what did not happen (gaps, overdue re-measures),
run over every patient in batches.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from alerts import rules
from alerts.care.evaluation import HISTORY_WINDOW, PRIOR_ALERT_FIELDS, _profile, prior_alert
from alerts.care.firings import NewFiring, firings_record
from alerts.care.models import Alert, Quieting
from alerts.ruleset.loading import rule_configs, rule_rows
from diary_core.instants import EpochMicroseconds, instant
from patients.models import Injection, Patient
from symptoms.models import DiaryEntry
from symptoms.reminders import gap_reminders

logger = logging.getLogger(__name__)


# Patients per batch in the periodic sweep: four reads per batch, whatever its size, and
# a fixed number of writes for its new alerts (bench, 100,000 patients: batches of 1,000
# took 9-11 s, of 5,000 6-8 s; a batch's transaction stays well under a second).
PERIODIC_BATCH = 5000


def patient_sweep(patient: Patient, *, now: datetime, configs=None) -> rules.SweepResult:
    """Run the periodic rules (DIARY-GAP-*, DIARY-FOLLOWUP, INJ-MISSED) for one patient."""
    results = _sweep_batch(
        {patient.pk: _profile(patient)},
        now=now,
        configs=configs or rule_configs(),
        patients={patient.pk: patient},
    )
    return results[patient.pk]


def _sweep_batch(
    profiles: dict[int, rules.Profile],
    *,
    now: datetime,
    configs,
    rows: dict | None = None,
    patients: dict[int, Patient] | None = None,
) -> dict[int, rules.SweepResult]:
    """Evaluate the periodic rules for a batch of patients in a fixed number of queries.

    `profiles` maps patient ids to their profiles. Four reads for the whole batch (entry
    times, recent alerts, injections, quiets), one more when a patient has no entry in the window
    (their last entry) and one when something fired (older alerts of the same episodes);
    writes only for firings whose (rule, episode) has no alert yet, so a steady state
    writes nothing. The patients with something new are loaded in one more read, unless
    given in `patients`.
    """
    ids = list(profiles)
    since = now - HISTORY_WINDOW
    # Batches are runs of patients in primary-key order: a key range is far cheaper to
    # build and to scan than an IN list of 1,000 ids (bench: sweep over 100,000 patients).
    # Rows of patients in the range but not in the batch (not yet enrolled) are skipped.
    in_batch = {"patient_id__gte": min(ids), "patient_id__lte": max(ids)}
    entry_times: dict[int, list[datetime]] = {pk: [] for pk in ids}
    for pk, at in (
        DiaryEntry.objects.filter(**in_batch, recorded_at__gte=since, recorded_at__lte=now)
        .order_by("recorded_at")
        .values_list("patient_id", EpochMicroseconds("recorded_at"))
    ):
        if pk in entry_times:
            entry_times[pk].append(instant(at))
    # A patient silent for the whole window: the missed-diary rules count back to the last
    # entry, wherever it is; without it they would count from enrolment and raise the
    # same gap again under another first day.
    quiet = [pk for pk, times in entry_times.items() if not times]
    if quiet:
        for pk, at in (
            DiaryEntry.objects.filter(patient_id__in=quiet, recorded_at__lt=since)
            .values("patient_id")
            .annotate(last=Max("recorded_at"))
            .values_list("patient_id", "last")
        ):
            entry_times[pk].append(at)
    prior: dict[int, list[rules.PriorAlert]] = {pk: [] for pk in ids}
    for a in (
        Alert.objects.filter(**in_batch, fired_at__gte=since, fired_at__lte=now)
        .order_by("fired_at", "pk")
        .values("patient_id", "rule__rule_id", *PRIOR_ALERT_FIELDS)
    ):
        if a["patient_id"] not in prior:
            continue
        prior[a["patient_id"]].append(prior_alert(a["rule__rule_id"], a))
    injections: dict[int, list[rules.Injection]] = {pk: [] for pk in ids}
    for pk, at, dose in (
        Injection.objects.filter(**in_batch, given_at__lte=now)
        .order_by("given_at")
        .values_list("patient_id", "given_at", "dose_number")
    ):
        if pk in injections:
            injections[pk].append(rules.Injection(at=at, dose=dose))
    # The team's quiets in force (few rows: one read for the batch).
    quiets = Quieting.objects.filter(**in_batch).as_rules(now)
    results: dict[int, rules.SweepResult] = {}
    new: list[tuple[int, rules.Firing, bool]] = []
    for pk, profile in profiles.items():
        result = rules.evaluate_sweep(
            rules.SweepInput(
                profile=profile,
                as_of=now,
                entry_times=tuple(entry_times[pk]),
                injections=tuple(injections[pk]),
                prior_alerts=tuple(prior[pk]),
                rules=configs,
                quiets=tuple(quiets.get(pk, ())),
            )
        )
        results[pk] = result
        known = {(a.rule_id, a.episode_key) for a in prior[pk]}
        new += [
            (pk, f, f.rule_id in result.team_alerts)
            for f in result.fired
            if (f.rule_id, f.episode_key) not in known
        ]
    if new:
        # Alerts older than the window are not among `prior`: a long gap or a dose missed
        # weeks ago is still the same episode, recorded once.
        recorded = set(
            Alert.objects.filter(
                patient_id__in={pk for pk, _, _ in new},
                episode_key__in={f.episode_key for _, f, _ in new},
                fired_at__lt=since,
            ).values_list("patient_id", "rule__rule_id", "episode_key")
        )
        new = [
            (pk, f, team) for pk, f, team in new if (pk, f.rule_id, f.episode_key) not in recorded
        ]
    if not new:
        return results
    if patients is None:
        patients = Patient.objects.select_related("team").in_bulk({pk for pk, _, _ in new})
    items = [
        NewFiring(patient=patients[pk], entry=None, firing=f, team_alert=team, at=now)
        for pk, f, team in new
        if pk in patients  # not removed since the batch was read
    ]
    made = firings_record(
        items, rows=rows if rows is not None else rule_rows(), windows=configs.windows, now=now
    )
    # DIARY-GAP-2 is a reminder to the patient, sent outside quiet hours.
    gap_reminders([a.patient for a in made if a.rule.rule_id == "DIARY-GAP-2"], now=now)
    return results


def periodic_rules_sweep(*, now: datetime | None = None, batch: int = PERIODIC_BATCH) -> int:
    """Run the periodic rules for every enrolled patient the team is monitoring (not
    paused, not discharged, an active account: Patient.objects.monitored), a batch at a
    time.

    Idempotent (one alert per rule and episode key) and set-based: a constant number of
    queries per batch, plus writes for what is new.
    """
    now = now or timezone.now()
    rows = rule_rows()
    configs = rule_configs(rows)
    count = 0
    # Plain values, not models: building 100,000 Patient objects cost more than the rules.
    # The few patients with something new are loaded by the batch.
    er_fields = list(Patient.ER_FIELDS.values())
    patients = (
        Patient.objects.monitored(now)
        .filter(enrolled_at__lte=now)
        .order_by("pk")
        .values_list(
            "pk",
            "timezone",
            EpochMicroseconds("enrolled_at"),
            EpochMicroseconds("first_dose_at"),
            EpochMicroseconds("paused_until"),
            "hbv_risk",
            "lab_hbv_risk",
            "lab_low_ig",
            "lab_cytopenia",
            *er_fields,
        )
    )
    last_pk = 0
    while True:
        chunk = list(patients.filter(pk__gt=last_pk)[:batch])
        if not chunk:
            break
        profiles = {
            pk: rules.Profile(
                timezone=tz,
                enrolled_at=instant(enrolled),
                hbv_risk=hbv or lab_hbv is not None,
                elevated_risk=Patient.er_reasons(tuple(flags))
                | (frozenset({"low_ig"}) if lab_ig is not None else frozenset())
                | (frozenset({"cytopenia"}) if lab_cyto is not None else frozenset()),
                first_dose_at=instant(first_dose),
                resumed_at=instant(resumed),
            )
            for pk, tz, enrolled, first_dose, resumed, hbv, lab_hbv, lab_ig, lab_cyto, *flags in chunk
        }
        with transaction.atomic():
            _sweep_batch(profiles, now=now, configs=configs, rows=rows)
        count += len(chunk)
        last_pk = chunk[-1][0]
    return count
