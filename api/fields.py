"""How the API names records: by their API address, built from their natural key (a slug, a
document's normalised symbol), and by their page on the site."""

from urllib.parse import urlencode

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


def absolute_url(request, view_name: str, **kwargs) -> str:
    """The full address of ``view_name``; unlike REST framework's ``reverse``, without the
    request's own ``?format=``."""
    return request.build_absolute_uri(reverse(view_name, kwargs=kwargs))


def by_slug(record) -> dict:
    return {"slug": record.slug}


def document_key(document) -> str:
    """A document's natural key: its normalised symbol (A/RES/70/176), or its slug without one."""
    return document.normalized_symbol or document.slug


def by_document_key(document) -> dict:
    return {"key": document_key(document)}


def by_source_and_anchor(passage) -> dict:
    """A passage is known by its source and its anchor there (``para-13``); the passage must
    come with its source loaded."""
    return {"source": passage.source.slug, "anchor": passage.anchor}


class RecordLink(serializers.HyperlinkedRelatedField):
    """The API address of a record. ``key`` gives the address's arguments from the record."""

    def __init__(self, view_name, *, key=by_slug, **kwargs):
        self.key = key
        super().__init__(view_name=view_name, read_only=True, **kwargs)

    def use_pk_only_optimization(self):
        # The address needs the record's natural key, not only its id.
        return False

    def get_url(self, record, view_name, request, format):
        return absolute_url(request, view_name, **self.key(record))


@extend_schema_field(OpenApiTypes.URI)
class Permalink(serializers.Field):
    """The record's page on the site."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, record):
        return self.context["request"].build_absolute_uri(record.get_absolute_url())


@extend_schema_field(OpenApiTypes.URI)
class SessionsLink(serializers.Field):
    """The API list of the sessions linked to the record: the session list filtered by it."""

    def __init__(self, parameter: str, *, key=lambda record: record.slug, **kwargs):
        self.parameter = parameter
        self.key = key
        kwargs.setdefault(
            "help_text", f"The sessions of this record: the session list by {parameter}."
        )
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, record):
        address = absolute_url(self.context["request"], "api:session-list")
        return f"{address}?{urlencode({self.parameter: self.key(record)})}"


@extend_schema_field(
    {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$", "example": "16:40", "nullable": True}
)
class LocalTimeField(serializers.TimeField):
    """A time of day as the sources give it, local to the meeting: "16:40"."""

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", read_only=True, **kwargs)
