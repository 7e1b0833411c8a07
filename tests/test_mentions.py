"""Records named in notes, annotations and source paragraphs link to their pages, and each
record's page lists where it is named."""

import re
from html import escape

import pytest
from django.core.management import call_command
from django.db.models.functions import Length

from sessions.markdown import render_markdown
from sessions.models import Annotation, Session
from tests.factories import make_document, make_programme
from topics.mentions import Vocabulary, relink_mentions
from topics.models import Document, Mention, Organisation, Passage

pytestmark = pytest.mark.django_db


def mentioned_section(response) -> str:
    page = response.content.decode()
    found = re.search(r'<section aria-labelledby="mentioned-in">.*?</section>', page, re.S)
    return found[0] if found else ""


def test_editing_notes_to_mention_a_resolution_lists_the_session_on_its_page(client):
    """A resolution named in a session's notes, in any written form, lists that session with
    the words around the mention; taking the mention out takes the session off."""
    kb = make_programme()
    page = kb.resolution.get_absolute_url()
    assert mentioned_section(client.get(page)) == ""

    session = Session.objects.get(pk=kb.parallel_a.pk)
    session.notes = "Delegates recalled General Assembly resolution 900/7 at length."
    session.save()
    section = mentioned_section(client.get(page))
    assert "Mentioned in 1 session and 0 paragraphs" in section
    assert session.get_absolute_url() in section
    assert "Delegates recalled General Assembly resolution 900/7 at length." in section

    session.notes = "Delegates spoke of other things."
    session.save()
    assert mentioned_section(client.get(page)) == ""


def test_a_mention_links_to_the_record_but_never_inside_a_link(client):
    kb = make_programme()
    session = Session.objects.get(pk=kb.parallel_b.pk)
    session.notes = (
        "See A/Res/900/7 and [the text of A/RES/900/7](https://undocs.org/A/RES/900/7); "
        "`A/RES/900/7` in code stays code."
    )
    session.save()
    html = client.get(session.get_absolute_url()).content.decode()
    assert f'<a class="mention" href="{kb.resolution.get_absolute_url()}">A/Res/900/7</a>' in html
    assert html.count('class="mention"') == 1
    assert ">the text of A/RES/900/7</a>" in html


def test_names_link_to_organisations_speakers_and_countries(client):
    """Acronyms and names link to their records; the longest name wins ("UN Women" is not
    "UN" followed by a word)."""
    kb = make_programme()
    un = Organisation.objects.get(acronym="UN")
    un_women = Organisation.objects.get(name="UN Women")
    session = Session.objects.get(pk=kb.parallel_a.pk)
    session.notes = f"UN Women and the UN heard {kb.speaker.name} on {kb.country.name}."
    session.save()
    html = client.get(session.get_absolute_url()).content.decode()
    for record, written in [
        (un_women, "UN Women"),
        (un, "UN"),
        (kb.speaker, kb.speaker.name),
        (kb.country, kb.country.name),
    ]:
        assert f'<a class="mention" href="{record.get_absolute_url()}">{written}</a>' in html
    section = mentioned_section(client.get(kb.country.get_absolute_url()))
    assert "Mentioned in 1 session" in section


def test_a_text_links_the_same_names_whether_every_name_is_read_or_only_its_own():
    """Saving one text reads only the names written in it; every shipped note, the longest
    passages, and names spelt with accents, ampersands and apostrophes link exactly as with
    every name read."""
    Organisation.objects.create(slug="test-bh", name="Bosnia & Herzegovina Women's Network")
    Organisation.objects.create(slug="test-cote", name="Côte d'Ivoire Bar", acronym="CIB")
    # Characters that quote or separate an array's or a JSON list's items, as names hold them.
    Organisation.objects.create(slug="test-marks", name='The "Fair, {Open} Trial\\Appeal" Network')
    every_name = Vocabulary.load()
    notes = [render_markdown(session.notes) for session in Session.objects.all()]
    notes.append(
        "<p>The Bosnia &amp; Herzegovina Women's Network, the Côte d'Ivoire Bar (CIB), "
        "UN Women and the UN met, with The &quot;Fair, {Open} Trial\\Appeal&quot; Network.</p>"
    )
    marks = Organisation.objects.get(slug="test-marks")
    assert f'href="{marks.get_absolute_url()}"' in Vocabulary.load(notes[-1]).link(notes[-1])[0]
    # The longest paragraphs of the source documents: each text is read on its own.
    longest = Passage.objects.annotate(length=Length("text")).order_by("-length")[:20]
    notes += [escape(passage.text) for passage in longest]
    linked = 0
    for html in notes:
        expected = every_name.link(html)
        assert Vocabulary.load(html).link(html) == expected
        linked += len(expected[1])
    assert linked > 100


def test_unknown_symbols_and_dates_stay_text():
    vocabulary = Vocabulary({}, {})
    html, found = vocabulary.link("<p>Resolution 12/345 of 12/05, A/RES/1/1.</p>")
    assert html == "<p>Resolution 12/345 of 12/05, A/RES/1/1.</p>"
    assert found == []


def test_annotations_link_what_they_name(ngo_staff):
    kb = make_programme()
    annotation = Annotation.objects.create(
        session=kb.panel, author=ngo_staff, body="Compare CCPCJ resolution 900/7? No: A/RES/900/7."
    )
    assert f'href="{kb.resolution.get_absolute_url()}">A/RES/900/7</a>' in annotation.body_html


def test_loading_links_the_shipped_paragraphs_to_the_resolutions_they_cite(client):
    """The shipped sources name resolution 70/176 on femicide; its page lists the paragraph,
    and the paragraph links to it."""
    resolution = Document.objects.get(normalized_symbol="A/RES/70/176")
    mentions = Mention.objects.of(resolution).filter(passage__isnull=False)
    assert mentions.exists()
    passage = Passage.objects.get(pk=mentions.first().passage_id)
    assert f'href="{resolution.get_absolute_url()}"' in passage.text_html
    section = mentioned_section(client.get(resolution.get_absolute_url()))
    assert passage.get_absolute_url() in section


def test_relinking_follows_records_added_since_the_text_was_saved():
    kb = make_programme()
    session = Session.objects.get(pk=kb.parallel_a.pk)
    session.notes = "They cited resolution 901/1."
    session.save()
    document = make_document(symbol="A/RES/901/1", kind=Document.Kind.RESOLUTION)
    assert not Mention.objects.of(document).exists()
    relink_mentions()
    assert Mention.objects.of(document).get().session_id == session.pk
    session.refresh_from_db()
    assert document.get_absolute_url() in session.notes_html


def test_a_database_upgraded_to_mentions_is_linked_by_the_next_load(client):
    """After migrating, `make run` loads unchanged fixtures; the paragraphs still get linked."""
    Mention.objects.all().delete()
    Passage.objects.update(text_html="")
    call_command("load_kb", verbosity=0)
    assert Passage.objects.filter(text_html="").count() == 0
    page = client.get(Document.objects.get(normalized_symbol="A/RES/70/176").get_absolute_url())
    assert "Mentioned in" in page.content.decode()
