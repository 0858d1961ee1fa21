"""Sessions move to patients.UserSession, whose account is a column (patients.sessions):
the live ones are copied with their accounts and removed from Django's table, so nobody
is signed out by the change, and taken back the same way if it is undone."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

SESSION_KEY = "_auth_user_id"  # django.contrib.auth.SESSION_KEY, written out


def _account(store, data: str, users: set[int]) -> int | None:
    try:
        user_id = int(store.decode(data).get(SESSION_KEY))  # {} when it cannot be read
    except (TypeError, ValueError):
        return None
    return user_id if user_id in users else None


def forwards(apps, schema_editor):
    # Django's own store: its class name salts the signature, as the new engine's does.
    from django.contrib.sessions.backends.db import SessionStore

    Session = apps.get_model("sessions", "Session")
    UserSession = apps.get_model("patients", "UserSession")
    users = set(apps.get_model("patients", "User").objects.values_list("pk", flat=True))
    store = SessionStore()
    live = Session.objects.filter(expire_date__gt=timezone.now())
    for batch in _batches(live):
        UserSession.objects.bulk_create(
            UserSession(
                session_key=s.session_key,
                session_data=s.session_data,
                expire_date=s.expire_date,
                user_id=_account(store, s.session_data, users),
            )
            for s in batch
        )
    Session.objects.all().delete()


def backwards(apps, schema_editor):
    Session = apps.get_model("sessions", "Session")
    UserSession = apps.get_model("patients", "UserSession")
    live = UserSession.objects.filter(expire_date__gt=timezone.now())
    for batch in _batches(live):
        Session.objects.bulk_create(
            Session(session_key=s.session_key, session_data=s.session_data, expire_date=s.expire_date)
            for s in batch
        )


def _batches(rows, size: int = 1000):
    batch = []
    for row in rows.order_by("pk").iterator(chunk_size=size):
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0008_sessions_use_diary_backend"),
        ("sessions", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="UserSession",
            fields=[
                (
                    "session_key",
                    models.CharField(
                        max_length=40, primary_key=True, serialize=False, verbose_name="session key"
                    ),
                ),
                ("session_data", models.TextField(verbose_name="session data")),
                ("expire_date", models.DateTimeField(db_index=True, verbose_name="expire date")),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "session",
                "verbose_name_plural": "sessions",
                "abstract": False,
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
