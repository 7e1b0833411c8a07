"""Upgrading to memberships and several issuers per document keeps what editors did: a country
an editor marked as a member stays one, one they unmarked is not listed again by the next load,
and the next load reports no conflict."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from topics.models import Country, Document, FixtureLoad, Membership

BEFORE = ("topics", "0008_search_index")
ESSENTIAL_SERVICES = "essential-services-package-for-women-and-girls-subject-to-violence"


@pytest.mark.django_db(transaction=True)
def test_upgrading_keeps_members_issuers_and_editors_changes():
    # Migrations commit: this test's database is emptied afterwards, so it loads its own data.
    call_command("load_kb", verbosity=0)
    call_command("migrate", *BEFORE, verbosity=0)
    old = MigrationLoader(connection).project_state(BEFORE).apps
    OldCountry = old.get_model("topics", "Country")
    OldDocument = old.get_model("topics", "Document")
    OldOrganisation = old.get_model("topics", "Organisation")
    assert OldCountry.objects.filter(ccpcj_member=True).count() == 20
    # As the earlier fixtures gave it: one issuer.
    OldDocument.objects.filter(slug=ESSENTIAL_SERVICES).update(
        issued_by=OldOrganisation.objects.get(slug="unodc")
    )
    # Editors' changes made before the upgrade: one member removed, one added, an issuer set.
    OldCountry.objects.filter(slug="peru").update(ccpcj_member=False)
    OldCountry.objects.filter(slug="india").update(ccpcj_member=True)
    OldDocument.objects.filter(slug="2030-agenda-for-sustainable-development").update(
        issued_by=OldOrganisation.objects.get(slug="general-assembly")
    )

    call_command("migrate", verbosity=0)
    members = set(Country.objects.members_of().values_list("slug", flat=True))
    assert "india" in members and "peru" not in members and len(members) == 20
    assert (
        Document.objects.get(slug="2030-agenda-for-sustainable-development").issued_by.get().slug
        == "general-assembly"
    )

    # The upgrade comes with the new fixture files, so the next load reads them.
    FixtureLoad.objects.update(fingerprint="")
    output = StringIO()
    call_command("load_kb", stdout=output)
    assert "0 conflicts" in output.getvalue()
    members = set(Country.objects.members_of().values_list("slug", flat=True))
    assert "india" in members and "peru" not in members, "an editor's change was undone"
    # The fixtures' new values arrive: five issuers, and each member cited at its own line.
    issuers = Document.objects.get(slug=ESSENTIAL_SERVICES).issued_by.values_list("slug", flat=True)
    assert set(issuers) == {"un-women", "undp", "unfpa", "unodc", "who"}
    argentina = Membership.objects.get(country__slug="argentina")
    assert argentina.citations.get().location.startswith("#li-")
