from django.urls import path

from . import views

app_name = "sessions"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("sessions/", views.session_list, name="list"),
    path("sessions/export.<str:export_format>", views.session_export, name="export"),
    path("sessions/<slug:slug>/", views.SessionDetailView.as_view(), name="detail"),
    path("sessions/<slug:slug>/tags/", views.add_tag, name="add-tag"),
    path("sessions/<slug:slug>/tags/<slug:tag_slug>/remove/", views.remove_tag, name="remove-tag"),
    path("sessions/<slug:slug>/annotations/", views.add_annotation, name="add-annotation"),
    path("annotations/<int:pk>/edit/", views.edit_annotation, name="edit-annotation"),
    path("annotations/<int:pk>/delete/", views.delete_annotation, name="delete-annotation"),
    path("meetings/", views.MeetingListView.as_view(), name="meeting-list"),
    path(
        "meetings/export.<str:export_format>",
        views.MeetingListView.as_view(),
        name="meeting-export",
    ),
    path("meetings/<slug:slug>/", views.MeetingDetailView.as_view(), name="meeting-detail"),
    path("speakers/", views.SpeakerListView.as_view(), name="speaker-list"),
    path(
        "speakers/export.<str:export_format>",
        views.SpeakerListView.as_view(),
        name="speaker-export",
    ),
    path("speakers/<slug:slug>/", views.SpeakerDetailView.as_view(), name="speaker-detail"),
    path("download/", views.download, name="download"),
    path("download/ccpcj-kb.json", views.download_knowledge_base, name="download-kb"),
]
