"""Guards against N+1 queries in the API: each list's page takes the same number of queries
with the shipped knowledge base and with ten times its records."""

from types import SimpleNamespace

import pytest
from django.db import transaction

from sessions.models import Session
from tests.factories import multiply_knowledge_base
from topics.search.indexing import deferred

pytestmark = pytest.mark.django_db

# Each list and the most queries a page of it may run, at either size.
LIST_QUERY_LIMITS = {
    "/api/v1/sessions/": 11,
    "/api/v1/sessions/?page=2&page_size=5": 11,
    "/api/v1/sessions/?tag=trafficking&tag=victim-centred-justice&sort=-date": 13,
    "/api/v1/sessions/?speaker=lara-dimitrijevic&country=malta": 13,
    "/api/v1/sessions/?organisation=unodc&sort=-date": 12,
    "/api/v1/sessions/?meeting=ccpcj-31&from=2022-05-17&to=2022-05-18": 12,
    "/api/v1/sessions/?resolution=E/RES/2002/12": 12,
    "/api/v1/sessions/?q=trafficking&kind=side-event&notes=yes": 12,
    "/api/v1/meetings/": 7,
    "/api/v1/speakers/": 5,
    "/api/v1/organisations/": 5,
    "/api/v1/countries/": 5,
    "/api/v1/documents/": 7,
    "/api/v1/documents/?kind=resolution": 7,
    "/api/v1/themes/": 4,
    "/api/v1/programmes/": 8,
    "/api/v1/sources/": 2,
    "/api/v1/sources/ccpcj-background-guide/passages/?page_size=100": 3,
}


@pytest.fixture(scope="module", params=["shipped", "ten times the shipped"])
def knowledge_base(request, django_db_setup, django_db_blocker):
    """The shipped knowledge base, or ten times it: multiplied once for all the tests of that
    size, in a transaction rolled back after them (each test's own transaction nests in it)."""
    with django_db_blocker.unblock():
        shipped = Session.objects.count()
    if request.param == "shipped":
        yield SimpleNamespace(sessions=shipped)
        return
    with django_db_blocker.unblock(), transaction.atomic():
        with deferred():  # the copies are written in bulk, then indexed at once
            multiply_knowledge_base(10)
        yield SimpleNamespace(sessions=10 * shipped)
        transaction.set_rollback(True)


def test_each_size_holds_the_sessions_it_says(client, knowledge_base):
    assert client.get("/api/v1/sessions/").json()["count"] == knowledge_base.sessions


@pytest.mark.parametrize(("url", "limit"), LIST_QUERY_LIMITS.items())
def test_each_list_page_stays_constant_query(
    client, knowledge_base, django_assert_max_num_queries, url, limit
):
    with django_assert_max_num_queries(limit):
        response = client.get(url)
    assert response.status_code == 200
    assert response.json()["results"]
