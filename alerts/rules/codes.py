"""The symptom and red-flag groups of docs/clinical-rules.md §1, as the rules read them."""

from __future__ import annotations

# A table of codes: one group per name, wrapped as the specification lists them.
# Infection symptoms ("an infection symptom").
INFECTION = frozenset(
    {
        "chills", "myalgia", "runny_nose", "sore_throat", "sneezing", "cough",
        "phlegm_coloured", "chest_pain_breathing", "breathless", "dysuria",
        "urinary_frequency", "urine_cloudy_bloody", "cold_sore", "one_sided_rash",
        "rash_near_eye", "site_spreading",
    }
)  # fmt: skip
# Localising infection symptoms: an injection reaction does not explain these.
LOCALISING = frozenset(
    {
        "phlegm_coloured", "dysuria", "urinary_frequency", "urine_cloudy_bloody",
        "one_sided_rash", "rash_near_eye", "site_spreading",
    }
)  # fmt: skip
# Injection-reaction symptoms (headache, aches, chills, tiredness).
REACTION = frozenset({"chills", "myalgia", "headache", "fatigue"})
NEURO = frozenset(
    {
        "weakness_one_side", "clumsiness", "vision_change", "confusion_memory",
        "personality_change", "speech_difficulty",
    }
)  # fmt: skip
UPPER_RESPIRATORY = ("runny_nose", "sore_throat", "sneezing", "cough")
URINARY = ("dysuria", "urinary_frequency", "urine_cloudy_bloody")
# Present/absent symptoms (grade 1 = present): not graded, so not "severe" or "worse".
PRESENT_OR_ABSENT = frozenset(
    {
        "phlegm_coloured", "urine_cloudy_bloody", "cold_sore", "one_sided_rash",
        "rash_near_eye", "site_spreading", "jaundice", "dark_urine",
    }
)  # fmt: skip

# Red flags, by the rule they raise.
SEPSIS_FLAGS = frozenset(
    {
        "slurred_speech_confusion", "extreme_shivering", "no_urine", "severe_breathless",
        "might_die", "mottled_skin", "non_blanching_rash",
    }
)  # fmt: skip
RESP_SEVERE_FLAGS = frozenset({"severe_breathless", "mottled_skin", "slurred_speech_confusion"})
ANAPHYLAXIS_FLAGS = frozenset({"face_swelling", "wheeze", "widespread_hives", "fainting"})
NEURO_ACUTE_FLAGS = frozenset({"sudden_face_arm_speech", "seizure", "hard_to_wake"})
HBV_SEVERE_FLAGS = frozenset(
    {"hard_to_wake", "vomiting_blood", "abdomen_swelling", "slurred_speech_confusion"}
)
# NEWS2 "new confusion" (C of ACVPU) from the red-flag checklist.
NEWS2_CONFUSION_FLAGS = frozenset({"slurred_speech_confusion", "hard_to_wake"})
