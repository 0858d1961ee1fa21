"""Time zones as people pick them: by country, then city ("United Kingdom — London").

The stored value stays an IANA name (Patient.timezone). The list comes from the tz
database's own tables, `zone.tab` (each country's zones, with their main city) and
`iso3166.tab` (country names), read from the first directory of zoneinfo.TZPATH that has
them, or from the `tzdata` package. Only zones that belong to a country are offered: no
"Etc/GMT+5" (whose sign is the reverse of what it says), "Factory", or legacy aliases
("US/Eastern", "GB"). A value saved before keeps working: the form offers it as it is.
"""

from __future__ import annotations

import logging
import zoneinfo
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

logger = logging.getLogger(__name__)

# Where a new team, patient, demo or scenario is when nobody has said (the models' default).
DEFAULT_ZONE = "Europe/London"

# Offered first in every time-zone list (patients' settings, enrolment, a team's set-up).
COMMON_ZONES = [
    "Europe/London",
    "Europe/Dublin",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Madrid",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "Australia/Sydney",
]

# Names people use, where the tz table's short name is not one ("Britain (UK)").
COUNTRY_NAMES = {
    "GB": "United Kingdom",
    "KR": "South Korea",
    "KP": "North Korea",
    "CD": "Congo (Democratic Republic)",
    "CG": "Congo (Republic)",
    "US": "United States",
}


@dataclass(frozen=True, slots=True)
class Zone:
    name: str  # the IANA name, e.g. "America/Argentina/Buenos_Aires"
    country: str  # e.g. "Argentina"
    city: str  # e.g. "Buenos Aires"
    note: str = ""  # the table's comment where a country has several zones

    def label(self) -> str:
        """ "United Kingdom — London"; "United States — Denver: Mountain (most areas)"."""
        # The tz table's English name; translated where the catalogue has it (the teams'
        # countries), else left as the table spells it.
        country = _(self.country)
        if self.note.startswith(self.city):  # "Buenos Aires (BA, CF)": the note says it all
            return f"{country} — {self.note}"
        where = f"{country} — {self.city}"
        return f"{where}: {self.note}" if self.note else where


def _table(name: str) -> str | None:
    for folder in zoneinfo.TZPATH:
        path = Path(folder) / name
        if path.is_file():
            return path.read_text(encoding="utf-8")
    try:
        return (files("tzdata") / "zoneinfo" / name).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return None


def _rows(text: str) -> list[list[str]]:
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


@cache
def country_zones() -> tuple[Zone, ...]:
    """Every zone of every country, sorted by country name then city."""
    zones_text, countries_text = _table("zone.tab"), _table("iso3166.tab")
    known = zoneinfo.available_timezones()
    if zones_text is None or countries_text is None:
        logger.warning("zone.tab or iso3166.tab not found: offering zones by region only")
        return _by_region(known)
    countries = {row[0]: row[1] for row in _rows(countries_text) if len(row) >= 2}
    countries.update(COUNTRY_NAMES)
    zones = []
    for row in _rows(zones_text):
        if len(row) < 3 or row[2] not in known:
            continue
        code, name = row[0], row[2]
        note = row[3] if len(row) > 3 else ""
        city = name.rsplit("/", 1)[-1].replace("_", " ")
        zones.append(Zone(name, countries.get(code, code), city, note))
    return tuple(sorted(zones, key=lambda z: (z.country, z.city)))


def _by_region(known: set[str]) -> tuple[Zone, ...]:
    """Without the tables: "Europe — London" for each Area/City name (no Etc, no aliases)."""
    areas = {"Africa", "America", "Antarctica", "Asia", "Atlantic", "Australia", "Europe"}
    areas |= {"Indian", "Pacific", "Arctic"}
    zones = [
        Zone(name, name.split("/")[0], name.rsplit("/", 1)[-1].replace("_", " "))
        for name in known
        if name.split("/")[0] in areas and "/" in name
    ]
    return tuple(sorted(zones, key=lambda z: (z.country, z.city)))


@cache
def offered() -> dict[str, Zone]:
    return {zone.name: zone for zone in country_zones()}


def zone_label(name: str) -> str:
    """How a stored zone is shown to the patient ("United Kingdom — London")."""
    zone = offered().get(name)
    return zone.label() if zone is not None else name.replace("_", " ")


def zone_choices(*, common: list[str] = COMMON_ZONES, current: str | None = None) -> list:
    """A select's grouped choices: the current value if it is not offered any more, the
    common zones, then one group per country."""
    zones = offered()
    groups: list = []
    if current and current not in zones:
        groups.append((_("Your current setting"), [(current, current.replace("_", " "))]))
    firsts = [(name, zones[name].label()) for name in common if name in zones]
    if firsts:
        groups.append((_("Common"), firsts))
    by_country: dict[str, list] = {}
    for zone in zones.values():
        by_country.setdefault(_(zone.country), []).append((zone.name, zone.label()))
    groups.extend(by_country.items())
    return groups


class ZoneChoiceField(forms.ChoiceField):
    """Every form's time-zone field: the one list above, `current` kept when it is a value
    saved before that is no longer offered, the default zone preselected."""

    def __init__(self, *, current: str | None = None, **kwargs) -> None:
        kwargs.setdefault("label", gettext_lazy("Time zone"))
        kwargs.setdefault("initial", current or DEFAULT_ZONE)
        super().__init__(**kwargs)
        self.choices = zone_choices(current=current)
