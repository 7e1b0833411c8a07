"""Benchmark: every page shape served as production serves it, against bare Django.

Builds a scratch database with the shipped knowledge base and a generated corpus (100 times the
shipped sessions by default), serves the site with gunicorn (DEBUG off, two workers, persistent
database connections, static files collected), and measures each page shape with wrk: requests
per second and the median and 99th-percentile latency, uncached and from the page cache, each
as a ratio to a bare Django "hello" view (benchmarks/hello.py) served the same way in the same
run, so the figures compare across machines. Then it prints EXPLAIN ANALYZE of each shape's
slowest query, and the search latency over a set of realistic queries.

    make benchmark                               # SQLite
    make benchmark DATABASE_URL=postgres://...   # PostgreSQL: a database <name>_benchmark
    .venv/bin/python benchmarks/bench_pages.py --sessions 100000 --search-only
    .venv/bin/python benchmarks/bench_pages.py --existing --search-only   # DATABASE_URL as is

Shapes whose address answers 404 (pages not built yet) are listed as not available.
"""

import argparse
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
SHIPPED_SESSIONS = 14
WORKERS = 2
SERVER_START_SECONDS = 60


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sessions",
        type=int,
        default=SHIPPED_SESSIONS * 100,
        help="Generated sessions beside the shipped ones (default: %(default)s, 100 times).",
    )
    parser.add_argument(
        "--seconds", type=int, default=4, help="wrk's run per page (default: %(default)s)."
    )
    parser.add_argument(
        "--existing",
        action="store_true",
        help="Measure the database DATABASE_URL names as it is, building nothing.",
    )
    parser.add_argument(
        "--search-only", action="store_true", help="Only the search latency measurement."
    )
    parser.add_argument(
        "--search-rounds", type=int, default=3, help="Times each query runs (default: 3)."
    )
    return parser.parse_args()


def scratch_database_url(configured: str) -> str:
    """A database for the benchmark beside the configured one, never the configured one."""
    if not configured or configured.startswith("sqlite"):
        directory = ROOT / ".benchmark"
        directory.mkdir(exist_ok=True)
        path = directory / "benchmark.sqlite3"
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}"
    base, _, name = configured.rpartition("/")
    name = f"{name.split('?')[0]}_benchmark"
    import psycopg

    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "ccpcj_kb.settings"
    import django

    django.setup()


def build(sessions: int) -> None:
    from django.core.management import call_command

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    call_command("load_kb", verbosity=0)
    call_command("generate_corpus", sessions=sessions, seed=1, force=True, verbosity=0)
    print(f"Built the data in {time.monotonic() - started:.0f} s.")


@dataclass
class Shape:
    name: str
    url: str
    result: dict = field(default_factory=dict)


def page_shapes() -> list[Shape]:
    """One address per page shape, each of a record that lists much (the worst case)."""
    from django.db.models import Count

    from sessions.models import Meeting, Session, Speaker
    from topics.models import Country, Document, Organisation, SourceDocument, Tag

    themes = list(Tag.objects.themes().annotate(uses=Count("tagged_items")).order_by("-uses")[:2])
    meeting = Meeting.objects.annotate(n=Count("sessions")).order_by("-n").first()
    session = Session.objects.filter(has_notes=True).order_by("-pk").first()
    speaker = Speaker.objects.annotate(n=Count("appearances")).order_by("-n").first()
    organisation = Organisation.objects.annotate(n=Count("sessions")).order_by("-n").first()
    document = Document.objects.annotate(n=Count("sessions")).order_by("-n").first()
    country = Country.objects.annotate(n=Count("sessions")).order_by("-n").first()
    source = SourceDocument.objects.annotate(n=Count("passages")).order_by("-n").first()
    return [
        Shape("home", "/"),
        Shape("programme", meeting.get_absolute_url()),
        Shape("session list", "/sessions/"),
        Shape("session list, 2 tags", f"/sessions/?tag={themes[0].slug}&tag={themes[1].slug}"),
        Shape("session", session.get_absolute_url()),
        Shape("speaker", speaker.get_absolute_url()),
        Shape("organisation", organisation.get_absolute_url()),
        Shape("theme", themes[0].get_absolute_url()),
        Shape("resolution", document.get_absolute_url()),
        Shape("country", country.get_absolute_url()),
        Shape("source", source.get_absolute_url()),
        Shape("search", "/search/?q=trafficking+victims"),
        Shape("feed", "/feed/"),
        Shape("api-list", "/api/v1/sessions/"),
    ]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn serving ``settings`` as production does, for the time of a ``with`` block."""

    def __init__(self, env: dict, settings_module: str):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {**env, "DJANGO_SETTINGS_MODULE": settings_module}

    def __enter__(self):
        self.process = subprocess.Popen(
            [
                BIN / "gunicorn",
                "ccpcj_kb.wsgi:application",
                f"--workers={WORKERS}",
                f"--bind=127.0.0.1:{self.port}",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            try:
                status(f"{self.base}/")
                return self
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)

    def __exit__(self, *exc_info):
        self.process.terminate()
        self.process.wait(timeout=30)


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def wrk(url: str, seconds: int) -> dict:
    """Requests per second, and the median and 99th-percentile latency in milliseconds."""
    output = subprocess.run(
        ["wrk", "-t2", "-c4", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def latency(percent):
        value, unit = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
        return float(value) * UNITS[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": latency(50),
        "p99": latency(99),
        "errors": int(errors.group(1)) if errors else 0,
    }


def server_environment(database_url: str, cache_dir: str) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1",
        # Plain http on the loopback: no redirect to https, no Secure-only cookies needed.
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "CONN_MAX_AGE": "600",
        "CACHE_DIR": cache_dir,
        "LOG_LEVEL": "ERROR",
        # One client makes every request: the API's rate limit would answer most with 429.
        "API_THROTTLE_RATE": "1000000/second",
    }
    env.pop("REDIS_URL", None)
    return env


def measure(shapes: list[Shape], database_url: str, seconds: int) -> float:
    """Fill each shape's result; returns the hello view's requests per second."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=server_environment(database_url, ""),
        check=True,
    )
    cache_dir = tempfile.mkdtemp(prefix="benchmark-cache-")
    try:
        env = server_environment(database_url, cache_dir)
        with Server(env, "benchmarks.hello") as hello:
            wrk(f"{hello.base}/", 1)
            bare = wrk(f"{hello.base}/", seconds)
        print(f"Bare Django hello: {bare['rps']:.0f} requests/s, p50 {bare['p50']:.2f} ms.")
        for label, cache_seconds in [("uncached", "0"), ("cached", "3600")]:
            env = {
                **server_environment(database_url, cache_dir),
                "PAGE_CACHE_SECONDS": cache_seconds,
            }
            with Server(env, "ccpcj_kb.settings") as site:
                for shape in shapes:
                    if shape.result.get("status", 200) != 200:
                        continue
                    shape.result["status"] = status(f"{site.base}{shape.url}")
                    if shape.result["status"] != 200:
                        continue
                    wrk(f"{site.base}{shape.url}", 1)  # warm: connections, caches, the page cache
                    shape.result[label] = wrk(f"{site.base}{shape.url}", seconds)
                    print(f"  {label:8} {shape.name:22} {shape.result[label]['rps']:8.0f} rps")
        return bare["rps"]
    finally:
        shutil.rmtree(cache_dir, ignore_errors=True)


def print_table(shapes: list[Shape], hello_rps: float, vendor: str, sessions: int) -> None:
    print(f"\n{vendor}, {sessions:,} sessions; bare Django hello: {hello_rps:.0f} requests/s")
    header = (
        f"{'page':22} {'uncached rps':>12} {'p50 ms':>7} {'p99 ms':>7} {'ratio':>7} "
        f"{'cached rps':>10} {'p50 ms':>7} {'p99 ms':>7} {'ratio':>7}"
    )
    print(header)
    print("-" * len(header))
    for shape in shapes:
        if shape.result.get("status") != 200:
            note = "not available" if shape.result.get("status") == 404 else shape.result
            print(f"{shape.name:22} {note}")
            continue
        cells = []
        for label in ("uncached", "cached"):
            result = shape.result[label]
            ratio = f"1/{hello_rps / result['rps']:.1f}" if result["rps"] else "-"
            width = 12 if label == "uncached" else 10
            cells.append(
                f"{result['rps']:>{width}.0f} {result['p50']:7.1f} {result['p99']:7.1f} {ratio:>7}"
            )
            if result["errors"]:
                cells[-1] += f" ({result['errors']} errors)"
        print(f"{shape.name:22} {' '.join(cells)}")
    print(
        "ratio: the page's requests per second over bare Django's (goal: 1/10 or better "
        "uncached, 1/2 or better cached)."
    )


def slowest_queries(shapes: list[Shape]) -> None:
    """EXPLAIN ANALYZE (SQLite: EXPLAIN QUERY PLAN) of the slowest query each shape runs."""
    from django.db import connection
    from django.test import Client, override_settings

    client = Client()
    timings = []

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings.append((time.perf_counter() - started, sql, params))

    print("\nThe slowest query of each page shape:")
    with override_settings(PAGE_CACHE_SECONDS=0):
        for shape in shapes:
            if shape.result.get("status") != 200:
                continue
            client.get(shape.url)  # warm
            timings.clear()
            with connection.execute_wrapper(timed):
                client.get(shape.url)
            seconds, sql, params = max(timings, key=lambda timing: timing[0])
            print(
                f"\n== {shape.name} ({shape.url}): {len(timings)} queries, slowest "
                f"{seconds * 1000:.1f} ms\n{sql[:600]}{' …' if len(sql) > 600 else ''}"
            )
            explain = (
                "EXPLAIN ANALYZE" if connection.vendor == "postgresql" else ("EXPLAIN QUERY PLAN")
            )
            with connection.cursor() as cursor:
                cursor.execute(f"{explain} {sql}", params)
                for row in cursor.fetchall():
                    print("   ", " ".join(str(value) for value in row))


def search_queries() -> list[str]:
    """What people type: frequent and rare words, two words, a phrase, names, symbols."""
    from sessions.models import Session, Speaker
    from topics.models import Document
    from topics.search.models import SearchWord

    words = list(SearchWord.objects.order_by("-entries", "word").values_list("word", flat=True))
    frequent, middling, rare = words[:8], words[200:208], words[-8:]
    queries = [*frequent, *middling, *rare]
    queries += [f"{a} {b}" for a, b in zip(frequent, middling, strict=False)]
    queries += ['"violence against women"', '"access to justice"', "femicide", "traffickng"]
    queries += [str(speaker) for speaker in Speaker.objects.order_by("pk")[:4]]
    queries += [session.title for session in Session.objects.order_by("-pk")[:4]]
    queries += [document.symbol for document in Document.objects.exclude(symbol="")[:4]]
    queries += [
        f"trafficking {document.normalized_symbol}"
        for document in Document.objects.exclude(symbol="")[:2]
    ]
    return queries


def measure_search(rounds: int) -> None:
    from django.db import connection
    from django.test import Client, override_settings

    from topics.search.models import SearchEntry

    client = Client()
    queries = search_queries()
    notes = SearchEntry.objects.filter(kind=SearchEntry.Kind.SESSION).count()
    samples, slowest = [], []
    with override_settings(PAGE_CACHE_SECONDS=0):
        for query in queries:  # warm
            client.get("/search/", {"q": query})
        for _ in range(rounds):
            for query in queries:
                started = time.perf_counter()
                response = client.get("/search/", {"q": query})
                elapsed = (time.perf_counter() - started) * 1000
                assert response.status_code == 200, (query, response.status_code)
                samples.append(elapsed)
                slowest.append((elapsed, query))
    samples.sort()
    p95 = samples[int(len(samples) * 0.95) - 1]
    print(
        f"\nSearch over {notes:,} session notes ({connection.vendor}), {len(queries)} queries "
        f"x {rounds}: p50 {statistics.median(samples):.1f} ms, p95 {p95:.1f} ms, "
        f"max {samples[-1]:.1f} ms (the whole search page, rendered, no page cache)."
    )
    for elapsed, query in sorted(slowest, reverse=True)[:5]:
        print(f"  {elapsed:7.1f} ms  {query}")


def main():
    args = parse_arguments()
    configured = os.environ.get("DATABASE_URL", "")
    if not shutil.which("wrk") and not args.search_only:
        sys.exit("The benchmark measures with wrk: install it (apt-get install wrk).")
    database_url = configured if args.existing else scratch_database_url(configured)
    setup_django(database_url)
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client, for EXPLAIN and the search timings
    from django.db import connection

    from sessions.models import Session

    if not args.existing:
        build(args.sessions)
    sessions = Session.objects.count()
    if args.search_only:
        measure_search(args.search_rounds)
        return
    shapes = page_shapes()
    hello_rps = measure(shapes, database_url, args.seconds)
    print_table(shapes, hello_rps, connection.display_name, sessions)
    slowest_queries(shapes)
    measure_search(args.search_rounds)


if __name__ == "__main__":
    main()
