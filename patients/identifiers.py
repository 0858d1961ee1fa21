"""How a clinic names its patients in other systems: the national health number of each
country and the URI a FHIR export files it under (team/fhir.py), and its check where the
number has one. The one home of these facts."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NationalNumber:
    """A country's national health number: what the team calls it and its FHIR system."""

    label: str
    system: str


# Only the systems published by each country's FHIR community (HL7 UK/NHS England, HL7
# Deutschland, Nictiz, ANS, HL7 Italia); a clinic elsewhere types its own on the team.
NATIONAL_NUMBERS = {
    "GB": NationalNumber(_("NHS number"), "https://fhir.nhs.uk/Id/nhs-number"),
    "DE": NationalNumber(_("Health insurance number (KVNR)"), "http://fhir.de/sid/gkv/kvid-10"),
    "NL": NationalNumber(_("Citizen service number (BSN)"), "http://fhir.nl/fhir/NamingSystem/bsn"),
    "FR": NationalNumber(_("National health identifier (INS)"), "urn:oid:1.2.250.1.213.1.4.8"),
    "IT": NationalNumber(_("Tax code (codice fiscale)"), "http://hl7.it/sid/codiceFiscale"),
}
NATIONAL_NUMBER_LABEL = _("National health number")


def national_label(country: str) -> str:
    known = NATIONAL_NUMBERS.get(country)
    return str(known.label if known else NATIONAL_NUMBER_LABEL)


def national_system(country: str) -> str:
    known = NATIONAL_NUMBERS.get(country)
    return known.system if known else ""


def compact(value: str) -> str:
    return "".join(value.split()).replace("-", "").upper()


def validate_national_number(value: str, country: str) -> str:
    """The number without spaces or dashes, or ValidationError with what is wrong.
    An NHS number has ten digits, the last a modulus-11 check digit (NHS Data Dictionary)."""
    number = compact(value)
    # ASCII only: "²" and Arabic-Indic digits pass str.isdigit() but are no one's number.
    if not (number.isascii() and number.isalnum()) or len(number) > 20:
        raise ValidationError(_("Enter letters and digits only, at most 20."))
    if country == "GB":
        if not (number.isdigit() and len(number) == 10):
            raise ValidationError(_("An NHS number has 10 digits, for example 943 476 5919."))
        total = sum(
            int(digit) * weight for digit, weight in zip(number[:9], range(10, 1, -1), strict=True)
        )
        check = 11 - total % 11
        if check == 11:
            check = 0
        if check == 10 or check != int(number[9]) or set(number) == {"0"}:
            raise ValidationError(
                _("This is not a valid NHS number: please check the digits again.")
            )
    return number


URI_SCHEMES = ("https://", "http://", "urn:oid:", "urn:uuid:", "urn:")


def validate_uri(value: str) -> None:
    """A FHIR identifier system: an http(s) URL or a URN (urn:oid:1.2.3, urn:uuid:…)."""
    if (
        any(ch.isspace() for ch in value)
        or not value.startswith(URI_SCHEMES)
        or (value.startswith("urn:oid:") and not all(p.isdigit() for p in value[8:].split(".")))
    ):
        raise ValidationError(
            _("Enter a URI such as https://fhir.example-hospital.org/Id/mrn or urn:oid:1.2.3.")
        )
