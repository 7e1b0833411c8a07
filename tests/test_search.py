"""Search as a delegate types it: every kind of record, accents, plurals, British and American
spellings, typos, symbols mixed with words, ranking, snippets, filters, and staff annotations.

Most tests build their own records (with words no shipped record uses) beside the shipped
knowledge base; ``TestShippedExamples`` runs the examples delegates reported against the
shipped knowledge base itself. Every test runs on SQLite and on PostgreSQL alike.
"""

import datetime
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from ccpcj_kb.pagecache import invalidate
from sessions.models import Annotation, Session
from tests.factories import (
    add_speaker,
    make_country,
    make_document,
    make_meeting,
    make_organisation,
    make_session,
    make_source,
    make_speaker,
    make_tag,
    make_theme,
)
from topics.models import Passage, Programme
from topics.search import engine
from topics.search.models import SearchEntry

pytestmark = pytest.mark.django_db

Kind = SearchEntry.Kind
SEARCH = reverse("sessions:search")


def search(client, query, **params):
    invalidate()  # the same search is read several times, from the view's context each time
    response = client.get(SEARCH, {"q": query, **params})
    assert response.status_code == 200, response.content.decode()[:2000]
    return response


def found(client, query, listed_kind, **params) -> list:
    """The records listed under ``listed_kind``, in the order shown (note-takers by name)."""
    outcome = search(client, query, **params).context["outcome"]
    for group in outcome.groups:
        if group.kind == listed_kind:
            return [hit.record or re.sub("<[^>]+>", "", hit.title) for hit in group.hits]
    return []


def kinds_in_order(client, query, **params) -> list[str]:
    return [group.kind for group in search(client, query, **params).context["outcome"].shown]


def page(response) -> str:
    return response.content.decode()


def make_passage(source, text, *, label="", kind=Passage.Kind.PARAGRAPH, heading=None):
    position = source.passages.count()
    return Passage.objects.create(
        source=source,
        position=position,
        anchor=f"para-{label}" if label else f"p-{position + 1}",
        label=label,
        kind=kind,
        text=text,
        heading=heading,
    )


class TestEveryKindIsFoundByItsName:
    @pytest.fixture
    def records(self, ngo_staff):
        meeting = make_meeting(name="Quillfeather Congress", city="Zorbaton")
        session = make_session(
            meeting=meeting,
            title="Quillfeather side event",
            note_taker="Ysolde Quillfeather",
            date=datetime.date(2031, 3, 10),
        )
        source = make_source(title="Quillfeather working paper")
        passage = make_passage(source, "The Quillfeather approach to justice.", label="7")
        annotation = Annotation.objects.create(
            session=session, author=ngo_staff, body="Quillfeather follow-up", visibility="shared"
        )
        return {
            Kind.SESSION: session,
            Kind.MEETING: meeting,
            Kind.SPEAKER: make_speaker(name="Abelard Quillfeather"),
            Kind.NOTE_TAKER: "Ysolde Quillfeather",
            Kind.ORGANISATION: make_organisation(name="Quillfeather Foundation"),
            Kind.PROGRAMME: Programme.objects.create(
                slug="test-quillfeather", name="Quillfeather Initiative", kind="initiative"
            ),
            Kind.DOCUMENT: make_document(title="Quillfeather Handbook"),
            Kind.THEME: make_theme(name="Quillfeather studies"),
            Kind.COUNTRY: make_country(name="Quillfeather Islands"),
            Kind.PASSAGE: passage,
            Kind.ANNOTATION: annotation,
        }

    @pytest.mark.parametrize("kind", Kind.values)
    def test_each_kind(self, client, ngo_staff, records, kind):
        """A word of its name finds every kind of record, each under its own heading (an
        annotation for the staff who may read it)."""
        client.force_login(ngo_staff)
        assert records[kind] in found(client, "Quillfeather", kind)

    def test_each_result_links_to_its_record(self, client, ngo_staff, records):
        """Each result links to its page; a passage to its anchor in its source; a note-taker
        to the sessions they took notes at."""
        client.force_login(ngo_staff)
        html = page(search(client, "quillfeather"))
        passage = records[Kind.PASSAGE]
        assert f'href="{passage.get_absolute_url()}"' in html
        assert passage.get_absolute_url().endswith("#para-7")
        assert "para. 7" in html
        assert f'href="{records[Kind.SESSION].get_absolute_url()}"' in html
        assert 'href="/search/?q=%22Ysolde+Quillfeather%22&amp;kind=session"' in html
        assert found(client, '"Ysolde Quillfeather"', Kind.SESSION) == [records[Kind.SESSION]]


class TestMeetingsAndPeople:
    def test_meeting_by_city_number_country_and_year(self, client):
        """A meeting is found by its city, its number written "31st" or "thirty-first", its
        country and its year."""
        meeting = make_meeting(
            name="Session of the Commission on Grommets",
            number=31,
            city="Vrelkstad",
            country=make_country(name="Grommetania"),
            start_date=datetime.date(2029, 5, 16),
        )
        for query in [
            "Vrelkstad",
            "31st session grommets",
            "thirty-first session grommets",
            "Grommetania",
            "grommets 2029",
        ]:
            assert found(client, query, Kind.MEETING) == [meeting], query

    def test_note_taker_by_name_with_organisation(self, client):
        """A note-taker is found by name, listed once with their organisation, and their
        sessions are found too."""
        organisation = make_organisation(name="Brindlewood Social Centre")
        sessions = [
            make_session(note_taker="Orla Brindlewood", note_taker_organisation=organisation)
            for _ in range(2)
        ]
        response = search(client, "Brindlewood")
        assert found(client, "Orla Brindlewood", Kind.NOTE_TAKER) == ["Orla Brindlewood"]
        assert "Took notes at 2 sessions" in page(response)
        assert set(found(client, "Orla Brindlewood", Kind.SESSION)) == set(sessions)

    def test_speaker_by_function_and_organisation(self, client):
        """A speaker is found by their function and their organisation's name."""
        speaker = make_speaker(
            name="Ada Tester",
            function="Chief Wranglerist",
            organisation=make_organisation(name="Wranglerist League", acronym="WRL"),
        )
        assert found(client, "wranglerist", Kind.SPEAKER) == [speaker]
        assert found(client, "WRL", Kind.SPEAKER) == [speaker]

    def test_organisation_by_acronym_and_country(self, client):
        """An organisation is found by its acronym, exactly, and by its country."""
        organisation = make_organisation(
            name="Office on Frobnication", acronym="OFROB", country=make_country(name="Frobland")
        )
        assert found(client, "ofrob", Kind.ORGANISATION) == [organisation]
        assert found(client, "Frobland", Kind.ORGANISATION) == [organisation]


class TestLanguage:
    def test_accents_and_case_fold(self, client):
        """ "Dimitrijević" and "dimitrijevic" find each other; "viet nam" finds Viet Nam."""
        accented = make_speaker(name="Lara Zvonimirović")
        plain = make_speaker(name="Mara Zvonimirovic")
        assert set(found(client, "zvonimirovic", Kind.SPEAKER)) == {accented, plain}
        assert set(found(client, "Zvonimirović", Kind.SPEAKER)) == {accented, plain}
        country = make_country(name="Viet Quornam")
        assert found(client, "viet quornam", Kind.COUNTRY) == [country]
        assert found(client, "VIET QUORNAM", Kind.COUNTRY) == [country]

    @pytest.mark.parametrize(
        ("query", "title"),
        [
            ("femicides", "Ending the femicide of Quaggaland"),
            ("trafficked", "Trafficking in Quaggaland"),
            ("prosecutions", "Prosecution in Quaggaland"),
        ],
    )
    def test_plurals_and_other_forms_match(self, client, query, title):
        """A plural or another form of a word finds the word's sessions."""
        session = make_session(title=title)
        assert session in found(client, f"{query} quaggaland", Kind.SESSION)

    @pytest.mark.parametrize(
        ("query", "written"),
        [
            ("victim-centered", "a victim-centred approach"),
            ("victim-centred", "a victim-centered approach"),
            ("organization", "the organisation of Quokkavale"),
            ("organisations", "organizations of Quokkavale"),
            ("programme", "the program of Quokkavale"),
            ("criminalised", "criminalized in Quokkavale"),
        ],
    )
    def test_british_and_american_spellings_match(self, client, query, written):
        """British and American spellings of the site's vocabulary find each other."""
        session = make_session(title="Quokkavale", notes=f"We discussed {written}.")
        assert session in found(client, f"{query} quokkavale", Kind.SESSION)

    def test_quoted_phrase_matches_in_order_only(self, client):
        """Quoted words match only as that phrase, in that order."""
        exact = make_session(title="Zebra quokka rules", notes="")
        make_session(title="Quokka and the zebra plains", notes="")
        assert found(client, '"zebra quokka"', Kind.SESSION) == [exact]

    def test_every_word_must_match_in_some_field(self, client):
        """Several words find records holding all of them, each in any field."""
        session = make_session(title="Legal aid for women", notes="A talk on Qwertystan.")
        make_session(title="Legal aid elsewhere", notes="Nothing more.")
        assert found(client, "legal qwertystan", Kind.SESSION) == [session]


class TestQueries:
    def test_surname_finds_the_speaker_and_the_session_naming_them(self, client):
        """A surname finds the speaker and the session whose notes name them."""
        speaker = make_speaker(name="Ottoline Quaresmavieux")
        session = make_session(title="Panel", notes="Ms Quaresmavieux opened the panel.")
        assert found(client, "Quaresmavieux", Kind.SPEAKER) == [speaker]
        assert found(client, "Quaresmavieux", Kind.SESSION) == [session]
        assert "<mark>Quaresmavieux</mark> opened the panel" in page(
            search(client, "Quaresmavieux")
        )

    def test_popular_name_finds_the_document(self, client):
        """A document's popular name finds it, first."""
        document = make_document(symbol="A/RES/900/8", kind="rules", popular_name="Zanzibar Rules")
        assert found(client, "Zanzibar Rules", Kind.DOCUMENT)[0] == document

    def test_empty_query_explains_what_to_type(self, client):
        """An empty search explains what can be searched for."""
        response = client.get(SEARCH, {"q": "   "})
        assert response.status_code == 200
        assert "Type something to search for" in page(response)

    def test_only_common_words_are_explained(self, client):
        """A query of stop words only ("the of") says they are too common to search for."""
        assert "only very common words" in page(client.get(SEARCH, {"q": "the of"}))

    def test_absurdly_long_query_is_refused_with_a_message(self, client):
        """A query over 200 characters is refused with a message and not echoed back whole."""
        response = client.get(SEARCH, {"q": "x" * 5000})
        assert response.status_code == 400
        assert "Searches are limited to 200 characters" in page(response)
        assert "x" * 300 not in page(response)

    @pytest.mark.parametrize(
        "query",
        [
            "<script>alert(1)</script>",
            "' OR '1'='1",
            "femicide'; DROP TABLE kb_sessions_session; --",
            '"unbalanced quote',
            "%_\\",
            "!!! &&& |||",
            'NEAR(a b) OR "x" AND title:y*',
            "a/b/1 ///",
        ],
    )
    def test_hostile_queries_are_just_text(self, client, query):
        """Markup, SQL and full-text operators are searched for as text and shown escaped."""
        response = client.get(SEARCH, {"q": query})
        assert response.status_code == 200
        assert "<script>alert(1)</script>" not in page(response)


class TestTypos:
    def test_a_misspelt_word_shows_the_suggestions_results(self, client):
        """A word that matches nothing is replaced by the closest indexed word: the page says
        so and shows that word's results, with a link to search for it."""
        session = make_session(title="Snorkelwhistle policies")
        response = search(client, "snorkelwhistel")
        outcome = response.context["outcome"]
        assert outcome.suggestion.raw == "snorkelwhistle"
        assert outcome.showing_suggestion
        assert found(client, "snorkelwhistel", Kind.SESSION) == [session]
        assert "showing the results for" in page(response)
        assert 'href="?q=snorkelwhistle"' in page(response)

    @pytest.mark.parametrize(
        "typed, suggested",
        [
            ("nsorkelwhistel", "snorkelwhistle"),  # two swaps of neighbours: two edits
            ("plith", "plinth"),  # a letter missing: one edit
            ("plxnxh", None),  # two letters wrong: too many edits for six letters
        ],
    )
    def test_a_word_is_corrected_within_its_allowance_of_edits(self, client, typed, suggested):
        """Words of eight letters or more are corrected up to two edits away, shorter ones one
        edit away; swapping two neighbouring letters is one edit."""
        make_session(title="Plinth and snorkelwhistle policies")
        suggestion = search(client, typed).context["outcome"].suggestion
        assert (suggestion.raw if suggestion else None) == suggested

    def test_did_you_mean_when_the_suggestion_finds_nothing_either(self, client):
        """With another word that rules everything out, the page only asks "Did you mean"."""
        make_session(title="Snorkelwhistle policies")
        response = search(client, "snorkelwhistel xyzzyqq")
        assert response.context["total"] == 0
        assert "Did you mean" in page(response)
        assert "snorkelwhistle" in page(response)

    @pytest.mark.parametrize("common_word_uses", [1, 1_000_000])
    def test_only_the_word_matching_nothing_is_corrected(
        self, client, monkeypatch, common_word_uses
    ):
        """Beside a word in use, the misspelt one is corrected, whether the vocabulary counts
        the words as common (looked for entry by entry) or not (counted in the index)."""
        monkeypatch.setattr(engine, "COMMON_WORD_USES", common_word_uses)
        make_session(title="Snorkelwhistle policies")
        make_session(title="Quibblesome policies")
        response = search(client, "snorkelwhistel quibblesome")
        assert response.context["outcome"].suggestion.raw == "snorkelwhistle quibblesome"
        response = search(client, "snorkelwhistle quibblesome")
        assert response.context["outcome"].suggestion is None

    def test_a_word_of_someone_elses_private_note_is_never_suggested(
        self, client, ngo_staff, other_staff
    ):
        """Suggestions come from public records: nobody learns a word of a private note."""
        session = make_session(title="Budget talks")
        Annotation.objects.create(
            session=session, author=ngo_staff, body="Plumbaginous plans", visibility="private"
        )
        client.force_login(other_staff)
        response = search(client, "plumbaginus")
        assert response.context["outcome"].suggestion is None
        assert "Plumbaginous" not in page(response)


class TestSymbols:
    @pytest.fixture
    def resolution(self):
        return make_document(symbol="A/RES/901/176", kind="resolution", title="Test resolution")

    @pytest.mark.parametrize(
        "query",
        ["A/RES/901/176", "A/Res/901/176", "901/176", "resolution 901/176", "a/res/901/176."],
    )
    def test_any_written_form_finds_the_document(self, client, resolution, query):
        """Every written form of a symbol finds its document, first and exactly."""
        assert found(client, query, Kind.DOCUMENT)[0] == resolution

    def test_ccpcj_resolution_by_body_and_number(self, client):
        """ "CCPCJ 927/2" is the Commission's resolution 927/2."""
        document = make_document(symbol="CCPCJ/RES/927/2", kind="resolution")
        assert found(client, "CCPCJ 927/2", Kind.DOCUMENT) == [document]

    def test_a_symbol_never_matches_a_longer_one(self, client):
        """A/CONF.999/1 finds itself, not A/CONF.999/11."""
        first = make_document(symbol="A/CONF.999/1", kind="report")
        make_document(symbol="A/CONF.999/11", kind="report")
        assert found(client, "A/CONF.999/1", Kind.DOCUMENT) == [first]

    def test_words_and_a_symbol_find_the_document_and_the_sessions_citing_it(
        self, client, resolution
    ):
        """ "trafficking 901/176" lists the resolution and the trafficking sessions citing it,
        not those that do not cite it nor those citing it about something else."""
        citing = make_session(title="Trafficking and resolution follow-up")
        citing.documents.add(resolution)
        make_session(title="Trafficking elsewhere")
        other = make_session(title="Prison reform")
        other.documents.add(resolution)
        assert found(client, "trafficking 901/176", Kind.DOCUMENT) == [resolution]
        assert found(client, "trafficking 901/176", Kind.SESSION) == [citing]
        assert set(found(client, "901/176", Kind.SESSION)) == {citing, other}

    def test_says_plainly_when_no_record_citing_it_has_the_words(self, client, resolution):
        """When no record citing the symbol has the words, the page says so and still shows
        the document."""
        response = search(client, "snorkelwhistle 901/176")
        assert found(client, "snorkelwhistle 901/176", Kind.DOCUMENT) == [resolution]
        assert "No record citing A/RES/901/176 also mentions “snorkelwhistle”" in page(response)
        assert "Try fewer words" not in page(response)

    def test_unknown_symbol_says_so(self, client):
        """A symbol no document has is named in a message."""
        response = search(client, "A/RES/999/999")
        assert "No document in the knowledge base has the symbol A/RES/999/999" in page(response)


class TestRanking:
    def test_exact_name_first_then_phrase_in_title_then_notes(self, client):
        """A title that is the query comes first, then a title holding it as a phrase, then
        a title holding its words apart, then notes holding it."""
        mentions = make_session(title="Other business", notes="On blue whales today.")
        apart = make_session(title="Whales that are blue")
        phrase = make_session(title="Saving blue whales")
        exact = make_session(title="Blue whales")
        assert found(client, "blue whales", Kind.SESSION) == [exact, phrase, apart, mentions]

    @pytest.mark.parametrize("checked_first", [1, 20])
    def test_notes_holding_the_phrase_come_before_newer_notes_holding_the_words(
        self, client, monkeypatch, checked_first
    ):
        """Notes holding the query as a phrase rank above newer notes holding its words
        apart, however far down the newest matches the phrase first appears."""
        monkeypatch.setattr(engine, "PHRASE_CHECKED_FIRST", checked_first)
        phrase = make_session(notes="Grey herons nest here.", date="2030-01-01")
        apart = [
            make_session(notes="Herons, some grey.", date=f"2031-01-0{day}") for day in (1, 2, 3)
        ]
        assert found(client, "grey herons", Kind.SESSION) == [phrase, *reversed(apart)]

    def test_passages_holding_the_phrase_come_first_beside_sessions_holding_it(self, client):
        """The phrase is looked for in passages as in sessions (each in its own index): a
        passage holding it comes before an earlier one holding its words apart."""
        source = make_source()
        apart = make_passage(source, "Herons, some grey, nest here.")
        phrase = make_passage(source, "Grey herons nest here.")
        make_session(notes="Grey herons and herons, some grey.")
        assert found(client, "grey herons", Kind.PASSAGE) == [phrase, apart]
        assert found(client, "herons grey", Kind.PASSAGE) == [apart, phrase]

    def test_title_above_notes_and_newer_meetings_break_ties(self, client):
        """Within sessions, a title match beats a notes match; among equals, newer first."""
        old = make_session(title="Gribbleflax", date=datetime.date(2020, 1, 1))
        new = make_session(title="Gribbleflax", date=datetime.date(2030, 1, 1))
        notes = make_session(title="Elsewhere", notes="gribbleflax", date=datetime.date(2031, 1, 1))
        assert found(client, "gribbleflax", Kind.SESSION) == [new, old, notes]

    @pytest.mark.parametrize("query", ["wobblecraft", "Wobblecrafts"])
    def test_kind_with_the_exact_match_comes_first(self, client, query):
        """A theme named as the query (in any form) is listed above sessions merely
        mentioning it; passages come below exact record matches."""
        make_theme(name="Wobblecraft")
        make_session(title="Talks", notes="About wobblecraft.")
        make_passage(make_source(), "Wobblecraft")
        order = kinds_in_order(client, query)
        assert order.index(Kind.THEME) < order.index(Kind.SESSION)
        assert order.index(Kind.THEME) < order.index(Kind.PASSAGE)


class TestPresentation:
    def test_session_result_shows_meeting_and_date(self, client):
        """Each session result names its meeting and its date."""
        meeting = make_meeting(name="Meeting of the Flumph Council")
        make_session(meeting=meeting, title="Flumphs", date=datetime.date(2031, 3, 10))
        html = page(search(client, "flumphs"))
        assert "Meeting of the Flumph Council · 10 March 2031" in html

    def test_snippets_are_plain_text_with_the_words_marked(self, client):
        """Markdown and HTML in notes never reach the snippet; the words found are marked."""
        make_session(
            title="Talks",
            notes="**11:30 - to 12:20** <em>Gnarlwood</em> speakers [opened](https://x.test).",
        )
        html = page(search(client, "gnarlwood"))
        snippet = re.search(r'<span class="snippet">(.*?)</span>', html).group(1)
        assert "**" not in snippet
        assert "<em>" not in snippet and "](" not in snippet
        assert "11:30 - to 12:20 <mark>Gnarlwood</mark> speakers opened." in snippet

    def test_snippets_are_cut_between_words(self, client):
        """A long text is cut around the match, at spaces, with ellipses."""
        words = " ".join(f"word{number}" for number in range(80))
        make_session(title="Talks", notes=f"{words} Tarnwhistle {words}")
        html = page(search(client, "tarnwhistle"))
        snippet = re.search(r'<span class="snippet">(.*?)</span>', html).group(1)
        assert snippet.startswith("… word") and snippet.endswith(" …")
        assert all(re.fullmatch(r"word\d+|…|<mark>Tarnwhistle</mark>", w) for w in snippet.split())

    def test_passage_shows_its_label_and_a_marked_snippet(self, client):
        """A passage result names its source and paragraph and marks the words found."""
        source = make_source(title="Background on Crumbleton")
        make_passage(source, "States should fund Crumbleton shelters.", label="13")
        html = page(search(client, "crumbleton shelters"))
        assert "Background on Crumbleton, para. 13" in html
        assert "fund <mark>Crumbleton</mark> <mark>shelters</mark>." in html


class TestNarrowing:
    @pytest.fixture
    def programme(self):
        theme = make_theme(name="Test theme: snarks")
        early = make_meeting(name="Snark meeting 2025", start_date=datetime.date(2025, 1, 1))
        late = make_meeting(name="Snark meeting 2030", start_date=datetime.date(2030, 1, 1))
        return {
            "theme": theme,
            "early": early,
            "late": late,
            "early_session": make_session(
                meeting=early, title="Snark hunting", date=datetime.date(2025, 1, 2)
            ),
            "late_session": make_session(
                meeting=late, title="Snark counting", date=datetime.date(2030, 1, 2), tags=[theme]
            ),
            "speaker": make_speaker(name="Snark Speaker"),
        }

    def test_counts_per_kind_and_kind_filter(self, client, programme):
        """The page counts the results of each kind; choosing a kind lists only it, and the
        counts of the others stay, to switch back."""
        response = search(client, "snark", kind=Kind.SESSION)
        outcome = response.context["outcome"]
        counts = {kind: count for kind, _label, count in outcome.counts}
        assert counts[Kind.SESSION] == 2 and counts[Kind.MEETING] == 2
        assert counts[Kind.SPEAKER] == 1
        assert [group.kind for group in outcome.shown] == [Kind.SESSION]
        assert 'href="?q=snark&amp;kind=meeting"' in page(response)

    def test_meeting_theme_and_dates(self, client, programme):
        """A meeting, a theme and a date range each narrow the results, and combine."""
        p = programme
        assert found(client, "snark", Kind.SESSION, meeting=p["early"].slug) == [p["early_session"]]
        assert found(client, "snark", Kind.SESSION, theme=p["theme"].slug) == [p["late_session"]]
        assert found(client, "snark", Kind.SESSION, **{"from": "2029-01-01"}) == [p["late_session"]]
        assert found(client, "snark", Kind.SESSION, to="2026-01-01") == [p["early_session"]]
        assert found(
            client, "snark", Kind.MEETING, **{"from": "2029-01-01", "to": "2031-01-01"}
        ) == [p["late"]]

    def test_results_of_a_kind_page_through(self, client):
        """Twenty results a page; the next page continues; the preview links to all."""
        for number in range(23):
            make_session(title=f"Yarnspinner {number}", date=datetime.date(2000 + number, 1, 1))
        preview = search(client, "yarnspinner")
        assert 'href="?q=yarnspinner&amp;kind=session">All 23 sessions</a>' in page(preview)
        first = found(client, "yarnspinner", Kind.SESSION, kind=Kind.SESSION)
        second = found(client, "yarnspinner", Kind.SESSION, kind=Kind.SESSION, page=2)
        assert len(first) == 20 and len(second) == 3
        assert not set(first) & set(second)
        assert 'href="?q=yarnspinner&amp;kind=session&amp;page=2" rel="next"' in page(
            search(client, "yarnspinner", kind=Kind.SESSION)
        )

    @pytest.mark.parametrize(
        ("params", "status", "message"),
        [
            ({"kind": "unicorn"}, 400, "There is no kind of record called “unicorn”."),
            ({"meeting": "no-such"}, 400, "There is no meeting called “no-such”."),
            ({"theme": "no-such"}, 400, "There is no theme or tag called “no-such”."),
            ({"from": "17/05/2022"}, 400, "is not a date"),
            ({"page": "x"}, 400, "is not a page number"),
            ({"page": "9", "kind": "session"}, 404, "There is no page 9: pages run from 1 to 1."),
        ],
    )
    def test_bad_filters_are_explained(self, client, programme, params, status, message):
        """A filter naming nothing known is explained, never a server error."""
        response = client.get(SEARCH, {"q": "snark", **params})
        assert response.status_code == status
        assert message in page(response)


class TestAnnotations:
    @pytest.fixture
    def notes(self, ngo_staff, other_staff):
        session = make_session(title="Budget talks")
        return {
            "shared": Annotation.objects.create(
                session=session, author=other_staff, body="Shared grobnitz", visibility="shared"
            ),
            "own_private": Annotation.objects.create(
                session=session, author=ngo_staff, body="My grobnitz", visibility="private"
            ),
            "others_private": Annotation.objects.create(
                session=session, author=other_staff, body="Bruno's grobnitz", visibility="private"
            ),
        }

    def test_staff_find_shared_and_their_own(self, client, ngo_staff, notes):
        """Staff find shared annotations and their own private ones, never another's."""
        client.force_login(ngo_staff)
        assert set(found(client, "grobnitz", Kind.ANNOTATION)) == {
            notes["shared"],
            notes["own_private"],
        }
        assert "Bruno" not in page(search(client, "grobnitz"))

    @pytest.mark.parametrize("reader", ["anonymous", "no_group_user"])
    def test_visitors_find_none(self, request, client, notes, reader):
        """Visitors and accounts without a role find no annotation at all."""
        if reader != "anonymous":
            client.force_login(request.getfixturevalue(reader))
        assert search(client, "grobnitz").context["total"] == 0


class TestIndexStaysInStep:
    def test_edits_renames_links_and_deletes(self, client):
        """Saving, renaming, linking and deleting records shows in search at once."""
        session = make_session(title="Plain title")
        session.title = "Kerfufflement"
        session.save()
        assert found(client, "kerfufflement", Kind.SESSION) == [session]
        speaker = make_speaker(name="Old Name")
        add_speaker(session, speaker)
        speaker.name = "Zebulon Ackerfeld"
        speaker.save()
        assert found(client, "ackerfeld", Kind.SESSION) == [session]
        organisation = make_organisation(name="Snollygoster Trust")
        organisation.sessions.add(session)
        assert found(client, "snollygoster", Kind.SESSION) == [session]
        organisation.sessions.clear()
        assert found(client, "snollygoster", Kind.SESSION) == []
        tag = make_tag(name="Flibbertigibbet")
        session.tags.add(tag)
        assert found(client, "flibbertigibbet", Kind.SESSION) == [session]
        session.delete()
        assert found(client, "kerfufflement", Kind.SESSION) == []

    def test_note_takers_follow_the_sessions_they_noted(self, client):
        """Changing who took a session's notes, renaming their organisation or deleting a
        session shows in the note-takers found; the other note-takers stay as they were."""
        trust = make_organisation(name="Brindlewood Trust")
        first, second = (
            make_session(note_taker="José Quillby", note_taker_organisation=trust) for _ in range(2)
        )
        make_session(note_taker="Cyra Quillby")
        assert found(client, "quillby", Kind.NOTE_TAKER) == ["Cyra Quillby", "José Quillby"]
        assert "Took notes at 2 sessions" in page(search(client, "José Quillby"))

        second.note_taker = "Bea Quillby"
        second.save()
        assert found(client, "quillby", Kind.NOTE_TAKER) == [
            "Bea Quillby",
            "Cyra Quillby",
            "José Quillby",
        ]
        assert "Took notes at 1 session" in page(search(client, "José Quillby"))
        # Written without the accent, the same person.
        second.note_taker = "Jose Quillby"
        second.save()
        assert found(client, "quillby", Kind.NOTE_TAKER) == ["Cyra Quillby", "José Quillby"]

        trust.name = "Wombatry Trust"
        trust.save()
        assert found(client, "wombatry", Kind.NOTE_TAKER) == ["José Quillby"]
        first.delete()
        second.delete()
        assert found(client, "quillby", Kind.NOTE_TAKER) == ["Cyra Quillby"]

    def test_records_shown_elsewhere_reindex_those_only_when_what_they_show_changes(self, client):
        """A theme's description is not shown on its sessions' entries: editing it leaves them
        as they are; renaming it rewrites them, so the sessions are found by the new name."""
        tag = make_tag(name="Flibbertigibbet")
        session = make_session(tags=[tag])
        entry = SearchEntry.objects.get(kind=Kind.SESSION, object_id=session.pk)
        tag.description = "Described at last."
        tag.save()
        assert SearchEntry.objects.get(kind=Kind.SESSION, object_id=session.pk).pk == entry.pk
        assert found(client, "described", Kind.THEME) == [tag]
        tag.name = "Gobbledegook"
        tag.save()
        assert SearchEntry.objects.get(kind=Kind.SESSION, object_id=session.pk).pk != entry.pk
        assert found(client, "gobbledegook", Kind.SESSION) == [session]
        assert found(client, "flibbertigibbet", Kind.SESSION) == []

    def test_other_kinds_and_symbols_follow_edits_and_deletes(self, client):
        """The other kinds and the symbols cited are found by what they hold now, whether the
        entry is saved again or written in place."""
        organisation = make_organisation(name="Snollygoster Trust")
        organisation.name = "Gobbledygook Trust"
        organisation.save()
        assert found(client, "gobbledygook", Kind.ORGANISATION) == [organisation]
        assert found(client, "snollygoster", Kind.ORGANISATION) == []
        document = make_document(symbol="A/RES/902/5", kind="resolution")
        session = make_session(title="Wobblegong review")
        session.documents.add(document)
        assert found(client, "wobblegong A/RES/902/5", Kind.SESSION) == [session]
        entries = SearchEntry.objects.filter(kind=Kind.ORGANISATION, object_id=organisation.pk)
        entries.update(name="Hullabaloo Trust", aliases="")
        assert found(client, "hullabaloo", Kind.ORGANISATION) == [organisation]
        assert found(client, "gobbledygook", Kind.ORGANISATION) == []
        SearchEntry.objects.filter(kind=Kind.SESSION, object_id=session.pk).update(symbols="")
        assert found(client, "wobblegong A/RES/902/5", Kind.SESSION) == []
        organisation.delete()
        assert found(client, "hullabaloo", Kind.ORGANISATION) == []

    def test_rebuild_command_indexes_everything(self, client):
        """rebuild_search_index indexes records written in bulk, which send no signals."""
        meeting = make_meeting()
        Session.objects.bulk_create(
            [Session(meeting=meeting, slug="test-bulk", title="Bulkwritten", kind="panel")]
        )
        assert found(client, "bulkwritten", Kind.SESSION) == []
        call_command("rebuild_search_index", verbosity=0)
        assert [s.slug for s in found(client, "bulkwritten", Kind.SESSION)] == ["test-bulk"]


# The most queries each search may run, with ten times the shipped data; the same without it.
# The candidates of each search (the newest matching sessions, the newest matching speakers,
# the other kinds' matches) are read in three queries before the ranking one, and where the
# newest sessions and speakers start in two more (hourly).
SEARCH_QUERY_LIMITS = {
    "femicide": 14,
    "trafficking 70/176": 14,
    "A/CONF.234/1": 14,
    "Nabanita Shome": 14,
    "trafficing": 22,
}


def test_search_page_stays_constant_query_with_ten_times_the_data(
    client, scaled_kb, django_assert_max_num_queries
):
    """Guards against N+1 queries: with ten times the shipped data, each search runs a fixed
    number of queries, whatever kinds it lists (a misspelt one a few more, to correct it)."""
    for query, limit in SEARCH_QUERY_LIMITS.items():
        with django_assert_max_num_queries(limit):
            response = client.get(SEARCH, {"q": query})
        assert response.status_code == 200
        assert response.context["total"] > 0, query


class TestShippedExamples:
    """The searches delegates reported finding nothing, on the shipped knowledge base."""

    def test_kyoto_finds_the_fourteenth_congress(self, client):
        assert found(client, "Kyoto", Kind.MEETING)[0].slug == "crime-congress-14"
        assert kinds_in_order(client, "Kyoto")[0] == Kind.MEETING

    def test_31st_session_finds_the_commissions_session(self, client):
        assert found(client, "31st session", Kind.MEETING)[0].slug == "ccpcj-31"
        assert found(client, "thirty-first session", Kind.MEETING)[0].slug == "ccpcj-31"

    def test_note_takers_name(self, client):
        assert found(client, "Nabanita Shome", Kind.NOTE_TAKER) == ["Nabanita Shome"]
        noted = Session.objects.filter(note_taker="Nabanita Shome")
        assert set(found(client, '"Nabanita Shome"', Kind.SESSION, kind=Kind.SESSION)) == set(noted)

    def test_dimitrijevic_with_its_accent(self, client):
        speakers = found(client, "Dimitrijević", Kind.SPEAKER)
        assert [s.slug for s in speakers] == ["lara-dimitrijevic"]

    def test_femicides_finds_the_femicide_session(self, client):
        sessions = found(client, "femicides", Kind.SESSION)
        assert sessions[0].slug == "ccpcj-31-femicide"

    def test_trafficing_is_corrected(self, client):
        response = search(client, "trafficing")
        assert response.context["outcome"].suggestion.raw == "trafficking"
        assert response.context["total"] > 0

    def test_trafficking_70_176(self, client):
        response = search(client, "trafficking 70/176")
        documents = found(client, "trafficking 70/176", Kind.DOCUMENT)
        assert documents[0].normalized_symbol == "A/RES/70/176"
        assert "Try fewer words" not in page(response)

    def test_a_conf_234_1_is_not_a_conf_234_11(self, client):
        documents = found(client, "A/CONF.234/1", Kind.DOCUMENT)
        assert [d.normalized_symbol for d in documents] == ["A/CONF.234/1"]

    def test_title_phrase_ranks_first(self, client):
        sessions = found(client, "restorative justice", Kind.SESSION)
        assert sessions[0].slug == "ccpcj-31-restorative-justice"


@pytest.mark.parametrize(
    ("query", "source", "label"),
    [
        ("USD 3.5 million 60 NGOs", "unodc-violence-against-women", ""),
        ("Law No. 1173", "fourteenth-congress-working-paper", "12"),
        ("article 393", "fourteenth-congress-working-paper", "12"),
        ('"one in three women"', "fourteenth-congress-working-paper", "7"),
        ("killed by her partner", "fourteenth-congress-working-paper", "7"),
        ("questions to consider", "ccpcj-background-guide", ""),
    ],
)
def test_the_figures_and_laws_in_the_sources_are_found_as_passages(client, query, source, label):
    """Each fact delegates looked for leads to the paragraph that states it."""
    passages = found(client, query, Kind.PASSAGE)
    assert any(p.source.slug == source and (not label or p.label == label) for p in passages), (
        passages
    )
