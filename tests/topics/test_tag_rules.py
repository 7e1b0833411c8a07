"""Tags stay clean, and every change is on the record: tag names are printable, one account
cannot flood the filters with new tags, a staff tag nobody uses leaves the lists, and the
taggings audit shows who added and removed which tag, and when."""

import importlib
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sessions.models import Session
from topics.models import Tag, TaggedItem, TaggingEvent
from topics.services import audited_tagging, tag_record

pytestmark = pytest.mark.django_db

SESSION_SLUG = "ccpcj-31-restorative-justice"


@pytest.fixture
def session():
    return Session.objects.get(slug=SESSION_SLUG)


def add_tag(client, name, slug=SESSION_SLUG):
    """Type ``name`` into "Add a tag" and submit; returns the messages shown."""
    response = client.post(reverse("sessions:add-tag", args=[slug]), {"name": name}, follow=True)
    assert response.status_code == 200
    return [(m.level_tag, str(m)) for m in response.context["messages"]]


class TestTagNames:
    @pytest.mark.parametrize(
        ("name", "message"),
        [
            ("victims\u202e", "Tags cannot contain characters that change the direction of text."),
            ("\u2066trafficking\u2069", "change the direction of text"),
            ("bell\x07", "Tags can only contain printable characters"),
            ("zero\u200bwidth", "Tags can only contain printable characters"),
        ],
    )
    def test_unprintable_and_bidi_names_are_refused_with_a_message(
        self, client, ngo_staff, name, message
    ):
        """Names that could display as something else are refused, saying why."""
        client.force_login(ngo_staff)
        before = Tag.objects.count()
        shown = add_tag(client, name)
        assert shown[0][0] == "error"
        assert message in shown[0][1]
        assert Tag.objects.count() == before

    def test_other_scripts_are_welcome(self, client, ngo_staff, session):
        """Letters of any script are printable: an accented name is a tag like any other."""
        client.force_login(ngo_staff)
        assert add_tag(client, "Justicia reparadora, víctimas") == [
            ("success", "Tagged “Justicia reparadora, víctimas”.")
        ]

    def test_editors_cannot_slip_them_in_through_the_admin(self, client, editor):
        """The same rules hold for a tag added in the admin."""
        client.force_login(editor)
        response = client.post(
            reverse("admin:topics_tag_add"), {"name": "rtl\u202eoverride", "slug": "rtl"}
        )
        assert response.status_code == 200
        assert "change the direction of text" in response.content.decode()
        assert not Tag.objects.filter(slug="rtl").exists()


class TestCreationLimit:
    def test_new_tags_are_limited_per_hour_existing_ones_are_not(
        self, client, settings, ngo_staff, other_staff
    ):
        """Past TAGS_CREATED_PER_HOUR new tags in an hour, a new one is refused with a message
        saying when it is possible again; existing tags can still be added, and other people
        are not held back."""
        settings.TAGS_CREATED_PER_HOUR = 2
        client.force_login(ngo_staff)
        assert add_tag(client, "first new tag")[0][0] == "success"
        assert add_tag(client, "second new tag")[0][0] == "success"
        refused = add_tag(client, "third new tag")
        assert refused[0][0] == "error"
        assert "You have created 2 new tags in the last hour" in refused[0][1]
        assert "60 minutes" in refused[0][1]
        assert not Tag.objects.filter(slug="third-new-tag").exists()

        assert add_tag(client, "Femicide")[0] == ("success", "Tagged “Femicide”.")
        assert add_tag(client, "first new tag", slug="ccpcj-31-femicide")[0][0] == "success"

        client.force_login(other_staff)
        assert add_tag(client, "third new tag")[0][0] == "success"

    def test_the_limit_counts_the_last_hour_only(self, client, settings, ngo_staff):
        """Tags created more than an hour ago no longer count."""
        settings.TAGS_CREATED_PER_HOUR = 1
        client.force_login(ngo_staff)
        add_tag(client, "early tag")
        assert add_tag(client, "later tag")[0][0] == "error"
        TaggingEvent.objects.filter(user=ngo_staff).update(
            at=TaggingEvent.objects.get(user=ngo_staff).at - timedelta(minutes=61)
        )
        assert add_tag(client, "later tag")[0][0] == "success"


class TestUnusedStaffTags:
    def test_a_staff_tag_with_no_taggings_left_leaves_lists_and_suggestions(
        self, client, ngo_staff, session
    ):
        """Once its last tagging is removed, a staff tag is gone from the themes index, the
        suggestions while typing and search; curated themes stay listed even when unused."""
        Tag.objects.create(name="Unused curated theme", slug="unused-curated", is_theme=True)
        tag_record(record=session, name="fleeting tag", user=ngo_staff)
        client.force_login(ngo_staff)

        def visible_everywhere(name):
            themes = client.get(reverse("topics:theme-list")).content.decode()
            suggestions = client.get(session.get_absolute_url()).context["tag_suggestions"]
            found = client.get(reverse("sessions:search"), {"q": name}).context["total"]
            return (name in themes, name in [t.name for t in suggestions], found > 0)

        assert visible_everywhere("fleeting tag") == (True, True, True)
        client.post(
            reverse("sessions:remove-tag", args=[SESSION_SLUG, "fleeting-tag"]), follow=True
        )
        assert visible_everywhere("fleeting tag") == (False, False, False)
        assert visible_everywhere("Unused curated theme") == (True, True, True)


class TestRemovingATag:
    def test_remove_asks_first_then_removes(self, client, ngo_staff, session):
        """Remove opens a page asking "Remove tag X from session Y?" with a plain form; only
        confirming removes the tag."""
        tag_record(record=session, name="restorative circles", user=ngo_staff)
        client.force_login(ngo_staff)
        url = reverse("sessions:remove-tag", args=[SESSION_SLUG, "restorative-circles"])
        assert f'href="{url}"' in client.get(session.get_absolute_url()).content.decode()
        confirm = client.get(url).content.decode()
        assert f"Remove tag “restorative circles” from session “{session.title}”?" in confirm
        assert '<form method="post"' in confirm
        assert session.tags.filter(slug="restorative-circles").exists()
        done = client.post(url, follow=True)
        assert "Removed the tag “restorative circles”." in done.content.decode()
        assert not session.tags.filter(slug="restorative-circles").exists()

    def test_others_tags_cannot_even_be_asked_about(self, client, ngo_staff, other_staff, session):
        """The confirmation page of someone else's tag is forbidden, as is removing it."""
        tag_record(record=session, name="their tag", user=other_staff)
        client.force_login(ngo_staff)
        url = reverse("sessions:remove-tag", args=[SESSION_SLUG, "their-tag"])
        assert client.get(url).status_code == 403
        assert client.post(url).status_code == 403
        assert session.tags.filter(slug="their-tag").exists()


def events(**filters):
    return list(
        TaggingEvent.objects.filter(**filters)
        .order_by("pk")
        .values_list("action", "tag_name", "user__username", "created_tag")
    )


class TestTaggingsAudit:
    def test_adding_and_removing_on_the_site_are_recorded(self, client, ngo_staff, session):
        """The audit keeps who added a tag (and whether that created it) and who removed it,
        with the record and the time, even after the tagging is gone."""
        client.force_login(ngo_staff)
        add_tag(client, "audit trail")
        add_tag(client, "Femicide")
        client.post(reverse("sessions:remove-tag", args=[SESSION_SLUG, "audit-trail"]))
        assert events(object_id=session.pk, user=ngo_staff) == [
            ("added", "audit trail", "amina", True),
            ("added", "Femicide", "amina", False),
            ("removed", "audit trail", "amina", False),
        ]
        removal = TaggingEvent.objects.get(action="removed")
        assert removal.record_name == str(session)
        assert removal.content_object == session
        assert removal.at >= TaggingEvent.objects.get(tag_name="audit trail", action="added").at

    def test_editors_changes_in_the_admin_are_recorded(self, client, editor, ngo_staff, session):
        """Deleting taggings in the admin, one or a selection, goes on the audit as the
        editor's removal; a tagging added there is the editor's."""
        first, _ = tag_record(record=session, name="admin one", user=ngo_staff)
        second, _ = tag_record(record=session, name="admin two", user=ngo_staff)
        third, _ = tag_record(record=session, name="admin three", user=ngo_staff)
        client.force_login(editor)
        client.post(reverse("admin:topics_taggeditem_delete", args=[first.pk]), {"post": "yes"})
        client.post(
            reverse("admin:topics_taggeditem_changelist"),
            {"action": "delete_selected", "_selected_action": [second.pk, third.pk], "post": "yes"},
        )
        assert not TaggedItem.objects.filter(pk__in=[first.pk, second.pk, third.pk]).exists()
        assert sorted(events(action="removed", user=editor)) == [
            ("removed", "admin one", "chen", False),
            ("removed", "admin three", "chen", False),
            ("removed", "admin two", "chen", False),
        ]

        client.post(
            reverse("admin:topics_taggeditem_add"),
            {
                "tag": Tag.objects.get(slug="femicide").pk,
                "content_type": ContentType.objects.get_for_model(Session).pk,
                "object_id": session.pk,
            },
        )
        added = TaggedItem.objects.get(tag__slug="femicide", object_id=session.pk)
        assert added.added_by == editor
        assert events(action="added", user=editor) == [("added", "Femicide", "chen", False)]

    def test_tags_changed_through_a_record_form_are_recorded(self, editor, ngo_staff, session):
        """A record's tags changed in its admin form are credited to the editor and recorded:
        what was added, and what was removed."""
        tag_record(record=session, name="old tag", user=ngo_staff)
        with audited_tagging(record=session, user=editor):
            session.tags.remove(Tag.objects.get(slug="old-tag"))
            session.tags.add(Tag.objects.get(slug="femicide"))
        assert TaggedItem.objects.get(tag__slug="femicide", object_id=session.pk).added_by == (
            editor
        )
        assert sorted(events(user=editor)) == [
            ("added", "Femicide", "chen", False),
            ("removed", "old tag", "chen", False),
        ]

    def test_audit_is_read_only_and_filters(self, client, editor, ngo_staff, other_staff, session):
        """Editors filter the audit by action, person and kind of record; nobody adds, edits
        or deletes an entry."""
        tag_record(record=session, name="kept", user=ngo_staff)
        tag_record(record=session, name="dropped", user=other_staff)
        client.force_login(other_staff)
        client.post(reverse("sessions:remove-tag", args=[SESSION_SLUG, "dropped"]))
        client.force_login(editor)
        url = reverse("admin:topics_taggingevent_changelist")

        def listed(**params):
            response = client.get(url, params)
            assert response.status_code == 200
            return [(e.action, e.tag_name) for e in response.context["cl"].result_list]

        assert listed(action__exact="removed") == [("removed", "dropped")]
        assert listed(user__id__exact=other_staff.pk) == [
            ("removed", "dropped"),
            ("added", "dropped"),
        ]
        session_type = ContentType.objects.get_for_model(Session)
        assert len(listed(content_type__id__exact=session_type.pk)) == 3
        page = client.get(url).content.decode()
        assert "Taggings audit" in page
        assert f'href="{session.get_absolute_url()}"' in page

        entry = TaggingEvent.objects.first()
        assert client.get(reverse("admin:topics_taggingevent_add")).status_code == 403
        change = reverse("admin:topics_taggingevent_change", args=[entry.pk])
        assert client.get(change).status_code == 200
        assert client.post(change, {"tag_name": "forged"}).status_code == 403
        delete = reverse("admin:topics_taggingevent_delete", args=[entry.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
        entry.refresh_from_db()
        assert entry.tag_name != "forged"

    def test_audit_list_queries_do_not_grow_with_entries(
        self, client, editor, ngo_staff, django_assert_max_num_queries
    ):
        """Guards against N+1: the linked record of every row is loaded in one query."""
        sessions = list(Session.objects.order_by("pk")[:12])
        client.force_login(editor)
        url = reverse("admin:topics_taggingevent_changelist")
        tag_record(record=sessions[0], name="counted", user=ngo_staff)
        with CaptureQueriesContext(connection) as few:
            client.get(url)
        for other in sessions[1:]:
            tag_record(record=other, name="counted", user=ngo_staff)
        with django_assert_max_num_queries(len(few)):
            client.get(url)

    def test_taggings_made_before_the_audit_are_copied_in(self, ngo_staff, session):
        """Upgrading records the taggings people had already made, with author and time."""
        tagging = TaggedItem.objects.create(
            content_object=session, tag=Tag.objects.get(slug="femicide"), added_by=ngo_staff
        )
        TaggingEvent.objects.all().delete()
        migration = importlib.import_module("topics.migrations.0004_tagging_audit")
        state = MigrationLoader(connection).project_state(("topics", "0004_tagging_audit"))
        migration.record_existing_taggings(state.apps, None)
        event = TaggingEvent.objects.get()
        assert (event.action, event.tag_name, event.user, event.at, event.record_name) == (
            "added",
            "Femicide",
            ngo_staff,
            tagging.added_at,
            session.title,
        )
