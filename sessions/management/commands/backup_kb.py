from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from sessions.backup import BackupError, backup_database, database_name, human_size
from sessions.backup import default_directory as backup_directory


class Command(BaseCommand):
    help = (
        "Write a consistent copy of the whole database (every record, tag, annotation, account "
        "and the loader's state) to a new dated file, while the site keeps running."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--directory",
            type=Path,
            default=backup_directory(),
            help="Folder for the backup file (default: %(default)s).",
        )
        parser.add_argument(
            "--database",
            default=DEFAULT_DB_ALIAS,
            choices=tuple(connections),
            help="Which database to back up (default: %(default)s).",
        )

    def handle(self, *args, directory, database, **options):
        connection = connections[database]
        try:
            path = backup_database(connection=connection, directory=directory)
        except BackupError as error:
            raise CommandError(f"No backup was written. {error}") from None
        if options["verbosity"] > 0:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Backed up {connection.display_name} database {database_name(connection)} "
                    f"to {path} ({human_size(path)})."
                )
            )
