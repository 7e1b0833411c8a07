from django.db import migrations

# SQLite: what PostgreSQL's indexes of kb_sessions 0010 give a search over many sessions.
# - The entries of each kind newest first (SQLite sorts NULL dates last when descending, as
#   the search orders them), so the newest sessions matching are found without sorting all
#   the matches.
# - A second FTS5 index holding every kind but sessions: searching those kinds reads none of
#   the (far more numerous) session entries. Triggers keep it in step, like the first (0008).
# - An FTS5 index of the symbols each entry is or cites, each symbol one token: the entries
#   citing a document are found without reading every entry (PostgreSQL: 0016's list index).
SQLITE_FORWARD = [
    "CREATE INDEX search_newest_first ON topics_searchentry (kind, date DESC, id DESC)",
    """CREATE VIRTUAL TABLE topics_searchentry_fts_others USING fts5(
        name, aliases, body, related,
        content='topics_searchentry', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )""",
    """INSERT INTO topics_searchentry_fts_others(rowid, name, aliases, body, related)
        SELECT id, name, aliases, body, related FROM topics_searchentry
        WHERE kind <> 'session'""",
    """CREATE TRIGGER topics_searchentry_fts_others_insert AFTER INSERT ON topics_searchentry
    WHEN new.kind <> 'session' BEGIN
        INSERT INTO topics_searchentry_fts_others(rowid, name, aliases, body, related)
        VALUES (new.id, new.name, new.aliases, new.body, new.related);
    END""",
    """CREATE TRIGGER topics_searchentry_fts_others_delete AFTER DELETE ON topics_searchentry
    WHEN old.kind <> 'session' BEGIN
        INSERT INTO topics_searchentry_fts_others(
            topics_searchentry_fts_others, rowid, name, aliases, body, related
        ) VALUES ('delete', old.id, old.name, old.aliases, old.body, old.related);
    END""",
    """CREATE VIRTUAL TABLE topics_searchentry_fts_symbols USING fts5(
        symbols, content='topics_searchentry', content_rowid='id',
        tokenize="unicode61 tokenchars '-./'"
    )""",
    """INSERT INTO topics_searchentry_fts_symbols(rowid, symbols)
        SELECT id, symbols FROM topics_searchentry""",
    """CREATE TRIGGER topics_searchentry_fts_symbols_insert AFTER INSERT ON topics_searchentry
    BEGIN
        INSERT INTO topics_searchentry_fts_symbols(rowid, symbols) VALUES (new.id, new.symbols);
    END""",
    """CREATE TRIGGER topics_searchentry_fts_symbols_delete AFTER DELETE ON topics_searchentry
    BEGIN
        INSERT INTO topics_searchentry_fts_symbols(topics_searchentry_fts_symbols, rowid, symbols)
        VALUES ('delete', old.id, old.symbols);
    END""",
    """CREATE TRIGGER topics_searchentry_fts_symbols_update AFTER UPDATE ON topics_searchentry
    BEGIN
        INSERT INTO topics_searchentry_fts_symbols(topics_searchentry_fts_symbols, rowid, symbols)
        VALUES ('delete', old.id, old.symbols);
        INSERT INTO topics_searchentry_fts_symbols(rowid, symbols) VALUES (new.id, new.symbols);
    END""",
    # One trigger, so the old words leave before the new ones come.
    """CREATE TRIGGER topics_searchentry_fts_others_update AFTER UPDATE ON topics_searchentry
    BEGIN
        INSERT INTO topics_searchentry_fts_others(
            topics_searchentry_fts_others, rowid, name, aliases, body, related
        ) SELECT 'delete', old.id, old.name, old.aliases, old.body, old.related
        WHERE old.kind <> 'session';
        INSERT INTO topics_searchentry_fts_others(rowid, name, aliases, body, related)
        SELECT new.id, new.name, new.aliases, new.body, new.related WHERE new.kind <> 'session';
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER topics_searchentry_fts_symbols_update",
    "DROP TRIGGER topics_searchentry_fts_symbols_delete",
    "DROP TRIGGER topics_searchentry_fts_symbols_insert",
    "DROP TABLE topics_searchentry_fts_symbols",
    "DROP TRIGGER topics_searchentry_fts_others_update",
    "DROP TRIGGER topics_searchentry_fts_others_delete",
    "DROP TRIGGER topics_searchentry_fts_others_insert",
    "DROP TABLE topics_searchentry_fts_others",
    "DROP INDEX search_newest_first",
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("topics", "0014_taggings_of_tag_index"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
