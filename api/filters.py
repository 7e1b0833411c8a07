"""The session list's filters: the site's own (``sessions.filters``), read from the same query
parameters so they mean the same, and ``q``, matched as the site's search matches it."""

from sessions.filters import FilterError, SessionFilters
from sessions.models import Session
from topics.search.engine import found_ids
from topics.search.models import SearchEntry
from topics.search.query import QueryError, parse_query

from .errors import BadQuery


def filtered_sessions(params, user):
    """The sessions the site's session list shows for ``params``, in its order; with ``q``,
    only those the search finds for it. A value that names nothing or cannot be read raises
    BadQuery saying which."""
    try:
        filters = SessionFilters.from_query(params)
    except FilterError as error:
        raise BadQuery(error.message) from None
    sessions = filters.apply(Session.objects.all())
    written = params.getlist("q")
    if len(written) > 1:
        raise BadQuery("Give “q” once only.")
    if written and written[0].strip():
        try:
            query = parse_query(written[0])
        except QueryError as error:
            raise BadQuery(str(error)) from None
        if not query:
            raise BadQuery("“q” holds only words too common to search for, such as “the”.")
        sessions = sessions.filter(pk__in=found_ids(query, SearchEntry.Kind.SESSION, user))
    return sessions
