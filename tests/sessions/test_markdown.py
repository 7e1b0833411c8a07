"""Notes and annotations are rendered once, when saved, to sanitized HTML that pages show as is."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from sessions.markdown import render_markdown
from sessions.models import Annotation, Session
from tests.factories import make_session

SESSION_SLUG = "ccpcj-31-restorative-justice"


@pytest.fixture
def staff_member(django_user_model):
    user = django_user_model.objects.create_user("farida", password="pw-farida")
    user.groups.add(Group.objects.get(name="NGO staff"))
    return user


@pytest.fixture
def session(db):
    return Session.objects.get(slug=SESSION_SLUG)


class TestRendering:
    def test_scripts_event_handlers_and_javascript_links_are_dropped(self):
        """Nothing in a note can run code in a reader's browser."""
        html = render_markdown(
            "<script>alert('x')</script>\n\n"
            '<p onclick="steal()">Click me</p>\n\n'
            '[a link](javascript:alert(1)) and <a href="javascript:alert(2)">another</a>\n\n'
            '<img src="x" onerror="steal()">'
        )
        assert "<script" not in html
        assert "alert('x')" not in html
        assert "onclick" not in html
        assert "onerror" not in html
        assert 'href="javascript:' not in html
        assert "<p>Click me</p>" in html
        assert '<a rel="noopener noreferrer nofollow">another</a>' in html

    def test_headings_start_below_the_page_headings(self):
        """A note's own headings, Markdown or HTML, never compete with the page's h1 and h2."""
        html = render_markdown("# Summary\n\n## Points\n\n<h1>Raw</h1>\n\n#### Detail")
        assert "<h1" not in html
        assert "<h2" not in html
        assert "<h3>Summary</h3>" in html
        assert "<h3>Points</h3>" in html
        assert "<h3>Raw</h3>" in html
        assert "<h4>Detail</h4>" in html

    def test_links_work_but_pass_no_referrer_or_ranking(self):
        """Links keep their address and carry rel="noopener noreferrer nofollow"."""
        html = render_markdown("See [the report](https://www.unodc.org/report).")
        assert (
            '<a href="https://www.unodc.org/report" rel="noopener noreferrer nofollow">'
            "the report</a>"
        ) in html

    def test_markdown_and_html_paragraphs_both_come_out_formatted(self):
        """Notes mix Markdown with HTML paragraphs; both are shown formatted, code escaped."""
        html = render_markdown("- **first** point\n- `<b>` tag\n\n<p>A paragraph.</p>")
        assert "<li><strong>first</strong> point</li>" in html
        assert "<li><code>&lt;b&gt;</code> tag</li>" in html
        assert "<p>A paragraph.</p>" in html


class TestStoredOnSave:
    def test_session_notes_are_rendered_on_save_and_on_edit(self, db):
        """Saving a session stores its rendered notes; editing the notes renders them again."""
        session = make_session(notes="**Opening** remarks")
        session.refresh_from_db()
        assert session.notes_html == "<p><strong>Opening</strong> remarks</p>\n"

        session.notes = "# Closing"
        session.save()
        session.refresh_from_db()
        assert session.notes_html == "<h3>Closing</h3>\n"

    def test_updating_only_the_notes_renders_them_too(self, db):
        """update_or_create() saves only the fields it is given: the rendered notes are saved
        with them."""
        session = make_session(notes="old")
        Session.objects.update_or_create(slug=session.slug, defaults={"notes": "*new*"})
        session.refresh_from_db()
        assert session.notes_html == "<p><em>new</em></p>\n"

    def test_shipped_notes_are_stored_rendered(self, session):
        """The shipped knowledge base, loaded through the loader, has its notes rendered."""
        assert session.notes_html == render_markdown(session.notes)
        assert session.notes_html.startswith("<p>")

    def test_annotation_is_rendered_on_save_and_on_edit(self, client, staff_member, session):
        """Writing and then editing an annotation on the site stores the rendered text."""
        client.force_login(staff_member)
        client.post(
            reverse("sessions:add-annotation", args=[SESSION_SLUG]),
            {"body": "Follow up on **Malta**", "visibility": "shared"},
        )
        annotation = Annotation.objects.get(author=staff_member)
        # Malta is a country of the knowledge base: the mention links to its page.
        assert annotation.body_html == (
            '<p>Follow up on <strong><a class="mention" href="/countries/malta/">Malta</a>'
            "</strong></p>\n"
        )

        client.post(
            reverse("sessions:edit-annotation", args=[annotation.pk]),
            {"body": "Done: <script>x()</script>*sent*", "visibility": "shared"},
        )
        annotation.refresh_from_db()
        assert annotation.body_html == "<p>Done: <em>sent</em></p>\n"


class TestPagesShowStoredHtml:
    def test_session_page_shows_the_stored_notes(self, client, session):
        """The page shows the HTML stored at save time; it does not render the notes itself."""
        Session.objects.filter(pk=session.pk).update(notes_html="<p>Stored at save time</p>")
        page = client.get(session.get_absolute_url()).content.decode()
        assert '<div class="notes"><p>Stored at save time</p></div>' in page

    def test_annotation_shows_its_stored_html(self, client, staff_member, session):
        """An annotation is shown as the HTML stored when it was saved."""
        annotation = Annotation.objects.create(session=session, author=staff_member, body="x")
        Annotation.objects.filter(pk=annotation.pk).update(body_html="<p>Stored annotation</p>")
        client.force_login(staff_member)
        page = client.get(session.get_absolute_url()).content.decode()
        assert '<div class="notes"><p>Stored annotation</p></div>' in page

    def test_a_hostile_annotation_is_saved_and_its_page_answers(
        self, client, staff_member, session
    ):
        """An annotation of 10,000 '[' (the longest allowed) is saved and shown as text."""
        client.force_login(staff_member)
        body = "[" * 10_000
        response = client.post(
            reverse("sessions:add-annotation", args=[SESSION_SLUG]),
            {"body": body, "visibility": "private"},
        )
        assert response.status_code == 302
        page = client.get(session.get_absolute_url())
        assert page.status_code == 200
        assert f'<div class="notes"><p>{body}</p>\n</div>' in page.content.decode()
