from __future__ import annotations

from django.urls import path

from patients import team_views

app_name = "team_patients"

urlpatterns = [
    path("", team_views.patient_list, name="list"),
    path("new/", team_views.enrol, name="enrol"),
    path("<int:pk>/risk/", team_views.risk_flags, name="risk"),
    path("<int:pk>/caregivers/", team_views.add_caregiver, name="caregivers"),
    path("<int:pk>/", team_views.patient_detail, name="detail"),
    path("<int:pk>/entries.csv", team_views.export_csv, name="export_csv"),
    path("<int:pk>/summary/", team_views.summary, name="summary"),
    path("<int:pk>/summary.pdf", team_views.summary_pdf, name="summary_pdf"),
    path("<int:pk>/fhir.json", team_views.export_fhir, name="export_fhir"),
]
