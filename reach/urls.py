from django.urls import path

from reach import sms_views, views

app_name = "reach"

urlpatterns = [
    path("", views.notifications, name="notifications"),
    path("phone/", sms_views.phone_save, name="phone_save"),
    path("phone/code/", sms_views.phone_verify, name="phone_verify"),
    path("phone/code/new/", sms_views.phone_resend, name="phone_resend"),
    path("phone/remove/", sms_views.phone_delete, name="phone_delete"),
    path("preferences/", views.preferences, name="preferences"),
]
