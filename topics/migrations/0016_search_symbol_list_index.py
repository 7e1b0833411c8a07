from django.db import migrations

# PostgreSQL: the symbols a record is or cites ("|A/RES/70/176|…|") as a list whose GIN index
# finds the entries naming one symbol exactly. The trigrams of 0012 matched LIKE '%|symbol|%'
# but symbols share most of their trigrams ("A/CONF.234/1" those of every A/CONF.234/…), so
# PostgreSQL read and compared thousands of entries for each.
LIST_INDEX = "topics_searchentry_symbol_list"
TRIGRAM_INDEX = "topics_searchentry_symbols_trigram"


def use_list_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {LIST_INDEX} ON topics_searchentry "
            "USING gin (string_to_array(symbols, '|'))"
        )
        schema_editor.execute(f"DROP INDEX {TRIGRAM_INDEX}")


def use_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {TRIGRAM_INDEX} ON topics_searchentry USING gin (symbols gin_trgm_ops)"
        )
        schema_editor.execute(f"DROP INDEX {LIST_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("topics", "0015_search_sqlite_scale"),
    ]

    operations = [migrations.RunPython(use_list_index, use_trigram_index)]
