from __future__ import annotations

from django.urls import path

from patients import views

app_name = "patients"

urlpatterns = [
    path("help/", views.help_page, name="help"),
    path("help/<slug:slug>/", views.education_page, name="education"),
    path("injections/", views.injections, name="injections"),
    path("injections/<int:pk>/change/", views.injection_change, name="injection_change"),
    path("injections/<int:pk>/remove/", views.injection_remove_view, name="injection_remove"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/caregivers/<int:pk>/remove/", views.caregiver_remove, name="caregiver_remove"),
    path("caregiving/", views.caregiving, name="caregiving"),
    path("caregiving/<int:pk>/stop/", views.caregiving_stop, name="caregiving_stop"),
    path("reminders/off/<str:token>/", views.reminders_off, name="reminders_off"),
]
