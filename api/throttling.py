from django.conf import settings
from rest_framework.throttling import AnonRateThrottle

from ccpcj_kb.middleware import client_ip


class VisitorRateThrottle(AnonRateThrottle):
    """Requests from one address at most at ``API_THROTTLE_RATE``; the next is answered 429
    with Retry-After. The rate is read on each request (tests change it), and the address is
    the one sign-in attempts are counted against, which no client behind a trusted proxy can
    forge. Answers served from the page cache are counted too, there (ccpcj_kb.pagecache).

    Requests are counted in ``SLICES`` slices of the period, not kept one time each as REST
    framework keeps them: at a high rate, reading and storing thousands of times took each
    request longer than serving it. A request is refused when the slices overlapping the last
    period hold the limit, so no period ever holds more; a refusal may come a slice early."""

    scope = "visitor"
    SLICES = 60

    def get_rate(self):
        return settings.API_THROTTLE_RATE

    def get_ident(self, request):
        return client_ip(request)

    def get_cache_key(self, request, view):
        # The API signs no one in: every request is a visitor's, including those the page
        # cache counts before anyone is signed in.
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def allow_request(self, request, view):
        self.key = self.get_cache_key(request, view)
        self.now = self.timer()
        width = self.duration / self.SLICES
        current = int(self.now // width)
        last, counts = self.cache.get(self.key) or (current, [0])
        # Another process's clock a little ahead: its slice is taken as the current one.
        self.slice = max(current, last)
        # The counts of the current slice and the SLICES before it, oldest first: the oldest
        # holds where the last period starts.
        passed = min(self.slice - last, self.SLICES + 1)
        self.counts = (counts + [0] * passed)[-(self.SLICES + 1) :]
        if sum(self.counts) >= self.num_requests:
            return self.throttle_failure()
        self.counts[-1] += 1
        self.cache.set(self.key, (self.slice, self.counts), self.duration + width)
        return True

    def wait(self):
        """Seconds until enough of the requests counted have left the period for one more."""
        width = self.duration / self.SLICES
        over = sum(self.counts) - self.num_requests
        for age, count in enumerate(self.counts):  # noqa: B007 (read after the loop)
            over -= count
            if over < 0:
                break
        leaving = self.slice - len(self.counts) + 1 + age
        # A slice is counted until the current one is SLICES + 1 slices on.
        return (leaving + self.SLICES + 1) * width - self.now
