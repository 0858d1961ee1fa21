"""The alerts app's seed rows as they stood after the migrations squashed into
0001_squashed (frozen literal data: a migration never imports live code). "<NOW>" is
the moment the migration runs. Each row gets one history row ("+", seeded)."""

from symptoms.migrations._seed import load  # frozen: written with the squash

APP = "alerts"
HISTORY = ["AlertRule", "EducationPage"]

SEED = {
    "AlertRule": [
        {
            "id": 1,
            "rule_id": "T-LOW-1",
            "family": "temperature",
            "title": "Slightly raised temperature",
            "title_en_gb": "Slightly raised temperature",
            "title_es": "Temperatura algo elevada",
            "title_de": "Leicht erhöhte Temperatur",
            "level": "WATCH",
            "active": True,
            "params": {"low_c": "37.5", "high_c": "38.0"},
            "patient_message": "Your temperature is slightly raised. Rest, drink fluids and "
            "measure again in 1 hour. If it reaches {high_c} °C ({high_c_f} "
            "°F) or you feel unwell, contact your team.",
            "patient_message_en_gb": "Your temperature is slightly raised. Rest, drink fluids "
            "and measure again in {remeasure_minutes} minutes. If it "
            "reaches {high_c} °C ({high_c_f} °F) or you feel unwell, "
            "contact your team.",
            "patient_message_es": "Su temperatura está algo elevada. Descanse, beba líquidos y "
            "vuelva a medirla en {remeasure_minutes} minutos. Si llega a "
            "{high_c} °C ({high_c_f} °F) o se encuentra mal, contacte "
            "con su equipo.",
            "patient_message_de": "Ihre Temperatur ist leicht erhöht. Ruhen Sie sich aus, "
            "trinken Sie genug und messen Sie in {remeasure_minutes} "
            "Minuten noch einmal. Wenn sie {high_c} °C ({high_c_f} °F) "
            "erreicht oder Sie sich krank fühlen, melden Sie sich bei "
            "Ihrem Team.",
            "clinician_summary": "Reading {low_c}–37.9 °C.",
            "clinician_summary_en_gb": "Reading {low_c} °C to below {high_c} °C.",
            "clinician_summary_es": "Lectura {low_c} °C a menos de {high_c} °C.",
            "clinician_summary_de": "Messwert {low_c} °C bis unter {high_c} °C.",
            "rationale": "A: UK acute-oncology 37.5 °C advice [F6][F7][F9].",
            "remeasure_minutes": 60,
            "version": 1,
            "updated_at": "<NOW>",
        },
        {
            "id": 2,
            "rule_id": "T-LOW-2D",
            "family": "temperature",
            "title": "Raised temperature two days running",
            "title_en_gb": "Raised temperature two days running",
            "title_es": "Temperatura elevada dos días seguidos",
            "title_de": "Erhöhte Temperatur an zwei Tagen hintereinander",
            "level": "CONTACT",
            "active": True,
            "params": {"days": 2, "threshold_c": "37.5", "exclude_after_injection_hours": 24},
            "patient_message": "Your temperature has been raised two days running. This may "
            "mean an infection. Contact your MS team today.",
            "patient_message_en_gb": "Your temperature has been raised two days running. This "
            "may mean an infection. Contact your MS team today.",
            "patient_message_es": "Ha tenido la temperatura elevada dos días seguidos. Puede "
            "indicar una infección. Contacte hoy con su equipo de EM.",
            "patient_message_de": "Ihre Temperatur war an zwei Tagen hintereinander erhöht. "
            "Das kann auf eine Infektion hinweisen. Melden Sie sich "
            "heute bei Ihrem MS-Team.",
            "clinician_summary": "Daily maximum ≥{threshold_c} °C on consecutive days "
            "(readings within 24 h of an injection not counted).",
            "clinician_summary_en_gb": "Daily maximum ≥{threshold_c} °C on consecutive days "
            "(readings within {exclude_after_injection_hours} h of "
            "an injection not counted).",
            "clinician_summary_es": "Máxima diaria ≥{threshold_c} °C en días consecutivos (no "
            "cuentan las lecturas de las "
            "{exclude_after_injection_hours} h siguientes a una "
            "inyección).",
            "clinician_summary_de": "Tagesmaximum ≥{threshold_c} °C an aufeinanderfolgenden "
            "Tagen (Messwerte innerhalb von "
            "{exclude_after_injection_hours} h nach einer Injektion "
            "nicht gezählt).",
            "rationale": "D, grounded in [F6][F10].",
            "remeasure_minutes": None,
            "version": 1,
            "updated_at": "<NOW>",
        },
        {
            "id": 3,
            "rule_id": "T-FEV-1",
            "family": "temperature",
            "title": "Fever",
            "title_en_gb": "Fever",
            "title_es": "Fiebre",
            "title_de": "Fieber",
            "level": "CONTACT",
            "active": True,
            "params": {"threshold_c": "38.0"},
            "patient_message": "You have a fever. Kesimpta affects your immune system, so "
            "contact your MS team today. Measure again in 1 hour.",
            "patient_message_en_gb": "You have a fever. Kesimpta affects your immune system, "
            "so contact your MS team today. Measure again in "
            "{remeasure_minutes} minutes.",
            "patient_message_es": "Tiene fiebre. Kesimpta afecta a su sistema inmunitario, así "
            "que contacte hoy con su equipo de EM. Vuelva a medirse la "
            "temperatura en {remeasure_minutes} minutos.",
            "patient_message_de": "Sie haben Fieber. Kesimpta wirkt auf Ihr Immunsystem. "
            "Melden Sie sich deshalb heute bei Ihrem MS-Team. Messen Sie "
            "in {remeasure_minutes} Minuten noch einmal.",
            "clinician_summary": "Reading ≥{threshold_c} °C.",
            "clinician_summary_en_gb": "Reading ≥{threshold_c} °C.",
            "clinician_summary_es": "Lectura ≥{threshold_c} °C.",
            "clinician_summary_de": "Messwert ≥{threshold_c} °C.",
            "rationale": "S/A: Kesimpta 'tell your HCP right away' [K7]; 38.0 °C [F1][F10].",
            "remeasure_minutes": 60,
            "version": 1,
            "updated_at": "<NOW>",
        },
        {
            "id": 4,
            "rule_id": "T-FEV-ER-1",
            "family": "temperature",
            "title": "High fever with other risk factors",
            "title_en_gb": "High fever with other risk factors",
            "title_es": "Fiebre alta con otros factores de riesgo",
            "title_de": "Hohes Fieber mit anderen Risikofaktoren",
            "level": "URGENT",
            "active": True,
            "params": {"threshold_c": "38.3"},
            "patient_message": "A fever this high, with your other risk factors, needs "
            "checking quickly. Call your team's urgent line now. If you "
            "cannot reach them, go to the Emergency Department.",
            "patient_message_en_gb": "A fever this high, with your other risk factors, needs "
            "checking quickly. Call your team's urgent line now. If "
            "you cannot reach them, go to the Emergency Department.",
            "patient_message_es": "Una fiebre así de alta, con sus otros factores de riesgo, "
            "hay que revisarla rápido. Llame ahora a la línea urgente de "
            "su equipo. Si no consigue hablar con ellos, vaya al "
            "servicio de urgencias.",
            "patient_message_de": "So hohes Fieber muss bei Ihren anderen Risikofaktoren "
            "schnell abgeklärt werden. Rufen Sie jetzt die "
            "Notfall-Telefonnummer Ihres Teams an. Wenn Sie dort "
            "niemanden erreichen, gehen Sie in die Notaufnahme.",
            "clinician_summary": "Elevated-risk patient, single reading ≥{threshold_c} °C.",
            "clinician_summary_en_gb": "Elevated-risk patient, single reading ≥{threshold_c} °C.",
            "clinician_summary_es": "Paciente de riesgo elevado, una sola lectura "
            "≥{threshold_c} °C.",
            "clinician_summary_de": "Patient mit erhöhtem Risiko, einzelner Messwert "
            "≥{threshold_c} °C.",
            "rationale": "A: IDSA neutropenic fever [F2][F3].",
            "remeasure_minutes": None,
            "version": 1,
            "updated_at": "<NOW>",
        },
        {
            "id": 5,
            "rule_id": "T-FEV-ER-2",
            "family": "temperature",
            "title": "Fever that lasts, with other risk factors",
            "title_en_gb": "Fever that lasts, with other risk factors",
            "title_es": "Fiebre que persiste, con otros factores de riesgo",
            "title_de": "Anhaltendes Fieber mit anderen Risikofaktoren",
            "level": "URGENT",
            "active": True,
            "params": {"threshold_c": "38.0", "window_hours": 24, "min_gap_minutes": 60},
            "patient_message": "Your fever has lasted, and you have other risk factors. Call "
            "your team's urgent line now. If you cannot reach them, go to "
            "the Emergency Department.",
            "patient_message_en_gb": "Your fever has lasted, and you have other risk factors. "
            "Call your team's urgent line now. If you cannot reach "
            "them, go to the Emergency Department.",
            "patient_message_es": "Su fiebre continúa y usted tiene otros factores de riesgo. "
            "Llame ahora a la línea urgente de su equipo. Si no consigue "
            "hablar con ellos, vaya al servicio de urgencias.",
            "patient_message_de": "Ihr Fieber hält an und Sie haben andere Risikofaktoren. "
            "Rufen Sie jetzt die Notfall-Telefonnummer Ihres Teams an. "
            "Wenn Sie dort niemanden erreichen, gehen Sie in die "
            "Notaufnahme.",
            "clinician_summary": "Elevated-risk patient, ≥2 readings ≥{threshold_c} °C at "
            "least 60 min apart within 24 h with no lower reading in "
            "between.",
            "clinician_summary_en_gb": "Elevated-risk patient, ≥2 readings ≥{threshold_c} °C "
            "at least {min_gap_minutes} min apart within "
            "{window_hours} h with no lower reading in between.",
            "clinician_summary_es": "Paciente de riesgo elevado, ≥2 lecturas ≥{threshold_c} °C "
            "separadas al menos {min_gap_minutes} min en "
            "{window_hours} h, sin lectura más baja entre ellas.",
            "clinician_summary_de": "Patient mit erhöhtem Risiko, ≥2 Messwerte ≥{threshold_c} "
            "°C im Abstand von mindestens {min_gap_minutes} min "
            "innerhalb von {window_hours} h, ohne niedrigeren Wert "
            "dazwischen.",
            "rationale": "A: IDSA sustained fever [F2][F3][F4].",
            "remeasure_minutes": None,
            "version": 1,
            "updated_at": "<NOW>",
        },
        {
            "id": 6,
            "rule_id": "T-FEV-3D",
            "family": "temperature",
            "title": "Fever three days running",
            "title_en_gb": "Fever three days running",
            "title_es": "Fiebre tres días seguidos",
            "title_de": "Fieber an drei Tagen hintereinander",
            "level": "CONTACT",
            "active": True,
            "params": {"days": 3, "threshold_c": "38.0"},
            "patient_message": "Your fever is continuing. Contact your team today, even if you "
            "spoke to them before.",
            "patient_message_en_gb": "Your fever is continuing. Contact your team today, even "
            "if you spoke to them before.",
            "patient_message_es": "Sigue teniendo fiebre. Contacte hoy con su equipo, aunque "
            "ya haya hablado con ellos antes.",
            "patient_message_de": "Ihr Fieber hält an. Melden Sie sich heute bei Ihrem Team, "
            "auch wenn Sie schon mit ihm gesprochen haben.",
            "clinician_summary": "Persistent fever: daily maximum ≥{threshold_c} °C on "
            "consecutive days.",
            "clinician_summary_en_gb": "Persistent fever: daily maximum ≥{threshold_c} °C on "
            "consecutive days.",
            "clinician_summary_es": "Fiebre persistente: máxima diaria ≥{threshold_c} °C en "
            "días consecutivos.",
            "clinician_summary_de": "Anhaltendes Fieber: Tagesmaximum ≥{threshold_c} °C an "
            "aufeinanderfolgenden Tagen.",
            "rationale": "D, grounded in [F10][F12].",
            "remeasure_minutes": None,
            "version": 1,
            "updated_at": "<NOW>",
        },
        {
            "id": 7,
            "rule_id": "T-HYPO-0",
            "family": "temperature",
            "title": "Low temperature reading",
            "title_en_gb": "Low temperature reading",
            "title_es": "Lectura de temperatura baja",
            "title_de": "Niedriger Temperaturwert",
            "level": "WATCH",
            "active": True,
            "params": {"below_c": "36.0"},
            "patient_message": "Your temperature reading is low. Check how you used the "
            "thermometer and measure again. If you feel unwell, contact "
            "your team.",
            "patient_message_en_gb": "Your temperature reading is low. Check how you used the "
            "thermometer and measure again. If you feel unwell, "
            "contact your team.",
            "patient_message_es": "Su lectura de temperatura es baja. Revise cómo usó el "
            "termómetro y vuelva a medir. Si se encuentra mal, contacte "
            "con su equipo.",
            "patient_message_de": "Ihr gemessener Temperaturwert ist niedrig. Prüfen Sie, wie "
            "Sie das Thermometer benutzt haben, und messen Sie noch "
            "einmal. Wenn Sie sich krank fühlen, melden Sie sich bei "
            "Ihrem Team.",
            "clinician_summary": "Reading <{below_c} °C without feeling unwell or infection "
            "symptoms.",
            "clinician_summary_en_gb": "Reading <{below_c} °C without feeling unwell or "
            "infection symptoms.",
            "clinician_summary_es": "Lectura <{below_c} °C sin malestar ni síntomas de infección.",
            "clinician_summary_de": "Messwert <{below_c} °C ohne Krankheitsgefühl oder "
            "Infektsymptome.",
            "rationale": "D, grounded in [F10].",
            "remeasure_minutes": 60,
            "version": 1,
            "updated_at": "<NOW>",
        },
        {
            "id": 8,
            "rule_id": "T-HYPO-1",
            "family": "temperature",
            "title": "Low temperature while unwell",
            "title_en_gb": "Low temperature while unwell",
            "title_es": "Temperatura baja con malestar",
            "title_de": "Niedrige Temperatur bei Krankheitsgefühl",
            "level": "CONTACT",
            "active": True,
            "params": {"below_c": "36.0"},
            "patient_message": "A low temperature while you feel unwell can be a sign of "
            "infection. Measure again and contact your team today. Call the "
            "emergency number if you have any warning sign.",
            "patient_message_en_gb": "A low temperature while you feel unwell can be a sign of "
            "infection. Measure again and contact your team today. "
            "Call the emergency number if you have any warning sign.",
            "patient_message_es": "Una temperatura baja cuando se encuentra mal puede ser un "
            "signo de infección. Vuelva a medir y contacte hoy con su "
            "equipo. Llame al número de emergencias si tiene algún signo "
            "de alarma.",
            "patient_message_de": "Eine niedrige Temperatur, wenn Sie sich krank fühlen, kann "
            "ein Zeichen einer Infektion sein. Messen Sie noch einmal "
            "und melden Sie sich heute bei Ihrem Team. Rufen Sie den "
            "Notruf an, wenn Sie ein Warnzeichen haben.",
            "clinician_summary": "Reading <{below_c} °C with feeling unwell or an infection "
            "symptom.",
            "clinician_summary_en_gb": "Reading <{below_c} °C with feeling unwell or an "
            "infection symptom.",
            "clinician_summary_es": "Lectura <{below_c} °C con malestar o un síntoma de infección.",
            "clinician_summary_de": "Messwert <{below_c} °C mit Krankheitsgefühl oder "
            "Infektsymptom.",
            "rationale": "A: [F6][N6][N8].",
            "remeasure_minutes": 60,
            "version": 1,
            "updated_at": "<NOW>",
        },
        {
            "id": 9,
            "rule_id": "T-HYPO-2",
            "family": "temperature",
            "title": "Very low temperature",
            "title_en_gb": "Very low temperature",
            "title_es": "Temperatura muy baja",
            "title_de": "Sehr niedrige Temperatur",
            "level": "URGENT",
            "active": True,
            "params": {"at_or_below_c": "35.0", "confirm_window_minutes": 60},
            "patient_message": "Your body temperature is very low. Get medical help now: call "
            "the emergency number.",
            "patient_message_en_gb": "Your body temperature is very low. Get medical help now: "
            "call the emergency number.",
            "patient_message_es": "Su temperatura corporal es muy baja. Busque ayuda médica "
            "ahora: llame al número de emergencias.",
            "patient_message_de": "Ihre Körpertemperatur ist sehr niedrig. Holen Sie sofort "
            "ärztliche Hilfe: Rufen Sie den Notruf an.",
            "clinician_summary": "Reading ≤{at_or_below_c} °C confirmed on re-measure.",
            "clinician_summary_en_gb": "Reading ≤{at_or_below_c} °C confirmed on re-measure.",
            "clinician_summary_es": "Lectura ≤{at_or_below_c} °C confirmada al repetir la "
            "medición.",
            "clinician_summary_de": "Messwert ≤{at_or_below_c} °C, bei Wiederholungsmessung "
            "bestätigt.",
            "rationale": "A: NEWS2 [N1], [F9].",
            "remeasure_minutes": None,
            "version": 1,
            "updated_at": "<NOW>",
        },
        {
            "id": 10,
            "rule_id": "INF-FLU",
            "family": "infection",
            "title": "Chills or aches with a raised temperature",
            "title_en_gb": "Chills or aches with a raised temperature",
            "title_es": "Escalofríos o dolores con temperatura elevada",
            "title_de": "Schüttelfrost oder Gliederschmerzen mit erhöhter Temperatur",
            "level": "CONTACT",
            "active": True,
            "params": {"min_grade": 1, "threshold_c": "37.5"},
            "patient_message": "Chills or body aches with a raised temperature can mean an "
            "infection. Contact your team today.",
            "patient_message_en_gb": "Chills or body aches with a raised temperature can mean "
            "an infection. Contact your team today.",
            "patient_message_es": "Los escalofríos o los dolores en el cuerpo con la "
            "temperatura elevada pueden indicar una infección. Contacte "
            "hoy con su equipo.",
            "patient_message_de": "Schüttelfrost oder Gliederschmerzen mit erhöhter Temperatur "
            "können auf eine Infektion hinweisen. Melden Sie sich heute "
            "bei Ihrem Team.",
            "clinician_summary": "Chills/shivering or body aches with a reading ≥{threshold_c} °C.",
            "clinician_summary_en_gb": "Chills/shivering or body aches with a reading "
            "≥{threshold_c} °C.",
            "clinician_summary_es": "Escalofríos/tiritona o mialgias con lectura "
            "≥{threshold_c} °C.",
            "clinician_summary_de": "Frösteln/Schüttelfrost oder Gliederschmerzen mit Messwert "
            "≥{threshold_c} °C.",
            "rationale": "S: symptoms listed in Kesimpta safety information [K7]; threshold A.",
            "remeasure_minutes": None,
            "version": 1,
            "updated_at": "<NOW>",
        },
        {
            "id": 11,
            "rule_id": "SEP-RF",
            "family": "sepsis",
            "title": "Possible sepsis signs",
            "title_en_gb": "Possible sepsis signs",
            "title_es": "Posibles signos de sepsis",
            "title_de": "Mögliche Anzeichen einer Sepsis",
            "level": "URGENT",
            "active": True,
            "params": {},
            "patient_message": "These can be signs of sepsis. Call the emergency number now "
            "and say that you take an MS medicine that weakens the immune "
            "system.",
            "patient_message_en_gb": "These can be signs of sepsis. Call the emergency number "
            "now and say that you take an MS medicine that weakens "
            "the immune system.",
            "patient_message_es": "Pueden ser signos de sepsis. Llame ahora al número de "
            "emergencias y diga que toma un medicamento para la EM que "
            "debilita el sistema inmunitario.",
            "patient_message_de": "Das können Anzeichen einer Sepsis (Blutvergiftung) sein. "
            "Rufen Sie sofort den Notruf an. Sagen Sie, dass Sie ein "
            "MS-Medikament nehmen, das das Immunsystem schwächt.",
            "clinician_summary": "Sepsis red flag ticked.",
            "clinician_summary_en_gb": "Sepsis red flag ticked.",
            "clinician_summary_es": "Señal de alarma de sepsis marcada.",
            "clinician_summary_de": "Sepsis-Warnzeichen angekreuzt.",
            "rationale": "S: UK Sepsis Trust / NICE [N8][N7][N9].",
            "remeasure_minutes": None,
            "version": 1,
            "updated_at": "<NOW>",
        },
        {
            "id": 12,
            "rule_id": "VIT-HR-H",
            "family": "vitals",
            "title": "Very fast heart rate",
            "title_en_gb": "Very fast heart rate",
            "title_es": "Frecuencia cardiaca muy alta",
            "title_de": "Sehr schneller Herzschlag",
            "level": "URGENT",
            "active": True,
            "params": {"threshold": 131},
            "patient_message": "Your heart rate is very fast. Get help now.",
            "patient_message_en_gb": "Your heart rate is very fast. Get help now.",
            "patient_message_es": "Su corazón late muy rápido. Busque ayuda ahora.",
            "patient_message_de": "Ihr Herz schlägt sehr schnell. Holen Sie sich jetzt Hilfe.",
            "clinician_summary": "Heart rate ≥131/min at rest, re-checked.",
            "clinician_summary_en_gb": "Heart rate ≥{threshold}/min at rest, re-checked.",
            "clinician_summary_es": "FC ≥{threshold}/min en reposo, recomprobada.",
            "clinician_summary_de": "Herzfrequenz ≥{threshold}/min in Ruhe, nachkontrolliert.",
            "rationale": "S: NEWS2 / NICE high risk [N1][N7].",
            "remeasure_minutes": None,
            "version": 1,
            "updated_at": "<NOW>",
        },
        {
            "id": 13,
            "rule_id": "VIT-HR-M",
            "family": "vitals",
            "title": "Fast heart rate with fever or infection",
            "title_en_gb": "Fast heart rate with fever or infection",
            "title_es": "Frecuencia cardiaca alta con fiebre o infección",
            "title_de": "Schneller Herzschlag mit Fieber oder Infektion",
            "level": "CONTACT",
            "active": True,
            "params": {"low": 91, "high": 130, "threshold_c": "37.5"},
            "patient_message": "Your heart rate is fast and you may have an infection. Contact "
            "your team today.",
            "patient_message_en_gb": "Your heart rate is fast and you may have an infection. "
            "Contact your team today.",
            "patient_message_es": "Su corazón late rápido y puede que tenga una infección. "
            "Contacte hoy con su equipo.",
            "patient_message_de": "Ihr Herz schlägt schnell und Sie haben vielleicht eine "
            "Infektion. Melden Sie sich heute bei Ihrem Team.",
            "clinician_summary": "Heart rate 91–130/min (or ≥131 not yet re-checked) with "
            "temperature ≥{threshold_c} °C or an infection symptom.",
            "clinician_summary_en_gb": "Heart rate {low}–{high}/min (or ≥131 not yet "
            "re-checked) with temperature ≥{threshold_c} °C or an "
            "infection symptom.",
            "clinician_summary_es": "FC {low}–{high}/min (o ≥131 aún sin recomprobar) con "
            "temperatura ≥{threshold_c} °C o un síntoma de infección.",
            "clinician_summary_de": "Herzfrequenz {low}–{high}/min (oder ≥131, noch nicht "
            "nachkontrolliert) mit Temperatur ≥{threshold_c} °C oder "
            "Infektsymptom.",
            "rationale": "S/A: [N6][N1].",
            "remeasure_minutes": None,
            "version": 1,
            "updated_at": "<NOW>",
        },
        {
            "id": 14,
            "rule_id": "VIT-RR-H",
            "family": "vitals",
            "title": "Very fast breathing",
            "title_en_gb": "Very fast breathing",
            "title_es": "Respiración muy rápida",
            "title_de": "Sehr schnelle Atmung",
            "level": "URGENT",
            "active": True,
            "params": {"threshold": 25},
            "patient_message": "You are breathing very fast. Get help now: call the emergency "
            "number.",
            "patient_message_en_gb": "You are breathing very fast. Get help now: call the "
            "emergency number.",
            "patient_message_es": "Está respirando muy rápido. Busque ayuda ahora: llame al "
            "número de emergencias.",
            "patient_message_de": "Sie atmen sehr schnell. Holen Sie sich jetzt Hilfe: Rufen "
            "Sie den Notruf an.",
            "clinician_summary": "Respiratory rate ≥25/min.",
            "clinician_summary_en_gb": "Respiratory rate ≥{threshold}/min.",
            "clinician_summary_es": "Frecuencia respiratoria ≥{threshold}/min.",
            "clinician_summary_de": "Atemfrequenz ≥{threshold}/min.",
            "rationale": "S: [N1][N7].",
            "remeasure_minutes": None,
            "version": 1,
            "updated_at": "<NOW>",
        },
        {
            "id": 15,
            "rule_id": "VIT-RR-M",
            "family": "vitals",
            "title": "Fast breathing with infection symptoms",
            "title_en_gb": "Fast breathing with infection symptoms",
            "title_es": "Respiración rápida con síntomas de infección",
            "title_de": "Schnelle Atmung mit Anzeichen einer Infektion",
            "level": "CONTACT",
            "active": True,
            "params": {"low": 21, "high": 24},
            "patient_message": "You are breathing faster than usual and have infection "
            "symptoms. Contact your team today.",
            "patient_message_en_gb": "You are breathing faster than usual and have infection "
            "symptoms. Contact your team today.",
            "patient_message_es": "Respira más rápido de lo habitual y tiene síntomas de "
            "infección. Contacte hoy con su equipo.",
            "patient_message_de": "Sie atmen schneller als sonst und haben Anzeichen einer "
            "Infektion. Melden Sie sich heute bei Ihrem Team.",
            "clinician_summary": "Respiratory rate 21–24/min with an infection symptom.",
            "clinician_summary_en_gb": "Respiratory rate {low}–{high}/min with an infection "
            "symptom.",
            "clinician_summary_es": "FR {low}–{high}/min con un síntoma de infección.",
            "clinician_summary_de": "Atemfrequenz {low}–{high}/min mit Infektsymptom.",
            "rationale": "S/A: [N6][N1].",
            "remeasure_minutes": None,
            "version": 1,
            "updated_at": "<NOW>",
        },
        {
            "id": 16,
            "rule_id": "VIT-SPO2-H",
            "family": "vitals",
            "title": "Low oxygen level",
            "title_en_gb": "Low oxygen level",
            "title_es": "Nivel de oxígeno bajo",
            "title_de": "Niedriger Sauerstoffwert",
            "level": "URGENT",
            "active": True,
            "params": {"at_or_below": 92},
            "patient_message": "Your oxygen level is low. Go to A&E or call the emergency "
            "number now.",
            "patient_message_en_gb": "Your oxygen level is low. Go to A&E or call the "
            "emergency number now.",
            "patient_message_es": "Su nivel de oxígeno es bajo. Vaya a urgencias o llame ahora "
            "al número de emergencias.",
            "patient_message_de": "Ihr Sauerstoffwert ist niedrig. Gehen Sie in die "
            "Notaufnahme oder rufen Sie sofort den Notruf an.",
            "clinician_summary": "SpO2 ≤92% on re-check.",
            "clinician_summary_en_gb": "SpO2 ≤{at_or_below}% on re-check.",
            "clinician_summary_es": "SpO2 ≤{at_or_below} % al recomprobar.",
            "clinician_summary_de": "SpO2 ≤{at_or_below} % bei Nachkontrolle.",
            "rationale": "S: NHS pulse-oximetry advice [N10].",
            "remeasure_minutes": None,
            "version": 1,
            "updated_at": "<NOW>",
        },
        {
            "id": 17,
            "rule_id": "VIT-SPO2-M",
            "family": "vitals",
            "title": "Oxygen level lower than normal",
            "title_en_gb": "Oxygen level lower than normal",
            "title_es": "Nivel de oxígeno más bajo de lo normal",
            "title_de": "Sauerstoffwert niedriger als normal",
            "level": "CONTACT",
            "active": True,
            "params": {"low": 93, "high": 94, "unconfirmed_at_or_below": 94},
            "patient_message": "Your oxygen level is lower than it should be. Check it again "
            "now. Call your team, GP or 111 today.",
            "patient_message_en_gb": "Your oxygen level is lower than it should be. Check it "
            "again now. Call your team, GP or 111 today.",
            "patient_message_es": "Su nivel de oxígeno es más bajo de lo que debería. Vuelva a "
            "medirlo ahora. Llame hoy a su equipo, a su médico de "
            "cabecera o al 111.",
            "patient_message_de": "Ihr Sauerstoffwert ist niedriger, als er sein sollte. "
            "Messen Sie jetzt noch einmal. Rufen Sie heute Ihr Team, "
            "Ihre Hausarztpraxis oder die 111 an.",
            "clinician_summary": "SpO2 93–94% on re-check, or ≤94% not yet re-checked.",
            "clinician_summary_en_gb": "SpO2 {low}–{high}% on re-check, or "
            "≤{unconfirmed_at_or_below}% not yet re-checked.",
            "clinician_summary_es": "SpO2 {low}–{high} % al recomprobar, o "
            "≤{unconfirmed_at_or_below} % aún sin recomprobar.",
            "clinician_summary_de": "SpO2 {low}–{high} % bei Nachkontrolle oder "
            "≤{unconfirmed_at_or_below} % noch nicht nachkontrolliert.",
            "rationale": "S: [N10].",
            "remeasure_minutes": 60,
            "version": 1,
            "updated_at": "<NOW>",
        },
        {
            "id": 18,
            "rule_id": "VIT-SBP-H",
            "family": "vitals",
            "title": "Very low blood pressure",
            "title_en_gb": "Very low blood pressure",
            "title_es": "Presión arterial muy baja",
            "title_de": "Sehr niedriger Blutdruck",
            "level": "URGENT",
            "active": True,
            "params": {"at_or_below": 90},
            "patient_message": "Your blood pressure is very low. Get help now: call the "
            "emergency number.",
            "patient_message_en_gb": "Your blood pressure is very low. Get help now: call the "
            "emergency number.",
            "patient_message_es": "Su presión arterial es muy baja. Busque ayuda ahora: llame "
            "al número de emergencias.",
            "patient_message_de": "Ihr Blutdruck ist sehr niedrig. Holen Sie sich jetzt Hilfe: "
            "Rufen Sie den Notruf an.",
            "clinician_summary": "Systolic BP ≤90 mmHg.",
            "clinician_summary_en_gb": "Systolic BP ≤{at_or_below} mmHg.",
            "clinician_summary_es": "PAS ≤{at_or_below} mmHg.",
            "clinician_summary_de": "Systolischer Blutdruck ≤{at_or_below} mmHg.",
            "rationale": "S: [N1][N7].",
            "remeasure_minutes": None,
            "version": 1,
            "updated_at": "<NOW>",
        },
        {
            "id": 19,
            "rule_id": "VIT-SBP-M",
            "family": "vitals",
            "title": "Low blood pressure with infection symptoms",
            "title_en_gb": "Low blood pressure with infection symptoms",
            "title_es": "Presión arterial baja con síntomas de infección",
            "title_de": "Niedriger Blutdruck mit Anzeichen einer Infektion",
            "level": "CONTACT",
            "active": True,
            "params": {"low": 91, "high": 100},
            "patient_message": "Your blood pressure is low and you have infection symptoms. "
            "Contact your team today.",
            "patient_message_en_gb": "Your blood pressure is low and you have infection "
            "symptoms. Contact your team today.",
            "patient_message_es": "Su presión arterial es baja y tiene síntomas de infección. "
            "Contacte hoy con su equipo.",
            "patient_message_de": "Ihr Blutdruck ist niedrig und Sie haben Anzeichen einer "
            "Infektion. Melden Sie sich heute bei Ihrem Team.",
            "clinician_summary": "Systolic BP 91–100 mmHg with an infection symptom.",
            "clinician_summary_en_gb": "Systolic BP {low}–{high} mmHg with an infection symptom.",
            "clinician_summary_es": "PAS {low}–{high} mmHg con un síntoma de infección.",
            "clinician_summary_de": "Systolischer Blutdruck {low}–{high} mmHg mit Infektsymptom.",
            "rationale": "S/A: [N6].",
            "remeasure_minutes": None,
            "version": 1,
            "updated_at": "<NOW>",
        },
        {
            "id": 20,
            "rule_id": "VIT-NEWS2",
            "family": "vitals",
            "title": "High early-warning score",
            "title_en_gb": "High early-warning score",
            "title_es": "Puntuación de alerta temprana alta",
            "title_de": "Hoher Frühwarn-Score",
            "level": "URGENT",
            "active": True,
            "params": {"single": 3, "aggregate": 5},
            "patient_message": "Your measurements together suggest you need to be checked "
            "urgently. Call the emergency number or your team's urgent line "
            "now.",
            "patient_message_en_gb": "Your measurements together suggest you need to be "
            "checked urgently. Call the emergency number or your "
            "team's urgent line now.",
            "patient_message_es": "El conjunto de sus mediciones indica que necesita una "
            "revisión urgente. Llame ahora al número de emergencias o a "
            "la línea urgente de su equipo.",
            "patient_message_de": "Ihre Messwerte zusammen zeigen, dass Sie dringend "
            "untersucht werden müssen. Rufen Sie jetzt den Notruf oder "
            "die Notfall-Telefonnummer Ihres Teams an.",
            "clinician_summary": "NEWS2 aggregate ≥5 or any single parameter scoring 3 (all "
            "home parameters present).",
            "clinician_summary_en_gb": "NEWS2 aggregate ≥5 or any single parameter scoring 3 "
            "(all home parameters present).",
            "clinician_summary_es": "NEWS2 total ≥5 o cualquier parámetro individual con 3 "
            "puntos (todos los parámetros domiciliarios disponibles).",
            "clinician_summary_de": "NEWS2-Gesamtwert ≥5 oder ein Einzelparameter mit 3 "
            "Punkten (alle häuslichen Parameter vorhanden).",
            "rationale": "A: NEWS2 [N2][N4] (hospital score applied to home readings).",
            "remeasure_minutes": None,
            "version": 1,
            "updated_at": "<NOW>",
        },
        {
            "id": 21,
            "rule_id": "RESP-URTI",
            "family": "respiratory",
            "title": "Cold-like symptoms",
            "title_en_gb": "Cold-like symptoms",
            "title_es": "Síntomas de resfriado",
            "title_de": "Erkältungsbeschwerden",
            "level": "WATCH",
            "active": True,
            "params": {"below_c": "37.5", "max_grade": 2},
            "patient_message": "Cold-like symptoms are common on Kesimpta. Rest, drink fluids "
            "and look after yourself. Your team asks to know about "
            "infections, so this is shared with them. Contact them if it "
            "gets worse, lasts, or you get a fever.",
            "patient_message_en_gb": "Cold-like symptoms are common on Kesimpta. Rest, drink "
            "fluids and look after yourself. Your team asks to know "
            "about infections, so this is shared with them. Contact "
            "them if it gets worse, lasts, or you get a fever.",
            "patient_message_es": "Los síntomas de resfriado son frecuentes con Kesimpta. "
            "Descanse, beba líquidos y cuídese. Su equipo quiere saber "
            "si tiene infecciones, por eso se comparte esta información "
            "con ellos. Contacte con ellos si empeora, si dura o si "
            "tiene fiebre.",
            "patient_message_de": "Erkältungsbeschwerden sind unter Kesimpta häufig. Ruhen Sie "
            "sich aus, trinken Sie genug und schonen Sie sich. Ihr Team "
            "möchte von Infekten erfahren, deshalb wird dies mit ihm "
            "geteilt. Melden Sie sich, wenn es schlimmer wird, anhält "
            "oder Sie Fieber bekommen.",
            "clinician_summary": "Runny nose, sore throat, sneezing or mild cough, all ≤ "
            "moderate, temperature <{below_c} °C.",
            "clinician_summary_en_gb": "Runny nose, sore throat, sneezing or mild cough, all ≤ "
            "moderate, temperature <{below_c} °C.",
            "clinician_summary_es": "Rinorrea, odinofagia, estornudos o tos leve, todos ≤ "
            "moderado, temperatura <{below_c} °C.",
            "clinician_summary_de": "Schnupfen, Halsschmerzen, Niesen oder leichter Husten, "
            "alle ≤ mittel, Temperatur <{below_c} °C.",
            "rationale": "S: [K4][K6][I6]; level D (team digest).",
            "remeasure_minutes": None,
            "version": 1,
            "updated_at": "<NOW>",
        },
        {
            "id": 22,
            "rule_id": "RESP-COUGH-3D",
            "family": "respiratory",
            "title": "Cough for three days",
            "title_en_gb": "Cough for three days",
            "title_es": "Tos durante tres días",
            "title_de": "Husten seit drei Tagen",
            "level": "CONTACT",
            "active": True,
            "params": {"days": 3, "min_grade": 1},
            "patient_message": "A cough that lasts several days needs checking because your "
            "immune system is affected. Contact your team today.",
            "patient_message_en_gb": "A cough that lasts several days needs checking because "
            "your immune system is affected. Contact your team today.",
            "patient_message_es": "Una tos que dura varios días hay que revisarla, porque su "
            "sistema inmunitario está afectado. Contacte hoy con su "
            "equipo.",
            "patient_message_de": "Husten, der mehrere Tage anhält, sollte abgeklärt werden, "
            "weil Ihr Immunsystem beeinträchtigt ist. Melden Sie sich "
            "heute bei Ihrem Team.",
            "clinician_summary": "Cough on consecutive days.",
            "clinician_summary_en_gb": "Cough on consecutive days.",
            "clinician_summary_es": "Tos en días consecutivos.",
            "clinician_summary_de": "Husten an aufeinanderfolgenden Tagen.",
            "rationale": "D, grounded in [I6].",
            "remeasure_minutes": None,
            "version": 1,
            "updated_at": "<NOW>",
        },
        {
            "id": 23,
            "rule_id": "RESP-LRTI",
            "family": "respiratory",
            "title": "Possible chest infection",
            "title_en_gb": "Possible chest infection",
            "title_es": "Posible infección en los bronquios o los pulmones",
            "title_de": "Möglicher Infekt der Bronchien oder der Lunge",
            "level": "CONTACT",
            "active": True,
            "params": {"fever_c": "38.0"},
            "patient_message": "This could be a chest infection. Contact your team today.",
            "patient_message_en_gb": "This could be a chest infection. Contact your team today.",
            "patient_message_es": "Podría ser una infección en los bronquios o los pulmones. "
            "Contacte hoy con su equipo.",
            "patient_message_de": "Das könnte ein Infekt der Bronchien oder der Lunge sein. "
            "Melden Sie sich heute bei Ihrem Team.",
            "clinician_summary": "Cough with fever ≥{fever_c} °C, coloured phlegm, chest pain "
            "on breathing or breathlessness.",
            "clinician_summary_en_gb": "Cough with fever ≥{fever_c} °C, coloured phlegm, chest "
            "pain on breathing or breathlessness.",
            "clinician_summary_es": "Tos con fiebre ≥{fever_c} °C, esputo de color, dolor "
            "torácico al respirar o disnea.",
            "clinician_summary_de": "Husten mit Fieber ≥{fever_c} °C, verfärbtem Auswurf, "
            "atemabhängigem Thoraxschmerz oder Dyspnoe.",
            "rationale": "S: [I5].",
            "remeasure_minutes": None,
            "version": 1,
            "updated_at": "<NOW>",
        },
        {
            "id": 24,
            "rule_id": "RESP-SEV",
            "family": "respiratory",
            "title": "Severe breathing problem",
            "title_en_gb": "Severe breathing problem",
            "title_es": "Problema grave para respirar",
            "title_de": "Schwere Atemprobleme",
            "level": "URGENT",
            "active": True,
            "params": {},
            "patient_message": "Call the emergency number now.",
            "patient_message_en_gb": "Call the emergency number now.",
            "patient_message_es": "Llame ahora al número de emergencias.",
            "patient_message_de": "Rufen Sie sofort den Notruf an.",
            "clinician_summary": "Struggling to breathe, blue/pale/blotchy skin or lips, or "
            "sudden confusion.",
            "clinician_summary_en_gb": "Struggling to breathe, blue/pale/blotchy skin or lips, "
            "or sudden confusion.",
            "clinician_summary_es": "Dificultad respiratoria grave, piel o labios "
            "azulados/pálidos/moteados, o confusión súbita.",
            "clinician_summary_de": "Schwere Atemnot, blaue/blasse/marmorierte Haut oder "
            "Lippen oder plötzliche Verwirrtheit.",
            "rationale": "S: [I5][N8].",
            "remeasure_minutes": None,
            "version": 1,
            "updated_at": "<NOW>",
        },
        {
            "id": 25,
            "rule_id": "GU-UTI",
            "family": "urinary",
            "title": "Possible urine infection",
            "title_en_gb": "Possible urine infection",
            "title_es": "Posible infección de orina",
            "title_de": "Möglicher Harnwegsinfekt",
            "level": "CONTACT",
            "active": True,
            "params": {"min_grade": 1},
            "patient_message": "These can be signs of a urine infection. Contact your team or "
            "GP today; you may need a urine test.",
            "patient_message_en_gb": "These can be signs of a urine infection. Contact your "
            "team or GP today; you may need a urine test.",
            "patient_message_es": "Pueden ser signos de una infección de orina. Contacte hoy "
            "con su equipo o su médico de cabecera. Puede que necesite "
            "un análisis de orina.",
            "patient_message_de": "Das können Anzeichen eines Harnwegsinfekts sein. Melden Sie "
            "sich heute bei Ihrem Team oder Ihrer Hausarztpraxis. "
            "Vielleicht ist eine Urinuntersuchung nötig.",
            "clinician_summary": "Dysuria, frequency/urgency or cloudy/bloody urine.",
            "clinician_summary_en_gb": "Dysuria, frequency/urgency or cloudy/bloody urine.",
            "clinician_summary_es": "Disuria, polaquiuria/urgencia miccional u orina "
            "turbia/hematúrica.",
            "clinician_summary_de": "Dysurie, Pollakisurie/imperativer Harndrang oder "
            "trüber/blutiger Urin.",
            "rationale": "S: [K7][K4][I1].",
            "remeasure_minutes": None,
            "version": 1,
            "updated_at": "<NOW>",
        },
        {
            "id": 26,
            "rule_id": "GU-UPPER",
            "family": "urinary",
            "title": "Possible kidney infection",
            "title_en_gb": "Possible kidney infection",
            "title_es": "Posible infección de riñón",
            "title_de": "Mögliche Nierenbeckenentzündung",
            "level": "CONTACT",
            "active": True,
            "params": {"fever_c": "38.0"},
            "patient_message": "This could be a kidney infection. Speak to your team or GP "
            "urgently today. Call the emergency number if you have any "
            "sepsis sign.",
            "patient_message_en_gb": "This could be a kidney infection. Speak to your team or "
            "GP urgently today. Call the emergency number if you have "
            "any sepsis sign.",
            "patient_message_es": "Podría ser una infección de riñón. Hable hoy mismo, con "
            "urgencia, con su equipo o su médico de cabecera. Llame al "
            "número de emergencias si tiene algún signo de sepsis.",
            "patient_message_de": "Das könnte eine Nierenbeckenentzündung sein. Sprechen Sie "
            "noch heute dringend mit Ihrem Team oder Ihrer "
            "Hausarztpraxis. Rufen Sie den Notruf an, wenn Sie ein "
            "Anzeichen einer Sepsis haben.",
            "clinician_summary": "Urinary symptoms with fever ≥{fever_c} °C, flank pain, "
            "shivering or vomiting (priority).",
            "clinician_summary_en_gb": "Urinary symptoms with fever ≥{fever_c} °C, flank pain, "
            "shivering or vomiting (priority).",
            "clinician_summary_es": "Síntomas urinarios con fiebre ≥{fever_c} °C, dolor en "
            "flanco, escalofríos o vómitos (prioritario).",
            "clinician_summary_de": "Harnwegsbeschwerden mit Fieber ≥{fever_c} °C, "
            "Flankenschmerz, Schüttelfrost oder Erbrechen (vorrangig).",
            "rationale": "S: [I1][I3].",
            "remeasure_minutes": None,
            "version": 1,
            "updated_at": "<NOW>",
        },
        {
            "id": 27,
            "rule_id": "HSV-ORAL",
            "family": "herpes",
            "title": "Cold sore",
            "title_en_gb": "Cold sore",
            "title_es": "Herpes labial",
            "title_de": "Lippenherpes",
            "level": "WATCH",
            "active": True,
            "params": {"below_c": "37.5"},
            "patient_message": "Cold sores can happen on Kesimpta. Keep the area clean. Tell "
            "your team if it spreads or does not heal.",
            "patient_message_en_gb": "Cold sores can happen on Kesimpta. Keep the area clean. "
            "Tell your team if it spreads or does not heal.",
            "patient_message_es": "El herpes labial puede aparecer con Kesimpta. Mantenga la "
            "zona limpia. Avise a su equipo si se extiende o no se cura.",
            "patient_message_de": "Lippenherpes kann unter Kesimpta auftreten. Halten Sie die "
            "Stelle sauber. Sagen Sie Ihrem Team Bescheid, wenn er sich "
            "ausbreitet oder nicht abheilt.",
            "clinician_summary": "Cold sore, temperature <{below_c} °C.",
            "clinician_summary_en_gb": "Cold sore, temperature <{below_c} °C.",
            "clinician_summary_es": "Herpes labial, temperatura <{below_c} °C.",
            "clinician_summary_de": "Herpes labialis, Temperatur <{below_c} °C.",
            "rationale": "S: [K10][K16]; level D.",
            "remeasure_minutes": None,
            "version": 1,
            "updated_at": "<NOW>",
        },
        {
            "id": 28,
            "rule_id": "HZ-PRODROME",
            "family": "herpes",
            "title": "Possible early shingles",
            "title_en_gb": "Possible early shingles",
            "title_es": "Posible inicio de herpes zóster",
            "title_de": "Mögliche beginnende Gürtelrose",
            "level": "WATCH",
            "active": True,
            "params": {"min_grade": 1},
            "patient_message": "Watch the area. If a rash or blisters appear, contact your "
            "team the same day.",
            "patient_message_en_gb": "Watch the area. If a rash or blisters appear, contact "
            "your team the same day.",
            "patient_message_es": "Vigile la zona. Si aparece una erupción o ampollas, "
            "contacte con su equipo ese mismo día.",
            "patient_message_de": "Beobachten Sie die Stelle. Wenn ein Ausschlag oder Bläschen "
            "auftreten, melden Sie sich noch am selben Tag bei Ihrem "
            "Team.",
            "clinician_summary": "One-sided burning, tingling or pain, no rash.",
            "clinician_summary_en_gb": "One-sided burning, tingling or pain, no rash.",
            "clinician_summary_es": "Ardor, hormigueo o dolor unilateral, sin exantema.",
            "clinician_summary_de": "Einseitiges Brennen, Kribbeln oder Schmerzen, kein Ausschlag.",
            "rationale": "S: [I4].",
            "remeasure_minutes": None,
            "version": 1,
            "updated_at": "<NOW>",
        },
        {
            "id": 29,
            "rule_id": "HZ-RASH",
            "family": "herpes",
            "title": "Possible shingles",
            "title_en_gb": "Possible shingles",
            "title_es": "Posible herpes zóster",
            "title_de": "Mögliche Gürtelrose",
            "level": "CONTACT",
            "active": True,
            "params": {},
            "patient_message": "This could be shingles. Contact your team or GP today: "
            "treatment works best if it starts within 3 days of the rash.",
            "patient_message_en_gb": "This could be shingles. Contact your team or GP today: "
            "treatment works best if it starts within 3 days of the "
            "rash.",
            "patient_message_es": "Podría ser herpes zóster (culebrilla). Contacte hoy con su "
            "equipo o su médico de cabecera. El tratamiento funciona "
            "mejor si se empieza en los 3 primeros días de la erupción.",
            "patient_message_de": "Das könnte eine Gürtelrose sein. Melden Sie sich heute bei "
            "Ihrem Team oder Ihrer Hausarztpraxis. Die Behandlung wirkt "
            "am besten, wenn sie innerhalb von 3 Tagen nach Beginn des "
            "Ausschlags startet.",
            "clinician_summary": "One-sided band or cluster rash.",
            "clinician_summary_en_gb": "One-sided band or cluster rash.",
            "clinician_summary_es": "Exantema unilateral en banda o agrupado.",
            "clinician_summary_de": "Einseitiger band- oder gruppenförmiger Ausschlag.",
            "rationale": "S: [I4].",
            "remeasure_minutes": None,
            "version": 1,
            "updated_at": "<NOW>",
        },
        {
            "id": 30,
            "rule_id": "HZ-EYE",
            "family": "herpes",
            "title": "Shingles near the eye",
            "title_en_gb": "Shingles near the eye",
            "title_es": "Herpes zóster cerca del ojo",
            "title_de": "Gürtelrose am Auge",
            "level": "URGENT",
            "active": True,
            "params": {},
            "patient_message": "A rash like this near the eye can affect your sight. Get "
            "urgent help now.",
            "patient_message_en_gb": "A rash like this near the eye can affect your sight. Get "
            "urgent help now.",
            "patient_message_es": "Una erupción así cerca del ojo puede afectar a la vista. "
            "Busque ayuda urgente ahora.",
            "patient_message_de": "Ein solcher Ausschlag in Augennähe kann das Sehen "
            "gefährden. Holen Sie sich jetzt dringend Hilfe.",
            "clinician_summary": "Shingles-type rash near the eye, or eye symptoms with the rash.",
            "clinician_summary_en_gb": "Shingles-type rash near the eye, or eye symptoms with "
            "the rash.",
            "clinician_summary_es": "Exantema tipo zóster cerca del ojo, o síntomas oculares "
            "con el exantema.",
            "clinician_summary_de": "Zosterartiger Ausschlag in Augennähe oder "
            "Augenbeschwerden mit Ausschlag.",
            "rationale": "S: [I4] (sight risk); level D (unconfirmed).",
            "remeasure_minutes": None,
            "version": 1,
            "updated_at": "<NOW>",
        },
        {
            "id": 31,
            "rule_id": "HBV-LIVER",
            "family": "liver",
            "title": "Possible liver problem",
            "title_en_gb": "Possible liver problem",
            "title_es": "Posible problema de hígado",
            "title_de": "Mögliches Leberproblem",
            "level": "CONTACT",
            "active": True,
            "params": {"fatigue_rise": 2},
            "patient_message": "Tell your MS team today about yellowing of your skin or eyes, "
            "or tiredness that is getting worse.",
            "patient_message_en_gb": "Tell your MS team today about yellowing of your skin or "
            "eyes, or tiredness that is getting worse.",
            "patient_message_es": "Avise hoy a su equipo de EM si tiene la piel o los ojos "
            "amarillos, o un cansancio que va a más.",
            "patient_message_de": "Sagen Sie Ihrem MS-Team heute Bescheid, wenn Ihre Haut oder "
            "Ihre Augen gelb werden oder Ihre Müdigkeit zunimmt.",
            "clinician_summary": "Jaundice (any patient), or in an HBV-risk patient fatigue up "
            "≥2 grades with nausea, dark urine or loss of appetite.",
            "clinician_summary_en_gb": "Jaundice (any patient), or in an HBV-risk patient "
            "fatigue up ≥{fatigue_rise} grades with nausea, dark "
            "urine or loss of appetite.",
            "clinician_summary_es": "Ictericia (cualquier paciente), o en paciente con riesgo "
            "de VHB: fatiga aumentada ≥{fatigue_rise} grados con "
            "náuseas, coluria o pérdida de apetito.",
            "clinician_summary_de": "Ikterus (alle Patienten) oder bei HBV-Risiko: Fatigue um "
            "≥{fatigue_rise} Grade gestiegen mit Übelkeit, dunklem "
            "Urin oder Appetitverlust.",
            "rationale": "S: [K7][I8]; dark urine unconfirmed.",
            "remeasure_minutes": None,
            "version": 1,
            "updated_at": "<NOW>",
        },
        {
            "id": 32,
            "rule_id": "HBV-SEV",
            "family": "liver",
            "title": "Severe liver warning signs",
            "title_en_gb": "Severe liver warning signs",
            "title_es": "Signos graves de alarma hepática",
            "title_de": "Schwere Warnzeichen der Leber",
            "level": "URGENT",
            "active": True,
            "params": {},
            "patient_message": "Get medical help now: call the emergency number.",
            "patient_message_en_gb": "Get medical help now: call the emergency number.",
            "patient_message_es": "Busque ayuda médica ahora: llame al número de emergencias.",
            "patient_message_de": "Holen Sie sofort ärztliche Hilfe: Rufen Sie den Notruf an.",
            "clinician_summary": "Jaundice with confusion or drowsiness, vomiting blood, or a "
            "swelling tummy.",
            "clinician_summary_en_gb": "Jaundice with confusion or drowsiness, vomiting blood, "
            "or a swelling tummy.",
            "clinician_summary_es": "Ictericia con confusión o somnolencia, hematemesis o "
            "distensión abdominal.",
            "clinician_summary_de": "Ikterus mit Verwirrtheit oder Somnolenz, Hämatemesis oder "
            "zunehmendem Bauchumfang.",
            "rationale": "D (unconfirmed).",
            "remeasure_minutes": None,
            "version": 1,
            "updated_at": "<NOW>",
        },
        {
            "id": 33,
            "rule_id": "NEURO-NEW",
            "family": "neuro",
            "title": "New or worse nerve symptoms",
            "title_en_gb": "New or worse nerve symptoms",
            "title_es": "Síntomas neurológicos nuevos o peores",
            "title_de": "Neue oder stärkere neurologische Beschwerden",
            "level": "CONTACT",
            "active": True,
            "params": {"min_grade": 1},
            "patient_message": "New or worsening nerve symptoms must be checked by your MS "
            "team. Contact them today, even if you think it is a relapse.",
            "patient_message_en_gb": "New or worsening nerve symptoms must be checked by your "
            "MS team. Contact them today, even if you think it is a "
            "relapse.",
            "patient_message_es": "Su equipo de EM debe revisar cualquier síntoma neurológico "
            "nuevo o que empeora. Contacte con ellos hoy, aunque crea "
            "que es un brote.",
            "patient_message_de": "Neue oder stärker werdende neurologische Beschwerden muss "
            "Ihr MS-Team abklären. Melden Sie sich heute dort, auch wenn "
            "Sie denken, dass es ein Schub ist.",
            "clinician_summary": "New or worse one-sided weakness, clumsiness, vision, "
            "thinking, personality or speech.",
            "clinician_summary_en_gb": "New or worse one-sided weakness, clumsiness, vision, "
            "thinking, personality or speech.",
            "clinician_summary_es": "Debilidad unilateral, torpeza, o alteración visual, "
            "cognitiva, de la personalidad o del habla, nueva o "
            "empeorada.",
            "clinician_summary_de": "Neue oder verschlechterte einseitige Schwäche, "
            "Ungeschicklichkeit, Seh-, Denk-, Persönlichkeits- oder "
            "Sprachstörung.",
            "rationale": "S: [K12][K26][K6] (PML warning).",
            "remeasure_minutes": None,
            "version": 1,
            "updated_at": "<NOW>",
        },
        {
            "id": 34,
            "rule_id": "NEURO-PROG",
            "family": "neuro",
            "title": "Nerve symptoms changing",
            "title_en_gb": "Nerve symptoms changing",
            "title_es": "Síntomas neurológicos que cambian",
            "title_de": "Neurologische Beschwerden verändern sich",
            "level": "CONTACT",
            "active": True,
            "params": {"episode_days": 14},
            "patient_message": "Your symptoms are changing. Contact your team today.",
            "patient_message_en_gb": "Your symptoms are changing. Contact your team today.",
            "patient_message_es": "Sus síntomas están cambiando. Contacte hoy con su equipo.",
            "patient_message_de": "Ihre Beschwerden verändern sich. Melden Sie sich heute bei "
            "Ihrem Team.",
            "clinician_summary": "Progressive neurological change: a neuro symptom rose or a "
            "new one was added within an open episode.",
            "clinician_summary_en_gb": "Progressive neurological change: a neuro symptom rose "
            "or a new one was added within an open episode.",
            "clinician_summary_es": "Cambio neurológico progresivo: un síntoma neurológico "
            "aumentó o se añadió uno nuevo dentro de un episodio "
            "abierto.",
            "clinician_summary_de": "Progrediente neurologische Veränderung: ein "
            "neurologisches Symptom ist gestiegen oder ein neues kam "
            "in einer offenen Episode hinzu.",
            "rationale": "S/D: PML progresses over days to weeks [K6].",
            "remeasure_minutes": None,
            "version": 1,
            "updated_at": "<NOW>",
        },
        {
            "id": 35,
            "rule_id": "NEURO-ACUTE",
            "family": "neuro",
            "title": "Sudden nerve symptoms",
            "title_en_gb": "Sudden nerve symptoms",
            "title_es": "Síntomas neurológicos repentinos",
            "title_de": "Plötzliche neurologische Beschwerden",
            "level": "URGENT",
            "active": True,
            "params": {},
            "patient_message": "Call the emergency number now.",
            "patient_message_en_gb": "Call the emergency number now.",
            "patient_message_es": "Llame ahora al número de emergencias.",
            "patient_message_de": "Rufen Sie sofort den Notruf an.",
            "clinician_summary": "Sudden face droop, arm weakness or speech difficulty; "
            "seizure; hard to wake.",
            "clinician_summary_en_gb": "Sudden face droop, arm weakness or speech difficulty; "
            "seizure; hard to wake.",
            "clinician_summary_es": "Asimetría facial súbita, debilidad de brazo o dificultad "
            "para hablar; crisis convulsiva; difícil de despertar.",
            "clinician_summary_de": "Plötzlich hängender Mundwinkel, Armschwäche oder "
            "Sprachstörung; Krampfanfall; schwer erweckbar.",
            "rationale": "D (unconfirmed).",
            "remeasure_minutes": None,
            "version": 1,
            "updated_at": "<NOW>",
        },
        {
            "id": 36,
            "rule_id": "NEURO-FEVER",
            "family": "neuro",
            "title": "MS symptoms worse with fever or infection",
            "title_en_gb": "MS symptoms worse with fever or infection",
            "title_es": "Síntomas de EM peores con fiebre o infección",
            "title_de": "MS-Beschwerden schlechter bei Fieber oder Infektion",
            "level": "CONTACT",
            "active": True,
            "params": {"min_grade": 1, "threshold_c": "37.5"},
            "patient_message": "Fever or infection can make MS symptoms worse for a while, but "
            "the infection needs treating. Contact your team today.",
            "patient_message_en_gb": "Fever or infection can make MS symptoms worse for a "
            "while, but the infection needs treating. Contact your "
            "team today.",
            "patient_message_es": "La fiebre o una infección pueden empeorar los síntomas de "
            "la EM durante un tiempo, pero la infección necesita "
            "tratamiento. Contacte hoy con su equipo.",
            "patient_message_de": "Fieber oder eine Infektion können MS-Beschwerden eine Zeit "
            "lang verschlechtern. Die Infektion muss aber behandelt "
            "werden. Melden Sie sich heute bei Ihrem Team.",
            "clinician_summary": "Usual MS symptoms worse with temperature ≥{threshold_c} °C "
            "or infection symptoms.",
            "clinician_summary_en_gb": "Usual MS symptoms worse with temperature "
            "≥{threshold_c} °C or infection symptoms.",
            "clinician_summary_es": "Síntomas habituales de EM empeorados con temperatura "
            "≥{threshold_c} °C o síntomas de infección.",
            "clinician_summary_de": "Bekannte MS-Symptome verschlechtert bei Temperatur "
            "≥{threshold_c} °C oder Infektsymptomen.",
            "rationale": "S: pseudo-relapse [I9][I10].",
            "remeasure_minutes": None,
            "version": 1,
            "updated_at": "<NOW>",
        },
        {
            "id": 37,
            "rule_id": "INJ-IRR-24",
            "family": "injection",
            "title": "Likely injection reaction",
            "title_en_gb": "Likely injection reaction",
            "title_es": "Probable reacción a la inyección",
            "title_de": "Wahrscheinlich eine Injektionsreaktion",
            "level": "WATCH",
            "active": True,
            "params": {"low_c": "37.5", "high_c": "38.0", "max_grade": 2, "window_hours": 24},
            "patient_message": "Reactions like this are common after Kesimpta, especially the "
            "first injection. They are usually mild and settle within about "
            "a day. Use the symptom relief your team advised. If your "
            "temperature reaches {high_c} °C, or you are not better after "
            "48 hours, contact your team. Please mention it next time you "
            "speak to them.",
            "patient_message_en_gb": "Reactions like this are common after Kesimpta, "
            "especially the first injection. They are usually mild "
            "and settle within about a day. Use the symptom relief "
            "your team advised. If your temperature reaches {high_c} "
            "°C, or you are not better after 48 hours, contact your "
            "team. Please mention it next time you speak to them.",
            "patient_message_es": "Estas reacciones son frecuentes después de Kesimpta, sobre "
            "todo con la primera inyección. Suelen ser leves y pasan en "
            "más o menos un día. Use lo que su equipo le recomendó para "
            "aliviar los síntomas. Si su temperatura llega a {high_c} "
            "°C, o no mejora en 48 horas, contacte con su equipo. Por "
            "favor, coménteselo la próxima vez que hable con ellos.",
            "patient_message_de": "Solche Reaktionen sind nach Kesimpta häufig, vor allem nach "
            "der ersten Injektion. Sie sind meist leicht und klingen "
            "innerhalb von etwa einem Tag ab. Nutzen Sie die Mittel "
            "gegen die Beschwerden, die Ihr Team empfohlen hat. Wenn "
            "Ihre Temperatur {high_c} °C erreicht oder es Ihnen nach 48 "
            "Stunden nicht besser geht, melden Sie sich bei Ihrem Team. "
            "Bitte erwähnen Sie es, wenn Sie das nächste Mal mit Ihrem "
            "Team sprechen.",
            "clinician_summary": "Within 24 h of an injection: headache, aches, chills or "
            "tiredness (≤ moderate) and/or {low_c}–37.9 °C, no sepsis "
            "sign, no localising infection symptom.",
            "clinician_summary_en_gb": "Within {window_hours} h of an injection: headache, "
            "aches, chills or tiredness (≤ moderate) and/or {low_c} "
            "°C to below {high_c} °C, no sepsis sign, no localising "
            "infection symptom.",
            "clinician_summary_es": "En las {window_hours} h tras una inyección: cefalea, "
            "dolores, escalofríos o cansancio (≤ moderado) y/o {low_c} "
            "°C a menos de {high_c} °C, sin signos de sepsis ni "
            "síntomas de infección localizada.",
            "clinician_summary_de": "Innerhalb von {window_hours} h nach Injektion: "
            "Kopfschmerz, Gliederschmerzen, Schüttelfrost oder "
            "Müdigkeit (≤ mittel) und/oder {low_c} °C bis unter "
            "{high_c} °C, kein Sepsiszeichen, kein lokalisierendes "
            "Infektsymptom.",
            "rationale": "S: [K3][K9][K11][K12].",
            "remeasure_minutes": None,
            "version": 1,
            "updated_at": "<NOW>",
        },
        {
            "id": 38,
            "rule_id": "INJ-FEV",
            "family": "injection",
            "title": "Fever after an injection",
            "title_en_gb": "Fever after an injection",
            "title_es": "Fiebre después de una inyección",
            "title_de": "Fieber nach einer Injektion",
            "level": "CONTACT",
            "active": True,
            "params": {"threshold_c": "38.0", "window_hours": 24},
            "patient_message": "This may be a reaction to your injection, but fever can also "
            "mean infection. Contact your team today.",
            "patient_message_en_gb": "This may be a reaction to your injection, but fever can "
            "also mean infection. Contact your team today.",
            "patient_message_es": "Puede ser una reacción a la inyección, pero la fiebre "
            "también puede indicar una infección. Contacte hoy con su "
            "equipo.",
            "patient_message_de": "Das kann eine Reaktion auf Ihre Injektion sein. Fieber kann "
            "aber auch eine Infektion bedeuten. Melden Sie sich heute "
            "bei Ihrem Team.",
            "clinician_summary": "Reading ≥{threshold_c} °C within 24 h of an injection.",
            "clinician_summary_en_gb": "Reading ≥{threshold_c} °C within {window_hours} h of "
            "an injection.",
            "clinician_summary_es": "Lectura ≥{threshold_c} °C en las {window_hours} h "
            "siguientes a una inyección.",
            "clinician_summary_de": "Messwert ≥{threshold_c} °C innerhalb von {window_hours} h "
            "nach einer Injektion.",
            "rationale": "S/A: [K3][K7].",
            "remeasure_minutes": None,
            "version": 1,
            "updated_at": "<NOW>",
        },
        {
            "id": 39,
            "rule_id": "INJ-PERSIST-48",
            "family": "injection",
            "title": "Reaction lasting over 48 hours",
            "title_en_gb": "Reaction lasting over 48 hours",
            "title_es": "Reacción que dura más de 48 horas",
            "title_de": "Reaktion länger als 48 Stunden",
            "level": "CONTACT",
            "active": True,
            "params": {"min_grade": 2, "until_days": 7, "after_hours": 48, "threshold_c": "37.5"},
            "patient_message": "Symptoms that last more than two days are less likely to be a "
            "simple injection reaction. Contact your team today.",
            "patient_message_en_gb": "Symptoms that last more than two days are less likely to "
            "be a simple injection reaction. Contact your team today.",
            "patient_message_es": "Si los síntomas duran más de dos días, es menos probable "
            "que sean una simple reacción a la inyección. Contacte hoy "
            "con su equipo.",
            "patient_message_de": "Beschwerden, die länger als zwei Tage anhalten, sind eher "
            "keine einfache Injektionsreaktion. Melden Sie sich heute "
            "bei Ihrem Team.",
            "clinician_summary": "After an injection reaction: reaction-type symptom ≥ "
            "moderate or ≥{threshold_c} °C between 48 h and 7 days after "
            "the injection.",
            "clinician_summary_en_gb": "After an injection reaction: reaction-type symptom ≥ "
            "moderate or ≥{threshold_c} °C between {after_hours} h "
            "and {until_days} days after the injection.",
            "clinician_summary_es": "Tras una reacción a la inyección: síntoma de tipo "
            "reacción ≥ moderado o ≥{threshold_c} °C entre "
            "{after_hours} h y {until_days} días después de la "
            "inyección.",
            "clinician_summary_de": "Nach Injektionsreaktion: reaktionstypisches Symptom ≥ "
            "mittel oder ≥{threshold_c} °C zwischen {after_hours} h "
            "und {until_days} Tagen nach der Injektion.",
            "rationale": "D, grounded in [K3].",
            "remeasure_minutes": None,
            "version": 1,
            "updated_at": "<NOW>",
        },
        {
            "id": 40,
            "rule_id": "INJ-ANAPH",
            "family": "injection",
            "title": "Possible allergic reaction",
            "title_en_gb": "Possible allergic reaction",
            "title_es": "Posible reacción alérgica",
            "title_de": "Mögliche allergische Reaktion",
            "level": "URGENT",
            "active": True,
            "params": {},
            "patient_message": "This could be a serious allergic reaction. Call the emergency "
            "number now.",
            "patient_message_en_gb": "This could be a serious allergic reaction. Call the "
            "emergency number now.",
            "patient_message_es": "Podría ser una reacción alérgica grave. Llame ahora al "
            "número de emergencias.",
            "patient_message_de": "Das könnte eine schwere allergische Reaktion sein. Rufen "
            "Sie sofort den Notruf an.",
            "clinician_summary": "Face/lip/tongue/throat swelling, wheeze, widespread hives or "
            "fainting.",
            "clinician_summary_en_gb": "Face/lip/tongue/throat swelling, wheeze, widespread "
            "hives or fainting.",
            "clinician_summary_es": "Edema de cara/labios/lengua/garganta, sibilancias, "
            "urticaria generalizada o síncope.",
            "clinician_summary_de": "Schwellung von Gesicht/Lippen/Zunge/Rachen, Giemen, "
            "generalisierte Urtikaria oder Synkope.",
            "rationale": "S: [K13][K8].",
            "remeasure_minutes": None,
            "version": 1,
            "updated_at": "<NOW>",
        },
        {
            "id": 41,
            "rule_id": "INJ-SITE",
            "family": "injection",
            "title": "Injection-site reaction",
            "title_en_gb": "Injection-site reaction",
            "title_es": "Reacción en el lugar de la inyección",
            "title_de": "Reaktion an der Einstichstelle",
            "level": "WATCH",
            "active": True,
            "params": {"min_grade": 1},
            "patient_message": "Redness, pain, itch or swelling where you injected is common "
            "and usually mild. It should settle in a few days.",
            "patient_message_en_gb": "Redness, pain, itch or swelling where you injected is "
            "common and usually mild. It should settle in a few days.",
            "patient_message_es": "Es frecuente tener enrojecimiento, dolor, picor o hinchazón "
            "donde se inyectó, y suele ser leve. Debería pasar en unos "
            "días.",
            "patient_message_de": "Rötung, Schmerzen, Juckreiz oder Schwellung an der "
            "Einstichstelle sind häufig und meist leicht. Sie sollten in "
            "einigen Tagen abklingen.",
            "clinician_summary": "Local injection-site reaction.",
            "clinician_summary_en_gb": "Local injection-site reaction.",
            "clinician_summary_es": "Reacción local en el lugar de inyección.",
            "clinician_summary_de": "Lokalreaktion an der Injektionsstelle.",
            "rationale": "S: [K3].",
            "remeasure_minutes": None,
            "version": 1,
            "updated_at": "<NOW>",
        },
        {
            "id": 42,
            "rule_id": "INJ-SITE-INF",
            "family": "injection",
            "title": "Possible skin infection at the injection site",
            "title_en_gb": "Possible skin infection at the injection site",
            "title_es": "Posible infección de la piel en el lugar de la inyección",
            "title_de": "Mögliche Hautinfektion an der Einstichstelle",
            "level": "CONTACT",
            "active": True,
            "params": {"fever_c": "38.0", "window_hours": 24},
            "patient_message": "This could be a skin infection where you injected. Contact "
            "your team today.",
            "patient_message_en_gb": "This could be a skin infection where you injected. "
            "Contact your team today.",
            "patient_message_es": "Podría ser una infección de la piel donde se inyectó. "
            "Contacte hoy con su equipo.",
            "patient_message_de": "Das könnte eine Hautinfektion an der Einstichstelle sein. "
            "Melden Sie sich heute bei Ihrem Team.",
            "clinician_summary": "Spreading redness, warmth or pus, or a site reaction with "
            "≥{fever_c} °C beyond 24 h.",
            "clinician_summary_en_gb": "Spreading redness, warmth or pus, or a site reaction "
            "with ≥{fever_c} °C beyond {window_hours} h.",
            "clinician_summary_es": "Eritema que se extiende, calor o pus, o reacción local "
            "con ≥{fever_c} °C pasadas {window_hours} h.",
            "clinician_summary_de": "Sich ausbreitende Rötung, Überwärmung oder Eiter, oder "
            "Lokalreaktion mit ≥{fever_c} °C nach mehr als "
            "{window_hours} h.",
            "rationale": "D/A: [N6].",
            "remeasure_minutes": None,
            "version": 1,
            "updated_at": "<NOW>",
        },
        {
            "id": 43,
            "rule_id": "INJ-DUE-INF",
            "family": "injection",
            "title": "Check before your next injection",
            "title_en_gb": "Check before your next injection",
            "title_es": "Consulte antes de su próxima inyección",
            "title_de": "Vor der nächsten Injektion nachfragen",
            "level": "CONTACT",
            "active": True,
            "params": {"lookback_days": 7, "due_within_hours": 48},
            "patient_message": "Check with your team before your next injection. It may need "
            "to wait until an infection has cleared.",
            "patient_message_en_gb": "Check with your team before your next injection. It may "
            "need to wait until an infection has cleared.",
            "patient_message_es": "Consulte con su equipo antes de su próxima inyección. Puede "
            "que haya que esperar a que se cure la infección.",
            "patient_message_de": "Sprechen Sie vor Ihrer nächsten Injektion mit Ihrem Team. "
            "Vielleicht muss sie warten, bis eine Infektion abgeheilt "
            "ist.",
            "clinician_summary": "Next dose due within 48 h and an infection alert "
            "(CONTACT/URGENT) in the last 7 days.",
            "clinician_summary_en_gb": "Next dose due within {due_within_hours} h and an "
            "infection alert (CONTACT/URGENT) in the last "
            "{lookback_days} days.",
            "clinician_summary_es": "Próxima dosis en ≤{due_within_hours} h y alerta de "
            "infección (CONTACT/URGENT) en los últimos {lookback_days} "
            "días.",
            "clinician_summary_de": "Nächste Dosis innerhalb von {due_within_hours} h fällig "
            "und Infektionsalarm (CONTACT/URGENT) in den letzten "
            "{lookback_days} Tagen.",
            "rationale": "S: delay in active infection [K4].",
            "remeasure_minutes": None,
            "version": 1,
            "updated_at": "<NOW>",
        },
        {
            "id": 44,
            "rule_id": "INJ-MISSED",
            "family": "injection",
            "title": "Missed injection",
            "title_en_gb": "Missed injection",
            "title_es": "Inyección olvidada",
            "title_de": "Injektion versäumt",
            "level": "WATCH",
            "active": True,
            "params": {"grace_days": 1},
            "patient_message": "It looks like you have missed an injection. Inject as soon as "
            "you can; do not wait for the next dose. Tell your team, who "
            "will confirm your schedule.",
            "patient_message_en_gb": "It looks like you have missed an injection. Inject as "
            "soon as you can; do not wait for the next dose. Tell "
            "your team, who will confirm your schedule.",
            "patient_message_es": "Parece que se ha saltado una inyección. Inyéctese en cuanto "
            "pueda; no espere a la siguiente dosis. Avise a su equipo, "
            "que le confirmará su calendario.",
            "patient_message_de": "Es sieht so aus, als hätten Sie eine Injektion versäumt. "
            "Spritzen Sie so bald wie möglich. Warten Sie nicht auf die "
            "nächste Dosis. Sagen Sie Ihrem Team Bescheid. Es bestätigt "
            "Ihnen Ihren Zeitplan.",
            "clinician_summary": "Scheduled dose not logged by the end of its due date + 1 day.",
            "clinician_summary_en_gb": "Scheduled dose not logged by the end of its due date + "
            "{grace_days} day.",
            "clinician_summary_es": "Dosis programada no registrada al final del día previsto "
            "+ {grace_days} día.",
            "clinician_summary_de": "Geplante Dosis bis Ende des Fälligkeitstags + "
            "{grace_days} Tag nicht eingetragen.",
            "rationale": "S: [K24].",
            "remeasure_minutes": None,
            "version": 1,
            "updated_at": "<NOW>",
        },
        {
            "id": 45,
            "rule_id": "VAC-LIVE",
            "family": "vaccine",
            "title": "Live vaccine planned",
            "title_en_gb": "Live vaccine planned",
            "title_es": "Vacuna viva prevista",
            "title_de": "Lebendimpfung geplant",
            "level": "CONTACT",
            "active": True,
            "params": {},
            "patient_message": "Live vaccines are not recommended while you take Kesimpta. "
            "Talk to your MS team before any vaccination.",
            "patient_message_en_gb": "Live vaccines are not recommended while you take "
            "Kesimpta. Talk to your MS team before any vaccination.",
            "patient_message_es": "No se recomiendan las vacunas vivas mientras toma Kesimpta. "
            "Hable con su equipo de EM antes de cualquier vacunación.",
            "patient_message_de": "Lebendimpfstoffe werden während der Behandlung mit Kesimpta "
            "nicht empfohlen. Sprechen Sie vor jeder Impfung mit Ihrem "
            "MS-Team.",
            "clinician_summary": "Patient plans a live or live-attenuated vaccine.",
            "clinician_summary_en_gb": "Patient plans a live or live-attenuated vaccine.",
            "clinician_summary_es": "El paciente tiene prevista una vacuna viva o viva atenuada.",
            "clinician_summary_de": "Patient plant eine Impfung mit Lebend- oder attenuiertem "
            "Lebendimpfstoff.",
            "rationale": "S: [K5][K28].",
            "remeasure_minutes": None,
            "version": 1,
            "updated_at": "<NOW>",
        },
        {
            "id": 46,
            "rule_id": "PRO-SEV",
            "family": "pro",
            "title": "Severe symptom",
            "title_en_gb": "Severe symptom",
            "title_es": "Síntoma grave",
            "title_de": "Starke Beschwerden",
            "level": "CONTACT",
            "active": True,
            "params": {"min_grade": 3},
            "patient_message": "Contact your team today about this severe symptom.",
            "patient_message_en_gb": "Contact your team today about this severe symptom.",
            "patient_message_es": "Contacte hoy con su equipo por este síntoma grave.",
            "patient_message_de": "Melden Sie sich heute wegen dieser starken Beschwerden bei "
            "Ihrem Team.",
            "clinician_summary": "Any graded symptom severe or very severe.",
            "clinician_summary_en_gb": "Any graded symptom severe or very severe.",
            "clinician_summary_es": "Cualquier síntoma graduado grave o muy grave.",
            "clinician_summary_de": "Beliebiges abgestuftes Symptom stark oder sehr stark.",
            "rationale": "S: STAR / SYMPATHY [E3][E11].",
            "remeasure_minutes": None,
            "version": 1,
            "updated_at": "<NOW>",
        },
        {
            "id": 47,
            "rule_id": "PRO-WORSEN-2",
            "family": "pro",
            "title": "Symptom clearly worse",
            "title_en_gb": "Symptom clearly worse",
            "title_es": "Síntoma claramente peor",
            "title_de": "Symptom deutlich schlechter",
            "level": "CONTACT",
            "active": True,
            "params": {"rise": 2},
            "patient_message": "One of your symptoms has got clearly worse since your last "
            "entry. Contact your team today.",
            "patient_message_en_gb": "One of your symptoms has got clearly worse since your "
            "last entry. Contact your team today.",
            "patient_message_es": "Uno de sus síntomas ha empeorado claramente desde su último "
            "registro. Contacte hoy con su equipo.",
            "patient_message_de": "Eines Ihrer Symptome ist seit Ihrem letzten Eintrag "
            "deutlich schlechter geworden. Melden Sie sich heute bei "
            "Ihrem Team.",
            "clinician_summary": "A graded symptom rose by ≥2 grades since the previous entry.",
            "clinician_summary_en_gb": "A graded symptom rose by ≥{rise} grades since the "
            "previous entry.",
            "clinician_summary_es": "Un síntoma graduado subió ≥{rise} grados desde el "
            "registro anterior.",
            "clinician_summary_de": "Ein abgestuftes Symptom ist seit dem vorigen Eintrag um "
            "≥{rise} Grade gestiegen.",
            "rationale": "S: [E3][E11].",
            "remeasure_minutes": None,
            "version": 1,
            "updated_at": "<NOW>",
        },
        {
            "id": 48,
            "rule_id": "RISK-ESC",
            "family": "risk",
            "title": "Earlier contact because of other risk factors",
            "title_en_gb": "Earlier contact because of other risk factors",
            "title_es": "Contacto más temprano por otros factores de riesgo",
            "title_de": "Frühere Kontaktaufnahme wegen anderer Risikofaktoren",
            "level": "CONTACT",
            "active": True,
            "params": {},
            "patient_message": "Because of your other risk factors, your team wants to hear "
            "about infection symptoms early. Contact them today.",
            "patient_message_en_gb": "Because of your other risk factors, your team wants to "
            "hear about infection symptoms early. Contact them today.",
            "patient_message_es": "Por sus otros factores de riesgo, su equipo quiere saber "
            "pronto si tiene síntomas de infección. Contacte hoy con "
            "ellos.",
            "patient_message_de": "Wegen Ihrer anderen Risikofaktoren möchte Ihr Team früh von "
            "Anzeichen einer Infektion erfahren. Melden Sie sich heute "
            "bei Ihrem Team.",
            "clinician_summary": "Elevated-risk patient: RESP-URTI, HSV-ORAL, T-LOW-1 or "
            "HZ-PRODROME raised to CONTACT.",
            "clinician_summary_en_gb": "Elevated-risk patient: RESP-URTI, HSV-ORAL, T-LOW-1 or "
            "HZ-PRODROME raised to CONTACT.",
            "clinician_summary_es": "Paciente de riesgo elevado: RESP-URTI, HSV-ORAL, T-LOW-1 "
            "o HZ-PRODROME elevados a CONTACT.",
            "clinician_summary_de": "Patient mit erhöhtem Risiko: RESP-URTI, HSV-ORAL, T-LOW-1 "
            "oder HZ-PRODROME auf CONTACT hochgestuft.",
            "rationale": "S/A: [K3][K4][N6][I6].",
            "remeasure_minutes": None,
            "version": 1,
            "updated_at": "<NOW>",
        },
        {
            "id": 49,
            "rule_id": "DIARY-GAP-2",
            "family": "diary",
            "title": "Diary not filled in for 2 days",
            "title_en_gb": "Diary not filled in for 2 days",
            "title_es": "Diario sin completar durante 2 días",
            "title_de": "Tagebuch seit 2 Tagen nicht ausgefüllt",
            "level": "WATCH",
            "active": True,
            "params": {"days": 2},
            "patient_message": "Please fill in today's diary.",
            "patient_message_en_gb": "Please fill in today's diary.",
            "patient_message_es": "Por favor, complete el diario de hoy.",
            "patient_message_de": "Bitte füllen Sie Ihr Tagebuch für heute aus.",
            "clinician_summary": "No entry on 2 consecutive days (reminder only).",
            "clinician_summary_en_gb": "No entry on {days} consecutive days (reminder only).",
            "clinician_summary_es": "Sin registros {days} días consecutivos (solo recordatorio).",
            "clinician_summary_de": "An {days} aufeinanderfolgenden Tagen kein Eintrag (nur "
            "Erinnerung).",
            "rationale": "D.",
            "remeasure_minutes": None,
            "version": 1,
            "updated_at": "<NOW>",
        },
        {
            "id": 50,
            "rule_id": "DIARY-GAP-3",
            "family": "diary",
            "title": "Diary not filled in for 3 days",
            "title_en_gb": "Diary not filled in for 3 days",
            "title_es": "Diario sin completar durante 3 días",
            "title_de": "Tagebuch seit 3 Tagen nicht ausgefüllt",
            "level": "CONTACT",
            "active": True,
            "params": {"days": 3},
            "patient_message": "Your team may contact you to check in.",
            "patient_message_en_gb": "Your team may contact you to check in.",
            "patient_message_es": "Es posible que su equipo se ponga en contacto con usted "
            "para saber cómo está.",
            "patient_message_de": "Ihr Team meldet sich vielleicht bei Ihnen, um nachzufragen, "
            "wie es Ihnen geht.",
            "clinician_summary": "No entry on 3 consecutive days: team outreach (non-urgent).",
            "clinician_summary_en_gb": "No entry on {days} consecutive days: team outreach "
            "(non-urgent).",
            "clinician_summary_es": "Sin registros {days} días consecutivos: contacto del "
            "equipo (no urgente).",
            "clinician_summary_de": "An {days} aufeinanderfolgenden Tagen kein Eintrag: "
            "Kontaktaufnahme durch das Team (nicht dringend).",
            "rationale": "A: [E10].",
            "remeasure_minutes": None,
            "version": 1,
            "updated_at": "<NOW>",
        },
        {
            "id": 51,
            "rule_id": "DIARY-FOLLOWUP",
            "family": "diary",
            "title": "No news after a warning",
            "title_en_gb": "No news after a warning",
            "title_es": "Sin noticias tras un aviso",
            "title_de": "Keine Rückmeldung nach einer Warnung",
            "level": "CONTACT",
            "active": True,
            "params": {"hours": 24},
            "patient_message": "We have not heard from you since your last warning. Please "
            "update your diary or call your team.",
            "patient_message_en_gb": "We have not heard from you since your last warning. "
            "Please update your diary or call your team.",
            "patient_message_es": "No hemos sabido de usted desde su último aviso. Por favor, "
            "actualice su diario o llame a su equipo.",
            "patient_message_de": "Wir haben seit Ihrer letzten Warnung nichts von Ihnen "
            "gehört. Bitte ergänzen Sie Ihr Tagebuch oder rufen Sie Ihr "
            "Team an.",
            "clinician_summary": "CONTACT/URGENT prompt and no new entry within 24 h: team "
            "outreach.",
            "clinician_summary_en_gb": "CONTACT/URGENT prompt and no new entry within {hours} "
            "h: team outreach.",
            "clinician_summary_es": "Aviso CONTACT/URGENT sin nuevo registro en {hours} h: "
            "contacto activo del equipo.",
            "clinician_summary_de": "CONTACT-/URGENT-Hinweis ohne neuen Eintrag innerhalb von "
            "{hours} h: aktive Kontaktaufnahme durch das Team.",
            "rationale": "D, grounded in [E7][E12].",
            "remeasure_minutes": None,
            "version": 1,
            "updated_at": "<NOW>",
        },
    ],
    "EngineSettings": [
        {
            "id": 1,
            "dedup_hours": 24,
            "persistent_days": 7,
            "episode_gap_days": 7,
            "version": 1,
            "updated_at": "<NOW>",
        }
    ],
    "EducationPage": [
        {
            "id": 1,
            "slug": "fever-and-infection",
            "title": "Fever and infections on Kesimpta",
            "title_en_gb": "Fever and infections on Kesimpta",
            "title_es": "Fiebre e infecciones con Kesimpta",
            "title_de": "Fieber und Infektionen unter Kesimpta",
            "summary": "Why your team wants to hear about a fever, and what to do.",
            "summary_en_gb": "Why your team wants to hear about a fever, and what to do.",
            "summary_es": "Por qué su equipo quiere saber si tiene fiebre, y qué hacer.",
            "summary_de": "Warum Ihr Team von Fieber erfahren möchte, und was Sie tun sollten.",
            "body": "Kesimpta works by lowering some of the white blood cells (B cells) "
            "that drive MS. These cells also help fight infection, so infections "
            "can be more likely and sometimes more serious.\n"
            "\n"
            "A temperature of 38.0 °C (100.4 °F) or more is a fever. Tell your MS "
            "team the same day. If you also feel very unwell, confused, or "
            "struggle to breathe, call the emergency number.\n"
            "\n"
            "Measure before you take paracetamol or ibuprofen: they lower the "
            "reading and can hide a fever. If you did take one in the last 6 "
            "hours, say so in your diary.\n"
            "\n"
            "Rest, drink fluids, and measure again after an hour, or when the "
            "diary asks you to.",
            "body_en_gb": "Kesimpta works by lowering some of the white blood cells (B "
            "cells) that drive MS. These cells also help fight infection, so "
            "infections can be more likely and sometimes more serious.\n"
            "\n"
            "A temperature of 38.0 °C (100.4 °F) or more is a fever. Tell "
            "your MS team the same day. If you also feel very unwell, "
            "confused, or struggle to breathe, call the emergency number.\n"
            "\n"
            "Measure before you take paracetamol or ibuprofen: they lower "
            "the reading and can hide a fever. If you did take one in the "
            "last 6 hours, say so in your diary.\n"
            "\n"
            "Rest, drink fluids, and measure again after an hour, or when "
            "the diary asks you to.",
            "body_es": "Kesimpta actúa reduciendo algunos glóbulos blancos (los linfocitos "
            "B) que intervienen en la EM. Estas células también ayudan a "
            "combatir las infecciones, así que las infecciones pueden ser más "
            "probables y a veces más graves.\n"
            "\n"
            "Una temperatura de 38,0 °C (100,4 °F) o más es fiebre. Avise a su "
            "equipo de EM ese mismo día. Si además se encuentra muy mal, está "
            "confuso o le cuesta respirar, llame al número de emergencias.\n"
            "\n"
            "Mídase la temperatura antes de tomar paracetamol o ibuprofeno: "
            "bajan la lectura y pueden ocultar la fiebre. Si tomó alguno en las "
            "últimas 6 horas, anótelo en su diario.\n"
            "\n"
            "Descanse, beba líquidos y vuelva a medirse al cabo de una hora, o "
            "cuando el diario se lo pida.",
            "body_de": "Kesimpta wirkt, indem es bestimmte weiße Blutkörperchen (B-Zellen) "
            "verringert, die an der MS beteiligt sind. Diese Zellen helfen auch "
            "bei der Abwehr von Infektionen. Deshalb können Infektionen "
            "häufiger und manchmal schwerer sein.\n"
            "\n"
            "Eine Temperatur ab 38,0 °C (100,4 °F) ist Fieber. Sagen Sie Ihrem "
            "MS-Team noch am selben Tag Bescheid. Wenn Sie sich außerdem sehr "
            "krank fühlen, verwirrt sind oder schwer Luft bekommen, rufen Sie "
            "den Notruf an.\n"
            "\n"
            "Messen Sie, bevor Sie Paracetamol oder Ibuprofen nehmen: Diese "
            "Mittel senken den Messwert und können Fieber verdecken. Wenn Sie "
            "in den letzten 6 Stunden eines davon genommen haben, tragen Sie "
            "das in Ihr Tagebuch ein.\n"
            "\n"
            "Ruhen Sie sich aus, trinken Sie genug und messen Sie nach einer "
            "Stunde noch einmal, oder wenn das Tagebuch Sie dazu auffordert.",
            "published": True,
            "order": 0,
            "updated_at": "<NOW>",
        },
        {
            "id": 2,
            "slug": "measuring-temperature",
            "title": "How to measure your temperature",
            "title_en_gb": "How to measure your temperature",
            "title_es": "Cómo medirse la temperatura",
            "title_de": "So messen Sie Ihre Temperatur",
            "summary": "Getting a reading you can trust.",
            "summary_en_gb": "Getting a reading you can trust.",
            "summary_es": "Cómo obtener una lectura fiable.",
            "summary_de": "So bekommen Sie einen verlässlichen Messwert.",
            "body": "Use a digital thermometer. Wait 30 minutes after a hot or cold drink, "
            "a bath or exercise.\n"
            "\n"
            "Under the tongue: close your mouth and wait for the beep. In the "
            "armpit: keep the arm pressed to your side. In the ear: use an ear "
            "thermometer and a new cover.\n"
            "\n"
            "If a reading seems too low or too high, measure again. Tick “this is "
            "a re-measure” when you record the second reading.",
            "body_en_gb": "Use a digital thermometer. Wait 30 minutes after a hot or cold "
            "drink, a bath or exercise.\n"
            "\n"
            "Under the tongue: close your mouth and wait for the beep. In "
            "the armpit: keep the arm pressed to your side. In the ear: use "
            "an ear thermometer and a new cover.\n"
            "\n"
            "If a reading seems too low or too high, measure again. Tick "
            "“this is a re-measure” when you record the second reading.",
            "body_es": "Use un termómetro digital. Espere 30 minutos después de una bebida "
            "caliente o fría, un baño o hacer ejercicio.\n"
            "\n"
            "Debajo de la lengua: cierre la boca y espere al pitido. En la "
            "axila: mantenga el brazo pegado al cuerpo. En el oído: use un "
            "termómetro de oído y un protector nuevo.\n"
            "\n"
            "Si una lectura parece demasiado baja o demasiado alta, vuelva a "
            "medir. Marque «es una nueva medición» cuando anote la segunda "
            "lectura.",
            "body_de": "Nehmen Sie ein digitales Thermometer. Warten Sie 30 Minuten nach "
            "einem heißen oder kalten Getränk, einem Bad oder Sport.\n"
            "\n"
            "Unter der Zunge: Schließen Sie den Mund und warten Sie auf den "
            "Piepton. In der Achsel: Halten Sie den Arm fest an den Körper "
            "gedrückt. Im Ohr: Nehmen Sie ein Ohrthermometer und eine neue "
            "Schutzkappe.\n"
            "\n"
            "Wenn ein Messwert zu niedrig oder zu hoch erscheint, messen Sie "
            "noch einmal. Kreuzen Sie „Dies ist eine Wiederholungsmessung“ an, "
            "wenn Sie den zweiten Wert eintragen.",
            "published": True,
            "order": 1,
            "updated_at": "<NOW>",
        },
        {
            "id": 3,
            "slug": "sepsis-signs",
            "title": "Signs of sepsis: call the emergency number",
            "title_en_gb": "Signs of sepsis: call the emergency number",
            "title_es": "Signos de sepsis: llame al número de emergencias",
            "title_de": "Anzeichen einer Sepsis: Rufen Sie den Notruf an",
            "summary": "Sepsis is an emergency. These signs mean call now.",
            "summary_en_gb": "Sepsis is an emergency. These signs mean call now.",
            "summary_es": "La sepsis es una urgencia. Si tiene estos signos, llame ahora.",
            "summary_de": "Eine Sepsis ist ein Notfall. Bei diesen Anzeichen sofort anrufen.",
            "body": "Sepsis is the body's extreme reaction to an infection. It needs "
            "treatment in hospital straight away.\n"
            "\n"
            "Call the emergency number if you have any of: slurred speech or new "
            "confusion; extreme shivering or muscle pain; no urine for 18 hours or "
            "more; severe breathlessness; feeling you might die; skin, lips or "
            "tongue that are blue, pale or blotchy; a rash that does not fade when "
            "you press a glass on it.\n"
            "\n"
            "Say that you take Kesimpta, a medicine that affects the immune "
            "system.",
            "body_en_gb": "Sepsis is the body's extreme reaction to an infection. It needs "
            "treatment in hospital straight away.\n"
            "\n"
            "Call the emergency number if you have any of: slurred speech or "
            "new confusion; extreme shivering or muscle pain; no urine for "
            "18 hours or more; severe breathlessness; feeling you might die; "
            "skin, lips or tongue that are blue, pale or blotchy; a rash "
            "that does not fade when you press a glass on it.\n"
            "\n"
            "Say that you take Kesimpta, a medicine that affects the immune "
            "system.",
            "body_es": "La sepsis es una reacción extrema del cuerpo a una infección. "
            "Necesita tratamiento en el hospital de inmediato.\n"
            "\n"
            "Llame al número de emergencias si tiene alguno de estos signos: "
            "habla arrastrada o confusión nueva; temblores muy fuertes o dolor "
            "muscular intenso; no orinar en 18 horas o más; falta de aire "
            "intensa; sensación de que podría morir; piel, labios o lengua "
            "azulados, pálidos o con manchas; una erupción que no desaparece al "
            "presionar un vaso sobre ella.\n"
            "\n"
            "Diga que toma Kesimpta, un medicamento que afecta al sistema "
            "inmunitario.",
            "body_de": "Eine Sepsis (Blutvergiftung) ist eine extreme Reaktion des Körpers "
            "auf eine Infektion. Sie muss sofort im Krankenhaus behandelt "
            "werden.\n"
            "\n"
            "Rufen Sie den Notruf an, wenn Sie eines davon haben: verwaschene "
            "Sprache oder neue Verwirrtheit; sehr starker Schüttelfrost oder "
            "starke Muskelschmerzen; seit 18 Stunden oder länger kein Urin; "
            "starke Atemnot; das Gefühl, Sie könnten sterben; blaue, blasse "
            "oder marmorierte Haut, Lippen oder Zunge; ein Ausschlag, der nicht "
            "verblasst, wenn Sie ein Glas darauf drücken.\n"
            "\n"
            "Sagen Sie, dass Sie Kesimpta nehmen, ein Medikament, das auf das "
            "Immunsystem wirkt.",
            "published": True,
            "order": 2,
            "updated_at": "<NOW>",
        },
        {
            "id": 4,
            "slug": "injection-reactions",
            "title": "Reactions after an injection",
            "title_en_gb": "Reactions after an injection",
            "title_es": "Reacciones después de una inyección",
            "title_de": "Reaktionen nach einer Injektion",
            "summary": "What is common in the first day, and when to call.",
            "summary_en_gb": "What is common in the first day, and when to call.",
            "summary_es": "Qué es frecuente el primer día, y cuándo llamar.",
            "summary_de": "Was am ersten Tag häufig ist, und wann Sie anrufen sollten.",
            "body": "In the first 24 hours after an injection, especially the first one, "
            "some people get a headache, aches, chills, tiredness or a slightly "
            "raised temperature. These usually settle within a day.\n"
            "\n"
            "Redness, itching or swelling where you injected is common and mild.\n"
            "\n"
            "Contact your team if your temperature reaches 38.0 °C, if symptoms "
            "last more than two days, or if redness spreads, feels hot or has "
            "pus.\n"
            "\n"
            "Swelling of the face, lips or throat, wheezing, widespread hives or "
            "fainting can be an allergic reaction: call the emergency number.\n"
            "\n"
            "If you miss a dose, inject as soon as you can and tell your team; "
            "they will confirm the dates of the next doses.",
            "body_en_gb": "In the first 24 hours after an injection, especially the first "
            "one, some people get a headache, aches, chills, tiredness or a "
            "slightly raised temperature. These usually settle within a "
            "day.\n"
            "\n"
            "Redness, itching or swelling where you injected is common and "
            "mild.\n"
            "\n"
            "Contact your team if your temperature reaches 38.0 °C, if "
            "symptoms last more than two days, or if redness spreads, feels "
            "hot or has pus.\n"
            "\n"
            "Swelling of the face, lips or throat, wheezing, widespread "
            "hives or fainting can be an allergic reaction: call the "
            "emergency number.\n"
            "\n"
            "If you miss a dose, inject as soon as you can and tell your "
            "team; they will confirm the dates of the next doses.",
            "body_es": "En las 24 horas siguientes a una inyección, sobre todo la primera, "
            "algunas personas tienen dolor de cabeza, dolores en el cuerpo, "
            "escalofríos, cansancio o la temperatura algo elevada. Esto suele "
            "pasar en un día.\n"
            "\n"
            "Es frecuente y leve tener enrojecimiento, picor o hinchazón donde "
            "se inyectó.\n"
            "\n"
            "Contacte con su equipo si su temperatura llega a 38,0 °C, si los "
            "síntomas duran más de dos días, o si el enrojecimiento se "
            "extiende, está caliente o tiene pus.\n"
            "\n"
            "La hinchazón de la cara, los labios o la garganta, los pitidos al "
            "respirar, una urticaria por gran parte del cuerpo o un desmayo "
            "pueden ser una reacción alérgica: llame al número de emergencias.\n"
            "\n"
            "Si se salta una dosis, inyéctese en cuanto pueda y avise a su "
            "equipo; le confirmarán las fechas de las siguientes dosis.",
            "body_de": "In den ersten 24 Stunden nach einer Injektion, vor allem nach der "
            "ersten, bekommen manche Menschen Kopfschmerzen, Gliederschmerzen, "
            "Schüttelfrost, Müdigkeit oder eine leicht erhöhte Temperatur. Das "
            "klingt meist innerhalb eines Tages ab.\n"
            "\n"
            "Rötung, Juckreiz oder Schwellung an der Einstichstelle sind häufig "
            "und leicht.\n"
            "\n"
            "Melden Sie sich bei Ihrem Team, wenn Ihre Temperatur 38,0 °C "
            "erreicht, wenn die Beschwerden länger als zwei Tage anhalten oder "
            "wenn sich die Rötung ausbreitet, heiß wird oder Eiter hat.\n"
            "\n"
            "Schwellungen von Gesicht, Lippen oder Hals, pfeifendes Atmen, "
            "Nesselsucht am ganzen Körper oder Ohnmacht können eine allergische "
            "Reaktion sein: Rufen Sie den Notruf an.\n"
            "\n"
            "Wenn Sie eine Dosis versäumt haben, spritzen Sie so bald wie "
            "möglich und sagen Sie Ihrem Team Bescheid. Es bestätigt Ihnen die "
            "Termine der nächsten Dosen.",
            "published": True,
            "order": 3,
            "updated_at": "<NOW>",
        },
        {
            "id": 5,
            "slug": "chest-and-colds",
            "title": "Colds, coughs and chest infections",
            "title_en_gb": "Colds, coughs and chest infections",
            "title_es": "Resfriados, tos e infecciones en los bronquios o los pulmones",
            "title_de": "Erkältung, Husten und Infekte der Bronchien oder der Lunge",
            "summary": "Self-care for a cold, and the signs of a chest infection.",
            "summary_en_gb": "Self-care for a cold, and the signs of a chest infection.",
            "summary_es": "Cómo cuidarse en un resfriado, y los signos de una infección en "
            "los bronquios o los pulmones.",
            "summary_de": "Was Sie bei einer Erkältung selbst tun können, und Anzeichen "
            "eines Infekts der Bronchien oder der Lunge.",
            "body": "Colds are common on Kesimpta. Rest, drink fluids and use the remedies "
            "you usually would.\n"
            "\n"
            "Contact your team if a cough lasts three days, if you cough up green, "
            "yellow, rusty or bloody phlegm, if breathing hurts or you are more "
            "breathless than usual, or if you have a fever.",
            "body_en_gb": "Colds are common on Kesimpta. Rest, drink fluids and use the "
            "remedies you usually would.\n"
            "\n"
            "Contact your team if a cough lasts three days, if you cough up "
            "green, yellow, rusty or bloody phlegm, if breathing hurts or "
            "you are more breathless than usual, or if you have a fever.",
            "body_es": "Los resfriados son frecuentes con Kesimpta. Descanse, beba "
            "líquidos y use los remedios que usaría normalmente.\n"
            "\n"
            "Contacte con su equipo si la tos dura tres días, si expulsa flemas "
            "verdes, amarillas, color óxido o con sangre, si le duele al "
            "respirar o le falta el aire más de lo habitual, o si tiene fiebre.",
            "body_de": "Erkältungen sind unter Kesimpta häufig. Ruhen Sie sich aus, "
            "trinken Sie genug und nehmen Sie die Mittel, die Sie sonst auch "
            "nehmen würden.\n"
            "\n"
            "Melden Sie sich bei Ihrem Team, wenn ein Husten drei Tage anhält, "
            "wenn Sie grünen, gelben, rostbraunen oder blutigen Auswurf "
            "abhusten, wenn das Atmen schmerzt oder Sie mehr Atemnot haben als "
            "sonst, oder wenn Sie Fieber haben.",
            "published": True,
            "order": 4,
            "updated_at": "<NOW>",
        },
        {
            "id": 6,
            "slug": "urine-infections",
            "title": "Urine infections",
            "title_en_gb": "Urine infections",
            "title_es": "Infecciones de orina",
            "title_de": "Harnwegsinfekte",
            "summary": "Burning, needing to go often, cloudy urine.",
            "summary_en_gb": "Burning, needing to go often, cloudy urine.",
            "summary_es": "Ardor, ganas de orinar a menudo, orina turbia.",
            "summary_de": "Brennen, häufiger Harndrang, trüber Urin.",
            "body": "Pain or burning when you pee, needing to go more often or urgently, "
            "or cloudy or bloody urine can mean a urine infection. Contact your "
            "team or GP the same day: a urine test may be needed.\n"
            "\n"
            "Pain in your side or lower back, shivering, being sick or a fever "
            "with these symptoms can mean the infection has reached the kidneys. "
            "Speak to someone urgently today.",
            "body_en_gb": "Pain or burning when you pee, needing to go more often or "
            "urgently, or cloudy or bloody urine can mean a urine infection. "
            "Contact your team or GP the same day: a urine test may be "
            "needed.\n"
            "\n"
            "Pain in your side or lower back, shivering, being sick or a "
            "fever with these symptoms can mean the infection has reached "
            "the kidneys. Speak to someone urgently today.",
            "body_es": "El dolor o ardor al orinar, tener que ir más a menudo o con "
            "urgencia, o la orina turbia o con sangre pueden indicar una "
            "infección de orina. Contacte con su equipo o su médico de cabecera "
            "ese mismo día: puede que necesite un análisis de orina.\n"
            "\n"
            "El dolor en el costado o en la parte baja de la espalda, los "
            "escalofríos, los vómitos o la fiebre junto con estos síntomas "
            "pueden indicar que la infección ha llegado a los riñones. Hable "
            "hoy mismo, con urgencia, con alguien de su equipo o con su médico.",
            "body_de": "Schmerzen oder Brennen beim Wasserlassen, häufiger oder dringender "
            "Harndrang oder trüber oder blutiger Urin können auf einen "
            "Harnwegsinfekt hinweisen. Melden Sie sich noch am selben Tag bei "
            "Ihrem Team oder Ihrer Hausarztpraxis: Vielleicht ist eine "
            "Urinuntersuchung nötig.\n"
            "\n"
            "Schmerzen in der Flanke oder im unteren Rücken, Schüttelfrost, "
            "Erbrechen oder Fieber zusammen mit diesen Beschwerden können "
            "bedeuten, dass die Infektion die Nieren erreicht hat. Sprechen Sie "
            "noch heute dringend mit Ihrem Team oder einer Ärztin oder einem "
            "Arzt.",
            "published": True,
            "order": 5,
            "updated_at": "<NOW>",
        },
        {
            "id": 7,
            "slug": "cold-sores-and-shingles",
            "title": "Cold sores and shingles",
            "title_en_gb": "Cold sores and shingles",
            "title_es": "Herpes labial y herpes zóster",
            "title_de": "Lippenherpes und Gürtelrose",
            "summary": "Why a one-sided rash needs a call the same day.",
            "summary_en_gb": "Why a one-sided rash needs a call the same day.",
            "summary_es": "Por qué una erupción en un solo lado necesita una llamada ese "
            "mismo día.",
            "summary_de": "Warum ein Ausschlag auf einer Körperseite einen Anruf am selben "
            "Tag braucht.",
            "body": "Cold sores can happen on Kesimpta. Keep the area clean and tell your "
            "team if one spreads or does not heal.\n"
            "\n"
            "Shingles often starts with burning or tingling on one side of the "
            "body, then a band of blisters. Treatment works best when started "
            "within 3 days of the rash, so contact your team or GP the same day. A "
            "rash near the eye needs urgent assessment.",
            "body_en_gb": "Cold sores can happen on Kesimpta. Keep the area clean and tell "
            "your team if one spreads or does not heal.\n"
            "\n"
            "Shingles often starts with burning or tingling on one side of "
            "the body, then a band of blisters. Treatment works best when "
            "started within 3 days of the rash, so contact your team or GP "
            "the same day. A rash near the eye needs urgent assessment.",
            "body_es": "El herpes labial puede aparecer con Kesimpta. Mantenga la zona "
            "limpia y avise a su equipo si se extiende o no se cura.\n"
            "\n"
            "El herpes zóster (culebrilla) suele empezar con ardor u hormigueo "
            "en un lado del cuerpo, y después aparece una banda de ampollas. El "
            "tratamiento funciona mejor si se empieza en los 3 primeros días de "
            "la erupción, así que contacte con su equipo o su médico de "
            "cabecera ese mismo día. Una erupción cerca del ojo necesita una "
            "valoración urgente.",
            "body_de": "Lippenherpes kann unter Kesimpta auftreten. Halten Sie die Stelle "
            "sauber und sagen Sie Ihrem Team Bescheid, wenn er sich ausbreitet "
            "oder nicht abheilt.\n"
            "\n"
            "Eine Gürtelrose beginnt oft mit Brennen oder Kribbeln auf einer "
            "Körperseite, danach folgt ein Streifen mit Bläschen. Die "
            "Behandlung wirkt am besten, wenn sie innerhalb von 3 Tagen nach "
            "Beginn des Ausschlags startet. Melden Sie sich deshalb noch am "
            "selben Tag bei Ihrem Team oder Ihrer Hausarztpraxis. Ein Ausschlag "
            "in Augennähe muss dringend ärztlich untersucht werden.",
            "published": True,
            "order": 6,
            "updated_at": "<NOW>",
        },
        {
            "id": 8,
            "slug": "nerve-symptoms",
            "title": "New or changing nerve symptoms",
            "title_en_gb": "New or changing nerve symptoms",
            "title_es": "Síntomas neurológicos nuevos o que cambian",
            "title_de": "Neue oder sich verändernde neurologische Beschwerden",
            "summary": "Why your team checks every new nerve symptom.",
            "summary_en_gb": "Why your team checks every new nerve symptom.",
            "summary_es": "Por qué su equipo revisa cada síntoma neurológico nuevo.",
            "summary_de": "Warum Ihr Team jede neue neurologische Beschwerde abklärt.",
            "body": "Tell your MS team about any new or worsening weakness, clumsiness, "
            "change in vision, thinking, personality or speech, even if you think "
            "it is a relapse. On medicines that affect the immune system, rare "
            "brain infections can look like MS.\n"
            "\n"
            "An infection or fever can make usual MS symptoms worse for a while; "
            "the infection still needs treating.\n"
            "\n"
            "Sudden face drooping, arm weakness, speech difficulty, a seizure, or "
            "being very hard to wake: call the emergency number.",
            "body_en_gb": "Tell your MS team about any new or worsening weakness, "
            "clumsiness, change in vision, thinking, personality or speech, "
            "even if you think it is a relapse. On medicines that affect the "
            "immune system, rare brain infections can look like MS.\n"
            "\n"
            "An infection or fever can make usual MS symptoms worse for a "
            "while; the infection still needs treating.\n"
            "\n"
            "Sudden face drooping, arm weakness, speech difficulty, a "
            "seizure, or being very hard to wake: call the emergency number.",
            "body_es": "Avise a su equipo de EM de cualquier debilidad, torpeza o cambio "
            "en la vista, en el pensamiento, en la personalidad o en el habla "
            "que sea nuevo o vaya a peor, aunque crea que es un brote. Con "
            "medicamentos que afectan al sistema inmunitario, algunas "
            "infecciones cerebrales poco frecuentes pueden parecerse a la EM.\n"
            "\n"
            "Una infección o la fiebre pueden empeorar los síntomas habituales "
            "de la EM durante un tiempo; aun así, la infección necesita "
            "tratamiento.\n"
            "\n"
            "Si nota de repente un lado de la cara caído, debilidad en un "
            "brazo, dificultad para hablar, una convulsión, o si a la persona "
            "le cuesta mucho despertarse: llame al número de emergencias.",
            "body_de": "Sagen Sie Ihrem MS-Team Bescheid, wenn Schwäche, "
            "Ungeschicklichkeit oder Veränderungen beim Sehen, Denken, in der "
            "Persönlichkeit oder beim Sprechen neu auftreten oder schlimmer "
            "werden, auch wenn Sie denken, dass es ein Schub ist. Unter "
            "Medikamenten, die auf das Immunsystem wirken, können seltene "
            "Infektionen des Gehirns wie MS aussehen.\n"
            "\n"
            "Eine Infektion oder Fieber kann gewohnte MS-Beschwerden eine Zeit "
            "lang verschlechtern; die Infektion muss trotzdem behandelt "
            "werden.\n"
            "\n"
            "Plötzlich hängender Mundwinkel, Schwäche in einem Arm, Probleme "
            "beim Sprechen, ein Krampfanfall oder wenn jemand nur sehr schwer "
            "aufzuwecken ist: Rufen Sie den Notruf an.",
            "published": True,
            "order": 7,
            "updated_at": "<NOW>",
        },
        {
            "id": 9,
            "slug": "liver-and-vaccines",
            "title": "Liver warning signs and vaccines",
            "title_en_gb": "Liver warning signs and vaccines",
            "title_es": "Signos de alarma del hígado y vacunas",
            "title_de": "Warnzeichen der Leber und Impfungen",
            "summary": "Yellow skin, dark urine, and live vaccines.",
            "summary_en_gb": "Yellow skin, dark urine, and live vaccines.",
            "summary_es": "Piel amarilla, orina oscura y vacunas vivas.",
            "summary_de": "Gelbe Haut, dunkler Urin und Lebendimpfstoffe.",
            "body": "Yellow skin or eyes, dark urine, feeling sick or losing your appetite "
            "with growing tiredness can be signs of a liver problem. Tell your "
            "team the same day.\n"
            "\n"
            "Live vaccines (for example yellow fever, MMR or chickenpox) are not "
            "recommended on Kesimpta. Talk to your MS team before any vaccination.",
            "body_en_gb": "Yellow skin or eyes, dark urine, feeling sick or losing your "
            "appetite with growing tiredness can be signs of a liver "
            "problem. Tell your team the same day.\n"
            "\n"
            "Live vaccines (for example yellow fever, MMR or chickenpox) are "
            "not recommended on Kesimpta. Talk to your MS team before any "
            "vaccination.",
            "body_es": "La piel o los ojos amarillos, la orina oscura, las náuseas o la "
            "pérdida de apetito con un cansancio que va a más pueden ser signos "
            "de un problema de hígado. Avise a su equipo ese mismo día.\n"
            "\n"
            "No se recomiendan las vacunas vivas (por ejemplo, la de la fiebre "
            "amarilla, la triple vírica contra sarampión, paperas y rubéola, o "
            "la de la varicela) con Kesimpta. Hable con su equipo de EM antes "
            "de cualquier vacunación.",
            "body_de": "Gelbe Haut oder Augen, dunkler Urin, Übelkeit oder "
            "Appetitlosigkeit mit zunehmender Müdigkeit können Anzeichen eines "
            "Leberproblems sein. Sagen Sie Ihrem Team noch am selben Tag "
            "Bescheid.\n"
            "\n"
            "Lebendimpfstoffe (zum Beispiel gegen Gelbfieber, MMR – Masern, "
            "Mumps, Röteln – oder Windpocken) werden unter Kesimpta nicht "
            "empfohlen. Sprechen Sie vor jeder Impfung mit Ihrem MS-Team.",
            "published": True,
            "order": 8,
            "updated_at": "<NOW>",
        },
    ],
    "EducationPage.rules": [
        {"educationpage_id": 1, "alertrule_id": 1},
        {"educationpage_id": 1, "alertrule_id": 2},
        {"educationpage_id": 1, "alertrule_id": 3},
        {"educationpage_id": 1, "alertrule_id": 4},
        {"educationpage_id": 1, "alertrule_id": 5},
        {"educationpage_id": 1, "alertrule_id": 6},
        {"educationpage_id": 1, "alertrule_id": 7},
        {"educationpage_id": 1, "alertrule_id": 8},
        {"educationpage_id": 1, "alertrule_id": 9},
        {"educationpage_id": 1, "alertrule_id": 10},
        {"educationpage_id": 1, "alertrule_id": 43},
        {"educationpage_id": 1, "alertrule_id": 13},
        {"educationpage_id": 1, "alertrule_id": 15},
        {"educationpage_id": 1, "alertrule_id": 48},
        {"educationpage_id": 1, "alertrule_id": 17},
        {"educationpage_id": 1, "alertrule_id": 19},
        {"educationpage_id": 2, "alertrule_id": 8},
        {"educationpage_id": 2, "alertrule_id": 9},
        {"educationpage_id": 2, "alertrule_id": 1},
        {"educationpage_id": 2, "alertrule_id": 7},
        {"educationpage_id": 3, "alertrule_id": 11},
        {"educationpage_id": 3, "alertrule_id": 12},
        {"educationpage_id": 3, "alertrule_id": 14},
        {"educationpage_id": 3, "alertrule_id": 16},
        {"educationpage_id": 3, "alertrule_id": 18},
        {"educationpage_id": 3, "alertrule_id": 20},
        {"educationpage_id": 3, "alertrule_id": 24},
        {"educationpage_id": 4, "alertrule_id": 37},
        {"educationpage_id": 4, "alertrule_id": 38},
        {"educationpage_id": 4, "alertrule_id": 39},
        {"educationpage_id": 4, "alertrule_id": 40},
        {"educationpage_id": 4, "alertrule_id": 41},
        {"educationpage_id": 4, "alertrule_id": 42},
        {"educationpage_id": 4, "alertrule_id": 44},
        {"educationpage_id": 5, "alertrule_id": 21},
        {"educationpage_id": 5, "alertrule_id": 22},
        {"educationpage_id": 5, "alertrule_id": 23},
        {"educationpage_id": 6, "alertrule_id": 25},
        {"educationpage_id": 6, "alertrule_id": 26},
        {"educationpage_id": 7, "alertrule_id": 27},
        {"educationpage_id": 7, "alertrule_id": 28},
        {"educationpage_id": 7, "alertrule_id": 29},
        {"educationpage_id": 7, "alertrule_id": 30},
        {"educationpage_id": 8, "alertrule_id": 33},
        {"educationpage_id": 8, "alertrule_id": 34},
        {"educationpage_id": 8, "alertrule_id": 35},
        {"educationpage_id": 8, "alertrule_id": 36},
        {"educationpage_id": 9, "alertrule_id": 32},
        {"educationpage_id": 9, "alertrule_id": 45},
        {"educationpage_id": 9, "alertrule_id": 31},
    ],
}


def seed(apps, schema_editor):
    load(apps, schema_editor, app=APP, seed=SEED, history=HISTORY)
