from __future__ import annotations

from django.urls import path

from symptoms import views

app_name = "symptoms"

urlpatterns = [
    path("", views.today, name="today"),
    path("entries/<int:pk>/", views.result, name="result"),
    path("entries/<int:pk>/edit/", views.edit, name="edit"),
    path("history/", views.history, name="history"),
    path("reached/", views.follow_up, name="follow_up"),
    path("call-me/", views.callback, name="callback"),
]
