from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from . import views

app_name = "api"

LIST = {"get": "list"}
DETAIL = {"get": "retrieve"}


def record_urls(prefix: str, viewset, name: str, key: str = "<slug:slug>"):
    return [
        path(f"{prefix}/", viewset.as_view(LIST), name=f"{name}-list"),
        path(f"{prefix}/{key}/", viewset.as_view(DETAIL), name=f"{name}-detail"),
    ]


urlpatterns = [
    path("", views.RootView.as_view(), name="root"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", views.docs, name="docs"),
    *record_urls("sessions", views.SessionViewSet, "session"),
    *record_urls("meetings", views.MeetingViewSet, "meeting"),
    *record_urls("speakers", views.SpeakerViewSet, "speaker"),
    *record_urls("organisations", views.OrganisationViewSet, "organisation"),
    *record_urls("countries", views.CountryViewSet, "country"),
    # Symbols contain slashes: A/RES/70/176.
    *record_urls("documents", views.DocumentViewSet, "document", key="<path:key>"),
    *record_urls("themes", views.TagViewSet, "tag"),
    *record_urls("programmes", views.ProgrammeViewSet, "programme"),
    *record_urls("sources", views.SourceViewSet, "source"),
    *record_urls(
        "sources/<slug:source>/passages", views.PassageViewSet, "passage", "<slug:anchor>"
    ),
    # Every other address ending in a slash, newlines and all (so one without its final slash
    # is still redirected to it first).
    re_path(r"^[\s\S]*/\Z", views.unknown_address),
]
