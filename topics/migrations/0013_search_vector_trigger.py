from django.db import migrations

# PostgreSQL: the entries' tsvector, kept by a trigger rather than generated, so that a bulk
# writer that already holds an entry's vector (sessions/corpus.py) may give it with the row; any
# other insert, and every change of the text, computes it as before (migration 0008).
VECTOR = """
    setweight(to_tsvector('kb_english'::regconfig, NEW.name), 'A')
    || setweight(to_tsvector('kb_english'::regconfig, NEW.aliases), 'B')
    || setweight(to_tsvector('kb_english'::regconfig, NEW.body), 'C')
    || setweight(to_tsvector('kb_english'::regconfig, NEW.related), 'D')
"""
FORWARD = [
    "ALTER TABLE topics_searchentry ALTER COLUMN document DROP EXPRESSION",
    f"""CREATE FUNCTION topics_searchentry_document() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' OR NEW.document IS NULL THEN
            NEW.document := {VECTOR};
        END IF;
        RETURN NEW;
    END
    $$""",
    """CREATE TRIGGER topics_searchentry_document
    BEFORE INSERT OR UPDATE OF name, aliases, body, related ON topics_searchentry
    FOR EACH ROW EXECUTE FUNCTION topics_searchentry_document()""",
]
BACKWARD = [
    "DROP TRIGGER topics_searchentry_document ON topics_searchentry",
    "DROP FUNCTION topics_searchentry_document()",
    "ALTER TABLE topics_searchentry DROP COLUMN document",
    f"""ALTER TABLE topics_searchentry ADD COLUMN document tsvector GENERATED ALWAYS AS (
        {VECTOR.replace("NEW.", "")}
    ) STORED""",
]


def use_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def use_generated_column(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # Dropping the column drops the indexes over it (this app's and kb_sessions 0010's):
    # they are made again, as they were.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i
            WHERE i.indrelid = 'topics_searchentry'::regclass
              AND pg_get_indexdef(i.indexrelid) LIKE '%document%'
            """
        )
        indexes = [definition for (definition,) in cursor.fetchall()]
    for statement in [*BACKWARD, *indexes]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("topics", "0012_search_symbols_index"),
        ("kb_sessions", "0010_list_order_indexes"),
    ]

    operations = [migrations.RunPython(use_trigger, use_generated_column)]
