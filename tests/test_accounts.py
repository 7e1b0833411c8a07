"""Signing in, out, changing a password, and the lock after repeated failures."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_member(django_user_model):
    user = django_user_model.objects.create_user("dana", password="a-long-pass-phrase")
    user.groups.add(Group.objects.get(name="NGO staff"))
    return user


def test_roles_exist_with_their_permissions():
    ngo = Group.objects.get(name="NGO staff")
    editors = Group.objects.get(name="Editors")
    ngo_perms = set(ngo.permissions.values_list("codename", flat=True))
    assert {"add_taggeditem", "add_annotation"} <= ngo_perms
    assert "change_session" not in ngo_perms
    editor_perms = set(editors.permissions.values_list("codename", flat=True))
    assert {"change_session", "change_tag", "delete_tag", "change_document"} <= editor_perms


def test_sign_in_and_out(client, staff_member):
    page = client.get(reverse("login")).content.decode()
    assert "<h1>Sign in</h1>" in page
    response = client.post(
        reverse("login"), {"username": "dana", "password": "a-long-pass-phrase", "next": "/themes/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/themes/"
    assert "Sign out" in client.get("/").content.decode()
    assert client.post(reverse("logout")).status_code == 302
    assert "Sign in" in client.get("/").content.decode()


def test_wrong_password_says_so(client, staff_member):
    response = client.post(reverse("login"), {"username": "dana", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_repeated_failures_lock_the_account_with_a_clear_message(client, staff_member, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "dana", "password": "wrong"})
    locked = client.post(reverse("login"), {"username": "dana", "password": "a-long-pass-phrase"})
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_change(client, staff_member):
    client.force_login(staff_member)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "a-long-pass-phrase",
            "new_password1": "another-long-phrase-42",
            "new_password2": "another-long-phrase-42",
        },
    )
    assert response["Location"] == reverse("password_change_done")
    staff_member.refresh_from_db()
    assert staff_member.check_password("another-long-phrase-42")


def test_password_change_needs_sign_in(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
