"""Lists as downloads: CSV for spreadsheets, JSON for programs.

Each list is described once (``Table``): its columns, and what its rows load, so that a
download runs a fixed number of queries however many records it holds. A row is one record;
a column holding several values (a session's speakers) joins them with "; " in CSV and is a
list in JSON. Dates are ISO (2022-05-17), times HH:MM.
"""

import csv
import datetime
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.text import slugify

from topics.citing import SITE_NAME
from topics.models import Citation

from .models import Appearance, taggings_prefetch

FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json"}
SEPARATOR = "; "
# A cell starting with one of these is read as a formula by spreadsheets (CSV injection); such
# a cell is written with a leading apostrophe, which spreadsheets show as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Files start with a byte order mark, so that spreadsheets open them as UTF-8.
BYTE_ORDER_MARK = "\ufeff"


@dataclass(frozen=True)
class Column:
    name: str
    value: Callable[[Any], Any]


@dataclass(frozen=True)
class Table:
    """One downloadable list: its file name, its columns, and the related records its columns
    read (loaded with the rows)."""

    name: str
    columns: tuple[Column, ...]
    select: tuple[str, ...] = ()
    prefetch: tuple = field(default=())

    def prepare(self, queryset):
        # select_related() without names would follow every non-null foreign key instead.
        if self.select:
            queryset = queryset.select_related(*self.select)
        return queryset.prefetch_related(*self.prefetch)

    def rows(self, records: Iterable, absolute_url: Callable[[str], str]) -> list[dict]:
        """The records as JSON-ready dicts, in column order, each with its address first."""
        return [
            {
                "url": absolute_url(record.get_absolute_url()),
                **{column.name: _plain(column.value(record)) for column in self.columns},
            }
            for record in records
        ]


def _plain(value):
    """A value as JSON holds it: dates and times as ISO text, several values as a list, a
    record by its name."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return str(value)


def csv_cell(value) -> str:
    """A JSON-ready value as one spreadsheet cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        value = SEPARATOR.join(value)
    text = str(value)
    if isinstance(value, str) and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def write_csv(table: Table, rows: list[dict]) -> str:
    output = io.StringIO()
    output.write(BYTE_ORDER_MARK)
    writer = csv.writer(output)
    writer.writerow(["url", *(column.name for column in table.columns)])
    for row in rows:
        writer.writerow([csv_cell(value) for value in row.values()])
    return output.getvalue()


def export_response(table: Table, queryset, request, export_format: str) -> HttpResponse:
    """The records of ``queryset`` as a CSV or JSON file named after the list."""
    if export_format not in FORMATS:
        raise Http404("Lists download as .csv or .json.")
    rows = table.rows(table.prepare(queryset), request.build_absolute_uri)
    if export_format == "csv":
        content = write_csv(table, rows)
    else:
        listed = request.build_absolute_uri(request.path.rsplit("/", 1)[0] + "/")
        query = request.GET.urlencode()
        content = json.dumps(
            {
                "list": listed + (f"?{query}" if query else ""),
                "count": len(rows),
                "records": rows,
            },
            indent=2,
            ensure_ascii=False,
        )
    response = HttpResponse(content, content_type=FORMATS[export_format])
    file_name = f"ccpcj-{slugify(table.name)}.{export_format}"
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


def _names(records) -> list[str]:
    return [str(record) for record in records]


def _symbols_or_titles(documents) -> list[str]:
    return [document.normalized_symbol or document.title for document in documents]


def _themes(taggings) -> list[str]:
    return [tagging.tag.name for tagging in taggings if tagging.tag.is_theme]


def _staff_tags(taggings) -> list[str]:
    return [tagging.tag.name for tagging in taggings if not tagging.tag.is_theme]


def _sources(record) -> list[str]:
    return [citation.source.title for citation in record.citations.all()]


_CITATIONS = Prefetch("citations", queryset=Citation.objects.select_related("source"))

SESSIONS = Table(
    "sessions",
    (
        Column("slug", lambda s: s.slug),
        Column("title", lambda s: s.title),
        Column("meeting", lambda s: s.meeting.name),
        Column("kind", lambda s: s.get_kind_display()),
        Column("date", lambda s: s.date),
        Column("start_time", lambda s: s.start_time),
        Column("end_time", lambda s: s.end_time),
        Column("has_notes", lambda s: s.has_notes),
        Column("note_taker", lambda s: s.note_taker),
        Column("note_taker_organisation", lambda s: s.note_taker_organisation),
        Column("speakers", lambda s: [a.speaker.name for a in s.appearance_list]),
        Column("themes", lambda s: _themes(s.tagging_list)),
        Column("tags", lambda s: _staff_tags(s.tagging_list)),
        Column("organisations", lambda s: _names(s.organisations.all())),
        Column("documents", lambda s: _symbols_or_titles(s.documents.all())),
        Column("countries", lambda s: _names(s.countries.all())),
        Column("programmes", lambda s: _names(s.programmes.all())),
        Column("inferred", lambda s: s.inferred),
        Column("sources", _sources),
        Column("notes", lambda s: s.notes),
    ),
    select=("meeting", "note_taker_organisation"),
    prefetch=(
        "organisations",
        "documents",
        "countries",
        "programmes",
        taggings_prefetch(),
        Prefetch(
            "appearances",
            queryset=Appearance.objects.select_related("speaker"),
            to_attr="appearance_list",
        ),
        _CITATIONS,
    ),
)

MEETINGS = Table(
    "meetings",
    (
        Column("slug", lambda m: m.slug),
        Column("name", lambda m: m.name),
        Column("kind", lambda m: m.get_kind_display()),
        Column("number", lambda m: m.number),
        Column("city", lambda m: m.city),
        Column("venue", lambda m: m.venue),
        Column("country", lambda m: m.country and m.country.name),
        Column("start_date", lambda m: m.start_date),
        Column("end_date", lambda m: m.end_date),
        Column("sessions", lambda m: m.session_count),
        Column("themes", lambda m: _names(t for t in m.tags.all() if t.is_theme)),
        Column("tags", lambda m: _names(t for t in m.tags.all() if not t.is_theme)),
        Column("documents", lambda m: _symbols_or_titles(m.documents.all())),
        Column("inferred", lambda m: m.inferred),
        Column("sources", _sources),
        Column("description", lambda m: m.description),
    ),
    select=("country",),
    prefetch=("tags", "documents", _CITATIONS),
)

SPEAKERS = Table(
    "speakers",
    (
        Column("slug", lambda s: s.slug),
        Column("name", lambda s: s.name),
        Column("honorific", lambda s: s.honorific),
        Column("function", lambda s: s.function),
        Column("organisation", lambda s: s.organisation),
        Column("country", lambda s: s.country and s.country.name),
        Column("sessions", lambda s: s.session_count),
        Column("sources", _sources),
    ),
    select=("organisation", "country"),
    prefetch=(_CITATIONS,),
)

THEMES = Table(
    "themes",
    (
        Column("slug", lambda t: t.slug),
        Column("name", lambda t: t.name),
        Column("kind", lambda t: t.kind_label),
        Column("sessions", lambda t: t.session_count),
        Column("description", lambda t: t.description),
    ),
)

DOCUMENTS = Table(
    "documents",
    (
        Column("slug", lambda d: d.slug),
        Column("symbol", lambda d: d.normalized_symbol),
        Column("kind", lambda d: d.get_kind_display()),
        Column("issued_by", lambda d: _names(d.issuers)),
        Column("year", lambda d: d.year),
        Column("title", lambda d: d.title),
        Column("popular_name", lambda d: d.popular_name),
        Column("themes", lambda d: _names(t for t in d.tags.all() if t.is_theme)),
        Column("tags", lambda d: _names(t for t in d.tags.all() if not t.is_theme)),
        Column("sessions", lambda d: d.session_count),
        Column("official_text", lambda d: d.official_text_url),
        Column("sources", _sources),
        Column("description", lambda d: d.description),
    ),
    prefetch=("tags", _CITATIONS),
)

ORGANISATIONS = Table(
    "organisations",
    (
        Column("slug", lambda o: o.slug),
        Column("name", lambda o: o.name),
        Column("acronym", lambda o: o.acronym),
        Column("kind", lambda o: o.get_kind_display()),
        Column("country", lambda o: o.country and o.country.name),
        Column("part_of", lambda o: o.parent and o.parent.name),
        Column("sessions", lambda o: o.session_count),
        Column("sources", _sources),
        Column("description", lambda o: o.description),
    ),
    select=("country", "parent"),
    prefetch=(_CITATIONS,),
)

COUNTRIES = Table(
    "countries",
    (
        Column("slug", lambda c: c.slug),
        Column("name", lambda c: c.name),
        # In the Commission's most recent membership listing.
        Column("commission_member", lambda c: c.is_member),
        Column("sessions", lambda c: c.session_count),
        Column("sources", _sources),
    ),
    prefetch=(_CITATIONS,),
)

PROGRAMMES = Table(
    "programmes",
    (
        Column("slug", lambda p: p.slug),
        Column("name", lambda p: p.name),
        Column("acronym", lambda p: p.acronym),
        Column("kind", lambda p: p.get_kind_display()),
        Column("run_by", lambda p: _names(p.organisations.all())),
        Column("sources", _sources),
        Column("description", lambda p: p.description),
    ),
    prefetch=("organisations", _CITATIONS),
)

SOURCES = Table(
    "sources",
    (
        Column("slug", lambda s: s.slug),
        Column("title", lambda s: s.title),
        Column("kind", lambda s: s.get_kind_display()),
        Column("date", lambda s: s.date),
        Column("author", lambda s: s.author),
        Column("file", lambda s: s.file_name),
        Column("description", lambda s: s.description),
    ),
)


class ExportableListMixin:
    """A ListView whose records also download, every page at once, as CSV or JSON: the same
    view serves ``…/export.csv`` and ``…/export.json`` (``export_format`` in the URL)."""

    export_table: Table

    def get(self, request, *args, **kwargs):
        export_format = kwargs.get("export_format")
        if export_format is None:
            return super().get(request, *args, **kwargs)
        return export_response(
            self.export_table, self.get_export_queryset(), request, export_format
        )

    def get_export_queryset(self):
        return self.get_queryset()


FORMAT_NOTE = (
    "Each entry of “files” is one fixture file of the knowledge base, under its file name and "
    "in the format the site loads (load_kb): a source document, its passages, and the records "
    "distilled from it, which name each other by natural keys (slugs and UN document symbols) "
    "and say where in their source they are cited (cited_at)."
)
LICENCE_NOTE = (
    "The software of the knowledge base is released under the MIT licence. Its records are "
    "distilled from the source documents listed here, and each one cites the source, and the "
    "place in it, that it came from; the passages are those documents' own words, quoted so "
    "that every record can be checked against them. The source documents remain the work of "
    "their authors and publishers: this download does not license them anew. When reusing a "
    "record, cite the source document it came from."
)


def knowledge_base_download(*, files: dict[str, dict], sources, absolute_url) -> dict:
    """The whole knowledge base as one JSON document: the fixture files (``files``, as
    ``knowledge_base_files`` gives them), after a note on their format, sources and licence."""
    return {
        "about": {
            "title": SITE_NAME,
            "url": absolute_url("/"),
            "exported_at": timezone.now().isoformat(timespec="seconds"),
            "format": FORMAT_NOTE,
            "licence": LICENCE_NOTE,
            "sources": [
                {
                    "title": source.title,
                    "author": source.author,
                    "date": _plain(source.date),
                    "kind": source.get_kind_display(),
                    "file": source.file_name,
                    "url": absolute_url(source.get_absolute_url()),
                }
                for source in sources
            ],
        },
        "files": files,
    }
