"""The laboratory rules of clinical-rules.md §6 (issue 36) as AlertRule rows: their words in
each language and the clinic's defaults (lower limits of normal, the review levels, how
often immunoglobulins are due), edited in the admin through the same draft -> approve path
as every rule. Frozen literal data: a migration never imports live code."""

from django.db import migrations
from django.utils import timezone

NOT_SHOWN = {
    "": "Not shown to patients: this rule's words are for the care team.",
    "_en_gb": "Not shown to patients: this rule's words are for the care team.",
    "_es": "No se muestra a los pacientes: este texto es para el equipo.",
    "_de": "Wird Patienten nicht angezeigt: dieser Text ist für das Team.",
}

RULES = [
    {
        "rule_id": "LAB-IG-LOW",
        "level": "WATCH",
        "params": {"igg_lln": "5.65", "igm_lln": "0.40"},
        "title": {
            "_en_gb": "Immunoglobulins below normal",
            "_es": "Inmunoglobulinas por debajo de lo normal",
            "_de": "Immunglobuline unter dem Normalwert",
        },
        "clinician_summary": {
            "_en_gb": "IgG or IgM below its lower limit of normal (the lab's, else the "
            "clinic's: IgG {igg_lln} g/L, IgM {igm_lln} g/L). Sets elevated risk: low "
            "immunoglobulins.",
            "_es": "IgG o IgM por debajo de su límite inferior de normalidad (el del "
            "laboratorio o, si no lo da, el de la clínica: IgG {igg_lln} g/L, IgM {igm_lln} "
            "g/L). Marca riesgo elevado: inmunoglobulinas bajas.",
            "_de": "IgG oder IgM unter der unteren Normgrenze (der des Labors, sonst der "
            "der Klinik: IgG {igg_lln} g/L, IgM {igm_lln} g/L). Setzt erhöhtes Risiko: "
            "niedrige Immunglobuline.",
        },
        "rationale": "S: Kesimpta label, monitor immunoglobulins [K3][K20]; default limits "
        "from the trial laboratory [K17] (design choice, to be signed off).",
    },
    {
        "rule_id": "LAB-IG-REVIEW",
        "level": "CONTACT",
        "params": {"igg_below_percent": 20, "igm_below_percent": 10},
        "title": {
            "_en_gb": "Immunoglobulins at the trials' interruption level",
            "_es": "Inmunoglobulinas en el nivel de interrupción de los ensayos",
            "_de": "Immunglobuline auf dem Unterbrechungsniveau der Studien",
        },
        "clinician_summary": {
            "_en_gb": "Review treatment; trial interruption level reached (IgG "
            "{igg_below_percent} % or IgM {igm_below_percent} % below the lower limit of "
            "normal).",
            "_es": "Revise el tratamiento: se alcanzó el nivel de interrupción de los "
            "ensayos (IgG {igg_below_percent} % o IgM {igm_below_percent} % por debajo del "
            "límite inferior de normalidad).",
            "_de": "Behandlung überprüfen: Unterbrechungsniveau der Studien erreicht (IgG "
            "{igg_below_percent} % oder IgM {igm_below_percent} % unter der unteren "
            "Normgrenze).",
        },
        "rationale": "S: in the trials treatment was interrupted at these levels [K20].",
    },
    {
        "rule_id": "LAB-CYTO-LOW",
        "level": "WATCH",
        "params": {"neutrophils_lln": "1.5", "lymphocytes_lln": "1.0"},
        "title": {
            "_en_gb": "Neutrophils or lymphocytes below normal",
            "_es": "Neutrófilos o linfocitos por debajo de lo normal",
            "_de": "Neutrophile oder Lymphozyten unter dem Normalwert",
        },
        "clinician_summary": {
            "_en_gb": "Neutrophils or lymphocytes below the lower limit of normal (the lab's, "
            "else the clinic's: {neutrophils_lln} and {lymphocytes_lln} × 10⁹/L). Sets "
            "elevated risk: neutropenia or lymphopenia.",
            "_es": "Neutrófilos o linfocitos por debajo del límite inferior de normalidad "
            "(el del laboratorio o, si no lo da, el de la clínica: {neutrophils_lln} y "
            "{lymphocytes_lln} × 10⁹/L). Marca riesgo elevado: neutropenia o linfopenia.",
            "_de": "Neutrophile oder Lymphozyten unter der unteren Normgrenze (der des "
            "Labors, sonst der der Klinik: {neutrophils_lln} und {lymphocytes_lln} × 10⁹/L). "
            "Setzt erhöhtes Risiko: Neutropenie oder Lymphopenie.",
        },
        "rationale": "A: known neutropenia or lymphopenia is an elevated-risk reason [K9]; "
        "default limits are a design choice, to be signed off.",
    },
    {
        "rule_id": "LAB-HBV-POS",
        "level": "CONTACT",
        "params": {},
        "title": {
            "_en_gb": "Hepatitis B marker positive",
            "_es": "Marcador de hepatitis B positivo",
            "_de": "Hepatitis-B-Marker positiv",
        },
        "clinician_summary": {
            "_en_gb": "Hepatitis B marker positive: liver specialist advice. Sets hepatitis B "
            "risk, which only a clinician clears.",
            "_es": "Marcador de hepatitis B positivo: consulte con hepatología. Marca riesgo "
            "de hepatitis B, que solo un clínico puede retirar.",
            "_de": "Hepatitis-B-Marker positiv: Rat der Hepatologie einholen. Setzt "
            "Hepatitis-B-Risiko, das nur eine Ärztin oder ein Arzt aufhebt.",
        },
        "rationale": "S: HBV screening before the first dose; positive markers need liver "
        "specialist advice [K28].",
    },
    {
        "rule_id": "LAB-DUE",
        "level": "WATCH",
        "params": {"interval_months": 6, "baseline_months": 3, "ahead_days": 14},
        "title": {
            "_en_gb": "Blood tests due",
            "_es": "Análisis de sangre pendientes",
            "_de": "Blutuntersuchungen fällig",
        },
        "clinician_summary": {
            "_en_gb": "Immunoglobulins within {baseline_months} months before the first "
            "dose, then every {interval_months} months, and after stopping until B-cell "
            "recovery; hepatitis B serology before the first dose. Listed {ahead_days} "
            "days ahead.",
            "_es": "Inmunoglobulinas en los {baseline_months} meses antes de la primera "
            "dosis, después cada {interval_months} meses y, tras suspender, hasta la "
            "recuperación de los linfocitos B; serología de hepatitis B antes de la primera "
            "dosis. Se listan con {ahead_days} días de antelación.",
            "_de": "Immunglobuline in den {baseline_months} Monaten vor der ersten Dosis, "
            "dann alle {interval_months} Monate und nach dem Absetzen bis zur "
            "B-Zell-Erholung; Hepatitis-B-Serologie vor der ersten Dosis. Aufgeführt "
            "{ahead_days} Tage im Voraus.",
        },
        "rationale": "S: immunoglobulins during and after treatment, HBV before the first "
        "dose [K3][K28]; the 6-month interval is a design choice.",
    },
]


def _fields(spec):
    fields = {
        "rule_id": spec["rule_id"],
        "family": "lab",
        "level": spec["level"],
        "active": True,
        "params": spec["params"],
        "rationale": spec["rationale"],
        "remeasure_minutes": None,
        "version": 1,
    }
    for suffix in ("", "_en_gb", "_es", "_de"):
        fields["title" + suffix] = spec["title"].get(suffix or "_en_gb")
        fields["clinician_summary" + suffix] = spec["clinician_summary"].get(suffix or "_en_gb")
        fields["patient_message" + suffix] = NOT_SHOWN[suffix]
    return fields


def forwards(apps, schema_editor):
    AlertRule = apps.get_model("alerts", "AlertRule")
    History = apps.get_model("alerts", "HistoricalAlertRule")
    now = timezone.now()
    for spec in RULES:
        if AlertRule.objects.filter(rule_id=spec["rule_id"]).exists():
            continue
        row = AlertRule.objects.create(**_fields(spec), updated_at=now)
        History.objects.create(
            id=row.pk,
            **_fields(spec),
            updated_at=now,
            history_date=now,
            history_type="+",
            history_change_reason="Seeded with the laboratory rules (clinical-rules.md §6)",
        )


def backwards(apps, schema_editor):
    apps.get_model("alerts", "AlertRule").objects.filter(
        rule_id__in=[spec["rule_id"] for spec in RULES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("alerts", "0006_rota_history"), ("patients", "0005_lab_results")]

    operations = [migrations.RunPython(forwards, backwards)]
