"""How a patient may type a very high or low reading, and the one key "Yes, … is right"
answers for: shared by the form's test and the offline script's browser journey, so that
the server and the phone are held to the same table."""

CONFIRM_KEYS = [
    ("34,0", "C", "34.0C"),
    ("34", "C", "34.0C"),
    ("034.0", "C", "34.0C"),
    (" 34.0 ", "C", "34.0C"),
    ("34.", "C", "34.0C"),
    ("41.50", "C", "41.5C"),
    ("+34.0", "C", "34.0C"),
    ("105.9", "F", "105.9F"),
]
