"""generate_corpus: a synthetic knowledge base to measure the site at scale, deterministic for a
seed, written in bulk with the search index the site would compute, and never mixed into a
database of real records unless asked."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction

from sessions.markdown import render_markdown
from sessions.models import Session
from topics.search import indexing
from topics.search.models import SearchEntry

pytestmark = pytest.mark.django_db

INDEXED = ["title", "name", "aliases", "body", "keys", "symbols", "date"]


def generate(sessions, *, seed=4, force=True):
    output = StringIO()
    call_command(
        "generate_corpus",
        sessions=sessions,
        seed=seed,
        force=force,
        stdout=output,
        stderr=StringIO(),
    )
    return output.getvalue()


def generated_sessions():
    return Session.objects.filter(slug__startswith="gen-").order_by("pk")


def test_refuses_a_database_holding_records_it_did_not_generate():
    """The test database holds the shipped knowledge base."""
    with pytest.raises(CommandError, match=r"sessions.*--force"):
        generate(5, force=False)
    assert not generated_sessions().exists()


def test_adds_the_sessions_asked_for_with_everything_around_them():
    shipped = Session.objects.count()
    summary = generate(40)
    assert "Generated 40 sessions" in summary
    assert Session.objects.count() == shipped + 40
    sessions = generated_sessions().select_related("meeting").prefetch_related("citations")
    assert len(sessions) == 40
    for session in sessions:
        assert session.meeting.start_date <= session.date <= session.meeting.end_date
        assert session.start_time < session.end_time
        assert session.tags.exists()
        assert [c.location.startswith("para. ") for c in session.citations.all()] == [True]
        assert session.has_notes == bool(session.notes)
    assert any(session.appearances.exists() for session in sessions)


def test_runs_again_to_add_more():
    generate(10)
    generate(10, seed=5)
    assert generated_sessions().count() == 20


def test_the_same_seed_gives_the_same_corpus():
    def corpus():
        return list(generated_sessions().values_list("title", "date", "start_time", "notes"))

    with transaction.atomic():
        generate(15, seed=11)
        first = corpus()
        transaction.set_rollback(True)
    generate(15, seed=11)
    assert corpus() == first
    generate(15, seed=12)
    assert corpus()[15:] != first


def test_search_entries_are_those_the_site_computes():
    """Written in bulk, a session's index entry and rendered notes are what saving it gives."""
    generate(25)
    for session in (
        indexing.KINDS[SearchEntry.Kind.SESSION].records().filter(slug__startswith="gen-")
    ):
        built = indexing._session(session)
        stored = SearchEntry.objects.get(kind=SearchEntry.Kind.SESSION, object_id=session.pk)
        assert [getattr(stored, name) for name in INDEXED] == [
            getattr(built, name) for name in INDEXED
        ]
        # Linked names in any order: the databases sort names by their own collation.
        assert sorted(stored.related.split()) == sorted(built.related.split())
        assert session.notes_html == render_markdown(session.notes)


def test_generated_records_have_pages_and_are_found(client):
    generate(20)
    session = generated_sessions().filter(has_notes=True).first()
    page = client.get(session.get_absolute_url())
    assert page.status_code == 200
    assert session.meeting.name in page.content.decode()
    found = client.get("/search/", {"q": f'"{session.title}"', "kind": "session"})
    assert session.get_absolute_url() in found.content.decode()


def test_the_home_page_counts_the_generated_sessions_at_once(client):
    """Generating invalidates the stored pages."""
    client.get("/")
    generate(12)
    assert (
        f"<strong>{Session.objects.count()}</strong> sessions" in client.get("/").content.decode()
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's bulk load")
def test_the_schema_is_whole_again_after_a_bulk_load():
    """The constraints and indexes dropped while rows are copied are all made again, the same,
    and the foreign keys check the rows again."""

    def schema():
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
                FROM pg_constraint
                WHERE conrelid::regclass::text LIKE ANY(ARRAY['kb_%', 'topics_%'])
                UNION ALL
                SELECT indrelid::regclass::text, indexrelid::regclass::text,
                       pg_get_indexdef(indexrelid)
                FROM pg_index WHERE indrelid::regclass::text LIKE ANY(ARRAY['kb_%', 'topics_%'])
                ORDER BY 1, 2, 3
                """
            )
            return cursor.fetchall()

    before = schema()
    generate(10)
    assert schema() == before
    session = generated_sessions().first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.filter(pk=session.pk).update(meeting_id=10**9)
        connection.check_constraints()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's tsvectors")
def test_the_vectors_written_with_session_entries_are_those_postgresql_computes():
    """With the trigger that computes vectors off, every generated session's is still there,
    and the same as PostgreSQL's own."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE topics_searchentry DISABLE TRIGGER topics_searchentry_document")
    generate(60)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*), count(*) FILTER (WHERE document IS DISTINCT FROM (
                       setweight(to_tsvector('kb_english', name), 'A')
                       || setweight(to_tsvector('kb_english', aliases), 'B')
                       || setweight(to_tsvector('kb_english', body), 'C')
                       || setweight(to_tsvector('kb_english', related), 'D')))
            FROM topics_searchentry
            WHERE kind = 'session' AND object_id IN (SELECT id FROM kb_sessions_session
                                                     WHERE slug LIKE 'gen-%%')
            """
        )
        sessions, different = cursor.fetchone()
    assert sessions == 60
    assert different == 0
