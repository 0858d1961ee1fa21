"""Sessions signed in through Django's ModelBackend now name patients.backends.DiaryBackend,
which replaces it in AUTHENTICATION_BACKENDS: nobody is signed out by the change."""

from django.db import migrations
from django.utils import timezone

# Written out, as a migration keeps what it did: patients.backends names both today.
EARLIER = "django.contrib.auth.backends.ModelBackend"
DIARY_BACKEND = "patients.backends.DiaryBackend"
BACKEND = "_auth_user_backend"  # django.contrib.auth.BACKEND_SESSION_KEY


def _move(apps, source: str, target: str) -> None:
    from django.contrib.sessions.backends.db import SessionStore

    Session = apps.get_model("sessions", "Session")
    store = SessionStore()
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        data = store.decode(session.session_data)  # {} when it cannot be read
        if data.get(BACKEND) == source:
            data[BACKEND] = target
            session.session_data = store.encode(data)
            session.save(update_fields=["session_data"])


def forwards(apps, schema_editor):
    _move(apps, EARLIER, DIARY_BACKEND)


def backwards(apps, schema_editor):
    _move(apps, DIARY_BACKEND, EARLIER)


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0007_treatment_stop"),
        ("sessions", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
