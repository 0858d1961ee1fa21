"""Seed the short education pages the patient's prompt links to (admin-editable afterwards)."""

from __future__ import annotations

from django.db import migrations

PAGES = [
    (
        "fever-and-infection",
        "Fever and infections on Kesimpta",
        "Why your team wants to hear about a fever, and what to do.",
        ["T-LOW-1", "T-LOW-2D", "T-FEV-1", "T-FEV-ER-1", "T-FEV-ER-2", "T-FEV-3D", "INF-FLU",
         "T-HYPO-0", "T-HYPO-1", "T-HYPO-2", "RISK-ESC", "INJ-DUE-INF", "VIT-HR-M", "VIT-RR-M",
         "VIT-SBP-M", "VIT-SPO2-M"],
        "Kesimpta works by lowering some of the white blood cells (B cells) that drive MS. "
        "These cells also help fight infection, so infections can be more likely and "
        "sometimes more serious.\n\n"
        "A temperature of 38.0 °C (100.4 °F) or more is a fever. Tell your MS team the same "
        "day. If you also feel very unwell, confused, or struggle to breathe, call the "
        "emergency number.\n\n"
        "Measure before you take paracetamol or ibuprofen: they lower the reading and can "
        "hide a fever. If you did take one in the last 6 hours, say so in your diary.\n\n"
        "Rest, drink fluids, and measure again after an hour, or when the diary asks you to.",
    ),
    (
        "measuring-temperature",
        "How to measure your temperature",
        "Getting a reading you can trust.",
        ["T-LOW-1", "T-HYPO-0", "T-HYPO-1", "T-HYPO-2"],
        "Use a digital thermometer. Wait 30 minutes after a hot or cold drink, a bath or "
        "exercise.\n\n"
        "Under the tongue: close your mouth and wait for the beep. In the armpit: keep the "
        "arm pressed to your side. In the ear: use an ear thermometer and a new cover.\n\n"
        "If a reading seems too low or too high, measure again. Tick \u201cthis is a "
        "re-measure\u201d when you record the second reading.",
    ),
    (
        "sepsis-signs",
        "Signs of sepsis: call the emergency number",
        "Sepsis is an emergency. These signs mean call now.",
        ["SEP-RF", "RESP-SEV", "VIT-NEWS2", "VIT-HR-H", "VIT-RR-H", "VIT-SBP-H", "VIT-SPO2-H"],
        "Sepsis is the body's extreme reaction to an infection. It needs treatment in "
        "hospital straight away.\n\n"
        "Call the emergency number if you have any of: slurred speech or new confusion; "
        "extreme shivering or muscle pain; no urine for 18 hours or more; severe "
        "breathlessness; feeling you might die; skin, lips or tongue that are blue, pale or "
        "blotchy; a rash that does not fade when you press a glass on it.\n\n"
        "Say that you take Kesimpta, a medicine that affects the immune system.",
    ),
    (
        "injection-reactions",
        "Reactions after an injection",
        "What is common in the first day, and when to call.",
        ["INJ-IRR-24", "INJ-PERSIST-48", "INJ-FEV", "INJ-SITE", "INJ-SITE-INF", "INJ-ANAPH",
         "INJ-MISSED"],
        "In the first 24 hours after an injection, especially the first one, some people get "
        "a headache, aches, chills, tiredness or a slightly raised temperature. These "
        "usually settle within a day.\n\n"
        "Redness, itching or swelling where you injected is common and mild.\n\n"
        "Contact your team if your temperature reaches 38.0 °C, if symptoms last more than "
        "two days, or if redness spreads, feels hot or has pus.\n\n"
        "Swelling of the face, lips or throat, wheezing, widespread hives or fainting can be "
        "an allergic reaction: call the emergency number.\n\n"
        "If you miss a dose, inject as soon as you can and tell your team; they will confirm "
        "the dates of the next doses.",
    ),
    (
        "chest-and-colds",
        "Colds, coughs and chest infections",
        "Self-care for a cold, and the signs of a chest infection.",
        ["RESP-URTI", "RESP-COUGH-3D", "RESP-LRTI"],
        "Colds are common on Kesimpta. Rest, drink fluids and use the remedies you usually "
        "would.\n\n"
        "Contact your team if a cough lasts three days, if you cough up green, yellow, rusty "
        "or bloody phlegm, if breathing hurts or you are more breathless than usual, or if "
        "you have a fever.",
    ),
    (
        "urine-infections",
        "Urine infections",
        "Burning, needing to go often, cloudy urine.",
        ["GU-UTI", "GU-UPPER"],
        "Pain or burning when you pee, needing to go more often or urgently, or cloudy or "
        "bloody urine can mean a urine infection. Contact your team or GP the same day: a "
        "urine test may be needed.\n\n"
        "Pain in your side or lower back, shivering, being sick or a fever with these "
        "symptoms can mean the infection has reached the kidneys. Speak to someone "
        "urgently today.",
    ),
    (
        "cold-sores-and-shingles",
        "Cold sores and shingles",
        "Why a one-sided rash needs a call the same day.",
        ["HSV-ORAL", "HZ-PRODROME", "HZ-RASH", "HZ-EYE"],
        "Cold sores can happen on Kesimpta. Keep the area clean and tell your team if one "
        "spreads or does not heal.\n\n"
        "Shingles often starts with burning or tingling on one side of the body, then a band "
        "of blisters. Treatment works best when started within 3 days of the rash, so "
        "contact your team or GP the same day. A rash near the eye needs urgent assessment.",
    ),
    (
        "nerve-symptoms",
        "New or changing nerve symptoms",
        "Why your team checks every new nerve symptom.",
        ["NEURO-NEW", "NEURO-PROG", "NEURO-FEVER", "NEURO-ACUTE"],
        "Tell your MS team about any new or worsening weakness, clumsiness, change in "
        "vision, thinking, personality or speech, even if you think it is a relapse. On "
        "medicines that affect the immune system, rare brain infections can look like MS.\n\n"
        "An infection or fever can make usual MS symptoms worse for a while; the infection "
        "still needs treating.\n\n"
        "Sudden face drooping, arm weakness, speech difficulty, a seizure, or being very hard "
        "to wake: call the emergency number.",
    ),
    (
        "liver-and-vaccines",
        "Liver warning signs and vaccines",
        "Yellow skin, dark urine, and live vaccines.",
        ["HBV-LIVER", "HBV-SEV", "VAC-LIVE"],
        "Yellow skin or eyes, dark urine, feeling sick or losing your appetite with growing "
        "tiredness can be signs of a liver problem. Tell your team the same day.\n\n"
        "Live vaccines (for example yellow fever, MMR or chickenpox) are not recommended on "
        "Kesimpta. Talk to your MS team before any vaccination.",
    ),
]


def seed(apps, schema_editor):
    EducationPage = apps.get_model("alerts", "EducationPage")
    AlertRule = apps.get_model("alerts", "AlertRule")
    for order, (slug, title, summary, rule_ids, body) in enumerate(PAGES):
        page, _ = EducationPage.objects.get_or_create(
            slug=slug, defaults={"title": title, "summary": summary, "body": body, "order": order}
        )
        page.rules.set(AlertRule.objects.filter(rule_id__in=rule_ids))


def unseed(apps, schema_editor):
    apps.get_model("alerts", "EducationPage").objects.filter(
        slug__in=[p[0] for p in PAGES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("alerts", "0005_education_pages")]
    operations = [migrations.RunPython(seed, unseed)]
