"""The symptoms app's tables and seed rows, in one migration: squashed before the first
deployment from the 8 migrations it replaces (issue 34). A database that
applied all of them is taken as having applied this one.
"""

from decimal import Decimal
from django.conf import settings
from django.db import migrations, models
from symptoms.migrations._seed import seed
import datetime
import django.core.validators
import django.db.models.deletion
import django.utils.timezone
import patients.models
import simple_history.models
import uuid


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ('symptoms', '0001_initial'),
        ('symptoms', '0002_symptom_catalogue'),
        ('symptoms', '0003_clinical_time_bounds'),
        ('symptoms', '0004_amendments_and_no_thermometer'),
        ('symptoms', '0005_entry_time_index'),
        ('symptoms', '0006_label_languages'),
        ('symptoms', '0007_label_translations'),
        ('symptoms', '0008_entry_version'),
    ]

    dependencies = [
        ('patients', '0001_squashed'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Symptom',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(max_length=40, unique=True)),
                ('label', models.CharField(max_length=200)),
                ('label_en_gb', models.CharField(max_length=200, null=True)),
                ('label_es', models.CharField(max_length=200, null=True)),
                ('label_de', models.CharField(max_length=200, null=True)),
                ('help_text', models.CharField(blank=True, max_length=300)),
                ('help_text_en_gb', models.CharField(blank=True, max_length=300, null=True)),
                ('help_text_es', models.CharField(blank=True, max_length=300, null=True)),
                ('help_text_de', models.CharField(blank=True, max_length=300, null=True)),
                ('kind', models.CharField(choices=[('graded', 'Graded 0–4'), ('flag', 'Present or absent')], max_length=10)),
                ('groups', models.CharField(blank=True, max_length=60)),
                ('display_group', models.CharField(choices=[('general', 'General'), ('chest', 'Nose, throat and chest'), ('urinary', 'Urinary'), ('skin', 'Skin'), ('injection_site', 'Injection site'), ('liver', 'Liver'), ('nerves', 'Nerves, vision and speech'), ('red_flags', 'Any of these right now?')], max_length=20)),
                ('is_red_flag', models.BooleanField(default=False)),
                ('order', models.PositiveSmallIntegerField(default=0)),
                ('active', models.BooleanField(default=True)),
            ],
            options={
                'ordering': ['order', 'code'],
            },
        ),
        migrations.CreateModel(
            name='DiaryEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('recorded_at', models.DateTimeField(default=django.utils.timezone.now, validators=[patients.models.validate_clinical_time])),
                ('local_day', models.DateField(help_text="Calendar day in the patient's time zone.")),
                ('reported_by', models.CharField(choices=[('patient', 'Patient'), ('proxy', 'Caregiver')], default='patient', max_length=10)),
                ('feels_fine', models.BooleanField(default=False)),
                ('note', models.TextField(blank=True, max_length=2000)),
                ('antipyretic_6h', models.BooleanField(default=False)),
                ('planned_vaccine', models.CharField(blank=True, max_length=120)),
                ('planned_vaccine_live', models.BooleanField(default=False)),
                ('no_thermometer', models.BooleanField(default=False)),
                ('heart_rate', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('heart_rate_confirmed', models.BooleanField(default=False)),
                ('resp_rate', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('resp_rate_confirmed', models.BooleanField(default=False)),
                ('spo2', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('spo2_confirmed', models.BooleanField(default=False)),
                ('systolic_bp', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('systolic_bp_confirmed', models.BooleanField(default=False)),
                ('client_key', models.UUIDField(default=uuid.uuid4)),
                ('evaluation_state', models.CharField(choices=[('pending', 'Waiting for evaluation'), ('evaluated', 'Evaluated'), ('failed', 'Evaluation failed')], default='pending', max_length=10)),
                ('evaluation_attempts', models.PositiveSmallIntegerField(default=0)),
                ('evaluated_at', models.DateTimeField(blank=True, null=True)),
                ('version', models.PositiveIntegerField(db_default=1, default=1, editable=False)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('caregiver', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='entries', to='patients.caregiver')),
                ('entered_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('patient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='entries', to='patients.patient')),
            ],
            options={
                'verbose_name_plural': 'diary entries',
                'ordering': ['-recorded_at'],
            },
        ),
        migrations.CreateModel(
            name='EntryAmendment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('amended_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('summary', models.TextField(max_length=2000)),
                ('amended_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('entry', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='amendments', to='symptoms.diaryentry')),
            ],
            options={
                'ordering': ['amended_at'],
            },
        ),
        migrations.CreateModel(
            name='HistoricalDiaryEntry',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('recorded_at', models.DateTimeField(default=django.utils.timezone.now, validators=[patients.models.validate_clinical_time])),
                ('local_day', models.DateField(help_text="Calendar day in the patient's time zone.")),
                ('reported_by', models.CharField(choices=[('patient', 'Patient'), ('proxy', 'Caregiver')], default='patient', max_length=10)),
                ('feels_fine', models.BooleanField(default=False)),
                ('note', models.TextField(blank=True, max_length=2000)),
                ('antipyretic_6h', models.BooleanField(default=False)),
                ('planned_vaccine', models.CharField(blank=True, max_length=120)),
                ('planned_vaccine_live', models.BooleanField(default=False)),
                ('no_thermometer', models.BooleanField(default=False)),
                ('heart_rate', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('heart_rate_confirmed', models.BooleanField(default=False)),
                ('resp_rate', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('resp_rate_confirmed', models.BooleanField(default=False)),
                ('spo2', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('spo2_confirmed', models.BooleanField(default=False)),
                ('systolic_bp', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('systolic_bp_confirmed', models.BooleanField(default=False)),
                ('client_key', models.UUIDField(default=uuid.uuid4)),
                ('evaluation_state', models.CharField(choices=[('pending', 'Waiting for evaluation'), ('evaluated', 'Evaluated'), ('failed', 'Evaluation failed')], default='pending', max_length=10)),
                ('evaluation_attempts', models.PositiveSmallIntegerField(default=0)),
                ('evaluated_at', models.DateTimeField(blank=True, null=True)),
                ('version', models.PositiveIntegerField(db_default=1, default=1, editable=False)),
                ('created_at', models.DateTimeField(blank=True, editable=False)),
                ('updated_at', models.DateTimeField(blank=True, editable=False)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('caregiver', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='patients.caregiver')),
                ('entered_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('patient', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='patients.patient')),
            ],
            options={
                'verbose_name': 'historical diary entry',
                'verbose_name_plural': 'historical diary entries',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalSymptom',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('code', models.SlugField(max_length=40)),
                ('label', models.CharField(max_length=200)),
                ('label_en_gb', models.CharField(max_length=200, null=True)),
                ('label_es', models.CharField(max_length=200, null=True)),
                ('label_de', models.CharField(max_length=200, null=True)),
                ('help_text', models.CharField(blank=True, max_length=300)),
                ('help_text_en_gb', models.CharField(blank=True, max_length=300, null=True)),
                ('help_text_es', models.CharField(blank=True, max_length=300, null=True)),
                ('help_text_de', models.CharField(blank=True, max_length=300, null=True)),
                ('kind', models.CharField(choices=[('graded', 'Graded 0–4'), ('flag', 'Present or absent')], max_length=10)),
                ('groups', models.CharField(blank=True, max_length=60)),
                ('display_group', models.CharField(choices=[('general', 'General'), ('chest', 'Nose, throat and chest'), ('urinary', 'Urinary'), ('skin', 'Skin'), ('injection_site', 'Injection site'), ('liver', 'Liver'), ('nerves', 'Nerves, vision and speech'), ('red_flags', 'Any of these right now?')], max_length=20)),
                ('is_red_flag', models.BooleanField(default=False)),
                ('order', models.PositiveSmallIntegerField(default=0)),
                ('active', models.BooleanField(default=True)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical symptom',
                'verbose_name_plural': 'historical symptoms',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalTemperatureReading',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('value', models.DecimalField(decimal_places=1, max_digits=4)),
                ('unit', models.CharField(choices=[('C', '°C'), ('F', '°F')], max_length=1)),
                ('site', models.CharField(blank=True, choices=[('mouth', 'Mouth'), ('armpit', 'Armpit'), ('ear', 'Ear')], max_length=10)),
                ('confirmed', models.BooleanField(default=False, help_text='A re-measure asked for by an earlier prompt.')),
                ('value_c', models.DecimalField(decimal_places=1, editable=False, max_digits=3)),
                ('measured_at', models.DateTimeField(default=django.utils.timezone.now, validators=[patients.models.validate_clinical_time])),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('entry', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='symptoms.diaryentry')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical temperature reading',
                'verbose_name_plural': 'historical temperature readings',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalSymptomReport',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('grade', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(4)])),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('entry', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='symptoms.diaryentry')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('symptom', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='symptoms.symptom')),
            ],
            options={
                'verbose_name': 'historical symptom report',
                'verbose_name_plural': 'historical symptom reports',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='SymptomReport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('grade', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(4)])),
                ('entry', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reports', to='symptoms.diaryentry')),
                ('symptom', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='reports', to='symptoms.symptom')),
            ],
        ),
        migrations.CreateModel(
            name='TemperatureReading',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('value', models.DecimalField(decimal_places=1, max_digits=4)),
                ('unit', models.CharField(choices=[('C', '°C'), ('F', '°F')], max_length=1)),
                ('site', models.CharField(blank=True, choices=[('mouth', 'Mouth'), ('armpit', 'Armpit'), ('ear', 'Ear')], max_length=10)),
                ('confirmed', models.BooleanField(default=False, help_text='A re-measure asked for by an earlier prompt.')),
                ('value_c', models.DecimalField(decimal_places=1, editable=False, max_digits=3)),
                ('measured_at', models.DateTimeField(default=django.utils.timezone.now, validators=[patients.models.validate_clinical_time])),
                ('entry', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='temperatures', to='symptoms.diaryentry')),
            ],
            options={
                'ordering': ['measured_at'],
            },
        ),
        migrations.AddIndex(
            model_name='diaryentry',
            index=models.Index(fields=['patient', 'recorded_at'], name='symptoms_entry_patient_time'),
        ),
        migrations.AddIndex(
            model_name='diaryentry',
            index=models.Index(fields=['recorded_at'], name='symptoms_entry_time'),
        ),
        migrations.AddIndex(
            model_name='diaryentry',
            index=models.Index(condition=models.Q(('evaluation_state', 'pending')), fields=['recorded_at'], name='symptoms_entry_pending'),
        ),
        migrations.AddConstraint(
            model_name='diaryentry',
            constraint=models.UniqueConstraint(fields=('patient', 'client_key'), name='symptoms_entry_client_key_unique'),
        ),
        migrations.AddConstraint(
            model_name='diaryentry',
            constraint=models.CheckConstraint(condition=models.Q(('reported_by', 'patient'), ('caregiver__isnull', False), _connector='OR'), name='symptoms_entry_proxy_has_caregiver'),
        ),
        migrations.AddConstraint(
            model_name='diaryentry',
            constraint=models.CheckConstraint(condition=models.Q(('recorded_at__isnull', True), models.Q(('recorded_at__gte', datetime.datetime(2000, 1, 1, 0, 0, tzinfo=datetime.UTC)), ('recorded_at__lt', datetime.datetime(2100, 1, 1, 0, 0, tzinfo=datetime.UTC))), _connector='OR'), name='symptoms_entry_time_sane'),
        ),
        migrations.AddConstraint(
            model_name='symptomreport',
            constraint=models.UniqueConstraint(fields=('entry', 'symptom'), name='symptoms_report_unique'),
        ),
        migrations.AddConstraint(
            model_name='symptomreport',
            constraint=models.CheckConstraint(condition=models.Q(('grade__lte', 4)), name='symptoms_report_grade_0_4'),
        ),
        migrations.AddConstraint(
            model_name='temperaturereading',
            constraint=models.CheckConstraint(condition=models.Q(('value_c__gte', Decimal('30.0')), ('value_c__lte', Decimal('45.0'))), name='symptoms_temperature_plausible'),
        ),
        migrations.AddConstraint(
            model_name='temperaturereading',
            constraint=models.CheckConstraint(condition=models.Q(('measured_at__isnull', True), models.Q(('measured_at__gte', datetime.datetime(2000, 1, 1, 0, 0, tzinfo=datetime.UTC)), ('measured_at__lt', datetime.datetime(2100, 1, 1, 0, 0, tzinfo=datetime.UTC))), _connector='OR'), name='symptoms_temperature_time_sane'),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
