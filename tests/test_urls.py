"""Every named address of the site, pinned both ways: ``reverse`` builds the address that links
and bookmarks use, and ``resolve`` sends that address back to the same view. A renamed route or
a changed path breaks shared links, so it fails here first."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

ROUTES = [
    # (name, arguments, address)
    ("api:root", [], "/api/v1/"),
    ("api:schema", [], "/api/v1/schema/"),
    ("api:docs", [], "/api/v1/docs/"),
    ("api:session-list", [], "/api/v1/sessions/"),
    ("api:session-detail", ["ccpcj-31-femicide"], "/api/v1/sessions/ccpcj-31-femicide/"),
    ("api:meeting-list", [], "/api/v1/meetings/"),
    ("api:meeting-detail", ["ccpcj-31"], "/api/v1/meetings/ccpcj-31/"),
    ("api:speaker-list", [], "/api/v1/speakers/"),
    ("api:speaker-detail", ["lara-dimitrijevic"], "/api/v1/speakers/lara-dimitrijevic/"),
    ("api:organisation-list", [], "/api/v1/organisations/"),
    ("api:organisation-detail", ["unodc"], "/api/v1/organisations/unodc/"),
    ("api:country-list", [], "/api/v1/countries/"),
    ("api:country-detail", ["malta"], "/api/v1/countries/malta/"),
    ("api:document-list", [], "/api/v1/documents/"),
    ("api:document-detail", ["A/RES/70/176"], "/api/v1/documents/A/RES/70/176/"),
    ("api:document-detail", ["untoc"], "/api/v1/documents/untoc/"),
    ("api:tag-list", [], "/api/v1/themes/"),
    ("api:tag-detail", ["femicide"], "/api/v1/themes/femicide/"),
    ("api:programme-list", [], "/api/v1/programmes/"),
    ("api:programme-detail", ["glo-act"], "/api/v1/programmes/glo-act/"),
    ("api:source-list", [], "/api/v1/sources/"),
    ("api:source-detail", ["ccpcj-31-observer-notes"], "/api/v1/sources/ccpcj-31-observer-notes/"),
    (
        "api:passage-list",
        ["ccpcj-31-observer-notes"],
        "/api/v1/sources/ccpcj-31-observer-notes/passages/",
    ),
    (
        "api:passage-detail",
        ["ccpcj-31-observer-notes", "para-13"],
        "/api/v1/sources/ccpcj-31-observer-notes/passages/para-13/",
    ),
    ("sessions:home", [], "/"),
    ("sessions:search", [], "/search/"),
    ("sessions:list", [], "/sessions/"),
    ("sessions:export", ["csv"], "/sessions/export.csv"),
    ("sessions:briefing", [], "/briefing/"),
    ("sessions:detail", ["ccpcj-31-femicide"], "/sessions/ccpcj-31-femicide/"),
    ("sessions:add-tag", ["ccpcj-31-femicide"], "/sessions/ccpcj-31-femicide/tags/"),
    (
        "sessions:remove-tag",
        ["ccpcj-31-femicide", "data-gaps"],
        "/sessions/ccpcj-31-femicide/tags/data-gaps/remove/",
    ),
    (
        "sessions:add-annotation",
        ["ccpcj-31-femicide"],
        "/sessions/ccpcj-31-femicide/annotations/",
    ),
    ("sessions:edit-annotation", [7], "/annotations/7/edit/"),
    ("sessions:delete-annotation", [7], "/annotations/7/delete/"),
    ("sessions:meeting-list", [], "/meetings/"),
    ("sessions:meeting-export", ["json"], "/meetings/export.json"),
    ("sessions:meeting-detail", ["ccpcj-31"], "/meetings/ccpcj-31/"),
    ("sessions:speaker-list", [], "/speakers/"),
    ("sessions:speaker-export", ["csv"], "/speakers/export.csv"),
    ("sessions:speaker-detail", ["lara-dimitrijevic"], "/speakers/lara-dimitrijevic/"),
    ("topics:theme-list", [], "/themes/"),
    ("topics:theme-export", ["csv"], "/themes/export.csv"),
    ("topics:theme-detail", ["femicide"], "/themes/femicide/"),
    ("topics:document-list", [], "/documents/"),
    ("topics:document-export", ["csv"], "/documents/export.csv"),
    ("topics:document-detail", ["A/RES/70/176"], "/documents/A/RES/70/176/"),
    ("topics:document-detail", ["unodc-femicide-study"], "/documents/unodc-femicide-study/"),
    ("topics:organisation-list", [], "/organisations/"),
    ("topics:organisation-export", ["csv"], "/organisations/export.csv"),
    ("topics:organisation-detail", ["unodc"], "/organisations/unodc/"),
    ("topics:country-list", [], "/countries/"),
    ("topics:country-export", ["csv"], "/countries/export.csv"),
    ("topics:country-detail", ["malta"], "/countries/malta/"),
    ("topics:programme-list", [], "/programmes/"),
    ("topics:programme-export", ["csv"], "/programmes/export.csv"),
    ("topics:programme-detail", ["glo-act"], "/programmes/glo-act/"),
    ("topics:source-list", [], "/sources/"),
    ("topics:source-export", ["csv"], "/sources/export.csv"),
    ("topics:source-detail", ["ccpcj-31-observer-notes"], "/sources/ccpcj-31-observer-notes/"),
    ("sessions:download", [], "/download/"),
    ("sessions:download-kb", [], "/download/ccpcj-kb.json"),
    ("sitemap", [], "/sitemap.xml"),
    ("sitemap-section", ["sessions"], "/sitemap-sessions.xml"),
    ("robots", [], "/robots.txt"),
    ("login", [], "/accounts/login/"),
    ("logout", [], "/accounts/logout/"),
    ("password_change", [], "/accounts/password/change/"),
    ("password_change_done", [], "/accounts/password/change/done/"),
    ("sessions:latest-feed", [], "/feed/"),
    ("sessions:feed", [], "/sessions/feed/"),
    ("sessions:search-feed", [], "/search/feed/"),
    ("sessions:calendar", [], "/sessions/calendar.ics"),
    (
        "sessions:calendar-event",
        ["ccpcj-31-femicide"],
        "/sessions/ccpcj-31-femicide/calendar.ics",
    ),
    ("sessions:meeting-feed", ["ccpcj-31"], "/meetings/ccpcj-31/feed/"),
    ("sessions:meeting-calendar", ["ccpcj-31"], "/meetings/ccpcj-31/calendar.ics"),
    ("sessions:speaker-feed", ["lara-dimitrijevic"], "/speakers/lara-dimitrijevic/feed/"),
    ("topics:theme-feed", ["femicide"], "/themes/femicide/feed/"),
    ("topics:document-feed", ["A/RES/70/176"], "/documents/A/RES/70/176/feed/"),
    ("topics:organisation-feed", ["unodc"], "/organisations/unodc/feed/"),
    ("topics:country-feed", ["malta"], "/countries/malta/feed/"),
    ("topics:programme-feed", ["glo-act"], "/programmes/glo-act/feed/"),
]


@pytest.mark.parametrize(
    ("name", "args", "address"), ROUTES, ids=[f"{name}{args}" for name, args, _ in ROUTES]
)
def test_named_address_reverses_and_resolves(name, args, address):
    assert reverse(name, args=args) == address
    match = resolve(address)
    assert match.view_name == name
    assert [str(value) for value in match.args + tuple(match.kwargs.values())] == [
        str(arg) for arg in args
    ]


def named_routes(patterns, namespace=""):
    """The names of every route below ``patterns``, with their namespaces."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from named_routes(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_named_address_of_the_site_is_pinned_here():
    """The admin's addresses are Django's; every other named address is listed above."""
    names = named_routes(get_resolver().url_patterns)
    site = {name for name in names if not name.startswith("admin:")}
    assert site == {name for name, _, _ in ROUTES}
