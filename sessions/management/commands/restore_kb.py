from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from ccpcj_kb.pagecache import invalidate
from sessions.backup import (
    BackupError,
    backup_database,
    check_backup,
    database_name,
    human_size,
    restore_database,
)
from sessions.backup import default_directory as backup_directory


class Command(BaseCommand):
    help = (
        "Replace everything in the database with a backup made by backup_kb. The database as it "
        "was is first saved as one more backup, so a restore can itself be undone."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The backup file to restore.")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Restore without asking for confirmation.",
        )
        parser.add_argument(
            "--directory",
            type=Path,
            default=backup_directory(),
            help="Folder for the backup of the database as it was (default: %(default)s).",
        )
        parser.add_argument(
            "--database",
            default=DEFAULT_DB_ALIAS,
            choices=tuple(connections),
            help="Which database to restore into (default: %(default)s).",
        )

    def handle(self, *args, file, interactive, directory, database, verbosity, **options):
        self.verbosity = verbosity
        connection = connections[database]
        name = database_name(connection)
        try:
            check_backup(connection=connection, path=file)
        except BackupError as error:
            raise CommandError(f"Nothing was restored. {error}") from None
        if interactive and not self.confirmed(file, name):
            self.stdout.write("Restore cancelled; the database is unchanged.")
            return
        try:
            saved = backup_database(
                connection=connection, directory=directory, label="-before-restore"
            )
            self.report(f"Saved the database as it was to {saved} ({human_size(saved)}).")
            restore_database(connection=connection, path=file)
            invalidate(database)
        except BackupError as error:
            raise CommandError(f"Nothing was restored. {error}") from None
        self.report(f"Restored {connection.display_name} database {name} from {file}.")

    def confirmed(self, file: Path, name: str) -> bool:
        self.stdout.write(
            f"Restoring replaces every record, tag, annotation and account in the database {name} "
            f"with those in {file}. The database as it is now is first saved as a new backup."
        )
        try:
            return input("Type 'yes' to restore: ").strip().lower() == "yes"
        except EOFError:
            return False

    def report(self, message: str) -> None:
        if self.verbosity > 0:
            self.stdout.write(self.style.SUCCESS(message))
