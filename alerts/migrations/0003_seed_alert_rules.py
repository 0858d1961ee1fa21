"""Seed one AlertRule row per rule of docs/clinical-rules.md §3.

The values are data frozen here, as the specification gave them in 2026: this migration
must not import live code, whose rules change after it has run.
"""

from django.db import migrations
from django.utils import timezone

RULES = [
    {
        "rule_id": "T-LOW-1",
        "family": "temperature",
        "title": "Slightly raised temperature",
        "level": "WATCH",
        "params": {"low_c": "37.5", "high_c": "38.0"},
        "patient_message": "Your temperature is slightly raised. Rest, drink fluids and measure "
        "again in 1 hour. If it reaches 38.0 °C (100.4 °F) or you feel unwell, "
        "contact your team.",
        "clinician_summary": "Reading 37.5–37.9 °C.",
        "rationale": "A: UK acute-oncology 37.5 °C advice [F6][F7][F9].",
        "remeasure_minutes": 60,
    },
    {
        "rule_id": "T-LOW-2D",
        "family": "temperature",
        "title": "Raised temperature two days running",
        "level": "CONTACT",
        "params": {"threshold_c": "37.5", "days": 2, "exclude_after_injection_hours": 24},
        "patient_message": "Your temperature has been raised two days running. This may mean an "
        "infection. Contact your MS team today.",
        "clinician_summary": "Daily maximum ≥37.5 °C on consecutive days (readings within 24 h of an "
        "injection not counted).",
        "rationale": "D, grounded in [F6][F10].",
        "remeasure_minutes": None,
    },
    {
        "rule_id": "T-FEV-1",
        "family": "temperature",
        "title": "Fever",
        "level": "CONTACT",
        "params": {"threshold_c": "38.0"},
        "patient_message": "You have a fever. Kesimpta affects your immune system, so contact your "
        "MS team today. Measure again in 1 hour.",
        "clinician_summary": "Reading ≥38.0 °C.",
        "rationale": "S/A: Kesimpta 'tell your HCP right away' [K7]; 38.0 °C [F1][F10].",
        "remeasure_minutes": 60,
    },
    {
        "rule_id": "T-FEV-ER-1",
        "family": "temperature",
        "title": "High fever with other risk factors",
        "level": "URGENT",
        "params": {"threshold_c": "38.3"},
        "patient_message": "A fever this high, with your other risk factors, needs checking quickly. "
        "Call your team's urgent line now. If you cannot reach them, go to the "
        "Emergency Department.",
        "clinician_summary": "Elevated-risk patient, single reading ≥38.3 °C.",
        "rationale": "A: IDSA neutropenic fever [F2][F3].",
        "remeasure_minutes": None,
    },
    {
        "rule_id": "T-FEV-ER-2",
        "family": "temperature",
        "title": "Fever that lasts, with other risk factors",
        "level": "URGENT",
        "params": {"threshold_c": "38.0", "min_gap_minutes": 60, "window_hours": 24},
        "patient_message": "Your fever has lasted, and you have other risk factors. Call your team's "
        "urgent line now. If you cannot reach them, go to the Emergency "
        "Department.",
        "clinician_summary": "Elevated-risk patient, ≥2 readings ≥38.0 °C at least 60 min apart "
        "within 24 h with no lower reading in between.",
        "rationale": "A: IDSA sustained fever [F2][F3][F4].",
        "remeasure_minutes": None,
    },
    {
        "rule_id": "T-FEV-3D",
        "family": "temperature",
        "title": "Fever three days running",
        "level": "CONTACT",
        "params": {"threshold_c": "38.0", "days": 3},
        "patient_message": "Your fever is continuing. Contact your team today, even if you spoke to "
        "them before.",
        "clinician_summary": "Persistent fever: daily maximum ≥38.0 °C on consecutive days.",
        "rationale": "D, grounded in [F10][F12].",
        "remeasure_minutes": None,
    },
    {
        "rule_id": "T-HYPO-0",
        "family": "temperature",
        "title": "Low temperature reading",
        "level": "WATCH",
        "params": {"below_c": "36.0"},
        "patient_message": "Your temperature reading is low. Check how you used the thermometer and "
        "measure again. If you feel unwell, contact your team.",
        "clinician_summary": "Reading <36.0 °C without feeling unwell or infection symptoms.",
        "rationale": "D, grounded in [F10].",
        "remeasure_minutes": 60,
    },
    {
        "rule_id": "T-HYPO-1",
        "family": "temperature",
        "title": "Low temperature while unwell",
        "level": "CONTACT",
        "params": {"below_c": "36.0"},
        "patient_message": "A low temperature while you feel unwell can be a sign of infection. "
        "Measure again and contact your team today. Call the emergency number if "
        "you have any warning sign.",
        "clinician_summary": "Reading <36.0 °C with feeling unwell or an infection symptom.",
        "rationale": "A: [F6][N6][N8].",
        "remeasure_minutes": 60,
    },
    {
        "rule_id": "T-HYPO-2",
        "family": "temperature",
        "title": "Very low temperature",
        "level": "URGENT",
        "params": {"at_or_below_c": "35.0", "confirm_window_minutes": 60},
        "patient_message": "Your body temperature is very low. Get medical help now: call the "
        "emergency number.",
        "clinician_summary": "Reading ≤35.0 °C confirmed on re-measure.",
        "rationale": "A: NEWS2 [N1], [F9].",
        "remeasure_minutes": None,
    },
    {
        "rule_id": "INF-FLU",
        "family": "infection",
        "title": "Chills or aches with a raised temperature",
        "level": "CONTACT",
        "params": {"threshold_c": "37.5", "min_grade": 1},
        "patient_message": "Chills or body aches with a raised temperature can mean an infection. "
        "Contact your team today.",
        "clinician_summary": "Chills/shivering or body aches with a reading ≥37.5 °C.",
        "rationale": "S: symptoms listed in Kesimpta safety information [K7]; threshold A.",
        "remeasure_minutes": None,
    },
    {
        "rule_id": "SEP-RF",
        "family": "sepsis",
        "title": "Possible sepsis signs",
        "level": "URGENT",
        "params": {},
        "patient_message": "These can be signs of sepsis. Call the emergency number now and say that "
        "you take an MS medicine that weakens the immune system.",
        "clinician_summary": "Sepsis red flag ticked.",
        "rationale": "S: UK Sepsis Trust / NICE [N8][N7][N9].",
        "remeasure_minutes": None,
    },
    {
        "rule_id": "VIT-HR-H",
        "family": "vitals",
        "title": "Very fast heart rate",
        "level": "URGENT",
        "params": {"threshold": 131},
        "patient_message": "Your heart rate is very fast. Get help now.",
        "clinician_summary": "Heart rate ≥131/min at rest, re-checked.",
        "rationale": "S: NEWS2 / NICE high risk [N1][N7].",
        "remeasure_minutes": None,
    },
    {
        "rule_id": "VIT-HR-M",
        "family": "vitals",
        "title": "Fast heart rate with fever or infection",
        "level": "CONTACT",
        "params": {"low": 91, "high": 130, "threshold_c": "37.5"},
        "patient_message": "Your heart rate is fast and you may have an infection. Contact your team "
        "today.",
        "clinician_summary": "Heart rate 91–130/min (or ≥131 not yet re-checked) with temperature "
        "≥37.5 °C or an infection symptom.",
        "rationale": "S/A: [N6][N1].",
        "remeasure_minutes": None,
    },
    {
        "rule_id": "VIT-RR-H",
        "family": "vitals",
        "title": "Very fast breathing",
        "level": "URGENT",
        "params": {"threshold": 25},
        "patient_message": "You are breathing very fast. Get help now: call the emergency number.",
        "clinician_summary": "Respiratory rate ≥25/min.",
        "rationale": "S: [N1][N7].",
        "remeasure_minutes": None,
    },
    {
        "rule_id": "VIT-RR-M",
        "family": "vitals",
        "title": "Fast breathing with infection symptoms",
        "level": "CONTACT",
        "params": {"low": 21, "high": 24},
        "patient_message": "You are breathing faster than usual and have infection symptoms. Contact "
        "your team today.",
        "clinician_summary": "Respiratory rate 21–24/min with an infection symptom.",
        "rationale": "S/A: [N6][N1].",
        "remeasure_minutes": None,
    },
    {
        "rule_id": "VIT-SPO2-H",
        "family": "vitals",
        "title": "Low oxygen level",
        "level": "URGENT",
        "params": {"at_or_below": 92},
        "patient_message": "Your oxygen level is low. Go to A&E or call the emergency number now.",
        "clinician_summary": "SpO2 ≤92% on re-check.",
        "rationale": "S: NHS pulse-oximetry advice [N10].",
        "remeasure_minutes": None,
    },
    {
        "rule_id": "VIT-SPO2-M",
        "family": "vitals",
        "title": "Oxygen level lower than normal",
        "level": "CONTACT",
        "params": {"low": 93, "high": 94, "unconfirmed_at_or_below": 94},
        "patient_message": "Your oxygen level is lower than it should be. Check it again now. Call "
        "your team, GP or 111 today.",
        "clinician_summary": "SpO2 93–94% on re-check, or ≤94% not yet re-checked.",
        "rationale": "S: [N10].",
        "remeasure_minutes": 60,
    },
    {
        "rule_id": "VIT-SBP-H",
        "family": "vitals",
        "title": "Very low blood pressure",
        "level": "URGENT",
        "params": {"at_or_below": 90},
        "patient_message": "Your blood pressure is very low. Get help now: call the emergency "
        "number.",
        "clinician_summary": "Systolic BP ≤90 mmHg.",
        "rationale": "S: [N1][N7].",
        "remeasure_minutes": None,
    },
    {
        "rule_id": "VIT-SBP-M",
        "family": "vitals",
        "title": "Low blood pressure with infection symptoms",
        "level": "CONTACT",
        "params": {"low": 91, "high": 100},
        "patient_message": "Your blood pressure is low and you have infection symptoms. Contact your "
        "team today.",
        "clinician_summary": "Systolic BP 91–100 mmHg with an infection symptom.",
        "rationale": "S/A: [N6].",
        "remeasure_minutes": None,
    },
    {
        "rule_id": "VIT-NEWS2",
        "family": "vitals",
        "title": "High early-warning score",
        "level": "URGENT",
        "params": {"aggregate": 5, "single": 3},
        "patient_message": "Your measurements together suggest you need to be checked urgently. Call "
        "the emergency number or your team's urgent line now.",
        "clinician_summary": "NEWS2 aggregate ≥5 or any single parameter scoring 3 (all home "
        "parameters present).",
        "rationale": "A: NEWS2 [N2][N4] (hospital score applied to home readings).",
        "remeasure_minutes": None,
    },
    {
        "rule_id": "RESP-URTI",
        "family": "respiratory",
        "title": "Cold-like symptoms",
        "level": "WATCH",
        "params": {"max_grade": 2, "below_c": "37.5"},
        "patient_message": "Cold-like symptoms are common on Kesimpta. Rest, drink fluids and look "
        "after yourself. Your team asks to know about infections, so this is "
        "shared with them. Contact them if it gets worse, lasts, or you get a "
        "fever.",
        "clinician_summary": "Runny nose, sore throat, sneezing or mild cough, all ≤ moderate, "
        "temperature <37.5 °C.",
        "rationale": "S: [K4][K6][I6]; level D (team digest).",
        "remeasure_minutes": None,
    },
    {
        "rule_id": "RESP-COUGH-3D",
        "family": "respiratory",
        "title": "Cough for three days",
        "level": "CONTACT",
        "params": {"min_grade": 1, "days": 3},
        "patient_message": "A cough that lasts several days needs checking because your immune "
        "system is affected. Contact your team today.",
        "clinician_summary": "Cough on consecutive days.",
        "rationale": "D, grounded in [I6].",
        "remeasure_minutes": None,
    },
    {
        "rule_id": "RESP-LRTI",
        "family": "respiratory",
        "title": "Possible chest infection",
        "level": "CONTACT",
        "params": {"fever_c": "38.0"},
        "patient_message": "This could be a chest infection. Contact your team today.",
        "clinician_summary": "Cough with fever ≥38.0 °C, coloured phlegm, chest pain on breathing or "
        "breathlessness.",
        "rationale": "S: [I5].",
        "remeasure_minutes": None,
    },
    {
        "rule_id": "RESP-SEV",
        "family": "respiratory",
        "title": "Severe breathing problem",
        "level": "URGENT",
        "params": {},
        "patient_message": "Call the emergency number now.",
        "clinician_summary": "Struggling to breathe, blue/pale/blotchy skin or lips, or sudden "
        "confusion.",
        "rationale": "S: [I5][N8].",
        "remeasure_minutes": None,
    },
    {
        "rule_id": "GU-UTI",
        "family": "urinary",
        "title": "Possible urine infection",
        "level": "CONTACT",
        "params": {"min_grade": 1},
        "patient_message": "These can be signs of a urine infection. Contact your team or GP today; "
        "you may need a urine test.",
        "clinician_summary": "Dysuria, frequency/urgency or cloudy/bloody urine.",
        "rationale": "S: [K7][K4][I1].",
        "remeasure_minutes": None,
    },
    {
        "rule_id": "GU-UPPER",
        "family": "urinary",
        "title": "Possible kidney infection",
        "level": "CONTACT",
        "params": {"fever_c": "38.0"},
        "patient_message": "This could be a kidney infection. Speak to your team or GP urgently "
        "today. Call the emergency number if you have any sepsis sign.",
        "clinician_summary": "Urinary symptoms with fever ≥38.0 °C, flank pain, shivering or "
        "vomiting (priority).",
        "rationale": "S: [I1][I3].",
        "remeasure_minutes": None,
    },
    {
        "rule_id": "HSV-ORAL",
        "family": "herpes",
        "title": "Cold sore",
        "level": "WATCH",
        "params": {"below_c": "37.5"},
        "patient_message": "Cold sores can happen on Kesimpta. Keep the area clean. Tell your team "
        "if it spreads or does not heal.",
        "clinician_summary": "Cold sore, temperature <37.5 °C.",
        "rationale": "S: [K10][K16]; level D.",
        "remeasure_minutes": None,
    },
    {
        "rule_id": "HZ-PRODROME",
        "family": "herpes",
        "title": "Possible early shingles",
        "level": "WATCH",
        "params": {"min_grade": 1},
        "patient_message": "Watch the area. If a rash or blisters appear, contact your team the same "
        "day.",
        "clinician_summary": "One-sided burning, tingling or pain, no rash.",
        "rationale": "S: [I4].",
        "remeasure_minutes": None,
    },
    {
        "rule_id": "HZ-RASH",
        "family": "herpes",
        "title": "Possible shingles",
        "level": "CONTACT",
        "params": {},
        "patient_message": "This could be shingles. Contact your team or GP today: treatment works "
        "best if it starts within 3 days of the rash.",
        "clinician_summary": "One-sided band or cluster rash.",
        "rationale": "S: [I4].",
        "remeasure_minutes": None,
    },
    {
        "rule_id": "HZ-EYE",
        "family": "herpes",
        "title": "Shingles near the eye",
        "level": "URGENT",
        "params": {},
        "patient_message": "A rash like this near the eye can affect your sight. Get urgent help "
        "now.",
        "clinician_summary": "Shingles-type rash near the eye, or eye symptoms with the rash.",
        "rationale": "S: [I4] (sight risk); level D (unconfirmed).",
        "remeasure_minutes": None,
    },
    {
        "rule_id": "HBV-LIVER",
        "family": "liver",
        "title": "Possible liver problem",
        "level": "CONTACT",
        "params": {"fatigue_rise": 2},
        "patient_message": "Tell your MS team today about yellowing of your skin or eyes, or "
        "tiredness that is getting worse.",
        "clinician_summary": "Jaundice (any patient), or in an HBV-risk patient fatigue up ≥2 grades "
        "with nausea, dark urine or loss of appetite.",
        "rationale": "S: [K7][I8]; dark urine unconfirmed.",
        "remeasure_minutes": None,
    },
    {
        "rule_id": "HBV-SEV",
        "family": "liver",
        "title": "Severe liver warning signs",
        "level": "URGENT",
        "params": {},
        "patient_message": "Get medical help now: call the emergency number.",
        "clinician_summary": "Jaundice with confusion or drowsiness, vomiting blood, or a swelling "
        "tummy.",
        "rationale": "D (unconfirmed).",
        "remeasure_minutes": None,
    },
    {
        "rule_id": "NEURO-NEW",
        "family": "neuro",
        "title": "New or worse nerve symptoms",
        "level": "CONTACT",
        "params": {"min_grade": 1},
        "patient_message": "New or worsening nerve symptoms must be checked by your MS team. Contact "
        "them today, even if you think it is a relapse.",
        "clinician_summary": "New or worse one-sided weakness, clumsiness, vision, thinking, "
        "personality or speech.",
        "rationale": "S: [K12][K26][K6] (PML warning).",
        "remeasure_minutes": None,
    },
    {
        "rule_id": "NEURO-PROG",
        "family": "neuro",
        "title": "Nerve symptoms changing",
        "level": "CONTACT",
        "params": {"episode_days": 14},
        "patient_message": "Your symptoms are changing. Contact your team today.",
        "clinician_summary": "Progressive neurological change: a neuro symptom rose or a new one was "
        "added within an open episode.",
        "rationale": "S/D: PML progresses over days to weeks [K6].",
        "remeasure_minutes": None,
    },
    {
        "rule_id": "NEURO-ACUTE",
        "family": "neuro",
        "title": "Sudden nerve symptoms",
        "level": "URGENT",
        "params": {},
        "patient_message": "Call the emergency number now.",
        "clinician_summary": "Sudden face droop, arm weakness or speech difficulty; seizure; hard to "
        "wake.",
        "rationale": "D (unconfirmed).",
        "remeasure_minutes": None,
    },
    {
        "rule_id": "NEURO-FEVER",
        "family": "neuro",
        "title": "MS symptoms worse with fever or infection",
        "level": "CONTACT",
        "params": {"threshold_c": "37.5", "min_grade": 1},
        "patient_message": "Fever or infection can make MS symptoms worse for a while, but the "
        "infection needs treating. Contact your team today.",
        "clinician_summary": "Usual MS symptoms worse with temperature ≥37.5 °C or infection "
        "symptoms.",
        "rationale": "S: pseudo-relapse [I9][I10].",
        "remeasure_minutes": None,
    },
    {
        "rule_id": "INJ-IRR-24",
        "family": "injection",
        "title": "Likely injection reaction",
        "level": "WATCH",
        "params": {"window_hours": 24, "max_grade": 2, "low_c": "37.5", "high_c": "38.0"},
        "patient_message": "Reactions like this are common after Kesimpta, especially the first "
        "injection. They are usually mild and settle within about a day. Use the "
        "symptom relief your team advised. If your temperature reaches 38.0 °C, "
        "or you are not better after 48 hours, contact your team. Please mention "
        "it next time you speak to them.",
        "clinician_summary": "Within 24 h of an injection: headache, aches, chills or tiredness (≤ "
        "moderate) and/or 37.5–37.9 °C, no sepsis sign, no localising infection "
        "symptom.",
        "rationale": "S: [K3][K9][K11][K12].",
        "remeasure_minutes": None,
    },
    {
        "rule_id": "INJ-FEV",
        "family": "injection",
        "title": "Fever after an injection",
        "level": "CONTACT",
        "params": {"window_hours": 24, "threshold_c": "38.0"},
        "patient_message": "This may be a reaction to your injection, but fever can also mean "
        "infection. Contact your team today.",
        "clinician_summary": "Reading ≥38.0 °C within 24 h of an injection.",
        "rationale": "S/A: [K3][K7].",
        "remeasure_minutes": None,
    },
    {
        "rule_id": "INJ-PERSIST-48",
        "family": "injection",
        "title": "Reaction lasting over 48 hours",
        "level": "CONTACT",
        "params": {"after_hours": 48, "until_days": 7, "min_grade": 2, "threshold_c": "37.5"},
        "patient_message": "Symptoms that last more than two days are less likely to be a simple "
        "injection reaction. Contact your team today.",
        "clinician_summary": "After an injection reaction: reaction-type symptom ≥ moderate or ≥37.5 "
        "°C between 48 h and 7 days after the injection.",
        "rationale": "D, grounded in [K3].",
        "remeasure_minutes": None,
    },
    {
        "rule_id": "INJ-ANAPH",
        "family": "injection",
        "title": "Possible allergic reaction",
        "level": "URGENT",
        "params": {},
        "patient_message": "This could be a serious allergic reaction. Call the emergency number "
        "now.",
        "clinician_summary": "Face/lip/tongue/throat swelling, wheeze, widespread hives or fainting.",
        "rationale": "S: [K13][K8].",
        "remeasure_minutes": None,
    },
    {
        "rule_id": "INJ-SITE",
        "family": "injection",
        "title": "Injection-site reaction",
        "level": "WATCH",
        "params": {"min_grade": 1},
        "patient_message": "Redness, pain, itch or swelling where you injected is common and usually "
        "mild. It should settle in a few days.",
        "clinician_summary": "Local injection-site reaction.",
        "rationale": "S: [K3].",
        "remeasure_minutes": None,
    },
    {
        "rule_id": "INJ-SITE-INF",
        "family": "injection",
        "title": "Possible skin infection at the injection site",
        "level": "CONTACT",
        "params": {"fever_c": "38.0", "window_hours": 24},
        "patient_message": "This could be a skin infection where you injected. Contact your team "
        "today.",
        "clinician_summary": "Spreading redness, warmth or pus, or a site reaction with ≥38.0 °C "
        "beyond 24 h.",
        "rationale": "D/A: [N6].",
        "remeasure_minutes": None,
    },
    {
        "rule_id": "INJ-DUE-INF",
        "family": "injection",
        "title": "Check before your next injection",
        "level": "CONTACT",
        "params": {"due_within_hours": 48, "lookback_days": 7},
        "patient_message": "Check with your team before your next injection. It may need to wait "
        "until an infection has cleared.",
        "clinician_summary": "Next dose due within 48 h and an infection alert (CONTACT/URGENT) in "
        "the last 7 days.",
        "rationale": "S: delay in active infection [K4].",
        "remeasure_minutes": None,
    },
    {
        "rule_id": "INJ-MISSED",
        "family": "injection",
        "title": "Missed injection",
        "level": "WATCH",
        "params": {"grace_days": 1},
        "patient_message": "It looks like you have missed an injection. Inject as soon as you can; "
        "do not wait for the next dose. Tell your team, who will confirm your "
        "schedule.",
        "clinician_summary": "Scheduled dose not logged by the end of its due date + 1 day.",
        "rationale": "S: [K24].",
        "remeasure_minutes": None,
    },
    {
        "rule_id": "VAC-LIVE",
        "family": "vaccine",
        "title": "Live vaccine planned",
        "level": "CONTACT",
        "params": {},
        "patient_message": "Live vaccines are not recommended while you take Kesimpta. Talk to your "
        "MS team before any vaccination.",
        "clinician_summary": "Patient plans a live or live-attenuated vaccine.",
        "rationale": "S: [K5][K28].",
        "remeasure_minutes": None,
    },
    {
        "rule_id": "PRO-SEV",
        "family": "pro",
        "title": "Severe symptom",
        "level": "CONTACT",
        "params": {"min_grade": 3},
        "patient_message": "Contact your team today about this severe symptom.",
        "clinician_summary": "Any graded symptom severe or very severe.",
        "rationale": "S: STAR / SYMPATHY [E3][E11].",
        "remeasure_minutes": None,
    },
    {
        "rule_id": "PRO-WORSEN-2",
        "family": "pro",
        "title": "Symptom clearly worse",
        "level": "CONTACT",
        "params": {"rise": 2},
        "patient_message": "One of your symptoms has got clearly worse since your last entry. "
        "Contact your team today.",
        "clinician_summary": "A graded symptom rose by ≥2 grades since the previous entry.",
        "rationale": "S: [E3][E11].",
        "remeasure_minutes": None,
    },
    {
        "rule_id": "RISK-ESC",
        "family": "risk",
        "title": "Earlier contact because of other risk factors",
        "level": "CONTACT",
        "params": {},
        "patient_message": "Because of your other risk factors, your team wants to hear about "
        "infection symptoms early. Contact them today.",
        "clinician_summary": "Elevated-risk patient: RESP-URTI, HSV-ORAL, T-LOW-1 or HZ-PRODROME "
        "raised to CONTACT.",
        "rationale": "S/A: [K3][K4][N6][I6].",
        "remeasure_minutes": None,
    },
    {
        "rule_id": "DIARY-GAP-2",
        "family": "diary",
        "title": "Diary not filled in for 2 days",
        "level": "WATCH",
        "params": {"days": 2},
        "patient_message": "Please fill in today's diary.",
        "clinician_summary": "No entry on 2 consecutive days (reminder only).",
        "rationale": "D.",
        "remeasure_minutes": None,
    },
    {
        "rule_id": "DIARY-GAP-3",
        "family": "diary",
        "title": "Diary not filled in for 3 days",
        "level": "CONTACT",
        "params": {"days": 3},
        "patient_message": "Your team may contact you to check in.",
        "clinician_summary": "No entry on 3 consecutive days: team outreach (non-urgent).",
        "rationale": "A: [E10].",
        "remeasure_minutes": None,
    },
    {
        "rule_id": "DIARY-FOLLOWUP",
        "family": "diary",
        "title": "No news after a warning",
        "level": "CONTACT",
        "params": {"hours": 24},
        "patient_message": "We have not heard from you since your last warning. Please update your "
        "diary or call your team.",
        "clinician_summary": "CONTACT/URGENT prompt and no new entry within 24 h: team outreach.",
        "rationale": "D, grounded in [E7][E12].",
        "remeasure_minutes": None,
    },
]


def seed(apps, schema_editor):
    AlertRule = apps.get_model("alerts", "AlertRule")
    HistoricalAlertRule = apps.get_model("alerts", "HistoricalAlertRule")
    for values in RULES:
        values = dict(values)
        rule, created = AlertRule.objects.get_or_create(
            rule_id=values.pop("rule_id"), defaults=values
        )
        if created:
            # Record the seeded values as the first history row, so the first edit in
            # the admin shows what it changed from.
            fields = {f.attname: getattr(rule, f.attname) for f in AlertRule._meta.fields}
            HistoricalAlertRule.objects.create(
                **fields,
                history_date=timezone.now(),
                history_type="+",
                history_change_reason="seeded from clinical-rules.md defaults",
            )


class Migration(migrations.Migration):
    dependencies = [("alerts", "0002_rules_alerts_episodes")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
