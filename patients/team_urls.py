from __future__ import annotations

from django.urls import path

from patients import team_views

app_name = "team_patients"

urlpatterns = [
    path("", team_views.patient_list, name="list"),
    path("<int:pk>/", team_views.patient_detail, name="detail"),
]
