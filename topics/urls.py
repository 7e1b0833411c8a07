from django.urls import path

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
    path("documents/", views.DocumentListView.as_view(), name="document-list"),
    path(
        "documents/export.<str:export_format>",
        views.DocumentListView.as_view(),
        name="document-export",
    ),
    # Symbols contain slashes: A/RES/70/176.
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
    path("countries/", views.CountryListView.as_view(), name="country-list"),
    path(
        "countries/export.<str:export_format>",
        views.CountryListView.as_view(),
        name="country-export",
    ),
    path("countries/<slug:slug>/", views.CountryDetailView.as_view(), name="country-detail"),
    path("programmes/", views.ProgrammeListView.as_view(), name="programme-list"),
    path(
        "programmes/export.<str:export_format>",
        views.ProgrammeListView.as_view(),
        name="programme-export",
    ),
    path("programmes/<slug:slug>/", views.ProgrammeDetailView.as_view(), name="programme-detail"),
    path("sources/", views.SourceListView.as_view(), name="source-list"),
    path(
        "sources/export.<str:export_format>",
        views.SourceListView.as_view(),
        name="source-export",
    ),
    path("sources/<slug:slug>/", views.SourceDetailView.as_view(), name="source-detail"),
]
