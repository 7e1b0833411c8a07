"""Reads from a read replica, when DATABASE_REPLICA_URL names one (settings install these only
then). Writes go to the primary, and so do the reads that must see a write at once: inside a
transaction, sign-in sessions and lockouts, a request that writes, the requests a client makes
shortly after writing (until the replica has caught up), and pages rendered for the shared page
cache (which must never store what the replica has not caught up with)."""

import contextvars
from contextlib import contextmanager, nullcontext

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
# Apps whose rows are read right after they are written: the session a sign-in just created,
# the failed sign-ins just counted.
PRIMARY_APPS = {"sessions", "axes"}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
PIN_COOKIE = "kb_wrote"

_pinned = contextvars.ContextVar("reads_from_primary", default=False)


@contextmanager
def primary():
    """Every read inside the block goes to the primary."""
    token = _pinned.set(True)
    try:
        yield
    finally:
        _pinned.reset(token)


def replicated() -> bool:
    return REPLICA in settings.DATABASES


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if (
            _pinned.get()
            or model._meta.app_label in PRIMARY_APPS
            or connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two copies of it

    def allow_migrate(self, db, app_label, **hints):
        return db == DEFAULT_DB_ALIAS


class ReplicaMiddleware:
    """A request that writes reads from the primary too, and so do the client's requests for
    REPLICA_LAG_SECONDS after it (a short-lived cookie says so): nobody misses their own write."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        writes = request.method not in SAFE_METHODS
        with primary() if writes or PIN_COOKIE in request.COOKIES else nullcontext():
            response = self.get_response(request)
        if writes:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.REPLICA_LAG_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
