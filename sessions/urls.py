from django.urls import path

from . import views

app_name = "sessions"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("sessions/", views.session_list, name="list"),
    path("briefing/", views.briefing_pack, name="briefing"),
    path("sessions/<slug:slug>/", views.SessionDetailView.as_view(), name="detail"),
    path("sessions/<slug:slug>/tags/", views.add_tag, name="add-tag"),
    path("sessions/<slug:slug>/tags/<slug:tag_slug>/remove/", views.remove_tag, name="remove-tag"),
    path("sessions/<slug:slug>/annotations/", views.add_annotation, name="add-annotation"),
    path("annotations/<int:pk>/edit/", views.edit_annotation, name="edit-annotation"),
    path("annotations/<int:pk>/delete/", views.delete_annotation, name="delete-annotation"),
    path("meetings/", views.MeetingListView.as_view(), name="meeting-list"),
    path("meetings/<slug:slug>/", views.MeetingDetailView.as_view(), name="meeting-detail"),
    path("speakers/", views.SpeakerListView.as_view(), name="speaker-list"),
    path("speakers/<slug:slug>/", views.SpeakerDetailView.as_view(), name="speaker-detail"),
]
