from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ccpcj_kb.pagecache import bulk_writes
from sessions.fixtures import FixtureError
from sessions.services import load_knowledge_base
from topics.search.indexing import deferred
from topics.search.models import SearchEntry


class Command(BaseCommand):
    help = (
        "Validate the knowledge-base fixtures and merge them into the database in one "
        "transaction. Edits made in the site since the last load are kept; where the fixtures "
        "changed the same value, the database keeps its value and the conflict is reported."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--directory",
            default=settings.KB_FIXTURES_DIR,
            help="Folder holding the fixture files (default: %(default)s).",
        )
        parser.add_argument(
            "--prefer-fixtures",
            action="store_true",
            help="Where the fixtures and the site both changed a value, take the fixtures' "
            "value and list each edit it overwrites.",
        )

    def handle(self, *args, directory, prefer_fixtures, verbosity, **options):
        report = None

        def index_needed() -> bool:
            # Also when nothing changed but the index is empty (a database migrated to a new
            # index), so it is searchable after `make run`; never again over a million
            # unchanged sessions.
            unchanged = report is not None and report.unchanged_fixtures
            return not unchanged or not SearchEntry.objects.exists()

        try:
            # The stored pages are invalidated once, after the index.
            with bulk_writes(), deferred(needed=index_needed):
                report = load_knowledge_base(directory=directory, prefer_fixtures=prefer_fixtures)
        except FixtureError as error:
            raise CommandError(f"Nothing was loaded. {error}") from None
        if verbosity == 0:
            return
        if verbosity > 1:
            for line in report.added:
                self.stdout.write(f"Added {line}")
            for line in report.updated:
                self.stdout.write(f"Updated {line}")
            for line in report.kept_edits:
                self.stdout.write(f"Kept the site's edit: {line}")
        if prefer_fixtures:
            for line in report.overwritten:
                self.stdout.write(self.style.WARNING(f"Overwrote: {line}"))
        else:
            for line in report.conflicts:
                self.stdout.write(self.style.WARNING(f"Conflict (kept the database's): {line}"))
        style = (
            self.style.WARNING if report.conflicts and not prefer_fixtures else self.style.SUCCESS
        )
        self.stdout.write(style(report.summary()))
