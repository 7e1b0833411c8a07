import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from tqdm import tqdm

from sessions.corpus import CorpusRefused, Material, generate_corpus


def positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Add a synthetic corpus of N sessions (with meetings, speakers, organisations, "
        "countries, themes, resolutions, citations and their search index) to measure the site "
        "at scale. The same seed gives the same corpus. Refuses a database holding records it "
        "did not generate, unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--sessions", type=positive, required=True, help="How many.")
        parser.add_argument("--seed", type=int, default=1, help="Default: %(default)s.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Add the corpus beside records it did not generate (the shipped ones).",
        )

    def handle(self, *args, sessions, seed, force, verbosity, **options):
        material = Material.from_fixtures(settings.KB_FIXTURES_DIR)
        started = time.monotonic()
        with tqdm(
            total=sessions, unit=" sessions", disable=verbosity == 0, file=self.stderr
        ) as bar:
            try:
                written = generate_corpus(
                    sessions=sessions,
                    seed=seed,
                    material=material,
                    allow_other_data=force,
                    progress=bar.update,
                )
            except CorpusRefused as error:
                raise CommandError(
                    f"Nothing was generated. {error} Use --force to add the corpus beside them."
                ) from None
        if verbosity:
            seconds = time.monotonic() - started
            rows = ", ".join(f"{count:,} {name}" for name, count in written.items())
            self.stdout.write(
                self.style.SUCCESS(
                    f"Generated {sessions:,} sessions on {connection.display_name} in "
                    f"{seconds:.1f} s: {rows}."
                )
            )
