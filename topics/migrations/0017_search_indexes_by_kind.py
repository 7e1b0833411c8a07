from django.db import migrations

# PostgreSQL: speakers (a third as many as sessions) are searched on their own, newest first
# (topics/search/engine.py), through an index of their own; the index of the other kinds then
# reads none of their rows either. Neither kind reads the sessions' symbols: sessions cite
# documents by the ten thousand. (Written with "<>" and AND, not NOT IN: PostgreSQL gives an
# index made again from its own definition the same expression, which a query must match.)
OTHER_KINDS = "ON topics_searchentry USING gin ((CASE WHEN kind <> 'session' THEN document END))"
NEW_INDEXES = {
    "topics_searchentry_document_others": (
        "ON topics_searchentry USING gin "
        "((CASE WHEN kind <> 'session' AND kind <> 'speaker' THEN document END))"
    ),
    "topics_searchentry_document_speakers": (
        "ON topics_searchentry USING gin ((CASE WHEN kind = 'speaker' THEN document END))"
    ),
    "topics_searchentry_symbol_list_others": (
        "ON topics_searchentry USING gin "
        "((CASE WHEN kind <> 'session' THEN string_to_array(symbols, '|') END))"
    ),
}


def index_by_kind(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX topics_searchentry_document_others")
        for name, definition in NEW_INDEXES.items():
            schema_editor.execute(f"CREATE INDEX {name} {definition}")


def index_all_kinds(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in NEW_INDEXES:
            schema_editor.execute(f"DROP INDEX {name}")
        schema_editor.execute(f"CREATE INDEX topics_searchentry_document_others {OTHER_KINDS}")


class Migration(migrations.Migration):
    dependencies = [
        ("topics", "0016_search_symbol_list_index"),
    ]

    operations = [
        migrations.RunPython(index_by_kind, index_all_kinds),
    ]
