"""The two full-text engines behind one interface: SQLite's FTS5 and PostgreSQL's tsvector.

Each turns query terms (folded words, one spelling: see ``language``) into a condition on
``SearchEntry`` rows, for the whole entry or its name and other names only, and finds the
indexed words closest to a misspelt one. Both stem English and ignore accents, so the same
query finds the same records on either.
"""

from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Length

from .models import SearchEntry, SearchWord

# How far a suggestion's length may be from the misspelt word's.
LENGTH_SLACK = 2
# What a condition looks among: every kind of record, the speakers only, or every kind but
# sessions and speakers (the two kinds that grow into the hundreds of thousands).
ALL_KINDS, SPEAKERS, OTHER_KINDS = "all kinds", "speakers", "other kinds"


class SQLiteFullText:
    """FTS5 over the index's text columns (migration 0008): Porter stemming, accents gone; a
    second FTS5 index holds every kind but sessions, a third the symbols (migration 0015)."""

    table = "topics_searchentry_fts"
    other_kinds_table = "topics_searchentry_fts_others"
    symbols_table = "topics_searchentry_fts_symbols"

    def matches(self, phrases: list[tuple[str, ...]], *, among: str = ALL_KINDS) -> Q:
        """Entries holding every phrase (a word is a phrase of one); looking among speakers or
        the other kinds, the index of every kind but sessions reads none of the sessions'."""
        expression = self._expression(phrases)
        table = self.table if among == ALL_KINDS else self.other_kinds_table
        return Q(id__in=RawSQL(f"SELECT rowid FROM {table} WHERE {table} MATCH %s", [expression]))

    def named(self, phrases: list[tuple[str, ...]], session_ids: list[int]) -> Q:
        """Of the entries ranked, those whose names hold every phrase: sessions among
        ``session_ids``, found between the lowest and highest of them (FTS5 uses a range of
        rowids but not a list, and the newest sessions lie close together), and the other
        kinds through their own, much smaller, index."""
        expression = f"{{name aliases}} : ({self._expression(phrases)})"
        table = self.other_kinds_table
        condition = ~Q(kind=SearchEntry.Kind.SESSION) & Q(
            id__in=RawSQL(f"SELECT rowid FROM {table} WHERE {table} MATCH %s", [expression])
        )
        if session_ids:
            table = self.table
            sessions = RawSQL(
                f"SELECT rowid FROM {table} WHERE {table} MATCH %s AND rowid BETWEEN %s AND %s",
                [expression, min(session_ids), max(session_ids)],
            )
            condition |= Q(kind=SearchEntry.Kind.SESSION, id__in=sessions)
        return condition

    def citing(self, symbol: str, *, among: str = ALL_KINDS) -> Q:
        """Entries that are or cite the document ``symbol``: the symbols' index (of every
        kind, whatever ``among``) finds them, the exact comparison keeps only those naming
        this very symbol."""
        table = self.symbols_table
        return Q(
            id__in=RawSQL(f"SELECT rowid FROM {table} WHERE {table} MATCH %s", [f'"{symbol}"']),
            symbols__contains=f"|{symbol}|",
        )

    @staticmethod
    def _expression(phrases: list[tuple[str, ...]]) -> str:
        # The words are letters and digits only (language.WORD), so quoting cannot break out.
        return " AND ".join(f'"{" ".join(words)}"' for words in phrases)

    def holding(
        self, phrases: list[tuple[str, ...]], sessions: list[int], others: list[int]
    ) -> set[int]:
        """Which of the entries ``sessions`` and ``others`` (of the other kinds) hold every
        phrase. FTS5 uses a range of rowids but not a list: sessions are looked for between
        the lowest and highest of them (the newest sessions lie close together), the other
        kinds through their own, much smaller, index."""
        found = set()
        for ids, table, by_range in (
            (sessions, self.table, True),
            (others, self.other_kinds_table, False),
        ):
            if not ids:
                continue
            sql = f"SELECT rowid FROM {table} WHERE {table} MATCH %s"
            params = [self._expression(phrases)]
            if by_range:
                sql += " AND rowid BETWEEN %s AND %s"
                params += [min(ids), max(ids)]
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                found.update(rowid for (rowid,) in cursor.fetchall())
        return found & {*sessions, *others}

    def candidates(self, word: str) -> list[tuple[str, int]]:
        """Indexed words about as long as ``word``, to rank by edit distance."""
        return list(
            SearchWord.objects.annotate(length=Length("word"))
            .filter(length__range=(len(word) - LENGTH_SLACK, len(word) + LENGTH_SLACK))
            .values_list("word", "entries")
        )


# The expressions of the indexes of speakers and of the other kinds, of their words and of their
# symbols (migration topics 0017): their statistics tell the planner how few of those hold them.
# Speakers cite no document: one index of every kind's symbols but the sessions' serves both.
NOT_SESSIONS_SYMBOL_LIST = (
    """(CASE WHEN "topics_searchentry"."kind" <> 'session' """
    """THEN string_to_array("topics_searchentry"."symbols", '|') END)"""
)
SYMBOL_LISTS = {
    ALL_KINDS: """string_to_array("topics_searchentry"."symbols", '|')""",
    SPEAKERS: NOT_SESSIONS_SYMBOL_LIST,
    OTHER_KINDS: NOT_SESSIONS_SYMBOL_LIST,
}
VECTORS = {
    ALL_KINDS: '"topics_searchentry"."document"',
    SPEAKERS: (
        """(CASE WHEN "topics_searchentry"."kind" = 'speaker' """
        """THEN "topics_searchentry"."document" END)"""
    ),
    OTHER_KINDS: (
        """(CASE WHEN "topics_searchentry"."kind" <> 'session' """
        """AND "topics_searchentry"."kind" <> 'speaker' """
        """THEN "topics_searchentry"."document" END)"""
    ),
}


class PostgreSQLFullText:
    """The generated ``document`` tsvector (kb_english: unaccent, then the English stemmer),
    weighted A for the name, B for other names; pg_trgm over the vocabulary."""

    def matches(
        self, phrases: list[tuple[str, ...]], *, names_only: bool = False, among: str = ALL_KINDS
    ):
        query = " && ".join("phraseto_tsquery('kb_english', %s)" for _ in phrases)
        vector = VECTORS[among]
        if names_only:
            vector = f"ts_filter({vector}, '{{a,b}}')"
        return RawSQL(
            f"{vector} @@ ({query})",
            [" ".join(words) for words in phrases],
            output_field=BooleanField(),
        )

    def named(self, phrases: list[tuple[str, ...]], session_ids: list[int]):
        """Of the entries ranked, those whose names hold every phrase."""
        return self.matches(phrases, names_only=True)

    def citing(self, symbol: str, *, among: str = ALL_KINDS):
        """Entries that are or cite the document ``symbol``: one of their symbols is it
        (the lists' indexes, migrations 0016 and 0017, find them)."""
        return RawSQL(f"{SYMBOL_LISTS[among]} @> ARRAY[%s]", [symbol], output_field=BooleanField())

    def holding(
        self, phrases: list[tuple[str, ...]], sessions: list[int], others: list[int]
    ) -> set[int]:
        """Which of the entries ``sessions`` and ``others`` hold every phrase, reading only
        their vectors."""
        ids = [*sessions, *others]
        if not ids:
            return set()
        return set(
            SearchEntry.objects.filter(self.matches(phrases), id__among=ids).values_list(
                "id", flat=True
            )
        )

    def candidates(self, word: str) -> list[tuple[str, int]]:
        return list(
            SearchWord.objects.filter(word__trigram_similar=word).values_list("word", "entries")
        )


def full_text():
    return PostgreSQLFullText() if connection.vendor == "postgresql" else SQLiteFullText()
