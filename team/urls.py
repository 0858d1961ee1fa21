"""Every page of the care team, under /team/ and one namespace."""

from __future__ import annotations

from django.urls import path

from team import (
    care_views,
    lab_import_views,
<<<<<<< HEAD
    labs_due_views,
=======
    lab_views,
>>>>>>> h-labui
    patient_views,
    report_views,
    rota_views,
    rule_views,
    setup_views,
    views,
)

app_name = "team"

urlpatterns = [
    path("", views.triage, name="triage"),
    path("notifications/", views.inbox, name="inbox"),
    path("notifications/read/", views.inbox_read_all, name="inbox_read_all"),
    path("watch/", views.watch, name="watch"),
    path("tests-due/", labs_due_views.tests_due, name="tests_due"),
    path("concerns/<int:pk>/", views.concern, name="concern"),
    path("alerts/<int:pk>/", views.alert, name="alert"),
    path("alerts/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("alerts/<int:pk>/resolve/", views.resolve, name="resolve"),
    path("alerts/<int:pk>/snooze/", views.snooze, name="snooze"),
    path("rule-changes/", rule_views.rule_changes_list, name="rule_changes"),
    path("rule-changes/<int:pk>/", rule_views.rule_change, name="rule_change"),
    path("report/", report_views.report, name="report"),
    path("report.csv", report_views.report_csv, name="report_csv"),
    path("report/remind/<int:pk>/", report_views.remind, name="report_remind"),
    path("patients/", patient_views.patient_list, name="patients"),
    path("patients/new/", patient_views.enrol, name="enrol"),
    path("patients/<int:pk>/", patient_views.patient_detail, name="patient"),
    path("patients/<int:pk>/take/", views.patient_claim_view, name="patient_claim"),
    path("patients/<int:pk>/pass/", views.patient_assign_view, name="patient_assign"),
    path(
        "patients/<int:pk>/acknowledge/",
        views.patient_acknowledge_view,
        name="patient_acknowledge",
    ),
    path("patients/<int:pk>/resolve/", views.patient_resolve_view, name="patient_resolve"),
    path(
        "patients/<int:pk>/called-back/",
        views.patient_called_back_view,
        name="patient_called_back",
    ),
    path("patients/<int:pk>/details/", patient_views.patient_details, name="patient_details"),
    path("patients/<int:pk>/risk/", patient_views.risk_flags, name="risk"),
    path(
        "patients/<int:pk>/treatment-stop/",
        labs_due_views.treatment_stop,
        name="treatment_stop",
    ),
    path("patients/<int:pk>/caregivers/", patient_views.add_caregiver, name="caregivers"),
    path("patients/<int:pk>/labs/", lab_views.lab_add, name="lab_add"),
    path(
        "patients/<int:pk>/labs/<int:result_pk>/withdraw/",
        lab_views.lab_withdraw,
        name="lab_withdraw",
    ),
    path("patients/<int:pk>/labs/hbv-clear/", lab_views.hbv_clear, name="hbv_clear"),
    path("patients/<int:pk>/entries.csv", patient_views.export_csv, name="export_csv"),
    path("patients/<int:pk>/summary/", patient_views.summary, name="summary"),
    path("patients/<int:pk>/summary.pdf", patient_views.summary_pdf, name="summary_pdf"),
    path("patients/<int:pk>/fhir.json", patient_views.export_fhir, name="export_fhir"),
    path("setup/", setup_views.checklist, name="setup"),
    path("setup/team/new/", setup_views.team_new, name="setup_team_new"),
    path("setup/invite/", setup_views.invite, name="setup_invite"),
    path("setup/team/<int:pk>/sign-off/", setup_views.sign_off, name="setup_sign_off"),
    path("patients/<int:pk>/alerts.csv", patient_views.export_alerts_csv, name="export_alerts_csv"),
    path("patients/<int:pk>/care/", care_views.care_settings, name="care"),
    path("patients/<int:pk>/care/quiet/", care_views.quiet_add, name="quiet_add"),
    path(
        "patients/<int:pk>/care/quiet/<int:quiet_pk>/lift/",
        care_views.quiet_lift,
        name="quiet_lift",
    ),
    path("patients/<int:pk>/care/pause/", care_views.pause, name="pause"),
    path("patients/<int:pk>/care/resume/", care_views.resume, name="resume"),
    path("patients/<int:pk>/care/discharge/", care_views.discharge, name="discharge"),
    path(
        "patients/<int:pk>/care/discharge/undo/",
        care_views.discharge_undo,
        name="discharge_undo",
    ),
    path("patients/<int:pk>/invitation/", care_views.invitation_resend, name="invitation"),
    path("lab-import/", lab_import_views.lab_import, name="lab_import"),
    path("lab-import/example.csv", lab_import_views.lab_import_example, name="lab_import_example"),
    path("lab-import/<int:pk>/", lab_import_views.lab_import_review, name="lab_import_review"),
    path(
        "lab-import/<int:pk>/import/",
        lab_import_views.lab_import_confirm,
        name="lab_import_confirm",
    ),
    path(
        "lab-import/<int:pk>/discard/",
        lab_import_views.lab_import_discard,
        name="lab_import_discard",
    ),
    path("rota/", rota_views.rota_mine, name="rota_mine"),
    path("rota/<int:pk>/", rota_views.rota, name="rota"),
    path("rota/<int:pk>/shifts/", rota_views.shift_add, name="rota_shift_add"),
    path(
        "rota/<int:pk>/shifts/<int:shift_pk>/remove/",
        rota_views.shift_remove,
        name="rota_shift_remove",
    ),
    path("rota/<int:pk>/swaps/", rota_views.swap_add, name="rota_swap_add"),
    path(
        "rota/<int:pk>/swaps/<int:swap_pk>/remove/",
        rota_views.swap_remove,
        name="rota_swap_remove",
    ),
]
