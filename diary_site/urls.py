from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from alerts.delivery import receipts
from diary_site import views
from patients import two_factor
from patients import views as patient_views
from patients.forms import LoginForm

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico on pages that do not link an icon (the admin, PDFs).
    path("favicon.ico", views.favicon, name="favicon"),
    # The installable app: its manifest, and a service worker at the root (its scope).
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("offline/", views.offline_page, name="offline"),
    path("session/token/", views.session_token, name="session_token"),
    path("accounts/2fa/", two_factor.verify, name="two_factor_verify"),
    path("accounts/2fa/setup/", two_factor.setup, name="two_factor_setup"),
    # Before Django's own: limited, and through the account-mail outbox.
    path("accounts/password_reset/", patient_views.PasswordReset.as_view(), name="password_reset"),
    path(
        "accounts/login/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    # The language switcher on every page (accounts/languages.py).
    path("i18n/setlang/", patient_views.set_language, name="set_language"),
    path("diary/", include("symptoms.urls")),
    path("team/", include("team.urls")),
    path("patients/", include("patients.urls")),
    path("account/notifications/", include("reach.urls")),
    # The SMS provider's delivery reports (SMS_STATUS_CALLBACK points here).
    path("sms/status/", receipts.sms_status, name="sms_status"),
    path("admin/", admin.site.urls),
]

if settings.BENCH_ENDPOINTS:  # never in production: the benchmark's baselines
    urlpatterns += [
        path("bench/insert/", views.bench_insert, name="bench_insert"),
        path("bench/noop/", views.bench_noop, name="bench_noop"),
    ]
