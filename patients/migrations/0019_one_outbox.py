# The account e-mails and the patient reminders become outbox messages
# (diary_core/outbox.py): one status vocabulary, and a due time for every reminder.

import django.utils.timezone
from django.db import migrations, models

STATUS = [
    ('pending', 'Waiting to send'),
    ('sending', 'Sending'),
    ('sent', 'Sent'),
    ('failed', 'Failed'),
    ('cancelled', 'Not needed any more'),
]


class Migration(migrations.Migration):

    dependencies = [
        ('patients', '0018_record_access_name'),
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
        # A reminder was due when it was written.
        migrations.RunSQL(
            'UPDATE patients_patientreminder SET due_at = created_at',
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name='accountemail',
            name='status',
            field=models.CharField(choices=STATUS, default='pending', max_length=10),
        ),
        migrations.AlterField(
            model_name='patientreminder',
            name='status',
            field=models.CharField(choices=STATUS, default='pending', max_length=10),
        ),
        # "skipped" is the outbox's "cancelled" (not needed any more); the reason stays.
        migrations.RunSQL(
            "UPDATE patients_patientreminder SET status = 'cancelled' WHERE status = 'skipped'",
            reverse_sql=(
                "UPDATE patients_patientreminder SET status = 'skipped' WHERE status = 'cancelled'"
            ),
        ),
        migrations.AddIndex(
            model_name='patientreminder',
            index=models.Index(
                condition=models.Q(('status', 'pending')),
                fields=['due_at'],
                name='patients_reminder_due',
            ),
        ),
    ]
