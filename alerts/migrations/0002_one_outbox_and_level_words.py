"""After the squash (issue 34): the WATCH digest and the team's notifications become outbox
messages (diary_core/outbox.py), and each level takes the words the patient reads.

- Digest gets the outbox's fields, statuses and one kind for the admin's "Messages" page.
  Old rows keep what they said: "empty" (nothing to report, nothing sent) becomes cancelled
  with that reason; a sent or failed digest was one attempt, due and (if sent) sent when it
  was written. A failed digest's error text, which was the exception's own words and could
  hold an address, is replaced by fixed words.
- Notification.created_at is set by default, like the other kinds, not auto_now_add.
- The level choices' labels are the patient's words (clinical-rules.md A.0); no data changes.
"""

import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

NOTHING_TO_REPORT = "nothing to report"  # frozen: alerts.delivery.models.Digest's words
ERROR_REMOVED = "error text removed: it could hold an address"  # frozen words


def forwards(apps, schema_editor):
    Digest = apps.get_model("alerts", "Digest")
    Digest.objects.update(due_at=models.F("created_at"))
    Digest.objects.filter(status="empty").update(
        status="cancelled", last_error=NOTHING_TO_REPORT
    )
    Digest.objects.filter(status="sent").update(attempts=1, sent_at=models.F("created_at"))
    Digest.objects.filter(status="failed").update(attempts=1)
    Digest.objects.filter(status="failed").exclude(last_error="").update(
        last_error=ERROR_REMOVED
    )
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
        ('patients', '0002_one_outbox'),
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
            model_name='alert',
            name='level',
            field=models.CharField(choices=[('NONE', 'Thank you — nothing needs action today'), ('WATCH', 'Keep monitoring'), ('CONTACT', 'Contact your care team today'), ('URGENT', 'Seek medical attention now')], max_length=8),
        ),
        migrations.AlterField(
            model_name='alertrule',
            name='level',
            field=models.CharField(choices=[('NONE', 'Thank you — nothing needs action today'), ('WATCH', 'Keep monitoring'), ('CONTACT', 'Contact your care team today'), ('URGENT', 'Seek medical attention now')], max_length=8),
        ),
        migrations.AlterField(
            model_name='concern',
            name='advice_level',
            field=models.CharField(choices=[('NONE', 'Thank you — nothing needs action today'), ('WATCH', 'Keep monitoring'), ('CONTACT', 'Contact your care team today'), ('URGENT', 'Seek medical attention now')], default='NONE', max_length=8),
        ),
        migrations.AlterField(
            model_name='concern',
            name='level',
            field=models.CharField(choices=[('NONE', 'Thank you — nothing needs action today'), ('WATCH', 'Keep monitoring'), ('CONTACT', 'Contact your care team today'), ('URGENT', 'Seek medical attention now')], max_length=8),
        ),
        migrations.AlterField(
            model_name='concernevent',
            name='level',
            field=models.CharField(choices=[('NONE', 'Thank you — nothing needs action today'), ('WATCH', 'Keep monitoring'), ('CONTACT', 'Contact your care team today'), ('URGENT', 'Seek medical attention now')], max_length=8),
        ),
        migrations.AlterField(
            model_name='digest',
            name='status',
            field=models.CharField(choices=[('pending', 'Waiting to send'), ('sending', 'Sending'), ('sent', 'Sent'), ('failed', 'Failed'), ('cancelled', 'Not needed any more')], default='pending', max_length=10),
        ),
        migrations.AlterField(
            model_name='entryoutcome',
            name='level',
            field=models.CharField(choices=[('NONE', 'Thank you — nothing needs action today'), ('WATCH', 'Keep monitoring'), ('CONTACT', 'Contact your care team today'), ('URGENT', 'Seek medical attention now')], max_length=8),
        ),
        migrations.AlterField(
            model_name='episode',
            name='highest_level',
            field=models.CharField(choices=[('NONE', 'Thank you — nothing needs action today'), ('WATCH', 'Keep monitoring'), ('CONTACT', 'Contact your care team today'), ('URGENT', 'Seek medical attention now')], max_length=8),
        ),
        migrations.AlterField(
            model_name='historicalalert',
            name='level',
            field=models.CharField(choices=[('NONE', 'Thank you — nothing needs action today'), ('WATCH', 'Keep monitoring'), ('CONTACT', 'Contact your care team today'), ('URGENT', 'Seek medical attention now')], max_length=8),
        ),
        migrations.AlterField(
            model_name='historicalalertrule',
            name='level',
            field=models.CharField(choices=[('NONE', 'Thank you — nothing needs action today'), ('WATCH', 'Keep monitoring'), ('CONTACT', 'Contact your care team today'), ('URGENT', 'Seek medical attention now')], max_length=8),
        ),
        migrations.AlterField(
            model_name='historicalruledraft',
            name='level',
            field=models.CharField(choices=[('NONE', 'Thank you — nothing needs action today'), ('WATCH', 'Keep monitoring'), ('CONTACT', 'Contact your care team today'), ('URGENT', 'Seek medical attention now')], max_length=8),
        ),
        migrations.AlterField(
            model_name='notification',
            name='created_at',
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AlterField(
            model_name='ruledraft',
            name='level',
            field=models.CharField(choices=[('NONE', 'Thank you — nothing needs action today'), ('WATCH', 'Keep monitoring'), ('CONTACT', 'Contact your care team today'), ('URGENT', 'Seek medical attention now')], max_length=8),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.AddIndex(
            model_name='digest',
            index=models.Index(condition=models.Q(('status', 'pending')), fields=['due_at'], name='alerts_digest_due'),
        ),
    ]
