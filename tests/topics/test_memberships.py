"""Commission membership is a listing by a source, shown with that source and its date; a
document shows every organisation that issued it."""

import csv
import datetime
import io
import re

import pytest

from tests.factories import make_country, make_membership, make_source
from topics.models import Country, Document, Membership

pytestmark = pytest.mark.django_db


def html(response):
    assert response.status_code == 200
    return response.content.decode()


def test_a_members_page_names_the_listing_and_links_to_its_line(client):
    page = html(client.get("/countries/argentina/"))
    assert "Listed as a member of the" in page
    assert "which does not say for which date" in page
    membership = Membership.objects.get(country__slug="argentina")
    passage = membership.citations.get().passages.get()
    assert f'href="{passage.get_absolute_url()}"' in page


def test_a_country_no_source_lists_says_so(client):
    page = html(client.get("/countries/india/"))
    assert "No source lists India as a member of the Commission." in page


def test_the_commission_page_lists_its_twenty_members(client):
    page = html(client.get("/organisations/ccpcj/"))
    section = page.split('id="org-members"')[1].split("</section>")[0]
    assert "(20)" in section
    assert len(re.findall(r'href="/countries/', section)) == 20


def test_a_newer_dated_listing_replaces_the_undated_one(client):
    """Membership changes: when a source lists the members as of a date, the country list and
    the badges follow that listing, and the older one stays on record."""
    newer = make_source(title="Members as of 2026")
    newcomer = make_country(name="Aaland Test Newcomer")
    make_membership(newcomer, source=newer, as_of=datetime.date(2026, 1, 1))
    make_membership(
        Country.objects.get(slug="argentina"), source=newer, as_of=datetime.date(2026, 1, 1)
    )
    members = set(Country.objects.members_of().values_list("slug", flat=True))
    assert members == {newcomer.slug, "argentina"}
    page = html(client.get("/countries/", {"member": "1"}))
    assert "Members as of 2026" in page and "as of 1 January 2026" in page
    assert "/countries/australia/" not in page
    australia = html(client.get("/countries/australia/"))
    assert "Listed as a member of the" in australia  # the guide's listing is still there


def test_the_essential_services_package_shows_its_five_issuers(client):
    document = Document.objects.get(
        slug="essential-services-package-for-women-and-girls-subject-to-violence"
    )
    page = html(client.get(document.get_absolute_url()))
    issued = page.split("<dt>Issued by</dt>")[1].split("</dd>")[0]
    for slug in ("un-women", "undp", "unfpa", "unodc", "who"):
        assert f'href="/organisations/{slug}/"' in issued
    who = html(client.get("/organisations/who/"))
    assert document.get_absolute_url() in who


def test_the_country_download_says_who_is_in_the_latest_listing(client):
    text = client.get("/countries/export.csv").content.decode("utf-8-sig")
    rows = {row["slug"]: row for row in csv.DictReader(io.StringIO(text))}
    assert rows["argentina"]["commission_member"] == "yes"
    assert rows["india"]["commission_member"] == "no"
