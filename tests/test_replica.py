"""A read replica, when DATABASE_REPLICA_URL names one: reads go there, writes and the reads that
must see them go to the primary. Without the variable, everything stays on the one database."""

import runpy

import pytest
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory

from ccpcj_kb import settings as settings_module
from ccpcj_kb.routers import PIN_COOKIE, ReplicaMiddleware, ReplicaRouter, primary
from sessions.models import Session

PRIMARY_URL = "postgres://kb@primary.example:5432/kb"
REPLICA_URL = "postgres://kb@replica.example:5432/kb"


def settings_with(monkeypatch, **environment):
    monkeypatch.delenv("DATABASE_REPLICA_URL", raising=False)
    monkeypatch.setenv("DATABASE_URL", PRIMARY_URL)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(settings_module.__file__)


def test_without_a_replica_there_is_one_database_and_no_router(monkeypatch):
    settings = settings_with(monkeypatch)
    assert list(settings["DATABASES"]) == ["default"]
    assert "DATABASE_ROUTERS" not in settings
    assert "ccpcj_kb.routers.ReplicaMiddleware" not in settings["MIDDLEWARE"]


def test_a_replica_url_adds_the_replica_and_routes_reads_to_it(monkeypatch):
    settings = settings_with(monkeypatch, DATABASE_REPLICA_URL=REPLICA_URL)
    assert settings["DATABASES"]["replica"]["HOST"] == "replica.example"
    assert settings["DATABASES"]["default"]["HOST"] == "primary.example"
    assert settings["DATABASE_ROUTERS"] == ["ccpcj_kb.routers.ReplicaRouter"]
    middleware = settings["MIDDLEWARE"]
    # Before the page cache, which renders its pages from the primary.
    assert middleware.index("ccpcj_kb.routers.ReplicaMiddleware") < middleware.index(
        "ccpcj_kb.pagecache.PageCacheMiddleware"
    )


router = ReplicaRouter()


# Outside a test transaction: reads inside one go to the primary.
@pytest.mark.django_db(transaction=True)
def test_reads_go_to_the_replica_and_writes_to_the_primary():
    assert router.db_for_read(Session) == "replica"
    assert router.db_for_write(Session) == "default"
    assert router.allow_migrate("default", "kb_sessions")
    assert not router.allow_migrate("replica", "kb_sessions")


@pytest.mark.django_db(transaction=True)
def test_reads_that_must_see_a_write_go_to_the_primary():
    from django.contrib.sessions.models import Session as SignInSession

    assert router.db_for_read(SignInSession) == "default"
    with primary():
        assert router.db_for_read(Session) == "default"
    with transaction.atomic():
        assert router.db_for_read(Session) == "default"
    assert router.db_for_read(Session) == "replica"


def read_from(request) -> tuple[str, HttpResponse]:
    seen = []

    def view(request):
        seen.append(router.db_for_read(Session))
        return HttpResponse()

    response = ReplicaMiddleware(view)(request)
    return seen[0], response


@pytest.mark.django_db(transaction=True)
def test_a_client_reads_its_own_writes(settings):
    settings.REPLICA_LAG_SECONDS = 10
    factory = RequestFactory()
    database, response = read_from(factory.post("/sessions/x/tags/"))
    assert database == "default"
    assert response.cookies[PIN_COOKIE]["max-age"] == 10

    following = factory.get("/sessions/x/")
    following.COOKIES[PIN_COOKIE] = "1"
    assert read_from(following)[0] == "default"
    assert read_from(factory.get("/sessions/x/"))[0] == "replica"
