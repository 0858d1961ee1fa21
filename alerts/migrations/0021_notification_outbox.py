# Notification becomes an outbox message (diary_core/outbox.py): created_at is set by
# default, like the other kinds, rather than auto_now_add.

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('alerts', '0020_concerns'),
    ]

    operations = [
        migrations.AlterField(
            model_name='notification',
            name='created_at',
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
    ]
