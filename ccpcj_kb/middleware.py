"""HTTP plumbing every page shares and no app owns: refusing requests no browser sends, a clear
answer while the database is away, the response headers Django has no setting for, and how the
sign-in lockout sees the client behind proxies and explains itself."""

import ipaddress
import logging

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.timesince import timeuntil

logger = logging.getLogger(__name__)

NUL = "\x00"
# Where the JSON API lives: its errors are JSON too.
API_PATH = "/api/"
# How long a client is asked to wait before retrying while the database is unreachable.
RETRY_AFTER_SECONDS = 30


class RejectNulBytesMiddleware:
    """A NUL character in the path, the query string, a form field or a header is a 400.

    No browser sends one, and PostgreSQL refuses text containing it: let through, such a request
    reaches the database and fails as a server error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if carries_nul(request):
            explanation = "The address or the form contained a NUL character, which is never valid."
            if request.path_info.startswith(API_PATH):
                return JsonResponse({"detail": explanation}, status=400)
            return render(request, "400.html", {"exception": explanation}, status=400)
        return self.get_response(request)


def carries_nul(request) -> bool:
    headers = (value for name, value in request.META.items() if name.startswith("HTTP_"))
    if NUL in request.path_info or any(NUL in value for value in headers):
        return True
    queries = [request.GET, request.POST] if request.method == "POST" else [request.GET]
    return any(
        NUL in name or any(NUL in value for value in values)
        for query in queries
        for name, values in query.lists()
    )


class DatabaseUnavailableMiddleware:
    """While the database cannot be reached, pages answer 503 with Retry-After and the site's
    own error page instead of a server error; the next request after it returns reconnects."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("Database unavailable: %s", exception)
        if request.path_info.startswith(API_PATH):
            explanation = "The knowledge base is briefly unavailable; try again shortly."
            response = JsonResponse({"detail": explanation}, status=503)
        else:
            # The page must not reach for the database again: no signed-in user, no messages.
            context = {"user": AnonymousUser(), "messages": []}
            response = render(request, "503.html", context, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response


def client_ip(request) -> str:
    """The address sign-in attempts are counted against (django-axes' AXES_CLIENT_IP_CALLABLE).

    Directly served, it is REMOTE_ADDR. Behind TRUSTED_PROXY_COUNT proxies, each appending the
    address it was contacted from to X-Forwarded-For, it is the entry that many places from the
    right: the one the outermost trusted proxy wrote. Entries further left come from the client
    and are never believed; a header too short to hold that entry leaves REMOTE_ADDR."""
    remote_addr = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if count == 0 or len(forwarded) < count:
        return remote_addr
    try:
        return str(ipaddress.ip_address(forwarded[-count]))
    except ValueError:
        return remote_addr


def locked_out(request, original_response, credentials):
    """The page a locked-out sign-in gets (django-axes' AXES_LOCKOUT_CALLABLE): the wait in words
    ("15 minutes") where django-axes would give ISO 8601 ("PT15M")."""
    now = timezone.now()
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "wait": timeuntil(now + get_cool_off(request), now),
    }
    return render(
        request,
        "registration/locked_out.html",
        context,
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


class PermissionsPolicyMiddleware:
    """Permissions-Policy and Cross-Origin-Resource-Policy headers, from settings."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault(
            "Permissions-Policy",
            ", ".join(
                f"{feature}=({' '.join(allowed)})"
                for feature, allowed in settings.PERMISSIONS_POLICY.items()
            ),
        )
        response.headers.setdefault(
            "Cross-Origin-Resource-Policy", settings.CROSS_ORIGIN_RESOURCE_POLICY
        )
        return response
