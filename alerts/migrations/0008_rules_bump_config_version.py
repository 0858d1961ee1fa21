"""Every change to the published rules, the engine's settings or the education pages sets a
new configuration version (diary_core.config): each process's copy is read again at once.
Frozen literal SQL."""

from django.db import migrations

TABLES = [
    "alerts_alertrule",
    "alerts_enginesettings",
    "alerts_educationpage",
    "alerts_educationpage_rules",
]

WATCH = "".join(
    f"CREATE TRIGGER {t}_bumps_config_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
    f"ON {t} FOR EACH STATEMENT EXECUTE FUNCTION diary_core_bump_config_version();\n"
    for t in TABLES
)
UNWATCH = "".join(f"DROP TRIGGER {t}_bumps_config_version ON {t};\n" for t in TABLES)


class Migration(migrations.Migration):
    dependencies = [("alerts", "0007_lab_rules"), ("diary_core", "0001_config_version")]

    operations = [migrations.RunSQL(WATCH, UNWATCH)]
