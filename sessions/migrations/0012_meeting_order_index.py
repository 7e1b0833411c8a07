from django.db import migrations

# PostgreSQL: meetings in the order a record's sessions are listed (newest meeting first,
# sessions.models.SessionQuerySet.by_meeting_newest_first). Read from this index, the first
# page of a theme's half a million sessions comes from its newest meetings alone, instead of
# sorting them all. (SQLite cannot index NULLS LAST; it sorts instead.)
INDEX = "meeting_newest_first"
DEFINITION = 'ON kb_sessions_meeting ("start_date" DESC NULLS LAST, "name", "id")'


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX {INDEX} {DEFINITION}")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("kb_sessions", "0011_note_taker_index"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index),
    ]
