"""The account e-mails and the patient reminders become outbox messages
(diary_core/outbox.py): one status vocabulary, and a due time for every reminder.

Rows written before keep what they said: a reminder was due when it was written; "skipped"
is the outbox's "cancelled" (not needed any more), its reason kept; a failed reminder's
error text, which was the exception's own words and could hold an address, is replaced by
fixed words (the outbox stores a type and a code, never the text).
"""

import django.utils.timezone
from django.db import migrations, models

ERROR_REMOVED = "error text removed: it could hold an address"  # frozen words


def forwards(apps, schema_editor):
    PatientReminder = apps.get_model("patients", "PatientReminder")
    PatientReminder.objects.update(due_at=models.F("created_at"))
    PatientReminder.objects.filter(status="skipped").update(status="cancelled")
    PatientReminder.objects.filter(status="failed").exclude(last_error="").update(
        last_error=ERROR_REMOVED
    )
    _settle(schema_editor)


def backwards(apps, schema_editor):
    PatientReminder = apps.get_model("patients", "PatientReminder")
    PatientReminder.objects.filter(status="cancelled").update(status="skipped")
    PatientReminder.objects.filter(status__in=["sending"]).update(status="pending")
    _settle(schema_editor)


def _settle(schema_editor):
    """PostgreSQL refuses to change a table with deferred foreign-key checks pending from
    this transaction's updates: run them now, so the schema steps after these can."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):

    dependencies = [
        ('patients', '0001_squashed'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='patientreminder',
            name='patients_reminder_due',
        ),
        migrations.AddField(
            model_name='patientreminder',
            name='due_at',
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AlterField(
            model_name='accountemail',
            name='status',
            field=models.CharField(choices=[('pending', 'Waiting to send'), ('sending', 'Sending'), ('sent', 'Sent'), ('failed', 'Failed'), ('cancelled', 'Not needed any more')], default='pending', max_length=10),
        ),
        migrations.AlterField(
            model_name='patientreminder',
            name='status',
            field=models.CharField(choices=[('pending', 'Waiting to send'), ('sending', 'Sending'), ('sent', 'Sent'), ('failed', 'Failed'), ('cancelled', 'Not needed any more')], default='pending', max_length=10),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.AddIndex(
            model_name='patientreminder',
            index=models.Index(condition=models.Q(('status', 'pending')), fields=['due_at'], name='patients_reminder_due'),
        ),
    ]
