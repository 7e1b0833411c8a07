"""The shipped knowledge base holds what the five source documents say.

The one module where tests of the site name shipped records and count them: view and admin tests
build their own records with tests/factories.py, so adding records to a fixture changes what this
module expects and nothing else."""

import datetime

import pytest

from sessions.models import Meeting, Session, Speaker
from topics.models import (
    Citation,
    Country,
    Document,
    Membership,
    Organisation,
    Passage,
    SourceDocument,
    Tag,
)

pytestmark = pytest.mark.django_db


def test_every_source_document_is_present_and_cited():
    files = sorted(SourceDocument.objects.values_list("file_name", flat=True))
    assert files == [
        "000_2d7a714670a9477c.txt",
        "001_f6926b351bc99b20.txt",
        "002_23b3df5dfe22fc52.txt",
        "003_11bae0d34f3079d5.txt",
        "004_1550b144c8031def.txt",
    ]
    for source in SourceDocument.objects.all():
        assert source.citations.exists(), source.file_name


def test_the_31st_session_has_its_ten_sessions_in_programme_order():
    meeting = Meeting.objects.get(slug="ccpcj-31")
    sessions = list(meeting.sessions.all())
    assert len(sessions) == 10
    assert [s.date.day for s in sessions] == [16, 16, 17, 17, 17, 18, 18, 18, 19, 20]
    assert meeting.start_date == datetime.date(2022, 5, 16)
    assert meeting.end_date == datetime.date(2022, 5, 20)


def test_the_17_may_parallel_events_share_their_time_slot():
    parallel = Session.objects.filter(date=datetime.date(2022, 5, 17), start_time="12:30")
    titles = sorted(parallel.values_list("title", flat=True))
    assert len(titles) == 2
    assert titles[0].startswith("Elimination of online child sexual abuse")
    assert titles[1].startswith("Leaving no one behind")


def test_the_19_may_session_exists_without_notes():
    session = Session.objects.get(date=datetime.date(2022, 5, 19))
    assert session.title.startswith("THE NEW FRAMEWORK FOR MEASURING")
    assert session.has_notes is False
    assert session.notes == ""


def test_the_femicide_session_carries_its_speakers_and_theme():
    session = Session.objects.get(slug="ccpcj-31-femicide")
    assert "femicide" in set(session.tags.values_list("slug", flat=True))
    names = [a.speaker.name for a in session.appearances.select_related("speaker")]
    assert names == ["Lara Dimitrijevic", "Marie- Theres Prantner", "Gian Beeli"]


def test_the_commission_has_its_twenty_members_as_the_background_guide_lists_them():
    """Membership is a listing by a source, each member cited at its line of the list; the
    guide does not say for which date, so none is given."""
    members = Country.objects.members_of()
    assert members.count() == 20
    assert {"argentina", "cote-divoire", "united-states-of-america"} <= set(
        members.values_list("slug", flat=True)
    )
    listing = Membership.objects.latest_listing("ccpcj").select_related("source", "country")
    assert {m.source.slug for m in listing} == {"ccpcj-background-guide"}
    assert {m.as_of for m in listing} == {None}
    argentina = listing.get(country__slug="argentina")
    passage = argentina.citations.get().passages.get()
    assert (passage.kind, passage.text) == ("list-item", "Argentina")


def test_the_essential_services_package_has_its_five_issuers():
    """Developed by UN-Women, UNDP, UNFPA, UNODC and WHO (working paper, para. 13)."""
    document = Document.objects.get(
        slug="essential-services-package-for-women-and-girls-subject-to-violence"
    )
    assert set(document.issued_by.values_list("slug", flat=True)) == {
        "un-women",
        "undp",
        "unfpa",
        "unodc",
        "who",
    }


def test_resolution_70_176_is_one_record_however_it_is_written():
    document = Document.objects.get(normalized_symbol="A/RES/70/176")
    assert list(document.issued_by.values_list("slug", flat=True)) == ["general-assembly"]
    cited_in = set(document.citations.values_list("source__file_name", flat=True))
    assert {"001_f6926b351bc99b20.txt", "002_23b3df5dfe22fc52.txt"} <= cited_in
    assert Document.objects.matching_symbol("A/Res/70/176").get() == document
    assert Document.objects.matching_symbol("resolution 70/176").get() == document


def test_the_bangkok_rules_keep_their_popular_name():
    assert Document.objects.filter(popular_name__icontains="Bangkok Rules").exists()


def test_the_fourteenth_congress_and_its_agenda_item():
    congress = Meeting.objects.get(slug="crime-congress-14")
    assert (congress.city, congress.number) == ("Kyoto", 14)
    assert congress.start_date == datetime.date(2020, 4, 20)
    assert congress.end_date == datetime.date(2020, 4, 27)
    assert congress.sessions.filter(kind=Session.Kind.AGENDA_ITEM).count() == 2


def test_the_two_constructive_dialogues_on_trafficking():
    dialogues = Meeting.objects.filter(kind=Meeting.Kind.CONSTRUCTIVE_DIALOGUE)
    assert sorted(dialogues.values_list("start_date", flat=True)) == [
        datetime.date(2022, 7, 1),
        datetime.date(2023, 10, 4),
    ]


def test_the_design_card_themes_exist_with_their_slugs():
    themes = set(Tag.objects.themes().values_list("slug", flat=True))
    assert {"femicide", "trafficking", "victim-centred-justice"} <= themes


def test_speakers_keep_the_organisation_they_spoke_for():
    speaker = Speaker.objects.get(slug="abubakar-balarabe-mahmoud")
    assert speaker.organisation.kind == Organisation.Kind.LAW_FIRM


def test_unodc_resources_are_documents_with_years():
    resources = Document.objects.filter(
        issued_by__slug="unodc", kind__in=["tool", "handbook", "publication"]
    )
    assert resources.count() >= 10
    assert resources.filter(year__isnull=False).exists()


def test_the_31st_session_programme_marks_its_parallel_pair(client):
    """The programme page shows the two 17 May side events at 12:30 as parallel, and the
    19 May session without notes as such."""
    page = client.get("/meetings/ccpcj-31/").content.decode()
    assert page.count("Parallel session") == 2
    assert page.count("No notes") == 1


def test_shipped_notes_show_formatted_never_as_escaped_markup(client):
    """Notes written with HTML paragraphs and tables (the 17 May parallel events) come out as
    paragraphs on every session page."""
    for session in Session.objects.filter(has_notes=True).exclude(notes=""):
        page = client.get(session.get_absolute_url()).content.decode()
        assert "&lt;p&gt;" not in page, session.slug
        assert "&lt;table" not in page, session.slug
    online = client.get("/sessions/ccpcj-31-online-child-sexual-abuse/").content.decode()
    assert "<p>Information was shared on OCSEA" in online


def test_no_shipped_record_uses_the_test_factories_slugs():
    """Test factories name their records "test-…", so tests never collide with shipped ones."""
    for model in (Meeting, Session, Speaker, Country, Document, Organisation, SourceDocument, Tag):
        assert not model.objects.filter(slug__startswith="test-").exists(), model.__name__


def test_every_citation_links_to_anchors_on_its_source_page(client):
    """A crawl of the record pages: every "Sources" link goes to a paragraph, heading or note
    that exists on the source's reading page."""
    pages = {}
    unlinked = []
    for citation in Citation.objects.select_related("source").prefetch_related("passages"):
        record = citation.content_object
        if not citation.passages.all():
            unlinked.append(f"{record} in {citation.source.slug}: {citation.location!r}")
            continue
        record_page = client.get(record.get_absolute_url(), follow=True).content.decode()
        source_url = citation.source.get_absolute_url()
        if source_url not in pages:
            pages[source_url] = client.get(source_url).content.decode()
        for passage in citation.passages.all():
            assert f'href="{passage.get_absolute_url()}"' in record_page, (record, passage)
            assert f'id="{passage.anchor}"' in pages[source_url], passage
    assert unlinked == []


def test_the_figures_the_sources_state_are_passages():
    """The facts a delegate looks for are in the passages, word for word."""
    for source, words in [
        ("unodc-violence-against-women", "USD 3.5 million have been distributed to 60 NGOs"),
        ("fourteenth-congress-working-paper", "one in three women"),
        ("fourteenth-congress-working-paper", "killed by her partner or family members"),
        ("fourteenth-congress-working-paper", "Law No. 1173"),
        ("fourteenth-congress-working-paper", "article 393"),
        ("ccpcj-background-guide", "Questions to consider"),
    ]:
        assert Passage.objects.filter(source__slug=source, text__icontains=words).exists(), words
