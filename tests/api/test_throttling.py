"""The API's rate limit, against a clock moved by hand: no period ever holds more requests from
one address than the limit, a request is refused only when the last period (and a sixtieth)
holds that many, and Retry-After says when the next one will be let through."""

import random

import pytest
from django.test import RequestFactory

from api.throttling import VisitorRateThrottle

PERIOD = 60
LIMIT = 5
# How early a refusal may come: a slice of the period.
SLICE = PERIOD / VisitorRateThrottle.SLICES


@pytest.fixture
def clock(monkeypatch, settings):
    settings.API_THROTTLE_RATE = f"{LIMIT}/minute"
    now = [1_000_000.0]
    monkeypatch.setattr(VisitorRateThrottle, "timer", lambda throttle: now[0])
    return now


def ask(address="192.0.2.7"):
    """Whether the request is let through, and the throttle that decided."""
    throttle = VisitorRateThrottle()
    request = RequestFactory().get("/api/v1/sessions/", REMOTE_ADDR=address)
    return throttle.allow_request(request, None), throttle


def test_no_period_holds_more_than_the_limit_and_refusals_are_not_early(clock):
    rng = random.Random(7)
    start = clock[0]
    allowed, refused = [], []
    for _ in range(400):
        clock[0] += rng.expovariate(1 / 4)  # a request every four seconds or so
        (allowed if ask()[0] else refused).append(clock[0])
    assert refused and len(allowed) > 2 * LIMIT
    for moment in allowed:
        assert sum(moment - PERIOD < other <= moment for other in allowed) <= LIMIT
    for moment in refused:
        assert sum(moment - PERIOD - SLICE <= other <= moment for other in allowed) >= LIMIT
    assert clock[0] - start > 10 * PERIOD


def test_retry_after_says_when_the_next_request_is_let_through(clock):
    for _ in range(LIMIT):
        assert ask()[0]
        clock[0] += 7
    let_through, throttle = ask()
    assert not let_through
    wait = throttle.wait()
    assert 0 < wait <= PERIOD + SLICE
    clock[0] += wait - SLICE
    assert not ask()[0]
    clock[0] += SLICE
    assert ask()[0]
    assert ask("192.0.2.8")[0]  # another address has its own count
