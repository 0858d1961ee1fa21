"""Load the symptom catalogue of docs/clinical-rules.md §1 (codes are stable ids)."""

from django.db import migrations

# (code, label, kind, groups, display_group, help_text)
CATALOGUE = [
    ("chills", "Chills or shivering", "graded", "INF,IRR", "general", ""),
    ("myalgia", "Body or muscle aches", "graded", "INF,IRR", "general", ""),
    ("headache", "Headache", "graded", "IRR", "general", ""),
    ("fatigue", "Tiredness", "graded", "IRR", "general", "More tired than is usual for you."),
    ("unwell", "Feeling generally unwell", "graded", "", "general", ""),
    ("nausea", "Feeling sick", "graded", "", "general", ""),
    ("appetite_loss", "Loss of appetite", "graded", "", "general", ""),
    ("vomiting", "Being sick", "graded", "", "general", ""),
    ("runny_nose", "Runny or blocked nose", "graded", "INF", "chest", ""),
    ("sore_throat", "Sore throat", "graded", "INF", "chest", ""),
    ("sneezing", "Sneezing", "graded", "INF", "chest", ""),
    ("cough", "Cough", "graded", "INF", "chest", ""),
    ("phlegm_coloured", "Green, yellow, rusty or bloody phlegm", "flag", "INF,LOC", "chest", ""),
    ("chest_pain_breathing", "Chest pain when breathing", "graded", "INF", "chest", ""),
    ("breathless", "More breathless than usual", "graded", "INF", "chest", ""),
    ("dysuria", "Pain or burning when peeing", "graded", "INF,LOC", "urinary", ""),
    (
        "urinary_frequency",
        "Needing to pee more often or urgently",
        "graded",
        "INF,LOC",
        "urinary",
        "",
    ),
    ("urine_cloudy_bloody", "Cloudy or bloody urine", "flag", "INF,LOC", "urinary", ""),
    ("flank_pain", "Pain in the side or lower back", "graded", "", "urinary", ""),
    ("cold_sore", "Cold sore", "flag", "INF", "skin", ""),
    (
        "one_sided_pain",
        "Burning, tingling or pain in one area on one side",
        "graded",
        "",
        "skin",
        "Before any rash appears.",
    ),
    (
        "one_sided_rash",
        "Rash or blisters in a band or cluster on one side",
        "flag",
        "INF,LOC",
        "skin",
        "",
    ),
    (
        "rash_near_eye",
        "Rash near the eye, or eye pain, redness or vision change with a rash",
        "flag",
        "INF,LOC",
        "skin",
        "",
    ),
    (
        "site_reaction",
        "Redness, pain, itch or swelling where you injected",
        "graded",
        "",
        "injection_site",
        "",
    ),
    (
        "site_spreading",
        "Spreading redness, warmth or pus where you injected",
        "flag",
        "INF,LOC",
        "injection_site",
        "",
    ),
    ("jaundice", "Yellow skin or whites of the eyes", "flag", "", "liver", ""),
    ("dark_urine", "Dark urine", "flag", "", "liver", ""),
    ("weakness_one_side", "New or worse weakness on one side", "graded", "NEURO", "nerves", ""),
    (
        "clumsiness",
        "New or worse clumsiness or loss of coordination",
        "graded",
        "NEURO",
        "nerves",
        "",
    ),
    ("vision_change", "New or worse change in vision", "graded", "NEURO", "nerves", ""),
    (
        "confusion_memory",
        "New or worse confusion, memory or thinking problems",
        "graded",
        "NEURO",
        "nerves",
        "",
    ),
    (
        "personality_change",
        "Personality change, or others say you are not yourself",
        "graded",
        "NEURO",
        "nerves",
        "",
    ),
    (
        "speech_difficulty",
        "New or worse difficulty speaking or finding words",
        "graded",
        "NEURO",
        "nerves",
        "",
    ),
    ("ms_worse", "Usual MS symptoms worse than normal", "graded", "", "nerves", ""),
]

RED_FLAGS = [
    ("slurred_speech_confusion", "Slurred speech or new confusion"),
    ("extreme_shivering", "Extreme shivering or severe muscle pain"),
    ("no_urine", "No urine for 18 hours or more"),
    (
        "severe_breathless",
        "Severe breathlessness, struggling to breathe, or can't finish a sentence",
    ),
    ("might_die", "Feeling you might die"),
    ("mottled_skin", "Mottled, ashen, blue or very pale skin, lips or tongue"),
    ("non_blanching_rash", "A rash that does not fade when you press a glass on it"),
    ("face_swelling", "Swelling of the face, lips, tongue or throat"),
    ("wheeze", "Wheezing or difficulty breathing after an injection"),
    ("widespread_hives", "Widespread itchy rash (hives)"),
    ("fainting", "Fainting"),
    ("sudden_face_arm_speech", "Sudden face drooping, arm weakness or speech difficulty"),
    ("seizure", "A seizure (fit)"),
    ("hard_to_wake", "Very drowsy or hard to wake"),
    ("vomiting_blood", "Vomiting blood"),
    ("abdomen_swelling", "Swelling tummy"),
]


def load(apps, schema_editor):
    Symptom = apps.get_model("symptoms", "Symptom")
    order = 0
    for code, label, kind, groups, display_group, help_text in CATALOGUE:
        order += 10
        Symptom.objects.update_or_create(
            code=code,
            defaults={
                "label": label,
                "kind": kind,
                "groups": groups,
                "display_group": display_group,
                "help_text": help_text,
                "order": order,
            },
        )
    for code, label in RED_FLAGS:
        order += 10
        Symptom.objects.update_or_create(
            code=code,
            defaults={
                "label": label,
                "kind": "flag",
                "groups": "",
                "display_group": "red_flags",
                "is_red_flag": True,
                "order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("symptoms", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
