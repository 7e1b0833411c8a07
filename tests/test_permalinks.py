"""Permalinks survive a slug change: the old address of a record redirects (301) to its page."""

import pytest
from django.urls import reverse

from sessions.models import Speaker
from tests.factories import make_meeting, make_session
from topics.models import Organisation, Tag
from topics.services import merge_tags


def rename(record, new_slug):
    old_url = record.get_absolute_url()
    record.slug = new_slug
    record.save()
    return old_url


@pytest.mark.django_db
@pytest.mark.parametrize(
    "make_record",
    [
        pytest.param(lambda: make_session(), id="session"),
        pytest.param(lambda: make_meeting(), id="meeting"),
        pytest.param(
            lambda: Speaker.objects.create(slug="permalink-speaker", name="A Speaker"),
            id="speaker",
        ),
        pytest.param(
            lambda: Organisation.objects.create(
                slug="permalink-organisation", name="An Organisation", kind="ngo"
            ),
            id="organisation",
        ),
    ],
)
def test_the_old_address_redirects_permanently_to_the_new_one(client, make_record):
    record = make_record()
    old_url = rename(record, "renamed-by-an-editor")

    response = client.get(old_url)

    assert response.status_code == 301
    assert response["Location"] == record.get_absolute_url()
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.django_db
def test_renaming_twice_keeps_both_old_addresses(client):
    session = make_session(slug="first-name")
    rename(session, "second-name")
    rename(session, "third-name")
    for old in ("first-name", "second-name"):
        response = client.get(reverse("sessions:detail", args=[old]))
        assert response.status_code == 301
        assert response["Location"] == "/sessions/third-name/"


@pytest.mark.django_db
def test_a_slug_given_back_to_a_new_record_is_no_longer_redirected(client):
    session = make_session(slug="taken-again")
    rename(session, "moved-on")
    newcomer = make_session(slug="taken-again")
    assert client.get(newcomer.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_a_merged_theme_redirects_to_the_theme_it_was_merged_into(client):
    keep = Tag.objects.create(name="Kept theme", slug="kept-theme", is_theme=True)
    gone = Tag.objects.create(name="Merged theme", slug="merged-theme", is_theme=True)
    merge_tags(keep=keep, merged=[keep, gone])
    response = client.get(reverse("topics:theme-detail", args=["merged-theme"]))
    assert response.status_code == 301
    assert response["Location"] == keep.get_absolute_url()


@pytest.mark.django_db
def test_an_address_no_record_ever_had_is_still_a_404(client):
    assert client.get(reverse("sessions:detail", args=["never-existed"])).status_code == 404
    assert client.get(reverse("topics:theme-detail", args=["never-existed"])).status_code == 404
