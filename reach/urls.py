from django.urls import path

from reach import push_views, sms_views, views

app_name = "reach"

urlpatterns = [
    path("", views.notifications, name="notifications"),
    # Push: this browser's subscription (JSON from static/js/push.js), then the list's forms.
    path("push/subscribe/", push_views.push_subscribe, name="push_subscribe"),
    path("push/unsubscribe/", push_views.push_unsubscribe, name="push_unsubscribe"),
    path("push/<int:pk>/rename/", push_views.push_rename, name="push_rename"),
    path("push/<int:pk>/remove/", push_views.push_remove, name="push_remove"),
    path("push/<int:pk>/test/", push_views.push_test, name="push_test"),
    path("phone/", sms_views.phone_save, name="phone_save"),
    path("phone/code/", sms_views.phone_verify, name="phone_verify"),
    path("phone/code/new/", sms_views.phone_resend, name="phone_resend"),
    path("phone/remove/", sms_views.phone_delete, name="phone_delete"),
    path("preferences/", views.preferences, name="preferences"),
]
