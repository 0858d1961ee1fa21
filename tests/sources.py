"""The product's own source files, for tests that check a fact is written in one place."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The product: the apps, the floor and the roof, and the templates. Not the tests, the
# developer's tools (scripts, bench) or migrations (frozen literal data).
PRODUCT = ("diary_site", "team", "alerts", "symptoms", "patients", "diary_core", "templates")


def product_files(*suffixes: str) -> Iterator[Path]:
    for folder in PRODUCT:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in suffixes and "migrations" not in path.parts:
                yield path


def places(pattern: str, *suffixes: str) -> list[str]:
    """Each "path:line" of the product whose text matches `pattern` (a regular expression)."""
    found = []
    regex = re.compile(pattern)
    for path in product_files(*suffixes):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if regex.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}")
    return found
