"""One concern per patient (docs/clinical-rules.md §5), each entry's recorded outcome, and
messages and reminders per concern instead of per alert.

Between adding the new tables and dropping the alert's owner and snooze, the data step
groups every patient's CONTACT and URGENT alerts into concerns in the order they fired (an
alert joins the concern open at its time: one of whose alerts was not resolved yet), moves
the owner, the acknowledgement and the messages to them, and records an outcome for every
evaluated entry from the alerts it raised. Frozen literal data only: no live code.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from alerts.migrations._concerns_0020 import backwards, forwards

class Migration(migrations.Migration):

    dependencies = [
        ('alerts', '0019_whole_number_placeholders'),
        ('patients', '0014_out_of_hours_languages'),
        ('symptoms', '0007_label_translations'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Concern',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('open', 'Open'), ('resolved', 'Resolved')], default='open', max_length=10)),
                ('level', models.CharField(choices=[('NONE', 'Nothing to act on'), ('WATCH', 'Keep monitoring'), ('CONTACT', 'Contact the team today'), ('URGENT', 'Seek attention now')], max_length=8)),
                ('advice_level', models.CharField(choices=[('NONE', 'Nothing to act on'), ('WATCH', 'Keep monitoring'), ('CONTACT', 'Contact the team today'), ('URGENT', 'Seek attention now')], default='NONE', max_length=8)),
                ('opened_at', models.DateTimeField()),
                ('level_since', models.DateTimeField()),
                ('waiting_since', models.DateTimeField(blank=True, null=True)),
                ('due_at', models.DateTimeField(blank=True, null=True)),
                ('acknowledged_at', models.DateTimeField(blank=True, null=True)),
                ('owned_at', models.DateTimeField(blank=True, null=True)),
                ('reached', models.CharField(blank=True, choices=[('gp', 'the GP'), ('111', 'NHS 111 or the out-of-hours service'), ('ed', 'the emergency department or an ambulance'), ('team', 'the MS care team')], max_length=4)),
                ('reached_at', models.DateTimeField(blank=True, null=True)),
                ('callback_requested_at', models.DateTimeField(blank=True, null=True)),
                ('callback_done_at', models.DateTimeField(blank=True, null=True)),
                ('snoozed_until', models.DateTimeField(blank=True, null=True)),
                ('resolved_at', models.DateTimeField(blank=True, null=True)),
                ('resolution_action', models.CharField(blank=True, choices=[('phoned_patient', 'Phoned the patient'), ('advised_gp', 'Advised GP / urgent care'), ('sent_to_ed', 'Sent to the emergency department'), ('antimicrobials', 'Antibiotics or antivirals started'), ('dose_postponed', 'Dose postponed'), ('no_action', 'No action needed')], max_length=30)),
                ('resolution_note', models.TextField(blank=True)),
            ],
            options={
                'ordering': ['-opened_at'],
            },
        ),
        migrations.CreateModel(
            name='ConcernEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('opened', 'Opened'), ('raised', 'Level raised'), ('urgent', 'A new URGENT warning'), ('joined', 'More warnings added'), ('taken', 'Taken'), ('acknowledged', 'Acknowledged'), ('passed', 'Passed on'), ('reached', 'The patient reached someone'), ('not_yet', 'The patient has not reached anyone yet'), ('callback', 'The patient asked for a call back'), ('called_back', 'Called back'), ('overdue', 'Past its response target'), ('reminder', 'Reminder'), ('snoozed', 'Reminders snoozed'), ('resolved_some', 'Some alerts resolved'), ('resolved', 'Resolved')], max_length=14)),
                ('at', models.DateTimeField()),
                ('level', models.CharField(choices=[('NONE', 'Nothing to act on'), ('WATCH', 'Keep monitoring'), ('CONTACT', 'Contact the team today'), ('URGENT', 'Seek attention now')], max_length=8)),
                ('detail', models.JSONField(blank=True, default=dict)),
            ],
            options={
                'ordering': ['at', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='EntryOutcome',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('revision', models.PositiveSmallIntegerField(default=0)),
                ('recorded_at', models.DateTimeField()),
                ('level', models.CharField(choices=[('NONE', 'Nothing to act on'), ('WATCH', 'Keep monitoring'), ('CONTACT', 'Contact the team today'), ('URGENT', 'Seek attention now')], max_length=8)),
                ('prompt_key', models.CharField(max_length=20)),
                ('rules', models.JSONField(default=list)),
                ('suppressed', models.JSONField(blank=True, default=list)),
                ('team_alerts', models.JSONField(blank=True, default=list)),
                ('deduplicated', models.JSONField(blank=True, default=list)),
                ('quieted', models.JSONField(blank=True, default=list)),
                ('remeasure_minutes', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('reasons', models.JSONField(blank=True, default=list)),
                ('pages', models.JSONField(blank=True, default=list)),
                ('language', models.CharField(blank=True, max_length=10)),
                ('team_told_at', models.DateTimeField(blank=True, null=True)),
                ('transition', models.CharField(blank=True, max_length=8)),
            ],
            options={
                'ordering': ['entry', '-revision'],
            },
        ),
        migrations.RemoveConstraint(
            model_name='escalationstep',
            name='alerts_escalation_unique',
        ),
        migrations.RemoveConstraint(
            model_name='notification',
            name='alerts_notification_unique',
        ),
        migrations.RemoveIndex(
            model_name='escalationstep',
            name='alerts_escalation_renotified',
        ),
        migrations.AlterField(
            model_name='notification',
            name='kind',
            field=models.CharField(choices=[('opened', 'Opened'), ('raised', 'Level raised'), ('urgent', 'A new URGENT warning'), ('joined', 'More warnings added'), ('taken', 'Taken'), ('acknowledged', 'Acknowledged'), ('passed', 'Passed on'), ('reached', 'The patient reached someone'), ('not_yet', 'The patient has not reached anyone yet'), ('callback', 'The patient asked for a call back'), ('called_back', 'Called back'), ('overdue', 'Past its response target'), ('reminder', 'Reminder'), ('snoozed', 'Reminders snoozed'), ('resolved_some', 'Some alerts resolved'), ('resolved', 'Resolved')], max_length=14),
        ),
        migrations.AddField(
            model_name='concern',
            name='acknowledged_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='concern',
            name='advice_lead',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='alerts.alert'),
        ),
        migrations.AddField(
            model_name='concern',
            name='callback_done_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='concern',
            name='callback_requested_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='concern',
            name='lead',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='alerts.alert'),
        ),
        migrations.AddField(
            model_name='concern',
            name='owned_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='concern',
            name='owner',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='concern',
            name='patient',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='concerns', to='patients.patient'),
        ),
        migrations.AddField(
            model_name='concern',
            name='reached_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='concern',
            name='resolved_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='concern',
            name='snoozed_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='alert',
            name='concern',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='alerts', to='alerts.concern'),
        ),
        migrations.AddField(
            model_name='escalationstep',
            name='concern',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='escalations', to='alerts.concern'),
        ),
        migrations.AddField(
            model_name='historicalalert',
            name='concern',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='alerts.concern'),
        ),
        migrations.AddField(
            model_name='notification',
            name='concern',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to='alerts.concern'),
        ),
        migrations.AddField(
            model_name='concernevent',
            name='by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='concernevent',
            name='concern',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='alerts.concern'),
        ),
        migrations.AddField(
            model_name='concernevent',
            name='entry',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='symptoms.diaryentry'),
        ),
        migrations.AddField(
            model_name='escalationstep',
            name='wait',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='alerts.concernevent'),
        ),
        migrations.AddField(
            model_name='notification',
            name='event',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to='alerts.concernevent'),
        ),
        migrations.AddField(
            model_name='entryoutcome',
            name='concern',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='outcomes', to='alerts.concern'),
        ),
        migrations.AddField(
            model_name='entryoutcome',
            name='entry',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='outcomes', to='symptoms.diaryentry'),
        ),
        migrations.RemoveField(
            model_name='escalationstep',
            name='alert',
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='alert',
            name='owned_at',
        ),
        migrations.RemoveField(
            model_name='alert',
            name='owned_by',
        ),
        migrations.RemoveField(
            model_name='alert',
            name='owner',
        ),
        migrations.RemoveField(
            model_name='alert',
            name='snoozed_at',
        ),
        migrations.RemoveField(
            model_name='alert',
            name='snoozed_by',
        ),
        migrations.RemoveField(
            model_name='alert',
            name='snoozed_until',
        ),
        migrations.RemoveField(
            model_name='historicalalert',
            name='owned_at',
        ),
        migrations.RemoveField(
            model_name='historicalalert',
            name='owned_by',
        ),
        migrations.RemoveField(
            model_name='historicalalert',
            name='owner',
        ),
        migrations.RemoveField(
            model_name='historicalalert',
            name='snoozed_at',
        ),
        migrations.RemoveField(
            model_name='historicalalert',
            name='snoozed_by',
        ),
        migrations.RemoveField(
            model_name='historicalalert',
            name='snoozed_until',
        ),
        migrations.RemoveField(
            model_name='notification',
            name='alert',
        ),
        migrations.RemoveField(
            model_name='notification',
            name='step',
        ),
        migrations.AlterField(
            model_name='notification',
            name='status',
            field=models.CharField(choices=[('pending', 'Waiting to send'), ('sending', 'Sending'), ('sent', 'Sent'), ('failed', 'Failed'), ('cancelled', 'Not needed any more')], default='pending', max_length=10),
        ),
        migrations.AddConstraint(
            model_name='escalationstep',
            constraint=models.UniqueConstraint(fields=('wait', 'step'), name='alerts_escalation_once'),
        ),
        migrations.AddConstraint(
            model_name='notification',
            constraint=models.UniqueConstraint(fields=('event', 'recipient', 'channel'), name='alerts_notification_once'),
        ),
        migrations.AddIndex(
            model_name='concern',
            index=models.Index(condition=models.Q(('status', 'open')), fields=['level', 'waiting_since'], name='alerts_concern_queue'),
        ),
        migrations.AddConstraint(
            model_name='concern',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'open')), fields=('patient',), name='alerts_concern_one_open'),
        ),
        migrations.AddConstraint(
            model_name='concern',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'open'), _negated=True), ('level__in', ['CONTACT', 'URGENT']), _connector='OR'), name='alerts_concern_open_level'),
        ),
        migrations.AddIndex(
            model_name='concernevent',
            index=models.Index(fields=['concern', 'at'], name='alerts_concern_event_time'),
        ),
        migrations.AddIndex(
            model_name='concernevent',
            index=models.Index(fields=['kind', 'at'], name='alerts_concern_event_kind'),
        ),
        migrations.AddConstraint(
            model_name='entryoutcome',
            constraint=models.UniqueConstraint(fields=('entry', 'revision'), name='alerts_outcome_entry_revision'),
        ),
        migrations.AlterField(
            model_name='notification',
            name='concern',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to='alerts.concern'),
        ),
        migrations.AlterField(
            model_name='escalationstep',
            name='concern',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='escalations', to='alerts.concern'),
        ),
        migrations.AlterField(
            model_name='escalationstep',
            name='wait',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='alerts.concernevent'),
        ),
        # Going back: emptied first (this runs first in reverse), so the old columns can return.
        migrations.RunPython(migrations.RunPython.noop, backwards),
    ]
