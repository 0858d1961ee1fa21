"""The laboratory tests the diary records (docs/clinical-rules.md §6): their one definition.

Plain values, no Django: the pure engine (alerts/rules/labs.py), the model, the forms and
the importers all read these. Each test is named by its LOINC code; a result keeps the unit
the laboratory reported and is compared in the test's unit after an exact decimal
conversion.

LOINC codes checked against the LOINC table (version 2.77):
- 2465-3 IgG [Mass/volume] in Serum or Plasma
- 2472-9 IgM [Mass/volume] in Serum or Plasma
- 2458-8 IgA [Mass/volume] in Serum or Plasma
- 5196-1 Hepatitis B virus surface Ag [Presence] in Serum or Plasma by Immunoassay
- 16933-4 Hepatitis B virus core Ab [Presence] in Serum (total antibody)
- 751-8 Neutrophils [#/volume] in Blood by Automated count
- 731-0 Lymphocytes [#/volume] in Blood by Automated count
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

QUANTITY = "quantity"
PRESENCE = "presence"

GRAMS_PER_LITRE = "g/L"
PER_NANOLITRE = "10^9/L"

# Units a laboratory may write, to the factor that turns a value into the test's unit.
# mg/dL -> g/L divides by 100 (§6); 10^9/L = 10*9/L (UCUM) = 10^3/µL = /nL.
_IG_UNITS = {"g/L": Decimal(1), "mg/dL": Decimal("0.01")}
_COUNT_UNITS = {"10^9/L": Decimal(1)}
# Other spellings of the same units (UCUM and what lab systems print), to the names above.
UNIT_SPELLINGS = MappingProxyType(
    {
        "g/l": "g/L",
        "mg/dl": "mg/dL",
        "10^9/l": "10^9/L",
        "10*9/l": "10^9/L",
        "x10^9/l": "10^9/L",
        "×10^9/l": "10^9/L",
        "10⁹/l": "10^9/L",
        "x10⁹/l": "10^9/L",
        "×10⁹/l": "10^9/L",
        "10e9/l": "10^9/L",
        "giga/l": "10^9/L",
        "/nl": "10^9/L",
        "10*3/ul": "10^9/L",
        "10^3/ul": "10^9/L",
        "x10^3/ul": "10^9/L",
        "10*3/µl": "10^9/L",
        "10^3/µl": "10^9/L",
        "k/ul": "10^9/L",
        "k/µl": "10^9/L",
    }
)


class UnitError(ValueError):
    """A unit the test is not measured in (or that cannot be converted exactly)."""


@dataclass(frozen=True)
class LabTest:
    name: str  # the scenario files' and the engine's name
    loinc: str
    kind: str  # QUANTITY or PRESENCE
    unit: str = ""  # the unit results are compared in ("" for a presence test)
    units: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    # Bounds a typed value must be inside (in `unit`): a guard against a slip of the
    # keyboard, far wider than any real result.
    low: Decimal = Decimal(0)
    high: Decimal = Decimal(0)

    @property
    def quantitative(self) -> bool:
        return self.kind == QUANTITY

    def unit_named(self, spelled: str) -> str:
        """The unit `spelled` as this test writes it; UnitError when it is not one of its."""
        text = (spelled or "").strip()
        name = UNIT_SPELLINGS.get(text.lower().replace(" ", ""), text)
        if name not in self.units:
            accepted = ", ".join(self.units)
            raise UnitError(f"{self.name} is measured in {accepted}, not {text or 'no unit'}")
        return name

    def converted(self, value: Decimal, unit: str) -> Decimal:
        """`value` in `unit` as a value in the test's unit (exact decimal arithmetic)."""
        return value * self.units[self.unit_named(unit)]


IGG = LabTest(
    "IgG", "2465-3", QUANTITY, GRAMS_PER_LITRE, MappingProxyType(_IG_UNITS), high=Decimal(100)
)
IGM = LabTest(
    "IgM", "2472-9", QUANTITY, GRAMS_PER_LITRE, MappingProxyType(_IG_UNITS), high=Decimal(50)
)
IGA = LabTest(
    "IgA", "2458-8", QUANTITY, GRAMS_PER_LITRE, MappingProxyType(_IG_UNITS), high=Decimal(50)
)
HBSAG = LabTest("HBsAg", "5196-1", PRESENCE)
ANTI_HBC = LabTest("anti-HBc", "16933-4", PRESENCE)
NEUTROPHILS = LabTest(
    "neutrophils",
    "751-8",
    QUANTITY,
    PER_NANOLITRE,
    MappingProxyType(_COUNT_UNITS),
    high=Decimal(200),
)
LYMPHOCYTES = LabTest(
    "lymphocytes",
    "731-0",
    QUANTITY,
    PER_NANOLITRE,
    MappingProxyType(_COUNT_UNITS),
    high=Decimal(200),
)

TESTS = (IGG, IGM, IGA, HBSAG, ANTI_HBC, NEUTROPHILS, LYMPHOCYTES)
BY_NAME = MappingProxyType({t.name: t for t in TESTS})
BY_LOINC = MappingProxyType({t.loinc: t for t in TESTS})

IMMUNOGLOBULINS = ("IgG", "IgM")  # the two LAB-IG-* read (IgA is recorded and drawn only)
COUNTS = ("neutrophils", "lymphocytes")
HBV_MARKERS = ("HBsAg", "anti-HBc")
# The risk flag each test can set (§6; the names of clinical-rules.md A.0 and scenario files).
FLAG_OF = MappingProxyType(
    {
        "IgG": "low_ig",
        "IgM": "low_ig",
        "neutrophils": "cytopenia",
        "lymphocytes": "cytopenia",
        "HBsAg": "hbv_risk",
        "anti-HBc": "hbv_risk",
    }
)
LAB_FLAGS = ("low_ig", "cytopenia", "hbv_risk")
# What a presence result is written as (scenario files, CSV, the form).
POSITIVE, NEGATIVE = "positive", "negative"

# FHIR (team/fhir.py exports, the FHIR import reads): the UCUM code of each unit as this
# module names it, and the SNOMED CT codes of a presence result.
UCUM_CODE = MappingProxyType({"g/L": "g/L", "mg/dL": "mg/dL", "10^9/L": "10*9/L"})
SNOMED = "http://snomed.info/sct"
SNOMED_RESULT = MappingProxyType({POSITIVE: "10828004", NEGATIVE: "260385009"})
SNOMED_DISPLAY = MappingProxyType({POSITIVE: "Positive", NEGATIVE: "Negative"})
