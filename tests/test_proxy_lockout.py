"""Failed sign-ins are counted against the real client's address, served directly or behind
trusted proxies, and no client can shift the count by writing its own X-Forwarded-For."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from ccpcj_kb.middleware import client_ip

pytestmark = pytest.mark.django_db

PASSWORD = "pw-amina"
PROXY = "10.0.0.2"
CDN = "192.0.2.50"
ATTACKER = "203.0.113.9"
STAFF_MEMBER = "198.51.100.7"


def sign_in(client, password, *, remote_addr, forwarded_for=None):
    headers = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client.post(reverse("login"), {"username": "amina", "password": password}, **headers)


def fail_until_locked(client, settings, **where):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "wrong", **where)


def address(remote_addr, forwarded_for=None):
    headers = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client_ip(RequestFactory().get("/", **headers))


class TestServedDirectly:
    """TRUSTED_PROXY_COUNT = 0: the connection's own address, whatever the headers say."""

    @pytest.fixture(autouse=True)
    def no_proxy(self, settings):
        settings.TRUSTED_PROXY_COUNT = 0

    def test_the_address_is_the_connections(self):
        assert address(ATTACKER, forwarded_for=STAFF_MEMBER) == ATTACKER

    def test_a_forged_forwarded_for_neither_locks_out_someone_else_nor_escapes(
        self, client, settings, ngo_staff
    ):
        """Failures claiming to come from the staff member's address lock only the sender."""
        for number in range(settings.AXES_FAILURE_LIMIT):
            sign_in(client, "wrong", remote_addr=ATTACKER, forwarded_for=f"192.0.2.{number}")
        assert sign_in(client, PASSWORD, remote_addr=ATTACKER).status_code == 429
        assert sign_in(client, PASSWORD, remote_addr=STAFF_MEMBER).status_code == 302


class TestBehindOneProxy:
    """TRUSTED_PROXY_COUNT = 1: every connection comes from the proxy, which appends the
    address it was contacted from to X-Forwarded-For."""

    @pytest.fixture(autouse=True)
    def one_proxy(self, settings):
        settings.TRUSTED_PROXY_COUNT = 1

    def test_the_address_is_the_one_the_proxy_wrote(self):
        assert address(PROXY, forwarded_for=ATTACKER) == ATTACKER
        assert address(PROXY, forwarded_for=f"{STAFF_MEMBER}, {ATTACKER}") == ATTACKER

    def test_one_clients_failures_do_not_lock_out_the_real_user(self, client, settings, ngo_staff):
        """Five bad passwords through the proxy lock the sender, not everyone behind it."""
        fail_until_locked(client, settings, remote_addr=PROXY, forwarded_for=ATTACKER)
        assert sign_in(client, PASSWORD, remote_addr=PROXY, forwarded_for=ATTACKER).status_code == (
            429
        )
        signed_in = sign_in(client, PASSWORD, remote_addr=PROXY, forwarded_for=STAFF_MEMBER)
        assert signed_in.status_code == 302

    def test_a_client_cannot_pass_as_someone_else(self, client, settings, ngo_staff):
        """An attacker writing the staff member's address first in X-Forwarded-For is still
        counted at the address the proxy saw, and locking itself out spares the staff member."""
        forged = f"{STAFF_MEMBER}, {ATTACKER}"
        fail_until_locked(client, settings, remote_addr=PROXY, forwarded_for=forged)
        assert sign_in(client, PASSWORD, remote_addr=PROXY, forwarded_for=forged).status_code == 429
        signed_in = sign_in(client, PASSWORD, remote_addr=PROXY, forwarded_for=STAFF_MEMBER)
        assert signed_in.status_code == 302

    @pytest.mark.parametrize("forwarded_for", [None, "", "not-an-address", "unknown, , "])
    def test_a_missing_or_garbled_header_leaves_the_connections_address(self, forwarded_for):
        assert address(PROXY, forwarded_for=forwarded_for) == PROXY


class TestBehindTwoProxies:
    """TRUSTED_PROXY_COUNT = 2: a CDN in front of the proxy; the CDN writes the client's address
    and the proxy writes the CDN's."""

    @pytest.fixture(autouse=True)
    def two_proxies(self, settings):
        settings.TRUSTED_PROXY_COUNT = 2

    def test_the_address_is_the_one_the_outermost_proxy_wrote(self):
        assert address(PROXY, forwarded_for=f"{STAFF_MEMBER}, {CDN}") == STAFF_MEMBER
        assert address(PROXY, forwarded_for=f"{CDN}, {STAFF_MEMBER}, {CDN}") == STAFF_MEMBER

    def test_a_header_with_too_few_entries_is_not_believed(self):
        assert address(PROXY, forwarded_for=STAFF_MEMBER) == PROXY


class TestLockedOutPage:
    def test_it_says_the_wait_in_words_and_the_remedy(self, client, settings, ngo_staff):
        fail_until_locked(client, settings, remote_addr=STAFF_MEMBER)
        response = sign_in(client, PASSWORD, remote_addr=STAFF_MEMBER)
        assert response.status_code == 429
        page = " ".join(response.content.decode().replace("\N{NO-BREAK SPACE}", " ").split())
        assert "Wait 15 minutes, then sign in again" in page
        assert "PT15M" not in page
        assert f"After {settings.AXES_FAILURE_LIMIT} wrong passwords in a row" in page
        assert "each attempt during the pause starts the wait over" in page
        assert "ask an administrator: they can lift the pause at once" in page

    def test_a_longer_cool_off_is_said_in_hours_and_minutes(self, client, settings, ngo_staff):
        settings.AXES_COOLOFF_TIME = 1.5
        fail_until_locked(client, settings, remote_addr=STAFF_MEMBER)
        page = sign_in(client, PASSWORD, remote_addr=STAFF_MEMBER).content.decode()
        assert "Wait 1\N{NO-BREAK SPACE}hour, 30\N{NO-BREAK SPACE}minutes" in page
