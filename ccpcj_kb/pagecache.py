"""Whole pages for visitors who are not signed in, kept in the shared cache and never stale.

Every stored page carries the cache's current *generation*: when it began (the last write) and
a random token. Any write to the knowledge base (a save, a delete or a link changed anywhere, or
a bulk writer saying so) starts a new generation, so from that moment every worker process and
every server sharing the cache renders pages afresh: nothing has to be found and deleted.

A generation starts when the write happens, so the writing process never reads an old page, and
again when its transaction commits, so a page another process rendered in between (still showing
the database as it was) is never served.

Pages are shared only with requests that carry no session and no pending messages: a signed-in
user never reads or fills the shared cache. A response that sets a cookie (a form's CSRF token)
or asks not to be stored is never stored. Stored pages say ``Cache-Control: no-cache`` with their
``ETag`` and ``Last-Modified``, so browsers and proxies revalidate each time and get a 304 while
the page is unchanged.
"""

import functools
import hashlib
import logging
import math
import secrets
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import (
    cc_delim_re,
    get_conditional_response,
    patch_cache_control,
    set_response_etag,
)
from django.utils.http import http_date

from .routers import primary

logger = logging.getLogger(__name__)

# Apps whose records pages show; writes to accounts, sign-in sessions or the admin's log do not
# change what a visitor reads.
WATCHED_APPS = ["kb_sessions", "topics", "taggit"]
# The search index is written with the records it indexes, which invalidate the pages; listening
# to it too would cost Django's fast bulk delete of its rows.
UNWATCHED_MODELS = {"topics.SearchEntry", "topics.SearchWord"}
NOT_STORED = {"private", "no-store"}

_state = threading.local()


@dataclass(frozen=True)
class Generation:
    started: float
    token: str

    @classmethod
    def new(cls) -> "Generation":
        return cls(time.time(), secrets.token_hex(8))

    def last_modified(self, rendered: float) -> int:
        """The time a page rendered at ``rendered`` is compared with If-Modified-Since.

        Dates have whole seconds: a copy dated the second this generation started may have been
        rendered before its write, so only copies dated after that second are current."""
        return max(math.floor(rendered), math.floor(self.started) + 1)


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def database_key() -> str:
    """Pages (and whatever else is kept in the shared cache) depend on the database they were
    read from: a test database, a benchmark's or a second site sharing the cache never reads
    another's."""
    name = str(connections[DEFAULT_DB_ALIAS].settings_dict["NAME"])
    return hashlib.sha256(name.encode()).hexdigest()[:16]


def generation_key() -> str:
    return f"pages:{database_key()}:generation"


def page_key(request) -> str:
    """A page is kept for the day it was rendered on: it may say what day it is (the date a
    citation was accessed on)."""
    address = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    return f"pages:{database_key()}:page:{timezone.localdate().isoformat()}:{address}"


def current_generation() -> Generation:
    generation = _cache().get(generation_key())
    if not isinstance(generation, Generation):
        # add(), not set(): processes starting at once agree on one generation.
        _cache().add(generation_key(), Generation.new(), None)
        generation = _cache().get(generation_key())
    return generation


def _start_generation() -> None:
    _cache().set(generation_key(), Generation.new(), None)


def invalidate(using: str = DEFAULT_DB_ALIAS) -> None:
    """Every stored page is out of date from now on, and again once the current transaction
    commits (see the module's docstring). Inside ``bulk_writes()`` this waits for its end."""
    if _bulk_depth():
        return
    _start_generation()
    if connections[using].in_atomic_block:
        transaction.on_commit(_start_generation, using=using)


def _bulk_depth() -> int:
    return getattr(_state, "depth", 0)


@contextmanager
def bulk_writes():
    """Many writes in a row (the loader, the corpus generator): the stored pages are
    invalidated once, when the block ends, instead of once per record."""
    _state.depth = _bulk_depth() + 1
    try:
        yield
    finally:
        _state.depth -= 1
        if not _state.depth:
            invalidate()


def _written(sender, action="post", using=DEFAULT_DB_ALIAS, **kwargs):
    # m2m_changed tells of a change before and after it is made: once is enough.
    if action.startswith("post"):
        invalidate(using)


def connect() -> None:
    """Invalidate the stored pages on every write to the watched apps' records and links
    (from AppConfig.ready)."""
    for label in WATCHED_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if model._meta.label in UNWATCHED_MODELS:
                continue
            uid = f"page-cache-{model._meta.label}"
            post_save.connect(_written, sender=model, dispatch_uid=uid)
            post_delete.connect(_written, sender=model, dispatch_uid=uid)
            if model._meta.auto_created:
                m2m_changed.connect(_written, sender=model, dispatch_uid=uid)


def enabled() -> bool:
    return settings.PAGE_CACHE_SECONDS > 0


# The API chooses each answer's type from the request, and counts every request against its
# rate limit: a stored answer is served only to a client that accepts its type, once the view's
# throttles have counted the request. The site's pages are HTML whatever is asked.
API_PATHS = ("/api/",)


@functools.lru_cache(maxsize=1024)
def _throttles(path: str) -> tuple:
    """The REST framework throttles of the view at ``path``: the URLs never change while the
    site runs, and resolving one each time cost a stored API answer a tenth of its time."""
    try:
        view_class = getattr(resolve(path).func, "cls", None)
    except Resolver404:
        return ()
    return tuple(getattr(view_class, "throttle_classes", ()))


class PageCacheMiddleware:
    """Serve visitors' pages from the shared cache, store the ones rendered for them, and
    answer their conditional requests (Django's ConditionalGetMiddleware, below this one,
    answers everyone else's)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not (enabled() and self.shares_pages_with(request)):
            return self.get_response(request)
        try:
            key, generation_name = page_key(request), generation_key()
            found = _cache().get_many([key, generation_name])
            generation = found.get(generation_name)
            if not isinstance(generation, Generation):
                generation = current_generation()
        except Exception:
            logger.exception("The page cache cannot be read; serving without it.")
            return self.get_response(request)
        stored = found.get(key)
        if stored is not None and stored["generation"] == generation:
            if request.path.startswith(API_PATHS) and not (
                self.accepts(request, stored) and self.within_rate_limits(request)
            ):
                return self.get_response(request)
        else:
            # Rendered from the primary: a replica lagging behind the last write would have the
            # cache keep its past until the next write.
            with primary():
                response = self.get_response(request)
            if request.method != "GET" or not self.can_store(response):
                return response
            stored = self.store(key, generation, response)
        response = HttpResponse(stored["content"])
        for name, value in stored["headers"]:
            response[name] = value
        last_modified = generation.last_modified(stored["rendered"])
        if last_modified <= time.time():
            response["Last-Modified"] = http_date(last_modified)
        return get_conditional_response(
            request, etag=response["ETag"], last_modified=last_modified, response=response
        )

    @staticmethod
    def shares_pages_with(request) -> bool:
        # Static files are answered by WhiteNoise, below, without a look in the page cache.
        if request.method not in ("GET", "HEAD") or request.path.startswith(settings.STATIC_URL):
            return False
        cookies = request.COOKIES
        return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies

    @staticmethod
    def accepts(request, stored: dict) -> bool:
        """Whether the client accepts the stored answer's type. One that does not reaches the
        view, which answers 406 Not Acceptable, as it would for anyone."""
        content_type = dict(stored["headers"]).get("Content-Type", "")
        return request.accepts(content_type.split(";")[0].strip())

    @staticmethod
    def within_rate_limits(request) -> bool:
        """Whether the request's REST framework view would let it through, counted as the view
        counts it. One refused goes on to the view, which answers 429 and counts no more."""
        # Each throttle counts the request, as the view's do, even after one has refused it.
        answers = [
            throttle().allow_request(request, None) for throttle in _throttles(request.path_info)
        ]
        return all(answers)

    @staticmethod
    def can_store(response) -> bool:
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        cache_control = {
            directive.split("=")[0].strip().lower()
            for directive in cc_delim_re.split(response.get("Cache-Control", ""))
        }
        return not cache_control & NOT_STORED

    @staticmethod
    def store(key: str, generation: Generation, response: HttpResponse) -> dict:
        rendered = time.time()
        response["Last-Modified"] = http_date(rendered)
        patch_cache_control(response, no_cache=True)
        if not response.has_header("ETag"):
            set_response_etag(response)
        stored = {
            "generation": generation,
            "rendered": rendered,
            "content": response.content,
            # Its headers, never its cookies (it sets none: see can_store).
            "headers": list(response.items()),
        }
        try:
            _cache().set(key, stored, settings.PAGE_CACHE_SECONDS)
        except Exception:
            logger.exception("The page cache cannot be written; the page was served anyway.")
        return stored
