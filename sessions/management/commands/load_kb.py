from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sessions.fixtures import FixtureError
from sessions.services import load_knowledge_base


class Command(BaseCommand):
    help = (
        "Validate the knowledge-base fixtures and load them in one transaction. "
        "Nothing is written if any record is invalid; loading twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--directory",
            default=settings.KB_FIXTURES_DIR,
            help="Folder holding the fixture files (default: %(default)s).",
        )

    def handle(self, *args, directory, **options):
        try:
            counts = load_knowledge_base(directory=directory)
        except FixtureError as error:
            raise CommandError(f"Nothing was loaded. {error}") from None
        summary = ", ".join(f"{count} {kind}" for kind, count in counts.items())
        if options["verbosity"] > 0:
            self.stdout.write(self.style.SUCCESS(f"Loaded {summary}."))
