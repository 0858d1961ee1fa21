"""The WATCH digest becomes an outbox message (diary_core/outbox.py): the outbox's fields,
its statuses, and one kind for the admin's "Messages" page. Old rows keep what they said:
"empty" (nothing to report, nothing sent) becomes cancelled with that reason; a sent or
failed digest was one attempt, due and (if sent) sent when it was written.
"""

import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

NOTHING_TO_REPORT = "nothing to report"  # frozen: alerts.delivery.models.Digest's words


def forwards(apps, schema_editor):
    Digest = apps.get_model("alerts", "Digest")
    Digest.objects.update(due_at=models.F("created_at"))
    Digest.objects.filter(status="empty").update(
        status="cancelled", last_error=NOTHING_TO_REPORT
    )
    Digest.objects.filter(status="sent").update(attempts=1, sent_at=models.F("created_at"))
    Digest.objects.filter(status="failed").update(attempts=1)
    _settle(schema_editor)


def backwards(apps, schema_editor):
    """Back to the three old statuses (before the column is narrowed again)."""
    Digest = apps.get_model("alerts", "Digest")
    Digest.objects.filter(status="cancelled").update(status="empty", last_error="")
    Digest.objects.filter(status__in=["pending", "sending"]).update(status="failed")
    _settle(schema_editor)


def _settle(schema_editor):
    """PostgreSQL refuses to change a table with deferred foreign-key checks pending from
    this transaction's updates: run them now, so the schema steps after these can."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):

    dependencies = [
        ('alerts', '0001_squashed'),
        ('patients', '0001_squashed'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='digest',
            name='attempts',
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='digest',
            name='due_at',
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AddField(
            model_name='digest',
            name='kind',
            field=models.CharField(choices=[('watch', 'Daily WATCH digest')], default='watch', max_length=8),
        ),
        migrations.AddField(
            model_name='digest',
            name='sent_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name='digest',
            name='status',
            field=models.CharField(choices=[('pending', 'Waiting to send'), ('sending', 'Sending'), ('sent', 'Sent'), ('failed', 'Failed'), ('cancelled', 'Not needed any more')], default='pending', max_length=10),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.AddIndex(
            model_name='digest',
            index=models.Index(condition=models.Q(('status', 'pending')), fields=['due_at'], name='alerts_digest_due'),
        ),
    ]
