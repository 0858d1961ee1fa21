"""Pure-evaluator throughput on one core: entries per second with a 14-day history.

Usage: python bench/evaluator.py [--seconds 3] [--profile]
Prints one JSON line: {"evaluator_entries_per_s": ..., "inputs": ...}. No Django needed.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from alerts.rules import (  # noqa: E402
    DEFAULT_RULESET,
    Entry,
    EvaluationInput,
    Injection,
    PriorAlert,
    Profile,
    Temperature,
    Vital,
    evaluate,
)

GRADED = [
    "chills",
    "myalgia",
    "headache",
    "fatigue",
    "unwell",
    "cough",
    "sore_throat",
    "runny_nose",
    "dysuria",
    "nausea",
    "vision_change",
    "ms_worse",
]


def make_inputs(n: int, seed: int = 7) -> list[EvaluationInput]:
    """n realistic inputs: two entries a day for 14 days, an injection, some prior alerts."""
    rnd = random.Random(seed)
    tz = ZoneInfo("Europe/London")
    inputs = []
    for i in range(n):
        now = datetime(2026, 3, 20, 8, tzinfo=tz) + timedelta(minutes=rnd.randint(0, 600))
        history = []
        for k in range(28, 0, -1):
            at = now - timedelta(hours=12 * k)
            history.append(_entry(rnd, f"{i}-{k}", at))
        entry = _entry(rnd, f"{i}-now", now)
        er = frozenset({"low_ig"}) if rnd.random() < 0.2 else frozenset()
        prior = tuple(
            PriorAlert(
                "T-FEV-1", "CONTACT", now - timedelta(days=d), f"{i}-{d}", f"T-FEV-1:{d}", True, {}
            )
            for d in (3, 9)
            if rnd.random() < 0.3
        )
        inputs.append(
            EvaluationInput(
                profile=Profile("Europe/London", er, rnd.random() < 0.1, now - timedelta(days=60)),
                injections=(Injection(now - timedelta(days=rnd.randint(1, 27)), 5),),
                entry=entry,
                history=tuple(history),
                prior_alerts=prior,
                rules=DEFAULT_RULESET,
            )
        )
    return inputs


def _entry(rnd: random.Random, key: str, at: datetime) -> Entry:
    value = Decimal(str(round(rnd.gauss(37.0, 0.5), 1)))
    symptoms = {c: rnd.randint(1, 3) for c in rnd.sample(GRADED, rnd.randint(0, 3))}
    vitals = {"heart_rate": Vital(rnd.randint(60, 110))} if rnd.random() < 0.2 else {}
    return Entry(key, at, (Temperature(value, "C", at),), symptoms, frozenset(), vitals)


def measure(inputs: list[EvaluationInput], seconds: float) -> float:
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for inp in inputs:
            evaluate(inp)
        done += len(inputs)
    return done / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    inputs = make_inputs(500)
    if args.profile:  # the sampling profiler of the request profiles (dev requirements)
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        with profiler:
            measure(inputs, args.seconds)
        print(profiler.output_text(unicode=False, color=False, short_mode=True))
        return
    rate = measure(inputs, args.seconds)
    print(
        json.dumps(
            {"evaluator_entries_per_s": round(rate), "inputs": len(inputs), "history_entries": 28}
        )
    )


if __name__ == "__main__":
    main()
