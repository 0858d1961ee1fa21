"""The configuration's version (diary_core.models.ConfigVersion) and the trigger function
that every configuration table runs after each statement that changes it. Frozen literal
SQL: a migration never imports live code."""

from django.db import migrations, models

BUMP = """
CREATE SEQUENCE diary_core_config_version_seq;
-- A sequence never gives a number twice, even after a rollback, so a version seen inside a
-- transaction that rolled back is never reused for other data. The row, written in the
-- changing transaction, makes the new version visible exactly when the change commits.
CREATE FUNCTION diary_core_bump_config_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO diary_core_configversion (id, version)
    VALUES (1, nextval('diary_core_config_version_seq'))
    ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version;
    RETURN NULL;
END;
$$;
INSERT INTO diary_core_configversion (id, version)
VALUES (1, nextval('diary_core_config_version_seq'));
"""

UNBUMP = """
DROP FUNCTION diary_core_bump_config_version();
DROP SEQUENCE diary_core_config_version_seq;
"""


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="ConfigVersion",
            fields=[
                (
                    "id",
                    models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False),
                ),
                ("version", models.BigIntegerField(default=0)),
            ],
            options={
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("id", 1)), name="diary_core_config_version_singleton"
                    )
                ],
            },
        ),
        migrations.RunSQL(BUMP, UNBUMP),
    ]
