from django.urls import path

from . import feeds, views

app_name = "sessions"

urlpatterns = [
    path("", views.home, name="home"),
    path("feed/", feeds.LatestFeed(), name="latest-feed"),
    path("search/", views.search, name="search"),
    path("search/feed/", feeds.SearchFeed(), name="search-feed"),
    path("sessions/", views.session_list, name="list"),
    # Before the sessions' own addresses, which "feed" would otherwise be taken for.
    path("sessions/feed/", feeds.FilteredFeed(), name="feed"),
    path("sessions/calendar.ics", views.sessions_calendar, name="calendar"),
    path("sessions/export.<str:export_format>", views.session_export, name="export"),
    path("briefing/", views.briefing_pack, name="briefing"),
    path("sessions/<slug:slug>/", views.SessionDetailView.as_view(), name="detail"),
    path("sessions/<slug:slug>/calendar.ics", views.session_calendar, name="calendar-event"),
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
    path("meetings/<slug:slug>/feed/", feeds.MeetingFeed(), name="meeting-feed"),
    path("meetings/<slug:slug>/calendar.ics", views.meeting_calendar, name="meeting-calendar"),
    path("speakers/", views.SpeakerListView.as_view(), name="speaker-list"),
    path(
        "speakers/export.<str:export_format>",
        views.SpeakerListView.as_view(),
        name="speaker-export",
    ),
    path("speakers/<slug:slug>/", views.SpeakerDetailView.as_view(), name="speaker-detail"),
    path("speakers/<slug:slug>/feed/", feeds.SpeakerFeed(), name="speaker-feed"),
    path("download/", views.download, name="download"),
    path("download/ccpcj-kb.json", views.download_knowledge_base, name="download-kb"),
]
