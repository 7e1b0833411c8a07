from django.db import migrations

# PostgreSQL: the symbols a record is or cites ("|A/RES/70/176|…|") are matched with LIKE
# '%|symbol|%'; a trigram index finds them without reading every entry.
INDEX = "topics_searchentry_symbols_trigram"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {INDEX} ON topics_searchentry USING gin (symbols gin_trgm_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX {INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ('topics', '0011_mentions'),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index),
    ]
