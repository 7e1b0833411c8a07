"""NGO staff tag and annotate sessions; nobody else can, and refused writes change nothing."""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from sessions.models import Annotation, Session
from tests.factories import make_user
from topics.models import Tag, TaggedItem
from topics.services import find_or_create_tag, merge_tags, tag_record

pytestmark = pytest.mark.django_db

SESSION_SLUG = "ccpcj-31-restorative-justice"


@pytest.fixture
def session():
    return Session.objects.get(slug=SESSION_SLUG)


def signed_in(client, user):
    client.force_login(user)
    return client


def session_tag_slugs(session):
    return set(session.tags.values_list("slug", flat=True))


class TestTagging:
    def test_staff_tag_a_session_and_it_is_a_filter_at_once(self, client, ngo_staff, session):
        signed_in(client, ngo_staff)
        response = client.post(
            reverse("sessions:add-tag", args=[SESSION_SLUG]),
            {"name": "restorative-circles"},
            follow=True,
        )
        assert response.redirect_chain[-1][0] == f"{session.get_absolute_url()}#tags"
        page = response.content.decode()
        assert "Tagged “restorative-circles”." in page
        assert 'class="badge badge-tag"' in page
        tagging = TaggedItem.objects.get(tag__slug="restorative-circles", object_id=session.pk)
        assert tagging.added_by == ngo_staff
        assert tagging.added_at is not None
        listed = client.get("/sessions/?tag=restorative-circles").context["sessions"]
        assert [s.slug for s in listed] == [SESSION_SLUG]

    @pytest.mark.parametrize("written", ["Femicide", " femicide ", "FEMICIDE", "femicide"])
    def test_tag_names_are_normalised_to_one_tag(self, written):
        assert find_or_create_tag(name=written) == (Tag.objects.get(slug="femicide"), False)

    def test_the_same_new_tag_twice_is_one_tag_and_one_tagging(self, ngo_staff, session):
        first, created = tag_record(record=session, name="Data gaps", user=ngo_staff)
        second, created_again = tag_record(record=session, name="  DATA   gaps ", user=ngo_staff)
        assert created and not created_again
        assert first == second
        assert Tag.objects.filter(slug="data-gaps").count() == 1

    @pytest.mark.parametrize("bad", ["", "   ", "!!!", "x" * 101])
    def test_unusable_tag_names_are_refused_with_a_message(self, client, ngo_staff, bad, session):
        signed_in(client, ngo_staff)
        before = TaggedItem.objects.count()
        response = client.post(
            reverse("sessions:add-tag", args=[SESSION_SLUG]), {"name": bad}, follow=True
        )
        assert response.status_code == 200
        assert any(m.level_tag == "error" for m in response.context["messages"])
        assert TaggedItem.objects.count() == before

    def test_staff_remove_only_tags_they_added(self, client, ngo_staff, other_staff, session):
        tag_record(record=session, name="mine", user=ngo_staff)
        tag_record(record=session, name="theirs", user=other_staff)
        signed_in(client, ngo_staff)
        page = client.get(session.get_absolute_url()).content.decode()
        assert reverse("sessions:remove-tag", args=[SESSION_SLUG, "mine"]) in page
        assert reverse("sessions:remove-tag", args=[SESSION_SLUG, "theirs"]) not in page
        client.post(reverse("sessions:remove-tag", args=[SESSION_SLUG, "mine"]))
        refused = client.post(reverse("sessions:remove-tag", args=[SESSION_SLUG, "theirs"]))
        assert refused.status_code == 403
        assert "mine" not in session_tag_slugs(session)
        assert "theirs" in session_tag_slugs(session)

    def test_anonymous_visitors_see_tags_but_no_way_to_add_one(self, client, ngo_staff, session):
        tag_record(record=session, name="restorative-circles", user=ngo_staff)
        page = client.get(session.get_absolute_url()).content.decode()
        assert "restorative-circles" in page
        assert reverse("sessions:add-tag", args=[SESSION_SLUG]) not in page
        assert "Annotations" not in page

    def test_tag_names_with_markup_are_shown_inert(self, client, ngo_staff, session):
        payload = '<img src=x onerror="alert(1)">'
        tag_record(record=session, name=payload, user=ngo_staff)
        for url in [session.get_absolute_url(), "/themes/", "/sessions/"]:
            page = client.get(url).content.decode()
            assert payload not in page
            assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page


class TestAnnotations:
    def url(self):
        return reverse("sessions:add-annotation", args=[SESSION_SLUG])

    def test_shared_and_private_annotations(self, client, ngo_staff, other_staff, session):
        signed_in(client, ngo_staff)
        client.post(self.url(), {"body": "Shared **point**", "visibility": "shared"})
        client.post(self.url(), {"body": "My private thought", "visibility": "private"})
        own_view = client.get(session.get_absolute_url()).content.decode()
        assert "Shared <strong>point</strong>" in own_view
        assert "My private thought" in own_view
        signed_in(client, other_staff)
        other_view = client.get(session.get_absolute_url()).content.decode()
        assert "Shared <strong>point</strong>" in other_view
        assert "My private thought" not in other_view
        client.logout()
        assert "Shared" not in client.get(session.get_absolute_url()).content.decode()

    def test_annotations_are_sanitized(self, client, ngo_staff, session):
        signed_in(client, ngo_staff)
        body = (
            '<script>alert("x")</script><a href="javascript:alert(1)">link</a> [md](javascript:x)'
        )
        client.post(self.url(), {"body": body, "visibility": "shared"})
        page = client.get(session.get_absolute_url()).content.decode()
        assert '<script>alert("x")' not in page
        # The Markdown link stays as inert text; no link leads to a script.
        assert 'href="javascript:' not in page

    def test_edit_and_delete_own_never_others(self, client, ngo_staff, other_staff, session):
        annotation = Annotation.objects.create(session=session, author=ngo_staff, body="Original")
        edit = reverse("sessions:edit-annotation", args=[annotation.pk])
        delete = reverse("sessions:delete-annotation", args=[annotation.pk])
        signed_in(client, other_staff)
        assert client.get(edit).status_code == 403
        assert client.post(edit, {"body": "Hijacked", "visibility": "shared"}).status_code == 403
        assert client.post(delete).status_code == 403
        annotation.refresh_from_db()
        assert annotation.body == "Original"
        signed_in(client, ngo_staff)
        client.post(edit, {"body": "Revised", "visibility": "private"})
        annotation.refresh_from_db()
        assert (annotation.body, annotation.visibility) == ("Revised", "private")
        client.post(delete)
        assert not Annotation.objects.filter(pk=annotation.pk).exists()

    def test_empty_annotation_is_refused_with_the_form_again(self, client, ngo_staff):
        signed_in(client, ngo_staff)
        response = client.post(self.url(), {"body": "", "visibility": "shared"})
        assert response.status_code == 400
        assert "This field is required." in response.content.decode()
        assert not Annotation.objects.exists()


def snapshot():
    return (
        sorted(TaggedItem.objects.values_list("pk", "tag_id", "object_id", "added_by_id")),
        sorted(Annotation.objects.values_list("pk", "body", "visibility", "author_id")),
        sorted(Tag.objects.values_list("pk", "slug")),
    )


# Every write endpoint, the users who may use it, and the status a refused user gets.
ROLES = ["anonymous", "ngo_staff", "other_staff", "editor", "superuser"]


@pytest.fixture
def people(django_user_model, ngo_staff, other_staff, editor):
    superuser = django_user_model.objects.create_superuser("root-admin", password="pw-root")
    return {
        "anonymous": None,
        "ngo_staff": ngo_staff,
        "other_staff": other_staff,
        "editor": editor,
        "superuser": superuser,
    }


@pytest.fixture
def owned(ngo_staff, session):
    """A tag and an annotation belonging to ngo_staff, the targets of the matrix."""
    tag_record(record=session, name="owned-tag", user=ngo_staff)
    return Annotation.objects.create(session=session, author=ngo_staff, body="Owned")


ENDPOINTS = {
    # name: (url builder, data, roles allowed)
    "add tag": (
        lambda a: reverse("sessions:add-tag", args=[SESSION_SLUG]),
        {"name": "matrix-tag"},
        {"ngo_staff", "other_staff", "editor", "superuser"},
    ),
    "remove own tag": (
        lambda a: reverse("sessions:remove-tag", args=[SESSION_SLUG, "owned-tag"]),
        {},
        {"ngo_staff"},
    ),
    "add annotation": (
        lambda a: reverse("sessions:add-annotation", args=[SESSION_SLUG]),
        {"body": "Matrix", "visibility": "shared"},
        {"ngo_staff", "other_staff", "editor", "superuser"},
    ),
    "edit annotation": (
        lambda a: reverse("sessions:edit-annotation", args=[a.pk]),
        {"body": "Changed", "visibility": "shared"},
        {"ngo_staff"},
    ),
    "delete annotation": (
        lambda a: reverse("sessions:delete-annotation", args=[a.pk]),
        {},
        {"ngo_staff"},
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_permission_matrix(client, people, owned, role, endpoint):
    build_url, data, allowed = ENDPOINTS[endpoint]
    if people[role]:
        client.force_login(people[role])
    before = snapshot()
    response = client.post(build_url(owned), data)
    if role in allowed:
        assert response.status_code == 302
        assert snapshot() != before
    else:
        expected = 302 if role == "anonymous" else 403
        assert response.status_code == expected
        if role == "anonymous":
            assert response["Location"].startswith(reverse("login"))
        assert snapshot() == before


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_writes_need_a_csrf_token(people, owned, endpoint):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(people["ngo_staff"])
    build_url, data, _ = ENDPOINTS[endpoint]
    before = snapshot()
    response = client.post(build_url(owned), data)
    assert response.status_code == 403
    assert "The form had expired" in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("name", ["sessions:add-tag", "sessions:add-annotation"])
def test_writes_refuse_get(client, ngo_staff, name):
    signed_in(client, ngo_staff)
    assert client.get(reverse(name, args=[SESSION_SLUG])).status_code == 405


class TestMergeTags:
    def test_merge_moves_every_tagging_and_deletes_the_others(self, ngo_staff, session):
        other = Session.objects.get(slug="ccpcj-31-femicide")
        tag_record(record=session, name="Restorative circles", user=ngo_staff)
        tag_record(record=other, name="Restorative circles", user=ngo_staff)
        keep = Tag.objects.get(slug="restorative-justice")
        merged = Tag.objects.get(slug="restorative-circles")
        moved = merge_tags(keep=keep, merged=[keep, merged])
        assert moved == 1  # the restorative-justice session already carried the kept tag
        assert not Tag.objects.filter(slug="restorative-circles").exists()
        assert "restorative-justice" in session_tag_slugs(other)
        assert TaggedItem.objects.filter(tag=keep, object_id=session.pk).count() == 1

    def test_admin_action_merges_after_choosing_the_kept_tag(self, client, editor, ngo_staff):
        session = Session.objects.get(slug=SESSION_SLUG)
        tag_record(record=session, name="Restorative circles", user=ngo_staff)
        keep = Tag.objects.get(slug="restorative-justice")
        merged = Tag.objects.get(slug="restorative-circles")
        signed_in(client, editor)
        url = reverse("admin:topics_tag_changelist")
        data = {"action": "merge_selected_tags", "_selected_action": [keep.pk, merged.pk]}
        confirm = client.post(url, data)
        assert confirm.status_code == 200
        assert "Keep which tag?" in confirm.content.decode()
        done = client.post(url, {**data, "keep": keep.pk}, follow=True)
        assert "Merged “Restorative circles” into “Restorative justice”" in done.content.decode()
        assert not Tag.objects.filter(pk=merged.pk).exists()

    def test_ngo_staff_cannot_reach_the_admin(self, client, ngo_staff):
        signed_in(client, ngo_staff)
        response = client.get(reverse("admin:topics_tag_changelist"))
        assert response.status_code == 302


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
def test_two_staff_adding_the_same_new_tag_at_once():
    """Two requests racing to create one new tag give one tag and two taggings, no error."""
    from django.core.management import call_command

    call_command("load_kb", verbosity=0)
    users = [make_user(f"racer{i}") for i in range(2)]
    sessions = list(Session.objects.order_by("pk")[:2])
    barrier = threading.Barrier(2)
    errors = []

    def tag(user, target):
        try:
            barrier.wait()
            tag_record(record=target, name="Simultaneous tag", user=user)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=tag, args=pair) for pair in zip(users, sessions, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Tag.objects.filter(slug="simultaneous-tag").count() == 1
    assert TaggedItem.objects.filter(tag__slug="simultaneous-tag").count() == 2


def test_losing_the_race_to_create_a_tag_reuses_the_winner(monkeypatch, ngo_staff, session):
    """The unique constraint settles a race even where threads cannot run (SQLite)."""
    from topics import services

    real_lookup = services._existing_tag
    calls = {"n": 0}

    def lookup_missing_first_time(name, slug):
        calls["n"] += 1
        if calls["n"] == 1:
            Tag.objects.create(name="Raced tag", slug="raced-tag")  # the other request wins
            return None
        return real_lookup(name, slug)

    monkeypatch.setattr(services, "_existing_tag", lookup_missing_first_time)
    tagging, created = tag_record(record=session, name="Raced tag", user=ngo_staff)
    assert created
    assert Tag.objects.filter(slug="raced-tag").count() == 1
    assert tagging.tag.slug == "raced-tag"
