from django.urls import path

from reach import push_views, views

app_name = "reach"

urlpatterns = [
    path("", views.notifications, name="notifications"),
    # Push: this browser's subscription (JSON from static/js/push.js), then the list's forms.
    path("push/subscribe/", push_views.push_subscribe, name="push_subscribe"),
    path("push/unsubscribe/", push_views.push_unsubscribe, name="push_unsubscribe"),
    path("push/<int:pk>/rename/", push_views.push_rename, name="push_rename"),
    path("push/<int:pk>/remove/", push_views.push_remove, name="push_remove"),
    path("push/<int:pk>/test/", push_views.push_test, name="push_test"),
]
