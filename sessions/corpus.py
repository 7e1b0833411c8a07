"""A synthetic knowledge base, many times the shipped one, to measure the site at scale.

``generate_corpus(sessions=N, seed=S)`` adds N sessions to the database, grouped into meetings
of a few days with time slots, with speakers, organisations, countries, themes and staff tags
(a few used very often, most rarely, as in the real notes), cited resolutions, and a citation of
a source document's paragraph each. Notes are the length of the shipped ones and made of their
sentences (and of the source documents'), so searches hit as often as on real notes. The same
seed gives the same corpus.

Every record it creates has a slug starting ``gen-``: that is how it tells its own data from
anyone else's. Rows are written in bulk (PostgreSQL's COPY, SQLite's executemany) with the search
index entries the site would compute for them, in one transaction.
"""

import datetime
import itertools
import json
import queue
import random
import re
import threading
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from ccpcj_kb.pagecache import bulk_writes
from topics.models import (
    Citation,
    Country,
    Document,
    Organisation,
    Passage,
    SourceDocument,
    Tag,
    TaggedItem,
)
from topics.search import indexing
from topics.search.language import index_text
from topics.search.models import SearchEntry, SearchWord
from topics.symbols import try_normalize_symbol

from .markdown import render_markdown
from .models import Appearance, Meeting, Session, Speaker

PREFIX = "gen-"
# Records whose slug tells generated ones from the rest.
MARKED_MODELS = [Meeting, Session, Speaker, Organisation, Document, Country, SourceDocument]
SESSIONS_PER_CHUNK = 5_000
PASSAGES_PER_SOURCE = 20
# Distinct sentences and titles notes are made of: enough that a word's frequency is realistic
# in a large corpus, few enough that a small one is made in a moment.
MOST_SENTENCES, SENTENCES_PER_SESSION = 20_000, 10
MOST_TITLES = 5_000
FIRST_YEAR = 1992

FIRST_NAMES = """Amina Bruno Chen Dana Elena Farid Grace Hiro Ines Jonas Kemal Lara Mateo Nadia
    Omar Priya Quentin Rosa Samir Tamar Umar Valeria Wei Ximena Yusuf Zara Aditi Bilal Carmen Dmitri
    Esther Fatima Gustavo Hana Ivan Julia Kwame Leila Marco Nkechi Olga Pablo Rania Sergei
    Thandiwe Uchenna Vera Walid Yara Zoran Akua Bao Chiara Diego Eun-ji Femi Giulia Hamid
    Ingrid Jamal Keiko Luis Mei Nour Oscar Paola Rashid Sofia Tariq Ulla Viktor Wanjiru Xin
    Yasmin Zeynep""".split()  # noqa: SIM905
SURNAMES = """Abebe Bianchi Castro Dimitrijevic Eriksen Fernandes Garcia Haddad Ivanova Jensen Kato
    Lindqvist Majumder Nakamura Okafor Petrov Quispe Rahman Silva Tanaka Usman Vargas Wojcik
    Xu Yilmaz Zhou Adeyemi Banerjee Cohen Diallo Estrada Fischer Gomez Hussain Ibrahim
    Jovanovic Kowalski Lopez Mensah Novak Ortiz Popescu Rossi Santos Torres Ueda Varga Weber
    Yamamoto Zulu Andersen Bakker Chowdhury Dubois Eze Farouk Gupta Horvath Iqbal Juarez Kim
    Larsen Moreau Nguyen Osei Park Quinn Reyes Schmidt Tran Umeh Vasquez Wang Yadav
    Zeller""".split()  # noqa: SIM905
HONORIFICS = ["", "", "", "Ms", "Mr", "Dr", "H.E.", "Justice", "Prof."]
FUNCTIONS = [
    "",
    "Ambassador",
    "Programme officer",
    "Director",
    "Legal adviser",
    "Chief of section",
    "Researcher",
    "Prosecutor",
    "Judge",
    "Police commissioner",
    "Executive director",
    "Head of delegation",
]
COUNTRIES = [
    name.strip()
    for name in """Argentina, Australia, Austria, Bangladesh, Brazil, Cameroon, Canada, Chile,
    China, Colombia,
    Costa Rica, Egypt, Ethiopia, Finland, France, Germany, Ghana, Greece, India, Indonesia,
    Iran, Italy, Japan, Jordan, Kenya, Lebanon, Malta, Mexico, Morocco, Nepal, Netherlands,
    New Zealand, Nigeria, Norway, Pakistan, Peru, Philippines, Poland, Portugal, Qatar,
    Republic of Korea, Romania, Russian Federation, Saudi Arabia, Senegal, Serbia, Singapore,
    South Africa, Spain, Sri Lanka, Sweden, Switzerland, Thailand, Tunisia, Turkey, Uganda,
    Ukraine, United Kingdom, United States, Uruguay, Viet Nam, Zambia, Zimbabwe""".split(",")  # noqa: SIM905
]
BODIES = [
    ("commission-session", "Commission on Crime Prevention and Criminal Justice", "CCPCJ"),
    ("commission-session", "Commission on Narcotic Drugs", "CND"),
    ("congress", "United Nations Congress on Crime Prevention and Criminal Justice", "Congress"),
    ("working-group-session", "Working Group on Trafficking in Persons", "WG-TIP"),
    ("constructive-dialogue", "Constructive dialogue on trafficking in persons", "Dialogue"),
    ("other", "Expert group meeting on violence against women", "EGM"),
]
CITIES = [
    ("Vienna", "Vienna International Centre"),
    ("Kyoto", "Kyoto International Conference Center"),
    ("New York", "United Nations Headquarters"),
    ("Geneva", "Palais des Nations"),
    ("Doha", "Qatar National Convention Centre"),
    ("Bangkok", "United Nations Conference Centre"),
]
ORGANISATION_PATTERNS = [
    ("ngo", "{place} Foundation for {cause}"),
    ("ngo", "Centre for {cause} in {place}"),
    ("ngo", "{place} Coalition against {cause}"),
    ("academia", "{place} Institute of {cause} Studies"),
    ("government", "Ministry of Justice of {place}"),
    ("government", "{place} National Police"),
    ("intergovernmental", "{place} Regional Office on {cause}"),
    ("court", "Supreme Court of {place}"),
]
SESSION_KINDS = (
    ["side-event"] * 12 + ["plenary"] * 3 + ["panel"] * 3 + ["agenda-item", "dialogue", "other"]
)
SLOTS = [
    ("09:00", "10:00"),
    ("10:00", "11:00"),
    ("11:10", "12:00"),
    ("12:10", "13:00"),
    ("13:10", "14:00"),
    ("14:10", "15:00"),
    ("15:00", "16:00"),
    ("16:10", "17:00"),
    ("17:10", "18:00"),
]
TITLE_FORMS = [
    "{a}",
    "{a} and {b}",
    "Side event: {a}",
    "Ending {a}: the role of {b}",
    "{a}: lessons from {place}",
    "Panel on {a} and {b}",
    "Access to justice and {a}",
    "Preventing {a} in {place}",
]
# Letters, digits and plain punctuation only: each sentence renders as plain Markdown text.
PLAIN_SENTENCE = re.compile(r"^[A-Z][A-Za-z0-9 ,.;:'()/%\u2019\u2013-]{30,400}[.]$")


class CorpusRefused(Exception):
    """The database holds records this generator did not make."""


def foreign_records() -> list[str]:
    """What the database holds that was not generated, as "12 sessions" phrases."""
    found = []
    for model in MARKED_MODELS:
        count = model.objects.filter(~Q(slug__startswith=PREFIX)).count()
        if count:
            found.append(f"{count} {model._meta.verbose_name_plural}")
    return found


def zipf_weights(count: int, exponent: float = 1.0) -> list[float]:
    """Cumulative weights making the first of ``count`` choices the most frequent by far."""
    return list(itertools.accumulate(1 / (rank + 1) ** exponent for rank in range(count)))


@dataclass(eq=False)
class Sentence:
    html: str
    text: str
    indexed: str
    vocabulary: frozenset[str]
    symbols: tuple[str, ...]


@dataclass
class Material:
    """What the corpus is made from: the shipped fixtures' sentences, titles and themes."""

    sentences: list[str]
    titles: list[str]
    themes: list[dict]

    @classmethod
    def from_fixtures(cls, directory: Path) -> "Material":
        sentences, titles = [], []
        for path in sorted(directory.glob("*.json")):
            data = json.loads(path.read_text())
            texts = [s.get("notes", "") for s in data.get("sessions", [])]
            texts += [p["text"] for p in data.get("passages", [])]
            titles += [s["title"] for s in data.get("sessions", [])]
            for text in texts:
                for sentence in re.split(r"(?<=[.])\s+", " ".join(text.split())):
                    if PLAIN_SENTENCE.match(sentence):
                        sentences.append(sentence)
        themes_file = directory / "themes.json"
        themes = json.loads(themes_file.read_text())["themes"] if themes_file.exists() else []
        return cls(sorted(set(sentences)), titles, themes)


@dataclass
class Table:
    """A table written in bulk: the columns each row gives (fields, then ``unmodelled``
    columns), then every other column's default (so a field added to the model later needs
    nothing here)."""

    model: type[models.Model]
    given: list[str]
    unmodelled: list[str] = field(default_factory=list)
    rows: list[tuple] = field(default_factory=list)

    def __post_init__(self):
        fields = self.model._meta.concrete_fields
        by_attname = {f.attname: f for f in fields}
        self.columns = [by_attname[name].column for name in self.given] + self.unmodelled
        rest = [f for f in fields if f.attname not in self.given and not f.primary_key]
        self.columns += [f.column for f in rest]
        self.defaults = tuple(f.get_db_prep_save(_default(f), connection) for f in rest)


def _default(model_field: models.Field):
    """What a row holds in a column it does not give: the time it is written, for a column
    that records when (``auto_now``), else the field's default."""
    if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
        return timezone.now()
    return model_field.get_default()


class Writer:
    """Rows into tables, in the current transaction: COPY on PostgreSQL, executemany on SQLite.

    On PostgreSQL a thread sends the rows while the next ones are made, so the database (which
    computes the full-text vectors) and Python work at once; nothing else may use the connection
    until ``wait()``."""

    def __init__(self):
        self.written: Counter = Counter()
        self.failure: BaseException | None = None
        self.queue: queue.Queue | None = None
        if connection.vendor == "postgresql":
            # Django's connection belongs to this thread: the sender uses the driver's own.
            connection.ensure_connection()
            self.raw = connection.connection
            self.queue = queue.Queue(maxsize=2)
            self.thread = threading.Thread(target=self.send_queued, daemon=True)
            self.thread.start()

    def write(self, table: Table) -> None:
        if not table.rows:
            return
        name = connection.ops.quote_name(table.model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(column) for column in table.columns)
        rows, defaults = table.rows, table.defaults
        self.written[table.model._meta.verbose_name_plural] += len(rows)
        table.rows = []
        if self.queue is not None:
            self.raise_failure()
            self.queue.put((f"COPY {name} ({columns}) FROM STDIN", rows, defaults))
            return
        marks = ", ".join("?" * (len(rows[0]) + len(defaults)))
        with connection.cursor() as cursor:
            cursor.cursor.executemany(
                f"INSERT INTO {name} ({columns}) VALUES ({marks})",
                (row + defaults for row in rows),
            )

    def send_queued(self) -> None:
        while (job := self.queue.get()) is not None:
            statement, rows, defaults = job
            try:
                if self.failure is None:
                    with self.raw.cursor() as cursor, cursor.copy(statement) as copy:
                        for row in rows:
                            copy.write_row(row + defaults)
            except BaseException as error:  # raised in the main thread by wait()
                self.failure = error
            finally:
                self.queue.task_done()
        self.queue.task_done()

    def wait(self) -> None:
        """Every row queued so far is written (or its error raised here)."""
        if self.queue is not None:
            self.queue.join()
        self.raise_failure()

    def close(self) -> None:
        if self.queue is not None:
            self.queue.put(None)
            self.thread.join()
            self.queue = None
        self.raise_failure()

    def raise_failure(self) -> None:
        if self.failure is not None:
            raise self.failure


class Ids:
    """The next free primary key of each model, handed out in order."""

    def __init__(self):
        self.next: dict[type, int] = {}

    def take(self, model: type[models.Model], count: int = 1) -> int:
        if model not in self.next:
            highest = model._base_manager.aggregate(highest=models.Max("pk"))["highest"]
            self.next[model] = (highest or 0) + 1
        first = self.next[model]
        self.next[model] += count
        return first


class Vectors:
    """Session entries' tsvectors, worked out here as PostgreSQL's trigger would compute them
    (topics migration 0013), so the database only reads them: computing a note's vector is most
    of the cost of writing it. The words of each distinct piece of text (a sentence, a title, a
    name) are read from PostgreSQL once, with how many positions the piece takes; an entry's
    vector is its pieces' words, each moved on by the positions before it, and each column's
    by the highest position of the columns before it, as ``||`` does. An entry with a piece not
    read beforehand, or too long for the exact rules of long vectors, is left to the trigger."""

    # A word no text holds: its position tells how many positions the text before it takes.
    END = "zqxfragmentend"
    ENTRY = re.compile(r"('(?:[^']|'')*'):([0-9,]+)")
    # Beyond these, PostgreSQL drops or clamps positions (MAXNUMPOS, MAXENTRYPOS).
    MOST_POSITIONS, HIGHEST_POSITION = 255, 16_000

    def __init__(self):
        # A piece's words ("'lexeme'") and their positions, how many positions it takes, its
        # highest position, and how often its most repeated word occurs.
        self.pieces: dict[str, tuple[tuple[str, ...], tuple[int, ...], int, int, int]] = {}
        # For each weight, each piece's words as a %-template ("'a':%dC 'b':%dC"), its
        # positions filled in at once: formatting word by word took most of the time.
        self.templates: dict[str, dict[str, str]] = {weight: {} for weight in "ABCD"}

    def read(self, texts) -> None:
        texts = sorted(set(texts) - self.pieces.keys())
        with connection.cursor() as cursor:
            for first in range(0, len(texts), 5_000):
                cursor.execute(
                    "SELECT text, to_tsvector('kb_english', text || ' ' || %s)::text "
                    "FROM unnest(%s::text[]) AS text",
                    [self.END, texts[first : first + 5_000]],
                )
                for text, vector in cursor.fetchall():
                    lexemes, positions, length, repeated = [], [], 0, 0
                    for lexeme, places in self.ENTRY.findall(vector):
                        if lexeme == f"'{self.END}'":
                            length = int(places) - 1
                            continue
                        places = [int(place) for place in places.split(",")]
                        lexemes += [lexeme] * len(places)
                        positions += places
                        repeated = max(repeated, len(places))
                    self.pieces[text] = (
                        tuple(lexemes),
                        tuple(positions),
                        length,
                        max(positions, default=0),
                        repeated,
                    )

    def template(self, piece: str, weight: str) -> str:
        lexemes = self.pieces[piece][0]
        template = " ".join(f"{lexeme.replace('%', '%%')}:%d{weight}" for lexeme in lexemes)
        self.templates[weight][piece] = template
        return template

    def vector(self, columns: list[tuple[str, list[str]]]) -> str | None:
        """The vector of an entry whose columns, each with its weight, are made of pieces
        joined by spaces; None where the trigger must compute it."""
        fragments, highest, repeated = [], 0, 0
        for weight, pieces in columns:
            offset = column_highest = highest
            templates = self.templates[weight]
            for piece in pieces:
                known = self.pieces.get(piece)
                if known is None:
                    return None
                lexemes, positions, length, piece_highest, piece_repeated = known
                if piece_highest + offset > self.HIGHEST_POSITION:
                    return None
                if lexemes:
                    template = templates.get(piece) or self.template(piece, weight)
                    fragments.append(template % tuple(map(offset.__add__, positions)))
                    column_highest = max(column_highest, piece_highest + offset)
                    repeated += piece_repeated
                offset += length
            highest = column_highest
        # A bound on any word's positions: a word's count in a piece is at most the piece's most.
        if repeated > self.MOST_POSITIONS:
            return None
        return " ".join(fragments)


def by_name(record) -> str:
    return record.name


def _date(value):
    return connection.ops.adapt_datefield_value(value)


def _time(value: str):
    return connection.ops.adapt_timefield_value(datetime.time.fromisoformat(value))


class Generator:
    def __init__(self, *, sessions: int, seed: int, material: Material):
        self.total = sessions
        self.rng = random.Random(seed)
        self.material = material
        self.ids = Ids()
        self.writer = Writer()
        # On PostgreSQL, session entries are written with their vectors (see Vectors).
        self.vectors = Vectors() if connection.vendor == "postgresql" else None
        self.entries = Table(
            SearchEntry, ["id", *SEARCH_COLUMNS], ["document"] if self.vectors else []
        )
        self.words: Counter = Counter()
        # Sentences, titles and names sessions were made of, and how often: their words are
        # counted once at the end.
        self.word_sources: Counter = Counter()
        self.names: dict[str, str] = {}
        self.now = connection.ops.adapt_datetimefield_value(timezone.now())

    # Sizes grow with the corpus as they would: more meetings, speakers, organisations.
    def size(self, per_session: float, minimum: int) -> int:
        return max(minimum, round(self.total * per_session))

    def run(self, progress: Callable[[int], None]) -> Counter:
        try:
            self.prepare_sentences()
            self.make_countries()
            self.make_organisations()
            self.make_documents()
            self.make_sources()
            self.make_themes()
            self.make_speakers()
            self.make_meetings()
            self.flush_entries()
            self.read_vector_pieces()
            made = 0
            while made < self.total:
                chunk = min(SESSIONS_PER_CHUNK, self.total - made)
                self.make_sessions(made, chunk)
                made += chunk
                progress(chunk)
            self.flush_entries()
            self.writer.wait()
            self.make_note_takers()
            self.flush_entries()
        finally:
            self.writer.close()
        self.write_words()
        return self.writer.written

    @staticmethod
    def vocabulary_of(text: str) -> set[str]:
        return indexing._entry(Kind.SESSION, None, title=text).vocabulary

    def indexed_name(self, name: str) -> str:
        if name not in self.names:
            self.names[name] = index_text(name)
        return self.names[name]

    def entry(self, entry: SearchEntry) -> None:
        if entry.kind not in indexing.PRIVATE_KINDS:
            self.words.update(entry.vocabulary)
        values = [getattr(entry, name) for name in SEARCH_COLUMNS]
        values[-1] = _date(entry.date)
        if self.vectors:
            values.append(None)  # computed by the trigger
        self.entries.rows.append((self.ids.take(SearchEntry), *values))
        if len(self.entries.rows) >= 10_000:
            self.flush_entries()

    def flush_entries(self) -> None:
        self.writer.write(self.entries)

    def read_vector_pieces(self) -> None:
        """The words of every sentence, title and name sessions are made of (see Vectors)."""
        if not self.vectors:
            return
        self.writer.wait()  # the connection is free
        names = [
            *(str(speaker) for speaker in self.speakers),
            *indexing._names(*self.organisations),
            *(country.name for country in self.countries),
            *(tag.name for tag in self.tags),
            *(name for name, _organisation in self.note_takers),
        ]
        self.vectors.read(
            [
                *(sentence.indexed for sentence in self.sentences),
                *(title_index for _text, _slug, title_index, _keys in self.title_pool()),
                *(self.indexed_name(name) for name in names),
            ]
        )

    def prepare_sentences(self) -> None:
        """A pool of sentences (the shipped ones, and new ones mixing their halves), each with
        its HTML, index form, words and symbols worked out once."""
        shipped = self.material.sentences
        pool = list(shipped)
        wanted = min(MOST_SENTENCES, self.total * SENTENCES_PER_SESSION)
        while len(pool) < wanted:
            first, second = self.rng.sample(shipped, 2)
            head = first.split(" ")[: max(3, len(first.split(" ")) // 2)]
            tail = second.split(" ")[len(second.split(" ")) // 2 :]
            pool.append(" ".join(head + tail))
        self.sentences = []
        for text in pool:
            probe = indexing._entry(Kind.SESSION, None, title="", body=text)
            rendered = render_markdown(text).strip()
            self.sentences.append(
                Sentence(
                    html=rendered.removeprefix("<p>").removesuffix("</p>"),
                    text=text,
                    indexed=probe.body,
                    vocabulary=frozenset(probe.vocabulary),
                    symbols=tuple(s for s in probe.symbols.split("|") if s),
                )
            )
        self.sentence_weights = zipf_weights(len(self.sentences), 0.6)

    def make_countries(self) -> None:
        table = Table(Country, ["id", "slug", "name"])
        existing = Country.objects.filter(slug__startswith=PREFIX).in_bulk(field_name="slug")
        self.countries = []
        for name in COUNTRIES:
            slug = f"{PREFIX}{slugify(name)}"
            country = existing.get(slug)
            if country is None:
                country = Country(pk=self.ids.take(Country), slug=slug, name=name)
                table.rows.append((country.pk, country.slug, country.name))
                self.entry(indexing._country(country))
            self.countries.append(country)
        self.writer.write(table)
        self.country_weights = zipf_weights(len(self.countries), 0.8)

    def make_organisations(self) -> None:
        table = Table(Organisation, ["id", "slug", "name", "acronym", "kind", "country_id"])
        causes = [theme["name"] for theme in self.material.themes] or ["Justice"]
        self.organisations = []
        for number in range(self.size(1 / 40, 15)):
            kind, pattern = self.rng.choice(ORGANISATION_PATTERNS)
            country = self.rng.choice(self.countries)
            name = pattern.format(place=country.name, cause=self.rng.choice(causes))
            name = f"{name} {number + 1}" if number >= len(ORGANISATION_PATTERNS) * 10 else name
            acronym = "".join(word[0] for word in name.split() if word[0].isupper())[:10]
            pk = self.ids.take(Organisation)
            organisation = Organisation(
                pk=pk,
                slug=f"{PREFIX}o{pk}-{slugify(name)[:60]}",
                name=name,
                acronym=acronym,
                kind=kind,
                country=country,
            )
            self.organisations.append(organisation)
            table.rows.append((organisation.pk, organisation.slug, name, acronym, kind, country.pk))
            self.entry(indexing._organisation(organisation))
        self.writer.write(table)
        self.organisation_weights = zipf_weights(len(self.organisations))

    def make_documents(self) -> None:
        table = Table(
            Document, ["id", "slug", "symbol", "normalized_symbol", "kind", "year", "title"]
        )
        self.documents = []
        causes = [theme["name"].lower() for theme in self.material.themes] or ["justice"]
        # Numbered on from an earlier run's, so each symbol stays one document's.
        made_before = Document.objects.filter(slug__startswith=PREFIX).count()
        for number in range(made_before, made_before + self.size(1 / 100, 20)):
            year = FIRST_YEAR + number % 34
            symbol = f"A/RES/{year - 1945}/{1000 + number}"
            title = f"Resolution on {self.rng.choice(causes)} ({year})"
            document = Document(
                pk=self.ids.take(Document),
                slug=f"{PREFIX}{slugify(symbol)}",
                symbol=symbol,
                normalized_symbol=try_normalize_symbol(symbol),
                kind="resolution",
                year=year,
                title=title,
            )
            self.documents.append(document)
            table.rows.append(
                (
                    document.pk,
                    document.slug,
                    symbol,
                    document.normalized_symbol,
                    "resolution",
                    year,
                    title,
                )
            )
            self.entry(
                indexing._entry(
                    Kind.DOCUMENT,
                    document.pk,
                    title=str(document),
                    name=title,
                    aliases=[symbol, "Resolution"],
                    keys=[title],
                    symbols=[document.normalized_symbol],
                    date=datetime.date(year, 1, 1),
                )
            )
        self.writer.write(table)
        self.document_weights = zipf_weights(len(self.documents))

    def make_sources(self) -> None:
        sources = Table(SourceDocument, ["id", "slug", "file_name", "title", "kind", "date"])
        passages = Table(
            Passage, ["id", "source_id", "position", "anchor", "label", "kind", "text"]
        )
        self.passages = []  # (passage id, source id, label)
        for number in range(self.size(1 / 1000, 3)):
            source_id = self.ids.take(SourceDocument)
            date = datetime.date(FIRST_YEAR + number % 34, 5, 1)
            title = f"Observer's notes, series {source_id}"
            sources.rows.append(
                (
                    source_id,
                    f"{PREFIX}source-{source_id}",
                    f"{PREFIX}source-{source_id}.txt",
                    title,
                    "observer-notes",
                    _date(date),
                )
            )
            for position in range(PASSAGES_PER_SOURCE):
                passage_id = self.ids.take(Passage)
                sentence = self.rng.choice(self.sentences)
                label = str(position + 1)
                passages.rows.append(
                    (
                        passage_id,
                        source_id,
                        position,
                        f"para-{label}",
                        label,
                        "paragraph",
                        sentence.text,
                    )
                )
                self.passages.append((passage_id, source_id, label))
                self.entry(
                    indexing._entry(
                        Kind.PASSAGE,
                        passage_id,
                        title=f"{title}, {label}",
                        aliases=[label],
                        body=sentence.text,
                        date=date,
                    )
                )
        self.writer.write(sources)
        self.writer.write(passages)

    def make_themes(self) -> None:
        """The curated themes (the shipped ones, reused when loaded) and staff tags."""
        table = Table(Tag, ["id", "name", "slug", "is_theme", "description"])
        existing = {tag.name.casefold(): tag for tag in Tag.objects.all()}
        self.tags = []
        wanted = [(t["name"], t.get("description", ""), True) for t in self.material.themes]
        words = sorted(
            {w for s in self.material.sentences for w in s.split() if w.isalpha() and len(w) > 6}
        )
        for number in range(max(10, min(500, self.total // 200))):
            wanted.append((f"Follow-up: {self.rng.choice(words).lower()} {number + 1}", "", False))
        for name, description, is_theme in wanted:
            tag = existing.get(name.casefold())
            if tag is None:
                tag = Tag(
                    pk=self.ids.take(Tag),
                    name=name,
                    slug=f"{PREFIX}{slugify(name)}",
                    is_theme=is_theme,
                    description=description,
                )
                table.rows.append((tag.pk, name, tag.slug, is_theme, description))
                self.entry(indexing._theme(tag))
            self.tags.append(tag)
        self.writer.write(table)
        self.tag_weights = zipf_weights(len(self.tags), 1.2)

    def make_speakers(self) -> None:
        table = Table(
            Speaker,
            ["id", "slug", "name", "honorific", "function", "organisation_id", "country_id"],
        )
        self.speakers = []
        for _ in range(self.size(1 / 3, 20)):
            name = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(SURNAMES)}"
            organisation = self.pick(self.organisations, self.organisation_weights)
            pk = self.ids.take(Speaker)
            speaker = Speaker(
                pk=pk,
                slug=f"{PREFIX}p{pk}-{slugify(name)}",
                name=name,
                honorific=self.rng.choice(HONORIFICS),
                function=self.rng.choice(FUNCTIONS),
                organisation=organisation,
                country=organisation.country,
            )
            self.speakers.append(speaker)
            table.rows.append(
                (
                    speaker.pk,
                    speaker.slug,
                    name,
                    speaker.honorific,
                    speaker.function,
                    organisation.pk,
                    organisation.country.pk,
                )
            )
            self.entry(indexing._speaker(speaker))
        self.writer.write(table)
        self.speaker_weights = zipf_weights(len(self.speakers), 0.7)
        self.note_takers = [
            (
                f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(SURNAMES)}",
                self.pick(self.organisations, self.organisation_weights),
            )
            for _ in range(self.size(1 / 500, 5))
        ]

    def make_meetings(self) -> None:
        """Meetings of about 60 sessions over two to five days, one body's a year apart."""
        table = Table(
            Meeting,
            [
                "id",
                "slug",
                "name",
                "kind",
                "number",
                "city",
                "venue",
                "country_id",
                "start_date",
                "end_date",
            ],
        )
        self.meetings = []  # (id, name, days)
        count = self.size(1 / 60, 1)
        for number in range(count):
            kind, body, short = BODIES[number % len(BODIES)]
            ordinal = number // len(BODIES) + 1
            start = datetime.date(FIRST_YEAR, 4, 1) + datetime.timedelta(
                days=round(number * 365 * 34 / count)
            )
            days = [start + datetime.timedelta(days=d) for d in range(self.rng.randint(2, 5))]
            city, venue = self.rng.choice(CITIES)
            country = self.rng.choice(self.countries)
            name = f"{indexing.ordinals(ordinal)[0]} session of the {body}"
            meeting_id = self.ids.take(Meeting)
            slug = f"{PREFIX}m{meeting_id}-{slugify(short)}-{ordinal}"
            table.rows.append(
                (
                    meeting_id,
                    slug,
                    name,
                    kind,
                    ordinal,
                    city,
                    venue,
                    country.pk,
                    _date(days[0]),
                    _date(days[-1]),
                )
            )
            self.meetings.append((meeting_id, name, days))
            self.entry(
                indexing._entry(
                    Kind.MEETING,
                    meeting_id,
                    title=name,
                    name=name,
                    aliases=[
                        *indexing.ordinals(ordinal),
                        Meeting.Kind(kind).label,
                        city,
                        venue,
                        country.name,
                        str(days[0].year),
                        slug.replace("-", " "),
                    ],
                    keys=[slug],
                    date=days[0],
                )
            )
        self.writer.write(table)

    def pick(self, population: list, weights: list[float]):
        return self.rng.choices(population, cum_weights=weights)[0]

    def picks(self, population: list, weights: list[float], most: int) -> list:
        """Up to ``most`` different records, the frequent ones more often."""
        chosen = self.rng.choices(population, cum_weights=weights, k=self.rng.randint(0, most))
        return list({id(record): record for record in chosen}.values())

    def make_sessions(self, first: int, count: int) -> None:
        sessions = Table(
            Session,
            [
                "id",
                "meeting_id",
                "slug",
                "title",
                "kind",
                "date",
                "start_time",
                "end_time",
                "has_notes",
                "notes",
                "notes_html",
                "note_taker",
                "note_taker_organisation_id",
            ],
        )
        appearances = Table(
            Appearance, ["session_id", "speaker_id", "role", "affiliation", "order"]
        )
        taggings = Table(TaggedItem, ["id", "tag_id", "content_type_id", "object_id", "added_at"])
        links = {
            name: Table(getattr(Session, name).through, ["session_id", f"{target}_id"])
            for name, target in [
                ("organisations", "organisation"),
                ("countries", "country"),
                ("documents", "document"),
            ]
        }
        citations = Table(Citation, ["id", "source_id", "content_type_id", "object_id", "location"])
        cited = Table(Citation.passages.through, ["citation_id", "passage_id"])
        session_type = ContentType.objects.get_for_model(Session).pk
        titles = self.title_pool()
        for number in range(first, first + count):
            meeting_id, _meeting_name, days = self.meetings[
                number * len(self.meetings) // self.total
            ]
            session_id = self.ids.take(Session)
            title, title_slug, title_index, title_keys = self.rng.choice(titles)
            kind = self.rng.choice(SESSION_KINDS)
            date = self.rng.choice(days)
            start, end = self.rng.choice(SLOTS)
            has_notes = self.rng.random() < 0.9
            chosen = self.sentences_for_notes() if has_notes else []
            notes = "\n\n".join(" ".join(s.text for s in paragraph) for paragraph in chosen)
            notes_html = "".join(
                f"<p>{' '.join(s.html for s in paragraph)}</p>\n" for paragraph in chosen
            )
            note_taker, noted_for = self.rng.choice(self.note_takers) if has_notes else ("", None)
            sessions.rows.append(
                (
                    session_id,
                    meeting_id,
                    f"{PREFIX}s{session_id}-{title_slug}",
                    title,
                    kind,
                    _date(date),
                    _time(start),
                    _time(end),
                    has_notes,
                    notes,
                    notes_html,
                    note_taker,
                    noted_for.pk if noted_for else None,
                )
            )
            speakers = self.picks(self.speakers, self.speaker_weights, 5)
            for order, speaker in enumerate(speakers, 1):
                affiliation = speaker.organisation.name if order % 2 else speaker.country.name
                appearances.rows.append(
                    (session_id, speaker.pk, f"Speaker {order}", affiliation, order)
                )
            tags = self.picks(self.tags, self.tag_weights, 4) or [self.tags[0]]
            for tag in tags:
                taggings.rows.append(
                    (self.ids.take(TaggedItem), tag.pk, session_type, session_id, self.now)
                )
            # In the order the records list them (by name), as the search index does.
            organisations = sorted(
                self.picks(self.organisations, self.organisation_weights, 3), key=by_name
            )
            countries = sorted(self.picks(self.countries, self.country_weights, 4), key=by_name)
            documents = sorted(
                self.picks(self.documents, self.document_weights, 3),
                key=lambda document: document.normalized_symbol,
            )
            for name, records in [
                ("organisations", organisations),
                ("countries", countries),
                ("documents", documents),
            ]:
                links[name].rows.extend((session_id, record.pk) for record in records)
            passage_id, source_id, label = self.rng.choice(self.passages)
            citation_id = self.ids.take(Citation)
            citations.rows.append(
                (citation_id, source_id, session_type, session_id, f"para. {label}")
            )
            cited.rows.append((citation_id, passage_id))

            sentences = [s for paragraph in chosen for s in paragraph]
            related = [
                *(str(speaker) for speaker in speakers),
                *(
                    speaker.organisation.name if order % 2 else speaker.country.name
                    for order, speaker in enumerate(speakers, 1)
                ),
                note_taker,
                *indexing._names(noted_for, *organisations),
                *(country.name for country in countries),
                *(tag.name for tag in tags),
            ]
            symbols = indexing._bar_list(
                [
                    *(d.normalized_symbol for d in documents),
                    *(symbol for s in sentences for symbol in s.symbols),
                ]
            )
            related_pieces = list(filter(None, (self.indexed_name(n) for n in related)))
            body_pieces = [s.indexed for s in sentences]
            entry = (
                self.ids.take(SearchEntry),
                Kind.SESSION,
                session_id,
                title,
                title_index,
                "",
                " ".join(body_pieces),
                " ".join(related_pieces),
                title_keys,
                symbols,
                _date(date),
            )
            if self.vectors:
                vector = self.vectors.vector(
                    [("A", [title_index]), ("C", body_pieces), ("D", related_pieces)]
                )
                entry += (vector,)
            self.entries.rows.append(entry)
            # Counted by what the words come from; a word in two of them counts twice.
            self.word_sources.update(sentences)
            self.word_sources[title] += 1
            self.word_sources.update(filter(None, related))
        for table in [sessions, appearances, taggings, *links.values(), citations, cited]:
            self.writer.write(table)
        self.flush_entries()

    def sentences_for_notes(self) -> list[list[Sentence]]:
        """Paragraphs of two to five sentences, about as many words as a shipped note."""
        paragraphs = []
        for _ in range(self.rng.randint(1, 6)):
            paragraphs.append(
                self.rng.choices(
                    self.sentences, cum_weights=self.sentence_weights, k=self.rng.randint(2, 5)
                )
            )
        return paragraphs

    def title_pool(self) -> list[tuple[str, str, str, str]]:
        """Titles with their slug, index form and exact-match keys, worked out once."""
        if hasattr(self, "titles"):
            return self.titles
        rng = random.Random(self.rng.random())
        causes = [theme["name"].lower() for theme in self.material.themes] or ["justice"]
        texts = list(dict.fromkeys(self.material.titles))
        while len(texts) < min(MOST_TITLES, self.total):
            form = rng.choice(TITLE_FORMS)
            text = form.format(
                a=rng.choice(causes), b=rng.choice(causes), place=rng.choice(COUNTRIES)
            )
            texts.append(text[0].upper() + text[1:])
        self.titles, self.title_words = [], {}
        for text in dict.fromkeys(texts):
            probe = indexing._entry(Kind.SESSION, None, title=text, name=text)
            self.titles.append((text, slugify(text)[:80], probe.name, probe.keys))
            self.title_words[text] = frozenset(probe.vocabulary)
        return self.titles

    def make_note_takers(self) -> None:
        """One entry per note-taker, dated by the last session they noted (approximately: the
        generated meetings run in date order)."""
        existing = set(
            SearchEntry.objects.filter(kind=Kind.NOTE_TAKER).values_list("title", flat=True)
        )
        last_day = self.meetings[-1][2][-1]
        for name, organisation in self.note_takers:
            if name not in existing:
                existing.add(name)
                self.entry(
                    indexing._entry(
                        Kind.NOTE_TAKER,
                        None,
                        title=name,
                        name=name,
                        related=indexing._names(organisation),
                        date=last_day,
                    )
                )

    def write_words(self) -> None:
        """The vocabulary "Did you mean …?" suggests from, with how many records use each."""
        for source, uses in self.word_sources.items():
            if isinstance(source, Sentence):
                vocabulary = source.vocabulary
            else:
                vocabulary = self.title_words.get(source) or self.vocabulary_of(source)
            for word in vocabulary:
                self.words[word] += uses
        table = SearchWord._meta.db_table
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} (word, entries) VALUES (%s, %s) ON CONFLICT (word) "
                f"DO UPDATE SET entries = {table}.entries + excluded.entries",
                sorted(self.words.items()),
            )


Kind = SearchEntry.Kind
SEARCH_COLUMNS = [
    "kind",
    "object_id",
    "title",
    "name",
    "aliases",
    "body",
    "related",
    "keys",
    "symbols",
    "date",
]
GENERATED_MODELS = [
    Country,
    Organisation,
    Document,
    SourceDocument,
    Passage,
    Tag,
    Speaker,
    Meeting,
    Session,
    Appearance,
    TaggedItem,
    Citation,
    SearchEntry,
]


@transaction.atomic
def generate_corpus(
    *,
    sessions: int,
    seed: int,
    material: Material,
    allow_other_data: bool = False,
    progress: Callable[[int], None] = lambda made: None,
) -> Counter:
    """Add ``sessions`` generated sessions and everything around them; returns how many rows
    of each kind were written. Refuses (CorpusRefused) when the database holds records it did
    not generate, unless ``allow_other_data``."""
    if not allow_other_data and (found := foreign_records()):
        raise CorpusRefused(
            f"The database holds records this command did not generate ({', '.join(found)})."
        )
    with bulk_writes(), _bulk_load(GENERATED_MODELS):
        written = Generator(sessions=sessions, seed=seed, material=material).run(progress)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), GENERATED_MODELS):
                    cursor.execute(statement)
    return written


def _tables(models_written) -> list[str]:
    """The tables ``models_written`` and their many-to-many link tables are stored in."""
    tables = []
    for model in models_written:
        tables.append(model._meta.db_table)
        tables += [
            field.remote_field.through._meta.db_table for field in model._meta.local_many_to_many
        ]
    return list(dict.fromkeys(tables))


@contextmanager
def _bulk_load(models_written):
    """On PostgreSQL, load as its manual advises ("Populating a Database"): the tables' foreign
    keys, unique constraints and other indexes are dropped while the rows are copied, and made
    again once after. Building an index from all the rows, and checking a foreign key with one
    join, is many times faster than doing either row by row; being in the same transaction, a
    failed check undoes the whole corpus. Long texts are compressed with lz4 where the server has
    it, several times faster than the default."""
    if connection.vendor != "postgresql":
        yield
        return
    tables = _tables(models_written)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
            FROM pg_constraint c
            WHERE c.conrelid = ANY(%s::regclass[]) AND c.contype IN ('f', 'u')
              AND NOT EXISTS (
                SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid
                  AND c.contype = 'u'
              )
            ORDER BY c.contype, c.conname
            """,
            [tables],
        )
        constraints = cursor.fetchall()  # foreign keys first: unique ones may back them
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            ORDER BY 1
            """,
            [tables],
        )
        indexes = cursor.fetchall()
        for table, name, _definition in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
        cursor.execute(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        )
        if cursor.fetchone()[0]:
            cursor.execute("SET LOCAL default_toast_compression = 'lz4'")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in reversed(constraints):
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        for table in tables:
            cursor.execute(f"ANALYZE {table}")
