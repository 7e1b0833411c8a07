"""Upgrading merges the two records of the Declaration on the Elimination of Violence against
Women into the one under its symbol, keeping what editors linked to either and the old address."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from sessions.models import Session
from topics.models import Document, FixtureLoad

BEFORE = ("topics", "0009_issuers_and_memberships")
TITLED = "declaration-on-the-elimination-of-violence-against-women"


@pytest.mark.django_db(transaction=True)
def test_upgrading_merges_the_declaration_and_keeps_links_and_address(client):
    # Migrations commit: this test's database is emptied afterwards, so it loads its own data.
    call_command("load_kb", verbosity=0)
    call_command("migrate", *BEFORE, verbosity=0)
    old = MigrationLoader(connection).project_state(BEFORE).apps
    OldDocument = old.get_model("topics", "Document")
    OldSession = old.get_model("kb_sessions", "Session")
    LoadedRecord = old.get_model("topics", "LoadedRecord")
    # The titled record as earlier fixtures made it, which an editor then linked to a session.
    titled = OldDocument.objects.create(
        slug=TITLED, kind="declaration", title="Declaration on the Elimination of Violence"
    )
    LoadedRecord.objects.create(
        kind="documents",
        key=TITLED,
        values={"slug": TITLED, "kind": "declaration", "issued_by": [], "themes": []},
    )
    OldSession.objects.get(slug="ccpcj-31-femicide").documents.add(titled)

    call_command("migrate", verbosity=0)
    declarations = Document.objects.filter(title__startswith="Declaration on the Elimination")
    assert declarations.count() == 1
    declaration = declarations.get()
    assert declaration.normalized_symbol == "A/RES/48/104"
    session = Session.objects.get(slug="ccpcj-31-femicide")
    assert declaration in session.documents.all()
    response = client.get(f"/documents/{TITLED}/")
    assert response.status_code == 301
    assert response["Location"] == declaration.get_absolute_url()

    # The upgrade comes with the new fixture files, so the next load reads them.
    FixtureLoad.objects.update(fingerprint="")
    output = StringIO()
    call_command("load_kb", stdout=output)
    assert "0 conflicts" in output.getvalue()
    assert declaration in session.documents.all(), "the editor's link was undone"
    assert Document.objects.filter(title__startswith="Declaration on the Elimination").count() == 1
