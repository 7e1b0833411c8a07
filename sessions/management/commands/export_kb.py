from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sessions.fixtures import FixtureError
from sessions.services import export_knowledge_base


class Command(BaseCommand):
    help = (
        "Write the database back into the fixture files, in their own format and order, so "
        "that corrections made in the site can be reviewed and committed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--directory",
            default=settings.KB_FIXTURES_DIR,
            help="Folder holding the fixture files (default: %(default)s).",
        )

    def handle(self, *args, directory, verbosity, **options):
        try:
            written = export_knowledge_base(directory=directory)
        except FixtureError as error:
            raise CommandError(f"Nothing was exported. {error}") from None
        if verbosity == 0:
            return
        if written:
            self.stdout.write(self.style.SUCCESS(f"Wrote {', '.join(written)}."))
        else:
            self.stdout.write(self.style.SUCCESS("The fixture files already hold the database."))
