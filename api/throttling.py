from django.conf import settings
from rest_framework.throttling import AnonRateThrottle

from ccpcj_kb.middleware import client_ip


class VisitorRateThrottle(AnonRateThrottle):
    """Requests from one address at most at ``API_THROTTLE_RATE``; the next is answered 429
    with Retry-After. The rate is read on each request (tests change it), and the address is
    the one sign-in attempts are counted against, which no client behind a trusted proxy can
    forge. Answers served from the page cache are counted too, there (ccpcj_kb.pagecache)."""

    def get_rate(self):
        return settings.API_THROTTLE_RATE

    def get_ident(self, request):
        return client_ip(request)

    def get_cache_key(self, request, view):
        # The API signs no one in: every request is a visitor's, including those the page
        # cache counts before anyone is signed in.
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
