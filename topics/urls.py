from django.urls import path

from sessions import feeds

from . import views

app_name = "topics"

urlpatterns = [
    path("themes/", views.ThemeListView.as_view(), name="theme-list"),
    path("themes/<slug:slug>/", views.theme_detail, name="theme-detail"),
    path("themes/<slug:slug>/feed/", feeds.ThemeFeed(), name="theme-feed"),
    path("documents/", views.DocumentListView.as_view(), name="document-list"),
    # Symbols contain slashes: A/RES/70/176. The feed first, or its address would be read as
    # a document's.
    path("documents/<path:key>/feed/", feeds.DocumentFeed(), name="document-feed"),
    path("documents/<path:key>/", views.document_detail, name="document-detail"),
    path("organisations/", views.OrganisationListView.as_view(), name="organisation-list"),
    path(
        "organisations/<slug:slug>/",
        views.OrganisationDetailView.as_view(),
        name="organisation-detail",
    ),
    path("organisations/<slug:slug>/feed/", feeds.OrganisationFeed(), name="organisation-feed"),
    path("countries/", views.CountryListView.as_view(), name="country-list"),
    path("countries/<slug:slug>/", views.CountryDetailView.as_view(), name="country-detail"),
    path("countries/<slug:slug>/feed/", feeds.CountryFeed(), name="country-feed"),
    path("programmes/", views.ProgrammeListView.as_view(), name="programme-list"),
    path("programmes/<slug:slug>/", views.ProgrammeDetailView.as_view(), name="programme-detail"),
    path("programmes/<slug:slug>/feed/", feeds.ProgrammeFeed(), name="programme-feed"),
    path("sources/", views.SourceListView.as_view(), name="source-list"),
    path("sources/<slug:slug>/", views.SourceDetailView.as_view(), name="source-detail"),
]
