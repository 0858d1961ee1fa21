"""The sessions' table gains the account each is signed in to (patients.UserSession, read by
patients.sessions): one nullable column on Django's own table, so processes of the release
before, which read and write the same rows during a deploy, are not affected and nobody is
signed out. The live sessions get their account now; a session the backfill cannot read
keeps none and is read as before."""

from django.db import migrations, models
from django.utils import timezone

SESSION_KEY = "_auth_user_id"  # django.contrib.auth.SESSION_KEY, written out


def backfill(apps, schema_editor):
    # Django's own store: its class name salts the signature, as the new engine's does.
    from django.contrib.sessions.backends.db import SessionStore

    UserSession = apps.get_model("patients", "UserSession")
    users = set(apps.get_model("patients", "User").objects.values_list("pk", flat=True))
    store = SessionStore()
    live = UserSession.objects.filter(expire_date__gt=timezone.now(), user__isnull=True)
    found = []
    for session in live.only("session_key", "session_data").iterator(chunk_size=1000):
        try:
            account = int(store.decode(session.session_data).get(SESSION_KEY))  # {}: unread
        except (TypeError, ValueError):
            continue
        if account in users:
            session.user_id = account
            found.append(session)
    UserSession.objects.bulk_update(found, ["user"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0008_sessions_use_diary_backend"),
        ("sessions", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            'ALTER TABLE "django_session" ADD COLUMN "user_id" bigint NULL',
            reverse_sql='ALTER TABLE "django_session" DROP COLUMN "user_id"',
        ),
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
                        db_constraint=False,
                        db_index=False,
                        on_delete=models.deletion.CASCADE,
                        related_name="+",
                        to="patients.user",
                    ),
                ),
            ],
            options={
                "verbose_name": "session",
                "verbose_name_plural": "sessions",
                "db_table": "django_session",
                "managed": False,
                "abstract": False,
            },
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
