"""Every named address of the site, pinned both ways: ``reverse`` builds the address that links
and bookmarks use, and ``resolve`` sends that address back to the same view. A renamed route or
a changed path breaks shared links, so it fails here first."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

ROUTES = [
    # (name, arguments, address)
    ("sessions:home", [], "/"),
    ("sessions:search", [], "/search/"),
    ("sessions:list", [], "/sessions/"),
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
    ("sessions:meeting-detail", ["ccpcj-31"], "/meetings/ccpcj-31/"),
    ("sessions:speaker-list", [], "/speakers/"),
    ("sessions:speaker-detail", ["lara-dimitrijevic"], "/speakers/lara-dimitrijevic/"),
    ("topics:theme-list", [], "/themes/"),
    ("topics:theme-detail", ["femicide"], "/themes/femicide/"),
    ("topics:document-list", [], "/documents/"),
    ("topics:document-detail", ["A/RES/70/176"], "/documents/A/RES/70/176/"),
    ("topics:document-detail", ["unodc-femicide-study"], "/documents/unodc-femicide-study/"),
    ("topics:organisation-list", [], "/organisations/"),
    ("topics:organisation-detail", ["unodc"], "/organisations/unodc/"),
    ("topics:country-list", [], "/countries/"),
    ("topics:country-detail", ["malta"], "/countries/malta/"),
    ("topics:programme-list", [], "/programmes/"),
    ("topics:programme-detail", ["glo-act"], "/programmes/glo-act/"),
    ("topics:source-list", [], "/sources/"),
    ("topics:source-detail", ["ccpcj-31-observer-notes"], "/sources/ccpcj-31-observer-notes/"),
    ("login", [], "/accounts/login/"),
    ("logout", [], "/accounts/logout/"),
    ("password_change", [], "/accounts/password/change/"),
    ("password_change_done", [], "/accounts/password/change/done/"),
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
