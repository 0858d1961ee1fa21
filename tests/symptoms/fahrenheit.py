"""°F readings and their °C values, hand-derived with C = (F - 32) × 5/9 in decimals,
rounded half-up to 0.1 (clinical-rules.md A.0): read by the conversion and the storage tests."""

FAHRENHEIT_TO_CELSIUS = [
    ("95.0", "35.0"),
    ("96.7", "35.9"),
    ("96.8", "36.0"),
    ("99.4", "37.4"),
    ("99.5", "37.5"),
    ("100.2", "37.9"),
    ("100.3", "37.9"),
    ("100.4", "38.0"),
    ("100.8", "38.2"),
    ("100.9", "38.3"),
    ("101.0", "38.3"),
    ("102.3", "39.1"),
]
