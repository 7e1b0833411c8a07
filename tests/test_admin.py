"""The admin: every page answers for a superuser, and search finds what editors type."""

import pytest
from django.contrib import admin
from django.urls import reverse

from sessions.models import Session, Speaker
from topics.models import Document

# django-axes' own admin pages are read-only by design (no add page), and so is the taggings
# audit (tests/topics/test_tag_rules.py covers it); ours are all editable.
REGISTERED = [
    pytest.param(model, id=model._meta.label)
    for model in admin.site._registry
    if model._meta.app_label in {"kb_sessions", "topics", "auth"}
    and model._meta.label != "topics.TaggingEvent"
]


@pytest.mark.django_db
@pytest.mark.parametrize("model", REGISTERED)
def test_changelist_add_and_change_pages_answer(admin_client, model):
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert admin_client.get(changelist).status_code == 200
    assert admin_client.get(f"{changelist}?q=a").status_code == 200
    add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
    assert admin_client.get(add).status_code == 200
    instance = model.objects.order_by("pk").first()
    if instance is not None:
        change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[instance.pk])
        assert admin_client.get(change).status_code == 200


@pytest.mark.django_db
def test_every_kind_of_record_is_in_the_admin():
    labels = {model._meta.label for model in admin.site._registry}
    assert {
        "kb_sessions.Meeting",
        "kb_sessions.Session",
        "kb_sessions.Speaker",
        "kb_sessions.Appearance",
        "kb_sessions.Annotation",
        "topics.Organisation",
        "topics.Document",
        "topics.Tag",
        "topics.TaggedItem",
        "topics.Country",
        "topics.SourceDocument",
    } <= labels


def changelist_results(admin_client, model, query):
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    response = admin_client.get(url, {"q": query})
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


@pytest.mark.django_db
def test_speaker_search_by_surname(admin_client):
    results = changelist_results(admin_client, Speaker, "Dimitrijevic")
    assert [speaker.name for speaker in results] == ["Lara Dimitrijevic"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "written", ["A/RES/70/176", "A/Res/70/176", "a/res/70/176", "resolution 70/176", "70/176"]
)
def test_resolution_search_by_any_written_form(admin_client, written):
    results = changelist_results(admin_client, Document, written)
    assert "A/RES/70/176" in [document.normalized_symbol for document in results]


@pytest.mark.django_db
def test_session_search_by_speaker_name(admin_client):
    results = changelist_results(admin_client, Session, "Prantner")
    assert [session.slug for session in results] == ["ccpcj-31-femicide"]


@pytest.mark.django_db
def test_editors_see_who_tagged_what_and_when(admin_client, django_user_model):
    from topics.services import tag_record

    staff = django_user_model.objects.create_user("amina")
    session = Session.objects.get(slug="ccpcj-31-femicide")
    tag_record(record=session, name="data gaps", user=staff)
    url = reverse("admin:topics_taggeditem_changelist")
    response = admin_client.get(url, {"added_by__id__exact": staff.pk})
    taggings = list(response.context["cl"].result_list)
    assert [(t.tag.name, t.content_object, t.added_by) for t in taggings] == [
        ("data gaps", session, staff)
    ]
    assert session.title in response.content.decode()


@pytest.mark.django_db
def test_every_record_has_its_change_history(admin_client):
    session = Session.objects.get(slug="ccpcj-31-femicide")
    url = reverse("admin:kb_sessions_session_history", args=[session.pk])
    assert admin_client.get(url).status_code == 200
