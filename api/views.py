"""The read-only API: every kind of record listed a page at a time and each at its natural key,
the session list with the site's own filters, the API's root and its documentation."""

from csp.decorators import csp_update
from django.db.models import Count, Prefetch
from django.http import HttpResponsePermanentRedirect, JsonResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from sessions.filters import MAX_TAGS, NOTES, SORTS
from sessions.models import Appearance, Meeting, Session, Speaker
from topics.models import (
    Country,
    Document,
    FormerSlug,
    Organisation,
    Passage,
    Programme,
    SourceDocument,
    Tag,
)
from topics.views import citations_prefetch

from . import serializers as api
from .errors import BadQuery
from .fields import absolute_url, by_document_key
from .filters import filtered_sessions

# Longest key repeated back in an error message.
SHOWN_KEY_LENGTH = 120


class RecordViewSet(viewsets.ReadOnlyModelViewSet):
    """Records listed a page at a time and each at its address (``detail_view``). A record
    asked for by a slug it once had redirects (301) to its address now."""

    lookup_field = "slug"
    detail_view: str

    def find(self, key: str):
        return self.get_queryset().filter(**{self.lookup_field: key}).first()

    def find_moved(self, key: str):
        return FormerSlug.objects.find(self.get_queryset().model, key)

    def address_of(self, record) -> dict:
        return {self.lookup_field: getattr(record, self.lookup_field)}

    def retrieve(self, request, *args, **kwargs):
        key = kwargs[self.lookup_field]
        record = self.find(key)
        if record is not None:
            return Response(self.get_serializer(record).data)
        moved = self.find_moved(key)
        if moved is None:
            kind = self.get_queryset().model._meta.verbose_name
            raise NotFound(f"There is no {kind} “{key[:SHOWN_KEY_LENGTH]}”.")
        address = absolute_url(request, self.detail_view, **self.address_of(moved))
        return HttpResponsePermanentRedirect(address)


class MeetingViewSet(RecordViewSet):
    """Meetings: sessions of the Commission, Crime Congresses, constructive dialogues. Newest
    first."""

    queryset = (
        Meeting.objects.with_session_counts()
        .select_related("country")
        .prefetch_related("documents", "tags", citations_prefetch())
    )
    serializer_class = api.MeetingSerializer
    detail_view = "api:meeting-detail"


def session_list_parameters() -> list[OpenApiParameter]:
    """The session list's filters, as the site's session list reads them."""
    slug = "the slug, as in the record's `api_url`"
    return [
        OpenApiParameter(
            "tag",
            str,
            many=True,
            description=(
                f"Sessions carrying a theme or tag ({slug}). Repeated, sessions carrying every "
                f"one of them (at most {MAX_TAGS})."
            ),
        ),
        OpenApiParameter("meeting", str, description=f"Sessions of a meeting ({slug})."),
        OpenApiParameter("speaker", str, description=f"Sessions a speaker spoke at ({slug})."),
        OpenApiParameter(
            "organisation",
            str,
            description=f"Sessions naming an organisation or noted for it ({slug}).",
        ),
        OpenApiParameter("country", str, description=f"Sessions mentioning a country ({slug})."),
        OpenApiParameter(
            "resolution",
            str,
            description=(
                "Sessions citing a resolution or document: its symbol in any written form "
                "(`A/RES/70/176`, `resolution 70/176`), or its slug."
            ),
        ),
        OpenApiParameter("kind", str, enum=Session.Kind.values, description="Kind of session."),
        OpenApiParameter(
            "notes", str, enum=list(NOTES), description="Whether notes were taken (`yes`, `no`)."
        ),
        OpenApiParameter(
            "from", OpenApiTypes.DATE, description="Sessions held on or after this day."
        ),
        OpenApiParameter(
            "to", OpenApiTypes.DATE, description="Sessions held on or before this day."
        ),
        OpenApiParameter(
            "sort",
            str,
            enum=list(SORTS),
            description="`date` (the default) oldest first, `-date` newest first; undated last.",
        ),
        OpenApiParameter(
            "q",
            str,
            description=(
                "Sessions the site's search finds: every word (in any form and spelling), "
                '"quoted phrase" and document symbol given.'
            ),
        ),
    ]


# What the API names of each session, as lists of records (SessionSerializer).
SESSION_LINKS = ["organisations", "documents", "countries", "tags", "programmes"]


@extend_schema_view(list=extend_schema(parameters=session_list_parameters()))
class SessionViewSet(RecordViewSet):
    """Sessions: plenary sittings, side events, panels, agenda items and dialogues, with their
    notes, speakers, and the records they name. The list takes the site's session-list filters,
    which combine; an unknown parameter is ignored, a filter naming nothing is a 400."""

    queryset = Session.objects.all()
    serializer_class = api.SessionSerializer
    detail_view = "api:session-detail"

    def get_queryset(self):
        sessions = Session.objects.all()
        if self.action == "list" and not getattr(self, "swagger_fake_view", False):
            sessions = filtered_sessions(self.request.query_params, self.request.user)
        # Into lists (to_attr): a prefetched manager builds a queryset per session and relation.
        return sessions.select_related("meeting", "note_taker_organisation").prefetch_related(
            Prefetch(
                "appearances",
                queryset=Appearance.objects.select_related("speaker"),
                to_attr="appearance_list",
            ),
            *(Prefetch(name, to_attr=f"{name}_list") for name in SESSION_LINKS),
            citations_prefetch(),
        )


class SpeakerViewSet(RecordViewSet):
    """Speakers, by name, with the organisation and country they are known for."""

    queryset = Speaker.objects.for_listing().prefetch_related(citations_prefetch())
    serializer_class = api.SpeakerSerializer
    detail_view = "api:speaker-detail"


class OrganisationViewSet(RecordViewSet):
    """Organisations: UN entities and bodies, governments, NGOs, academia and others, by
    name."""

    queryset = (
        Organisation.objects.with_session_counts()
        .select_related("country", "parent")
        .prefetch_related(citations_prefetch())
    )
    serializer_class = api.OrganisationSerializer
    detail_view = "api:organisation-detail"


class CountryViewSet(RecordViewSet):
    """Countries, by name."""

    queryset = (
        Country.objects.with_session_counts()
        .with_membership()
        .prefetch_related(citations_prefetch())
    )
    serializer_class = api.CountrySerializer
    detail_view = "api:country-detail"


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "kind", str, enum=Document.Kind.values, description="Kind of document."
            )
        ]
    ),
    retrieve=extend_schema(
        parameters=[
            OpenApiParameter(
                "key",
                str,
                OpenApiParameter.PATH,
                description=(
                    "The document's normalised symbol (`A/RES/70/176`), or the slug of a "
                    "document without one. Any other written form of the symbol, and the "
                    "document's slug, redirect to this address."
                ),
            )
        ]
    ),
)
class DocumentViewSet(RecordViewSet):
    """Resolutions, decisions, reports, conventions and other documents and publications, by
    symbol, then title."""

    queryset = Document.objects.with_session_counts().prefetch_related(
        "issued_by", "tags", citations_prefetch()
    )
    serializer_class = api.DocumentSerializer
    detail_view = "api:document-detail"
    lookup_field = "key"

    def get_queryset(self):
        documents = super().get_queryset()
        kind = self.request.query_params.get("kind") if self.action == "list" else None
        if kind:
            if kind not in Document.Kind.values:
                raise BadQuery(f"There is no kind of document called “{kind[:SHOWN_KEY_LENGTH]}”.")
            documents = documents.filter(kind=kind)
        return documents

    def find(self, key):
        return self.get_queryset().at_address(key)

    def find_moved(self, key):
        return Document.objects.known_as(key)

    def address_of(self, document):
        return by_document_key(document)


class TagViewSet(RecordViewSet):
    """Themes (curated by editors) and tags (added by NGO staff), themes first."""

    queryset = (
        Tag.objects.with_session_counts()
        .order_by("-is_theme", "name")
        .prefetch_related(citations_prefetch())
    )
    serializer_class = api.TagSerializer
    detail_view = "api:tag-detail"


class ProgrammeViewSet(RecordViewSet):
    """Programmes, projects, initiatives, campaigns and funds, with who runs them."""

    queryset = Programme.objects.for_listing().prefetch_related(
        "documents", "sessions", citations_prefetch()
    )
    serializer_class = api.ProgrammeSerializer
    detail_view = "api:programme-detail"


class SourceViewSet(RecordViewSet):
    """The source documents every record is distilled from."""

    queryset = SourceDocument.objects.annotate(passage_count=Count("passages")).order_by(
        "file_name"
    )
    serializer_class = api.SourceSerializer
    detail_view = "api:source-detail"


class PassageViewSet(RecordViewSet):
    """The passages of a source document (headings, paragraphs, list items, footnotes) in the
    document's order and words, each at its anchor there."""

    queryset = Passage.objects.all()
    serializer_class = api.PassageSerializer
    detail_view = "api:passage-detail"
    lookup_field = "anchor"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Passage.objects.none()
        slug = self.kwargs["source"]
        source = SourceDocument.objects.filter(slug=slug).first()
        if source is None:
            raise NotFound(f"There is no source document “{slug[:SHOWN_KEY_LENGTH]}”.")
        return source.passages.select_related("source", "heading").order_by("position")

    def find_moved(self, key):
        return None


# What the root lists: each name and the view it links to.
INDEX = [
    ("sessions", "api:session-list"),
    ("meetings", "api:meeting-list"),
    ("speakers", "api:speaker-list"),
    ("organisations", "api:organisation-list"),
    ("countries", "api:country-list"),
    ("documents", "api:document-list"),
    ("themes", "api:tag-list"),
    ("programmes", "api:programme-list"),
    ("sources", "api:source-list"),
    ("schema", "api:schema"),
    ("docs", "api:docs"),
]


class RootView(APIView):
    """Where everything is: the list of each kind of record, the OpenAPI schema and the
    documentation."""

    @extend_schema(
        responses=inline_serializer("Root", {name: serializers.URLField() for name, _view in INDEX})
    )
    def get(self, request):
        return Response({name: absolute_url(request, view) for name, view in INDEX})


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI, served from this site: its script and stylesheet are files here, and its
    stylesheet's icons are data: images, which this page alone allows."""

    template_name = "api/docs.html"
    url_name = "api:schema"
    title = "API documentation"


docs = csp_update({"img-src": ["data:"]})(DocsView.as_view())


def unknown_address(request):
    """Any other address under the API: a JSON 404, as every API answer is JSON."""
    return JsonResponse({"detail": "There is no such address in the API."}, status=404)
