from django.urls import path

from sessions import feeds

from . import views

app_name = "topics"

urlpatterns = [
    path("themes/", views.ThemeListView.as_view(), name="theme-list"),
    path(
        "themes/export.<str:export_format>",
        views.ThemeListView.as_view(),
        name="theme-export",
    ),
    path("themes/<slug:slug>/", views.theme_detail, name="theme-detail"),
    path("themes/<slug:slug>/feed/", feeds.ThemeFeed(), name="theme-feed"),
    path("documents/", views.DocumentListView.as_view(), name="document-list"),
    path(
        "documents/export.<str:export_format>",
        views.DocumentListView.as_view(),
        name="document-export",
    ),
    # Symbols contain slashes: A/RES/70/176. The feed first, or its address would be read as
    # a document's.
    path("documents/<path:key>/feed/", feeds.DocumentFeed(), name="document-feed"),
    path("documents/<path:key>/", views.document_detail, name="document-detail"),
    path("organisations/", views.OrganisationListView.as_view(), name="organisation-list"),
    path(
        "organisations/export.<str:export_format>",
        views.OrganisationListView.as_view(),
        name="organisation-export",
    ),
    path(
        "organisations/<slug:slug>/",
        views.OrganisationDetailView.as_view(),
        name="organisation-detail",
    ),
    path("organisations/<slug:slug>/feed/", feeds.OrganisationFeed(), name="organisation-feed"),
    path("countries/", views.CountryListView.as_view(), name="country-list"),
    path(
        "countries/export.<str:export_format>",
        views.CountryListView.as_view(),
        name="country-export",
    ),
    path("countries/<slug:slug>/", views.CountryDetailView.as_view(), name="country-detail"),
    path("countries/<slug:slug>/feed/", feeds.CountryFeed(), name="country-feed"),
    path("programmes/", views.ProgrammeListView.as_view(), name="programme-list"),
    path(
        "programmes/export.<str:export_format>",
        views.ProgrammeListView.as_view(),
        name="programme-export",
    ),
    path("programmes/<slug:slug>/", views.ProgrammeDetailView.as_view(), name="programme-detail"),
    path("programmes/<slug:slug>/feed/", feeds.ProgrammeFeed(), name="programme-feed"),
    path("sources/", views.SourceListView.as_view(), name="source-list"),
    path(
        "sources/export.<str:export_format>",
        views.SourceListView.as_view(),
        name="source-export",
    ),
    path("sources/<slug:slug>/", views.SourceDetailView.as_view(), name="source-detail"),
]
