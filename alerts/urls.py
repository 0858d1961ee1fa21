from __future__ import annotations

from django.urls import path

from alerts import views

app_name = "alerts"

urlpatterns = [
    path("", views.triage, name="triage"),
    path("notifications/", views.inbox, name="inbox"),
    path("watch/", views.watch, name="watch"),
    path("alerts/<int:pk>/", views.detail, name="detail"),
    path("alerts/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("alerts/<int:pk>/resolve/", views.resolve, name="resolve"),
    path("alerts/<int:pk>/snooze/", views.snooze, name="snooze"),
]
