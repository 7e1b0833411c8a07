from django.http import QueryDict

from topics.search.engine import Narrowing
from topics.search.query import MAX_QUERY_LENGTH

from .filters import KNOWN_PARAMETERS

# The query parameters that make a page show something else, by page. Any other parameter
# (utm_campaign, the fbclid Facebook adds) shows the same page, so its canonical address and
# its downloads leave it out.
LISTING_PARAMETERS = {
    "sessions:list": sorted(KNOWN_PARAMETERS),
    "sessions:search": Narrowing.PARAMETERS,
    "topics:document-list": ("kind", "page"),
    "topics:country-list": ("member", "page"),
}


def canonical_address(request) -> dict:
    """``canonical_url``: the page's permanent address with only the parameters that matter,
    in a fixed order; ``listing_query``: those parameters but the page number, for links to the
    same list in another form (its downloads)."""
    match = request.resolver_match
    if match is None:
        return {}
    kept = QueryDict(mutable=True)
    for name in LISTING_PARAMETERS.get(match.view_name, ("page",)):
        # No meaningful value is longer than a search; a longer one is not echoed back whole.
        values = sorted({value[:MAX_QUERY_LENGTH] for value in request.GET.getlist(name) if value})
        if values and (name, values) != ("page", ["1"]):
            kept.setlist(name, values)
    query = kept.urlencode()
    kept.pop("page", None)
    return {
        "canonical_url": request.build_absolute_uri(request.path) + (f"?{query}" if query else ""),
        "listing_query": kept.urlencode(),
    }
