"""Programmes and initiatives: loaded from the fixtures, listed, and linked both ways."""

import json
import re
import shutil
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from topics.models import Organisation, Programme

PROGRAMMES = {
    "programmes": [
        {
            "slug": "test-glo-act",
            "name": "Global Action against Trafficking in Persons and the Smuggling of Migrants",
            "acronym": "GLO.ACT",
            "kind": "project",
            "description": "",
            "organisations": ["unodc"],
            "documents": ["A/RES/70/176"],
            "sessions": ["ccpcj-31-femicide"],
        }
    ]
}


@pytest.fixture
def loaded_programme(tmp_path, fixtures_dir):
    directory = tmp_path / "fixtures"
    shutil.copytree(fixtures_dir, directory)
    (directory / "zz-programmes.json").write_text(json.dumps(PROGRAMMES), encoding="utf-8")
    call_command("load_kb", directory=str(directory), stdout=StringIO())
    return Programme.objects.get(slug="test-glo-act")


@pytest.mark.django_db
def test_a_programme_loads_with_who_runs_it_and_what_names_it(loaded_programme):
    assert str(loaded_programme) == (
        "Global Action against Trafficking in Persons and the Smuggling of Migrants (GLO.ACT)"
    )
    assert list(loaded_programme.organisations.values_list("slug", flat=True)) == ["unodc"]
    assert list(loaded_programme.sessions.values_list("slug", flat=True)) == ["ccpcj-31-femicide"]
    assert loaded_programme.documents.get().normalized_symbol == "A/RES/70/176"


@pytest.mark.django_db
def test_a_programme_naming_an_unknown_organisation_is_refused(tmp_path, fixtures_dir):
    directory = tmp_path / "fixtures"
    shutil.copytree(fixtures_dir, directory)
    broken = json.loads(json.dumps(PROGRAMMES))
    broken["programmes"][0]["organisations"] = ["nobody"]
    (directory / "zz-programmes.json").write_text(json.dumps(broken), encoding="utf-8")
    message = (
        "zz-programmes.json: programmes[0] 'test-glo-act', "
        "field 'organisations': unknown organisation 'nobody'"
    )
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("load_kb", directory=str(directory), stdout=StringIO())


@pytest.mark.django_db
def test_the_programme_page_shows_who_runs_it_and_the_sessions_naming_it(client, loaded_programme):
    page = client.get(loaded_programme.get_absolute_url()).content.decode()
    assert "<h1>Global Action against Trafficking" in page
    assert 'href="/organisations/unodc/"' in page
    assert 'href="/sessions/ccpcj-31-femicide/"' in page
    assert 'href="/documents/A/RES/70/176/"' in page


@pytest.mark.django_db
def test_programmes_are_listed_and_the_organisation_page_names_them(client, loaded_programme):
    listing = client.get(reverse("topics:programme-list")).content.decode()
    assert loaded_programme.get_absolute_url() in listing
    assert "run by UNODC" in listing
    organisation = client.get(Organisation.objects.get(slug="unodc").get_absolute_url())
    assert loaded_programme.get_absolute_url() in organisation.content.decode()


@pytest.mark.django_db
def test_an_empty_programme_list_says_so(client):
    Programme.objects.all().delete()
    assert "No programmes yet." in client.get(reverse("topics:programme-list")).content.decode()


@pytest.mark.django_db
def test_editors_add_a_programme_in_the_admin(admin_client):
    response = admin_client.get(reverse("admin:topics_programme_add"))
    assert response.status_code == 200
    assert 'name="organisations"' in response.content.decode()
