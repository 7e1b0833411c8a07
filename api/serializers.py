"""Every kind of record as the API gives it: its fields, its page on the site (``url``), its own
API address (``api_url``) and the records it links to as API addresses."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from sessions.models import Appearance, Meeting, Session, Speaker
from topics.models import (
    Citation,
    Country,
    Document,
    Organisation,
    Passage,
    Programme,
    SourceDocument,
    Tag,
)

from .fields import (
    LocalTimeField,
    Permalink,
    RecordLink,
    SessionsLink,
    absolute_url,
    by_document_key,
    by_slug,
    by_source_and_anchor,
    document_key,
)


class CitationSerializer(serializers.ModelSerializer):
    """Where in a source document the record was distilled from."""

    source = RecordLink("api:source-detail")
    passages = RecordLink("api:passage-detail", key=by_source_and_anchor, many=True)

    class Meta:
        model = Citation
        fields = ["source", "location", "passages"]


class RecordSerializer(serializers.ModelSerializer):
    """What every record has: its page on the site and the sources it was distilled from."""

    url = Permalink(help_text="The record's page on the site.")
    sources = CitationSerializer(source="citations", many=True, read_only=True)


def inferred_field():
    return serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="Fields whose values the sources imply rather than state.",
    )


def session_count_field():
    return serializers.IntegerField(read_only=True, help_text="How many sessions it is linked to.")


class MeetingSerializer(RecordSerializer):
    api_url = RecordLink("api:meeting-detail", source="*")
    country = RecordLink("api:country-detail", allow_null=True)
    documents = RecordLink("api:document-detail", key=by_document_key, many=True)
    tags = RecordLink("api:tag-detail", many=True)
    inferred = inferred_field()
    session_count = session_count_field()
    sessions = SessionsLink("meeting")

    class Meta:
        model = Meeting
        fields = [
            "api_url",
            "url",
            "slug",
            "name",
            "kind",
            "number",
            "city",
            "venue",
            "country",
            "start_date",
            "end_date",
            "description",
            "inferred",
            "documents",
            "tags",
            "session_count",
            "sessions",
            "sources",
        ]


class AppearanceSerializer(serializers.ModelSerializer):
    """A speaker at a session, in the role and affiliation they spoke in there."""

    speaker = RecordLink("api:speaker-detail")

    class Meta:
        model = Appearance
        fields = ["speaker", "role", "affiliation"]


class SessionSerializer(RecordSerializer):
    api_url = RecordLink("api:session-detail", source="*")
    meeting = RecordLink("api:meeting-detail")
    note_taker_organisation = RecordLink("api:organisation-detail", allow_null=True)
    # The session's links come as lists the view prefetches (SessionViewSet.get_queryset).
    speakers = AppearanceSerializer(source="appearance_list", many=True, read_only=True)
    organisations = RecordLink("api:organisation-detail", source="organisations_list", many=True)
    documents = RecordLink(
        "api:document-detail", key=by_document_key, source="documents_list", many=True
    )
    countries = RecordLink("api:country-detail", source="countries_list", many=True)
    tags = RecordLink("api:tag-detail", source="tags_list", many=True)
    programmes = RecordLink("api:programme-detail", source="programmes_list", many=True)
    start_time = LocalTimeField(allow_null=True)
    end_time = LocalTimeField(allow_null=True)
    inferred = inferred_field()
    notes_html = serializers.CharField(
        read_only=True, help_text="The notes rendered from Markdown, sanitized HTML."
    )

    class Meta:
        model = Session
        fields = [
            "api_url",
            "url",
            "slug",
            "title",
            "kind",
            "meeting",
            "date",
            "start_time",
            "end_time",
            "has_notes",
            "notes",
            "notes_html",
            "note_taker",
            "note_taker_organisation",
            "inferred",
            "speakers",
            "organisations",
            "documents",
            "countries",
            "tags",
            "programmes",
            "sources",
        ]


class SpeakerSerializer(RecordSerializer):
    api_url = RecordLink("api:speaker-detail", source="*")
    organisation = RecordLink("api:organisation-detail", allow_null=True)
    country = RecordLink("api:country-detail", allow_null=True)
    session_count = session_count_field()
    sessions = SessionsLink("speaker")

    class Meta:
        model = Speaker
        fields = [
            "api_url",
            "url",
            "slug",
            "name",
            "honorific",
            "function",
            "organisation",
            "country",
            "session_count",
            "sessions",
            "sources",
        ]


class OrganisationSerializer(RecordSerializer):
    api_url = RecordLink("api:organisation-detail", source="*")
    country = RecordLink("api:country-detail", allow_null=True)
    parent = RecordLink("api:organisation-detail", allow_null=True)
    session_count = session_count_field()
    sessions = SessionsLink(
        "organisation", help_text="Sessions naming it or whose notes were taken for it."
    )

    class Meta:
        model = Organisation
        fields = [
            "api_url",
            "url",
            "slug",
            "name",
            "acronym",
            "kind",
            "country",
            "parent",
            "description",
            "session_count",
            "sessions",
            "sources",
        ]


class CountrySerializer(RecordSerializer):
    api_url = RecordLink("api:country-detail", source="*")
    session_count = session_count_field()
    commission_member = serializers.BooleanField(
        source="is_member",
        read_only=True,
        help_text="Whether the Commission's most recent membership listing names it.",
    )
    sessions = SessionsLink("country")

    class Meta:
        model = Country
        fields = [
            "api_url",
            "url",
            "slug",
            "name",
            "session_count",
            "commission_member",
            "sessions",
            "sources",
        ]


class DocumentSerializer(RecordSerializer):
    api_url = RecordLink("api:document-detail", key=by_document_key, source="*")
    key = serializers.SerializerMethodField(
        help_text="Its address: the normalised symbol, or the slug of a document without one."
    )
    issued_by = serializers.SerializerMethodField(help_text="Adopting bodies or publishers.")
    tags = RecordLink("api:tag-detail", many=True)
    session_count = session_count_field()
    sessions = SessionsLink("resolution", key=document_key)

    class Meta:
        model = Document
        fields = [
            "api_url",
            "url",
            "key",
            "slug",
            "symbol",
            "normalized_symbol",
            "kind",
            "issued_by",
            "year",
            "title",
            "popular_name",
            "description",
            "tags",
            "session_count",
            "sessions",
            "sources",
        ]

    def get_key(self, document) -> str:
        return document_key(document)

    @extend_schema_field(serializers.ListField(child=serializers.URLField()))
    def get_issued_by(self, document) -> list[str]:
        request = self.context["request"]
        return [
            absolute_url(request, "api:organisation-detail", **by_slug(organisation))
            for organisation in document.issuers
        ]


class TagSerializer(RecordSerializer):
    api_url = RecordLink("api:tag-detail", source="*")
    is_theme = serializers.BooleanField(
        read_only=True, help_text="A curated theme; otherwise a tag added by NGO staff."
    )
    session_count = session_count_field()
    sessions = SessionsLink("tag")

    class Meta:
        model = Tag
        fields = [
            "api_url",
            "url",
            "slug",
            "name",
            "is_theme",
            "description",
            "session_count",
            "sessions",
            "sources",
        ]


class ProgrammeSerializer(RecordSerializer):
    api_url = RecordLink("api:programme-detail", source="*")
    organisations = RecordLink(
        "api:organisation-detail", many=True, help_text="The organisations running it."
    )
    documents = RecordLink("api:document-detail", key=by_document_key, many=True)
    sessions = RecordLink("api:session-detail", many=True)

    class Meta:
        model = Programme
        fields = [
            "api_url",
            "url",
            "slug",
            "name",
            "acronym",
            "kind",
            "description",
            "organisations",
            "documents",
            "sessions",
            "sources",
        ]


class SourceSerializer(serializers.ModelSerializer):
    api_url = RecordLink("api:source-detail", source="*")
    url = Permalink(help_text="The source document's reading page on the site.")
    passage_count = serializers.IntegerField(read_only=True)
    passages = serializers.SerializerMethodField(
        help_text="The API list of its passages, in the document's order."
    )

    class Meta:
        model = SourceDocument
        fields = [
            "api_url",
            "url",
            "slug",
            "file_name",
            "title",
            "kind",
            "date",
            "author",
            "description",
            "passage_count",
            "passages",
        ]

    @extend_schema_field(serializers.URLField())
    def get_passages(self, source) -> str:
        return absolute_url(self.context["request"], "api:passage-list", source=source.slug)


class PassageSerializer(serializers.ModelSerializer):
    api_url = RecordLink("api:passage-detail", key=by_source_and_anchor, source="*")
    url = Permalink(help_text="The passage on its source's reading page.")
    source = RecordLink("api:source-detail")
    heading = serializers.SerializerMethodField(help_text="The nearest heading it sits under.")

    class Meta:
        model = Passage
        fields = [
            "api_url",
            "url",
            "source",
            "anchor",
            "label",
            "kind",
            "level",
            "heading",
            "position",
            "text",
        ]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_heading(self, passage) -> str | None:
        if passage.heading is None:
            return None
        # The heading is in the passage's own source, which is loaded with the passage.
        key = {"source": passage.source.slug, "anchor": passage.heading.anchor}
        return absolute_url(self.context["request"], "api:passage-detail", **key)
