"""Every change to the symptom catalogue sets a new configuration version (diary_core.config):
the form's per-process copy of the catalogue is read again at once. Frozen literal SQL."""

from django.db import migrations

TABLES = ["symptoms_symptom"]

WATCH = "".join(
    f"CREATE TRIGGER {t}_bumps_config_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
    f"ON {t} FOR EACH STATEMENT EXECUTE FUNCTION diary_core_bump_config_version();\n"
    for t in TABLES
)
UNWATCH = "".join(f"DROP TRIGGER {t}_bumps_config_version ON {t};\n" for t in TABLES)


class Migration(migrations.Migration):
    dependencies = [("symptoms", "0001_squashed"), ("diary_core", "0001_config_version")]

    operations = [migrations.RunSQL(WATCH, UNWATCH)]
