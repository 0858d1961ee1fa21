"""PostgreSQL's unaccent, for a search that finds "Łukasz Żółć" by "lukasz zolc".

unaccent is a trusted extension (PostgreSQL 13 and later): the database's owner may create
it without being a superuser (docs/operations.md).
"""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("patients", "0014_out_of_hours_languages")]

    operations = [UnaccentExtension()]
