from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

# A GIN index exists only on PostgreSQL; SQLite searches without one.
INDEX = GinIndex(SearchVector("title", "notes", config="english"), name="session_search_gin")


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("kb_sessions", "Session"), INDEX)


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("kb_sessions", "Session"), INDEX)


class Migration(migrations.Migration):
    dependencies = [("kb_sessions", "0002_initial")]

    operations = [migrations.RunPython(add_index, remove_index)]
