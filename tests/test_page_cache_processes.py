"""The page cache across processes, as production runs: gunicorn with two worker processes serves
the site, and writes come from other processes (a shell, as an editor's script or a second
server would). Each write is visible on the very next request, whichever worker answers it.

The site runs on a scratch database of the kind under test (a SQLite file, or a PostgreSQL
database of its own), so that every process reaches it."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import psycopg
import pytest
import redis
from django.conf import settings
from django.db import connection

# A worker serves each request; several requests reach both workers.
REQUESTS = 6
SERVER_START_SECONDS = 60

SETUP = """
from sessions.models import Meeting, Session
meeting = Meeting.objects.create(slug="cache-week", name="Cache week", kind="other")
for slug, title in [("first-talk", "First talk"), ("second-talk", "Second talk")]:
    Session.objects.create(meeting=meeting, slug=slug, title=title, kind="panel")
"""


def python(*arguments, env):
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )


def shell(code, env):
    """Run ``code`` in a new Django process: the write comes from another process."""
    return python("shell", "--no-imports", "-c", code, env=env)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def scratch_database(tmp_path):
    """A database URL every process can reach, and how to drop it afterwards."""
    if connection.vendor != "postgresql":
        return f"sqlite:///{tmp_path / 'site.sqlite3'}", lambda: None
    default = settings.DATABASES["default"]
    name = f"{default['NAME']}_page_cache"
    credentials = {
        "host": default["HOST"] or "localhost",
        "port": default["PORT"] or 5432,
        "user": default["USER"],
        "password": default["PASSWORD"],
    }

    def run(statement):
        with psycopg.connect(dbname="postgres", autocommit=True, **credentials) as admin:
            admin.execute(statement)

    run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    run(f'CREATE DATABASE "{name}"')
    user = credentials["user"]
    password = f":{credentials['password']}" if credentials["password"] else ""
    url = f"postgres://{user}{password}@{credentials['host']}:{credentials['port']}/{name}"
    return url, lambda: run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def redis_url() -> str:
    """REDIS_URL, or Redis on its usual port if one answers there; else the test is skipped."""
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip(f"no Redis answers at {url}")
    return url


@pytest.fixture(scope="module", params=["directory", "redis"])
def site(request, tmp_path_factory):
    """The site served by two workers sharing the default cache (a directory), then Redis."""
    tmp_path = tmp_path_factory.mktemp("site")
    env = {
        **os.environ,
        "CACHE_DIR": str(tmp_path / "cache"),
        "PAGE_CACHE_SECONDS": "3600",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    env.pop("REDIS_URL", None)
    if request.param == "redis":
        env["REDIS_URL"] = redis_url()
    url, drop = scratch_database(tmp_path)
    env["DATABASE_URL"] = url
    python("migrate", "--noinput", env=env)
    shell(SETUP, env)
    port = free_port()
    server = subprocess.Popen(
        [
            os.path.join(os.path.dirname(sys.executable), "gunicorn"),
            "ccpcj_kb.wsgi",
            "--workers=2",
            f"--bind=127.0.0.1:{port}",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base)
        yield base, env
    finally:
        server.terminate()
        server.wait(timeout=30)
        drop()


def wait_until_serving(base):
    deadline = time.monotonic() + SERVER_START_SECONDS
    while True:
        try:
            fetch(f"{base}/meetings/cache-week/")
            return
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def fetch(url) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


def pages(url) -> list[tuple[int, str]]:
    return [fetch(url) for _ in range(REQUESTS)]


def retitle_unseen(env, slug, title):
    """A change no signal announces (QuerySet.update): pages still without it were stored."""
    shell(
        "from sessions.models import Session; "
        f"Session.objects.filter(slug={slug!r}).update(title={title!r})",
        env,
    )


def test_every_worker_serves_the_stored_page(site):
    base, env = site
    url = f"{base}/sessions/first-talk/"
    pages(url)
    retitle_unseen(env, "first-talk", "Unannounced title")
    assert all("Unannounced title" not in page for _, page in pages(url))


def test_a_save_in_another_process_is_visible_on_the_next_request(site):
    base, env = site
    url = f"{base}/meetings/cache-week/"
    pages(url)
    shell(
        "from sessions.models import Session; "
        "session = Session.objects.get(slug='second-talk'); "
        "session.title = 'Renamed in another process'; session.save()",
        env,
    )
    assert all("Renamed in another process" in page for _, page in pages(url))


def test_a_tagging_in_another_process_is_visible_on_the_next_request(site):
    base, env = site
    url = f"{base}/sessions/second-talk/"
    pages(url)
    shell(
        "from sessions.models import Session; "
        "Session.objects.get(slug='second-talk').tags.add('Cache coherence')",
        env,
    )
    assert all("Cache coherence" in page for _, page in pages(url))


def test_a_deletion_in_another_process_is_visible_on_the_next_request(site):
    base, env = site
    url = f"{base}/sessions/first-talk/"
    assert {status for status, _ in pages(url)} == {200}
    shell(
        "from sessions.models import Session; Session.objects.filter(slug='first-talk').delete()",
        env,
    )
    assert {status for status, _ in pages(url)} == {404}
