"""Benchmark: how list pages load their related data, and what each public page costs.

Runs against a throw-away test database holding ten times the shipped knowledge base, and
prints timings as ratios against a baseline measured in the same run, so figures compare
across machines. Usage: make benchmark (or .venv/bin/python benchmarks/bench_pages.py).
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ccpcj_kb.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.template import Context, Template  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402

from sessions.models import Session  # noqa: E402
from tests.factories import multiply_knowledge_base  # noqa: E402

ROWS = 50
REPEAT = 30

ROW_WITH_TAG_LIST = Template(
    "{% for s in sessions %}{{ s.title }}{% for t in s.tagging_list %}{{ t.tag.name }}"
    "{% endfor %}{% for a in s.appearance_list %}{{ a.speaker.name }}{% endfor %}{% endfor %}"
)
ROW_WITH_TAGS_ALL = Template(
    "{% for s in sessions %}{{ s.title }}{% for t in s.tags.all %}{{ t.name }}{% endfor %}"
    "{% for a in s.appearances.all %}{{ a.speaker.name }}{% endfor %}{% endfor %}"
)

PAGES = [
    "/",
    "/sessions/",
    "/sessions/?tag=femicide&tag=trafficking",
    "/sessions/ccpcj-31-femicide/",
    "/meetings/ccpcj-31/",
    "/speakers/lara-dimitrijevic/",
    "/themes/femicide/",
    "/documents/A/RES/70/176/",
    "/organisations/unodc/",
    "/search/?q=femicide",
    "/search/?q=A/RES/70/176",
]


class QueryCounter:
    """Counts the queries run inside the block (the debug query log is capped)."""

    def __enter__(self):
        self.count = 0
        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __exit__(self, *exc_info):
        self._wrapper.__exit__(*exc_info)


def timed(function, repeat=REPEAT):
    function()  # warm caches
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def render_rows(queryset, template):
    def run():
        template.render(Context({"sessions": list(queryset[:ROWS])}))

    return run


def main():
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        call_command("load_kb", verbosity=0)
        multiply_knowledge_base(10)
        print(f"Data: {Session.objects.count()} sessions ({connection.vendor}).\n")

        variants = [
            (
                "no prefetch (baseline)",
                Session.objects.select_related("meeting"),
                ROW_WITH_TAGS_ALL,
            ),
            (
                "prefetch_related('tags', 'appearances__speaker')",
                Session.objects.select_related("meeting").prefetch_related(
                    "tags", "appearances__speaker"
                ),
                ROW_WITH_TAGS_ALL,
            ),
            (
                "Prefetch(..., to_attr) (for_listing)",
                Session.objects.for_listing(),
                ROW_WITH_TAG_LIST,
            ),
        ]
        print(f"A {ROWS}-row tagged session list, median of {REPEAT} renders:")
        baseline = None
        for label, queryset, template in variants:
            with QueryCounter() as queries:
                render_rows(queryset, template)()
            seconds = timed(render_rows(queryset, template))
            baseline = baseline or seconds
            print(
                f"  {label:50} {seconds * 1000:7.1f} ms  speed-up {baseline / seconds:5.2f}x  "
                f"{queries.count} queries"
            )

        client = Client()
        print(f"\nPublic pages, median of {REPEAT} requests, relative to the home page:")
        home = timed(lambda: client.get("/"))
        for url in PAGES:
            with QueryCounter() as queries:
                status = client.get(url).status_code
            seconds = timed(lambda url=url: client.get(url))
            print(
                f"  {url:42} {status}  {seconds * 1000:7.1f} ms  {seconds / home:5.2f}x home  "
                f"{queries.count} queries"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
