"""Settings for the Kesimpta symptom diary.

One module; every deployment value comes from the environment (django-environ).
The defaults are those of a first local run (`make run`): the project's private
PostgreSQL, Redis on localhost and e-mail printed to the console. Production sets
DJANGO_DEBUG=false, which makes DJANGO_SECRET_KEY and DATABASE_URL mandatory.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if env.bool("DJANGO_READ_DOT_ENV_FILE", default=False):
    # OS environment variables take precedence over variables from .env
    env.read_env(str(BASE_DIR / ".env"))

# Core
# ------------------------------------------------------------------------------
DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "The DJANGO_SECRET_KEY environment variable is not set. It is required when "
            "DJANGO_DEBUG is false (production). Set DJANGO_SECRET_KEY to a long random "
            "value, or set DJANGO_DEBUG=true for local development."
        )
    # Development only: never used when DJANGO_DEBUG is false.
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105

# Key rotation (docs/security.md): old keys still verify sessions and links for a while.
SECRET_KEY_FALLBACKS = env.list("DJANGO_SECRET_KEY_FALLBACKS", default=[])

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# The base of every link in an e-mail: the address patients and clinicians open. `make run`
# sets it to its web server; without it, the web port on this machine.
DIARY_BASE_URL = env.str(
    "DIARY_BASE_URL", default=f"http://127.0.0.1:{env.int('PORT', default=8000)}"
).rstrip("/")

INSTALLED_APPS = [
    # Per-language columns for the clinical content (alerts/translation.py); before the admin.
    "modeltranslation",
    # django.contrib.admin, with clinical content grouped apart from technical sections.
    "diary_site.apps.DiaryAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Serve static files with whitenoise in development too, like production.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # PostgreSQL's unaccent in lookups: a nurse finds "Łukasz Żółć" by typing "zolc".
    "django.contrib.postgres",
    "diary_site.apps.DiarySiteConfig",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "phonenumber_field",
    # The configuration's version, which the per-process caches are keyed by (diary_core.config).
    "diary_core",
    "patients",
    # How a person is reached: push devices, a phone for SMS, their preferences.
    "reach",
    "symptoms",
    "alerts",
    # The care team's pages, over the three apps above.
    "team",
]

MIDDLEWARE = [
    # The configuration's version a session read brings lives for one request (diary_core).
    "diary_core.config.RequestConfigVersionMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A NUL byte or a non-UTF-8 form is a clear 400, never a database error.
    "diary_site.middleware.RefuseUnreadableInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in person's chosen language wins over the browser's (accounts/languages.py).
    "accounts.languages.PersonLanguageMiddleware",
    # Signed-in pages and exports: Cache-Control: no-store, private; Vary: HX-Request.
    "diary_site.middleware.PrivatePagesMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.display_zone.DisplayZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # 12 h after login for everyone; 30 idle minutes for staff (polls are not activity).
    "accounts.sessions.SessionLimitsMiddleware",
    "accounts.two_factor.RequireSecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "patients.audit.RefusedRequestMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "diary_site.urls"
# `make bench` adds /bench/insert/, its bare-insert baseline; never set it in production.
BENCH_ENDPOINTS = env.bool("DIARY_BENCH_ENDPOINTS", default=False)

# A rule change needs a second person to approve it (alerts.approve_rule_change). A clinic
# with one administrator may allow self-approval explicitly; each one is recorded as such.
DIARY_SINGLE_APPROVER_CLINIC = env.bool("DIARY_SINGLE_APPROVER_CLINIC", default=False)
WSGI_APPLICATION = "diary_site.wsgi.application"

# How soon the team should acknowledge an alert: the queue marks a patient overdue past it
# and the clinic report measures against it (docs/clinical-safety.md item 37).
RESPONSE_TARGET_URGENT_MINUTES = env.int("DIARY_RESPONSE_TARGET_URGENT_MINUTES", default=15)
RESPONSE_TARGET_CONTACT_WORKING_HOURS = env.float(
    "DIARY_RESPONSE_TARGET_CONTACT_WORKING_HOURS", default=4.0
)
# A flood bound, not a clinical one: more entries than this in an hour for one patient are
# refused with a message (what was typed stays); an entry with a warning sign ticked is
# always saved (docs/clinical-safety.md, "Entries per hour").
DIARY_ENTRIES_PER_HOUR = env.int("DIARY_ENTRIES_PER_HOUR", default=30)
ASGI_APPLICATION = "diary_site.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "patients.context_processors.role",
                "alerts.context_processors.standing",
            ],
        },
    },
]

# Database
# ------------------------------------------------------------------------------
# PostgreSQL everywhere. A developer's checkout without DATABASE_URL uses the project's
# private cluster, whose URL `make run` leaves in `.run/database-url`
# (diary_site/private_database.py; the cluster itself is scripts/services.py's).
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
elif DEBUG:
    from diary_site.private_database import private_database_url

    DATABASES = {"default": env.db_url_config(private_database_url(BASE_DIR))}
else:
    raise ImproperlyConfigured(
        "The DATABASE_URL environment variable is not set. It is required when DJANGO_DEBUG "
        "is false (production), e.g. postgres://user:password@host:5432/diary."
    )
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured(
        "DATABASE_URL must point at PostgreSQL (postgres://…): the diary relies on its "
        "row locks, constraints and timestamp arithmetic."
    )
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
# Drop connections that died while idle (PostgreSQL restart, failover) before reuse.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Bound connection attempts so /healthz and workers fail fast instead of hanging.
DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Authentication
# ------------------------------------------------------------------------------
AUTH_USER_MODEL = "patients.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out username + IP before checking a password.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, whose user comes with the session's read, with the person's own
    # diary (patients.sessions: no query of its own).
    "patients.backends.DiaryBackend",
]
# Lockout: 5 failures for one username from one IP lock that pair for 15 minutes.
# Two-factor codes: the issuer shown in authenticator apps.
OTP_TOTP_ISSUER = "Kesimpta diary"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind DJANGO_PROXY_COUNT trusted proxies (docs/security.md), the client's address is
# the one the outermost proxy saw; one function for the lockout, the audit and the limits.
DIARY_PROXY_COUNT = env.int("DJANGO_PROXY_COUNT", default=0)

AXES_CLIENT_IP_CALLABLE = "diary_core.client_ip.client_ip"
# The attempt's username cut to axes' column (a longer one answered 500).
AXES_USERNAME_CALLABLE = "diary_site.lockout.attempt_username"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions end after 12 hours however active the user is (absolute lifetime).
# Django's database sessions with the account as a column: the read also brings the
# configuration's version, and the user with their patient row and team (issue 37).
SESSION_ENGINE = "patients.sessions"
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# A form refused for its CSRF token (a login in another tab changed it) gets a calm page in
# the site's layout, saying that what was typed is kept (diary_site/views.csrf_failure).
CSRF_FAILURE_VIEW = "diary_site.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Clinicians and administrators are logged out after 30 idle minutes (patients are not:
# they come once a day). The 12-hour absolute limit above applies to everyone.
STAFF_IDLE_TIMEOUT = timedelta(minutes=env.int("DJANGO_STAFF_IDLE_MINUTES", default=30))
# Production: HTTPS only, HSTS; behind a TLS-terminating proxy set DJANGO_BEHIND_TLS_PROXY.
SECURE_SSL_REDIRECT = env.bool("DJANGO_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
# Preload needs a deliberate submission to hstspreload.org (docs/security.md).
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=not DEBUG)
if env.bool("DJANGO_BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# /healthz is probed over plain HTTP by the load balancer on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Content-Security-Policy (django-csp): scripts only from this site or with the page's
# nonce; no plugins, no framing, forms post only here. Inline style attributes stay
# allowed (Bootstrap and the admin use them); they cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        # The service worker (/sw.js) and the web app manifest are this site's own.
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Internationalisation
# ------------------------------------------------------------------------------
# Shipped languages (docs/clinical-safety.md, "Languages"): each person's choice is
# User.language, else the browser's (LocaleMiddleware), else English. The catalogues are
# locale/<lang>/LC_MESSAGES/django.po, compiled by `make messages` (scripts/compile_messages.py).
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English"), ("es", "Español"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "diary_language"
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Clinical content (rule messages, education pages, symptom labels): one column per language;
# a missing translation falls back to English and is listed for the administrator.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en-gb"
MODELTRANSLATION_LANGUAGES = ("en-gb", "es", "de")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en-gb",)
MODELTRANSLATION_AUTO_POPULATE = False
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Static files
# ------------------------------------------------------------------------------
STATIC_URL = "static/"
# Where collectstatic writes (a build step); the browser journeys use a folder of their own.
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail
# ------------------------------------------------------------------------------
# Production must send mail, not print it: printed mail put live password-reset links in
# the logs. Without EMAIL_URL a development checkout prints to the console.
if not DEBUG and not env.str("EMAIL_URL", default=""):
    raise ImproperlyConfigured(
        "The EMAIL_URL environment variable is not set. It is required when DJANGO_DEBUG is "
        "false (production), e.g. smtp+tls://user:password@smtp.example.org:587."
    )
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Kesimpta diary <diary@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Invitation and reset links: one use (the token dies with the password change), 3 days.
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600
EMAIL_TIMEOUT = 10

# Web push (RFC 8030/8291/8292): the VAPID key pair this server signs with, made by
# `manage.py vapid_keys`; push is on when both keys are set. The subject (mailto: or
# https:) tells push services whom to contact; `check --deploy` warns without it.
WEBPUSH_VAPID_PUBLIC_KEY = env.str("WEBPUSH_VAPID_PUBLIC_KEY", default="")
WEBPUSH_VAPID_PRIVATE_KEY = env.str("WEBPUSH_VAPID_PRIVATE_KEY", default="")
WEBPUSH_VAPID_SUBJECT = env.str("WEBPUSH_VAPID_SUBJECT", default="")
if DEBUG and not (WEBPUSH_VAPID_PUBLIC_KEY or WEBPUSH_VAPID_PRIVATE_KEY):
    # Development only: `make run` gets a pair of its own, kept in .run/vapid.
    from diary_site.private_vapid import private_vapid_keys

    WEBPUSH_VAPID_PUBLIC_KEY, WEBPUSH_VAPID_PRIVATE_KEY = private_vapid_keys(BASE_DIR)
    WEBPUSH_VAPID_SUBJECT = WEBPUSH_VAPID_SUBJECT or "mailto:diary@localhost"
WEBPUSH_ENABLED = bool(WEBPUSH_VAPID_PUBLIC_KEY and WEBPUSH_VAPID_PRIVATE_KEY)
# A push service on plain HTTP that subscriptions may point at besides https:// ones (a
# local test service, e.g. http://127.0.0.1:8090); never set in production.
WEBPUSH_TEST_SERVICE = env.str("WEBPUSH_TEST_SERVICE", default="").rstrip("/")
# The push services a browser's subscription may point at (the server posts to them): the
# browsers' own services; a name starting with "." stands for any name under it. Nothing
# else is accepted, so a subscription cannot make the server post inside its network.
WEBPUSH_SERVICE_HOSTS = env.list(
    "WEBPUSH_SERVICE_HOSTS",
    default=[
        "fcm.googleapis.com",  # Chrome, Edge, Android
        "updates.push.services.mozilla.com",  # Firefox
        ".push.apple.com",  # Safari, iOS home-screen apps (16.4+)
        ".notify.windows.com",  # Edge on Windows, legacy
    ],
)

# Text messages (SMS): URGENT and on-call pages to staff, through a Twilio-compatible
# provider (reach/sms.py). On when the account, its token and the sender are all set;
# `check --deploy` warns when only some are (reach/checks.py). SMS_FROM is a number in
# E.164, an alphanumeric sender id, or a messaging service SID ("MG...").
SMS_API_BASE_URL = env.str("SMS_API_BASE_URL", default="https://api.twilio.com")
SMS_ACCOUNT_SID = env.str("SMS_ACCOUNT_SID", default="")
SMS_AUTH_TOKEN = env.str("SMS_AUTH_TOKEN", default="")
SMS_FROM = env.str("SMS_FROM", default="")
# Where the provider reports delivered/undelivered; empty: the outbox's status only.
SMS_STATUS_CALLBACK = env.str("SMS_STATUS_CALLBACK", default="")

# Errors: Sentry when SENTRY_DSN is set, else e-mail to DJANGO_ADMINS; either way without
# health data (diary_site/errors.py). `check --deploy` warns when neither is set.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
ADMINS = [] if SENTRY_DSN else [("", address) for address in env.list("DJANGO_ADMINS", default=[])]
DEFAULT_EXCEPTION_REPORTER = "diary_site.errors.NoHealthDataReporter"
DEFAULT_EXCEPTION_REPORTER_FILTER = "diary_site.errors.NoHealthDataFilter"
if SENTRY_DSN:
    from diary_site.errors import init_sentry

    init_sentry(
        SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        release=env.str("SENTRY_RELEASE", default="") or None,
    )

# Cache: shared by every process, for the rate limits; on Redis beside the broker. A cache
# outage never blocks a request: the limits fail open (a login still works).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env.str("DJANGO_CACHE_URL", default=""),
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        "KEY_PREFIX": "diary",
    }
}
RATELIMIT_USE_CACHE = "default"
RATELIMIT_FAIL_OPEN = True
# Behind a proxy, the client is the same address the lockout and the audit use.
RATELIMIT_IP_META_KEY = "diary_core.client_ip.client_ip"

# Celery — baseline from research/reliability.md §1
# ------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = REDIS_URL
# The cache's default: database 1 of the broker's Redis (never the broker's own keys).
if not CACHES["default"]["LOCATION"]:
    CACHES["default"]["LOCATION"] = urlunsplit(urlsplit(REDIS_URL)._replace(path="/1"))
# Redis is the transport, PostgreSQL the record: results are never read.
CELERY_TASK_IGNORE_RESULT = True
# Only `make bench` sets one, to time a no-op task's round trip (diary_site.noop).
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
# Ack after the task ran, and requeue if the worker process dies mid-task.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Celery closes Django's database connections around every task unless this is set; the
# connection is instead kept and checked as a request's is (diary_site/celery_app.py).
CELERY_DB_REUSE_MAX = 1_000_000
# Reserve one message at a time, so a killed worker holds back as little as possible.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# How long a new worker process may take to start before Celery kills it and starts
# another (default 4 s). Each process warms up first (alerts.delivery.send.delivery_warm:
# templates in each language, then a database part bounded by connect_timeout and its own
# lock and statement timeouts); a slow start must not become a loop of restarts.
CELERY_WORKER_PROC_ALIVE_TIMEOUT = 30
# Set the visibility timeout in all three places, or the 1 h default silently applies.
CELERY_VISIBILITY_TIMEOUT = 600
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    # Fail fast when Redis is unreachable instead of hanging a caller.
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CELERY_TASK_SOFT_TIME_LIMIT = 30
CELERY_TASK_TIME_LIMIT = 60
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TASK_ALWAYS_EAGER = False
# Two queues, so notification work never waits behind a sweep (and the reverse). A worker
# consumes all of them unless started with -Q (docs/scaling.md). Entries are evaluated in
# the request that saves them (alerts/care/recording.py); the evaluation queue holds the sweeps.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = (Queue("evaluation"), Queue("notification"), Queue("celery"))
CELERY_TASK_ROUTES = {
    "alerts.tasks.sweep_pending_entries": {"queue": "evaluation"},
    "alerts.tasks.sweep_periodic_rules": {"queue": "evaluation"},
    "alerts.tasks.send_notification": {"queue": "notification"},
    "alerts.tasks.send_due_notifications": {"queue": "notification"},
    "alerts.tasks.sweep_escalations": {"queue": "notification"},
    "alerts.tasks.sweep_pages": {"queue": "notification"},
    "symptoms.tasks.send_due_patient_messages": {"queue": "notification"},
    "alerts.tasks.send_watch_digests": {"queue": "notification"},
    "symptoms.tasks.send_patient_reminders": {"queue": "notification"},
    "patients.tasks.send_account_email": {"queue": "notification"},
    "patients.tasks.send_due_account_emails": {"queue": "notification"},
    # Minutes of replay: on the default queue, never ahead of the sweeps.
    "alerts.tasks.try_rule_draft": {"queue": "celery"},
    "alerts.tasks.recover_whatif_runs": {"queue": "celery"},
}

# Every periodic job, in UTC. Exactly one beat process may run (docs/operations.md).
CELERY_BEAT_SCHEDULE = {
    # every minute: proves beat -> broker -> worker -> database works (/healthz)
    "beat-heartbeat": {
        "task": "alerts.tasks.beat_heartbeat",
        "schedule": crontab(minute="*"),
    },
    # every minute: evaluate entries whose publish was lost (the entry is the outbox)
    "sweep-pending-entries": {
        "task": "alerts.tasks.sweep_pending_entries",
        "schedule": crontab(minute="*"),
    },
    # every minute: send due notifications (first notices, retries after backoff)
    "send-due-notifications": {
        "task": "alerts.tasks.send_due_notifications",
        "schedule": crontab(minute="*"),
    },
    # every minute: re-notify unacknowledged alerts and add the backup clinician
    "sweep-escalations": {
        "task": "alerts.tasks.sweep_escalations",
        "schedule": crontab(minute="*"),
    },
    # every minute: page the on-call rota about URGENT concerns nobody acknowledged
    # (alerts/care/oncall.py)
    "sweep-pages": {
        "task": "alerts.tasks.sweep_pages",
        "schedule": crontab(minute="*"),
    },
    # every 15 minutes: missed diaries, missed doses, no news after a warning
    "sweep-periodic-rules": {
        "task": "alerts.tasks.sweep_periodic_rules",
        "schedule": crontab(minute="*/15"),
    },
    # every 5 minutes: daily reminders at each patient's local time, and missed-days ones
    "patient-reminders": {
        "task": "symptoms.tasks.send_patient_reminders",
        "schedule": crontab(minute="*/5"),
    },
    # every minute: account e-mails still due (invitations, resets, notices; retries)
    "account-emails": {
        "task": "patients.tasks.send_due_account_emails",
        "schedule": crontab(minute="*"),
    },
    # every 5 minutes: the daily WATCH digest at each team's chosen local time
    "watch-digests": {
        "task": "alerts.tasks.send_watch_digests",
        "schedule": crontab(minute="*/5"),
    },
    # every minute: what-if runs whose message was lost, or whose worker was killed
    "recover-whatif-runs": {
        "task": "alerts.tasks.recover_whatif_runs",
        "schedule": crontab(minute="*"),
    },
    # hourly at :17: clear uploaded lab result files checked but not imported within a day
    "discard-stale-lab-imports": {
        "task": "patients.tasks.discard_stale_lab_imports",
        "schedule": crontab(minute="17"),
    },
    # daily at 03:41: remove the sessions that have ended (sign-out, 12 hours, idle)
    "clear-ended-sessions": {
        "task": "patients.tasks.clear_ended_sessions",
        "schedule": crontab(hour="3", minute="41"),
    },
}

# Logging: no health data is ever logged; see docs/operations.md.
# ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        # One JSON object per line for the log shipper; messages carry ids, never health data.
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(process)d",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env.str("DJANGO_LOG_FORMAT", default="plain" if DEBUG else "json"),
        },
        # Server errors to ADMINS, once an hour per kind and 20 an hour in all, without
        # health data (diary_site/errors.py).
        "mail_admins": {
            "level": "ERROR",
            "filters": ["require_debug_false"],
            "class": "diary_site.errors.LimitedAdminEmailHandler",
        },
    },
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own errors (500s, suspicious requests) to the limited mail; the lines
        # still reach the console through the root.
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
        "django.db.backends": {"level": "WARNING"},
        # Lockouts are WARNING; routine "attempt deleted" lines are noise.
        "axes": {"level": "WARNING"},
        # Refused authorisations (patients/audit.py): user id, route and path only.
        "security": {"level": "WARNING"},
        # The SMS library logs every request and its headers at INFO.
        "twilio": {"level": "WARNING"},
    },
}
