"""The table of the database cache (the embedded default's shared cache, settings/base.py): created with the
other tables so that `migrate` is all a new installation needs. With Redis configured it creates nothing."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_stamp")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
