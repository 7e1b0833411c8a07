"""Private means private: a private annotation is read by its author alone, on the site, in the
admin and in search; shared ones are read by NGO staff and editors only; only the author
changes an annotation, and deleting one asks first and is recorded."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import DELETION, LogEntry
from django.urls import reverse

from sessions.models import Annotation, Session

pytestmark = pytest.mark.django_db

SESSION_SLUG = "ccpcj-31-restorative-justice"
PRIVATE_TEXT = "Quietly ask the delegation about zanzibar-funding"
SHARED_TEXT = "Everyone should read the outcome on restorative circles"


@pytest.fixture
def session():
    return Session.objects.get(slug=SESSION_SLUG)


@pytest.fixture
def private_note(session, ngo_staff):
    return Annotation.objects.create(
        session=session, author=ngo_staff, body=PRIVATE_TEXT, visibility="private"
    )


@pytest.fixture
def shared_note(session, ngo_staff):
    return Annotation.objects.create(
        session=session, author=ngo_staff, body=SHARED_TEXT, visibility="shared"
    )


def page_as(client, user, url):
    if user is not None:
        client.force_login(user)
    return client.get(url).content.decode()


class TestWhoReadsWhat:
    @pytest.mark.parametrize(
        ("reader", "reads_shared", "reads_private"),
        [
            ("ngo_staff", True, True),
            ("other_staff", True, False),
            ("editor", True, False),
            ("superuser", True, False),
            ("no_group_user", False, False),
            ("anonymous", False, False),
        ],
    )
    def test_session_page(
        self,
        request,
        client,
        session,
        private_note,
        shared_note,
        reader,
        reads_shared,
        reads_private,
    ):
        """The author reads their private note; NGO staff, editors and superusers read shared
        notes; an account in no group and a visitor read neither."""
        user = None if reader == "anonymous" else request.getfixturevalue(reader)
        page = page_as(client, user, session.get_absolute_url())
        assert (SHARED_TEXT in page) is reads_shared
        assert (PRIVATE_TEXT in page) is reads_private

    def test_search_never_shows_someone_elses_private_note(self, client, private_note, other_staff):
        """Search finds annotations only for those who may read them: a word found only in
        someone else's private note finds nothing."""
        client.force_login(other_staff)
        response = client.get(reverse("sessions:search"), {"q": "zanzibar-funding"})
        assert response.context["total"] == 0
        assert PRIVATE_TEXT not in response.content.decode()

    def test_someone_elses_private_note_is_not_found_on_the_site(
        self, client, private_note, other_staff
    ):
        """Editing or deleting another person's private note answers "not found", never
        "forbidden", so even its existence stays private."""
        client.force_login(other_staff)
        for name in ["sessions:edit-annotation", "sessions:delete-annotation"]:
            url = reverse(name, args=[private_note.pk])
            assert client.get(url).status_code == 404
            assert client.post(url, {"body": "x", "visibility": "shared"}).status_code == 404
        private_note.refresh_from_db()
        assert private_note.body == PRIVATE_TEXT


class TestAdmin:
    def changelist(self, client, user, **params):
        client.force_login(user)
        response = client.get(reverse("admin:kb_sessions_annotation_changelist"), params)
        assert response.status_code == 200
        return response

    @pytest.mark.parametrize("reader", ["editor", "superuser"])
    def test_list_and_search_leave_out_others_private_notes(
        self, request, client, private_note, shared_note, reader
    ):
        """The annotation list shows shared notes and one's own, and searching for words of
        someone else's private note finds nothing."""
        user = request.getfixturevalue(reader)
        own = Annotation.objects.create(
            session=shared_note.session, author=user, body="My own draft", visibility="private"
        )
        listed = set(self.changelist(client, user).context["cl"].result_list)
        assert listed == {shared_note, own}
        found = self.changelist(client, user, q="zanzibar").context["cl"].result_list
        assert list(found) == []

    def test_others_private_note_pages_do_not_open(self, client, private_note, editor):
        """Its change, history and delete pages send the editor away without showing it."""
        client.force_login(editor)
        for view in ["change", "history", "delete"]:
            url = reverse(f"admin:kb_sessions_annotation_{view}", args=[private_note.pk])
            response = client.get(url)
            assert response.status_code == 302
            assert PRIVATE_TEXT not in client.get(response["Location"]).content.decode()

    def test_editors_read_others_shared_notes_but_cannot_rewrite_them(
        self, client, shared_note, editor
    ):
        """Another person's shared note opens read-only; a forged save changes nothing."""
        client.force_login(editor)
        url = reverse("admin:kb_sessions_annotation_change", args=[shared_note.pk])
        page = client.get(url)
        assert page.status_code == 200
        assert "Save" not in page.content.decode()
        forged = client.post(
            url, {"session": shared_note.session_id, "body": "Rewritten", "visibility": "shared"}
        )
        assert forged.status_code == 403
        shared_note.refresh_from_db()
        assert shared_note.body == SHARED_TEXT

    def test_author_is_whoever_adds_it_and_never_changes(self, client, editor, ngo_staff):
        """Adding in the admin makes the editor the author; a forged author field is ignored,
        on adding and on editing."""
        client.force_login(editor)
        session = Session.objects.get(slug=SESSION_SLUG)
        client.post(
            reverse("admin:kb_sessions_annotation_add"),
            {
                "session": session.pk,
                "author": ngo_staff.pk,
                "body": "Added in the admin",
                "visibility": "shared",
            },
        )
        annotation = Annotation.objects.get(body="Added in the admin")
        assert annotation.author == editor
        client.post(
            reverse("admin:kb_sessions_annotation_change", args=[annotation.pk]),
            {
                "session": session.pk,
                "author": ngo_staff.pk,
                "body": "Edited in the admin",
                "visibility": "shared",
            },
        )
        annotation.refresh_from_db()
        assert (annotation.body, annotation.author) == ("Edited in the admin", editor)

    def test_deleting_a_selection_with_others_notes_is_refused(self, client, shared_note, editor):
        """The "delete selected" action names the problem instead of asking to confirm, and a
        forged confirmation is forbidden: nothing is deleted."""
        own = Annotation.objects.create(session=shared_note.session, author=editor, body="Mine")
        client.force_login(editor)
        url = reverse("admin:kb_sessions_annotation_changelist")
        data = {"action": "delete_selected", "_selected_action": [shared_note.pk, own.pk]}
        asked = client.post(url, data)
        assert "annotations by other people" in asked.content.decode()
        assert client.post(url, {**data, "post": "yes"}).status_code == 403
        assert Annotation.objects.filter(pk__in=[shared_note.pk, own.pk]).count() == 2


class TestChangingOwnNotes:
    def test_delete_asks_first_then_deletes_and_is_recorded(self, client, shared_note, ngo_staff):
        """Delete opens a page asking to confirm (a plain form, no script); confirming deletes
        the note and the admin's log keeps who deleted it and when."""
        client.force_login(ngo_staff)
        page = client.get(shared_note.session.get_absolute_url()).content.decode()
        url = reverse("sessions:delete-annotation", args=[shared_note.pk])
        assert f'href="{url}"' in page
        confirm = client.get(url)
        assert confirm.status_code == 200
        text = confirm.content.decode()
        assert "Delete your annotation on session" in text
        assert SHARED_TEXT in text
        assert '<form method="post"' in text
        assert Annotation.objects.filter(pk=shared_note.pk).exists()

        done = client.post(url, follow=True)
        assert "Annotation deleted." in done.content.decode()
        assert not Annotation.objects.filter(pk=shared_note.pk).exists()
        entry = LogEntry.objects.get(object_id=str(shared_note.pk), action_flag=DELETION)
        assert entry.user == ngo_staff
        assert entry.content_type.model == "annotation"
        assert SHARED_TEXT not in entry.object_repr

    def test_only_the_author_sees_edit_and_delete(self, client, shared_note, other_staff):
        """Other readers of a shared note get no Edit or Delete link for it."""
        page = page_as(client, other_staff, shared_note.session.get_absolute_url())
        assert SHARED_TEXT in page
        assert reverse("sessions:edit-annotation", args=[shared_note.pk]) not in page
        assert reverse("sessions:delete-annotation", args=[shared_note.pk]) not in page

    def test_edited_notes_say_so(self, client, shared_note, ngo_staff):
        """A note reads "edited" once its text changed; saving it unchanged does not mark it."""
        client.force_login(ngo_staff)
        url = reverse("sessions:edit-annotation", args=[shared_note.pk])
        Annotation.objects.filter(pk=shared_note.pk).update(
            created_at=shared_note.created_at - timedelta(minutes=5),
            updated_at=shared_note.updated_at - timedelta(minutes=5),
        )
        session_url = shared_note.session.get_absolute_url()
        assert ", edited" not in client.get(session_url).content.decode()
        client.post(url, {"body": SHARED_TEXT, "visibility": "shared"})
        assert ", edited" not in client.get(session_url).content.decode()
        client.post(url, {"body": "A corrected outcome", "visibility": "shared"})
        assert ", edited" in client.get(session_url).content.decode()
