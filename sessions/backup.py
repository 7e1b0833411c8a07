"""Backing up the whole database to one file, and restoring it, while the site runs.

SQLite is copied with its online backup API, PostgreSQL with ``pg_dump --format=custom``: both
give a consistent snapshot without stopping the site. A backup holds every table, so every record,
tag, tagging, annotation, account and the loader's state come back together.
"""

import os
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.utils import timezone

SQLITE_HEADER = b"SQLite format 3\x00"
PG_DUMP_HEADER = b"PGDMP"
SUFFIXES = {"sqlite": ".sqlite3", "postgresql": ".dump"}
DESCRIPTIONS = {"sqlite": "a SQLite backup", "postgresql": "a PostgreSQL backup (pg_dump)"}


class BackupError(Exception):
    pass


def default_directory() -> Path:
    return settings.BASE_DIR / "backups"


def backup_database(*, connection, directory: Path, label: str = "") -> Path:
    """Write a consistent copy of ``connection``'s database to a new dated file in
    ``directory``; return its path. Only the owner may read it: it holds password hashes and
    private annotations."""
    _check_vendor(connection)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = _new_path(directory, f"ccpcj-kb-{timezone.now():%Y%m%d-%H%M%S}{label}", connection)
    # Written under a temporary name, so an interrupted backup never looks like a finished one.
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    partial.touch(mode=0o600)
    try:
        if connection.vendor == "sqlite":
            _sqlite_backup(connection, partial)
        else:
            _pg_dump(connection, partial)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def check_backup(*, connection, path: Path) -> None:
    """Refuse, with a reason, a file that is not a backup ``connection`` can restore."""
    _check_vendor(connection)
    if not path.is_file():
        raise BackupError(f"There is no backup file at {path}.")
    with path.open("rb") as file:
        header = file.read(len(SQLITE_HEADER))
    kind = next(
        (
            vendor
            for vendor, magic in (("sqlite", SQLITE_HEADER), ("postgresql", PG_DUMP_HEADER))
            if header.startswith(magic)
        ),
        None,
    )
    if kind is None:
        raise BackupError(f"{path} is not a backup made by `make backup`.")
    if kind != connection.vendor:
        raise BackupError(
            f"{path} is {DESCRIPTIONS[kind]}, but the configured database is "
            f"{connection.display_name}; it restores only {DESCRIPTIONS[connection.vendor]} "
            f"({SUFFIXES[connection.vendor]}). Set DATABASE_URL to the database it came from."
        )
    if kind == "sqlite":
        _check_sqlite_backup(path)


def restore_database(*, connection, path: Path) -> None:
    """Replace everything in ``connection``'s database with the backup at ``path``."""
    check_backup(connection=connection, path=path)
    if connection.vendor == "sqlite":
        _sqlite_restore(path, connection)
    else:
        _pg_restore(path, connection)


def database_name(connection) -> str:
    return str(connection.settings_dict["NAME"])


def human_size(path: Path) -> str:
    size = path.stat().st_size
    if size < 1000:
        return f"{size} bytes"
    for unit in ("KB", "MB", "GB"):
        size /= 1000
        if size < 1000 or unit == "GB":
            return f"{size:.1f} {unit}"


def _new_path(directory: Path, stem: str, connection) -> Path:
    """A name no file has yet, even when two backups are made within one second."""
    suffix = SUFFIXES[connection.vendor]
    path = directory / f"{stem}{suffix}"
    number = 2
    while path.exists():
        path = directory / f"{stem}-{number}{suffix}"
        number += 1
    return path


def _check_vendor(connection) -> None:
    if connection.vendor not in SUFFIXES:
        raise BackupError(
            f"Backups cover SQLite and PostgreSQL; the configured database is "
            f"{connection.display_name}."
        )


def _sqlite_backup(connection, target_path: Path) -> None:
    # Through Django's own connection, so whichever file (or test database) it uses is copied.
    connection.ensure_connection()
    target = sqlite3.connect(target_path)
    try:
        connection.connection.backup(target)
    except sqlite3.Error as error:
        raise BackupError(f"The backup failed: {error}") from None
    finally:
        target.close()


def _check_sqlite_backup(path: Path) -> None:
    source = _open_read_only(path)
    try:
        migrations_table = source.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
        ).fetchone()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} cannot be read as a SQLite database: {error}") from None
    finally:
        source.close()
    if migrations_table is None:
        raise BackupError(f"{path} is a SQLite database, but not a backup of this site.")


def _sqlite_restore(path: Path, connection) -> None:
    connection.ensure_connection()
    source = _open_read_only(path)
    try:
        source.backup(connection.connection)
    except sqlite3.Error as error:
        raise BackupError(f"Nothing was restored: {error}") from None
    finally:
        source.close()


def _open_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def _pg_dump(connection, target_path: Path) -> None:
    _run_pg_tool(connection, "pg_dump", ["--format=custom", f"--file={target_path}"])


def _pg_restore(path: Path, connection) -> None:
    # One transaction: a restore that fails half-way leaves the database as it was.
    options = ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction"]
    _run_pg_tool(connection, "pg_restore", [*options, str(path)])


def _run_pg_tool(connection, program: str, arguments: list[str]) -> None:
    """Run ``program`` against ``connection``'s database. Connection settings come from Django's
    own translation for ``dbshell``; the password travels in PGPASSWORD, never on the command
    line, where other users of the machine could read it."""
    settings_dict = connection.settings_dict
    _, client_env = connection.client.settings_to_cmd_args_env(settings_dict, [])
    where = [
        f"--{option}={settings_dict[key]}"
        for option, key in (("host", "HOST"), ("port", "PORT"), ("username", "USER"))
        if settings_dict.get(key)
    ]
    command = [program, *where, f"--dbname={database_name(connection)}", *arguments]
    try:
        result = subprocess.run(
            command,
            env={**os.environ, **(client_env or {})},
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError:
        raise BackupError(
            f"{program} is not installed: install PostgreSQL's client programs "
            f"(on Debian or Ubuntu: apt-get install postgresql-client)."
        ) from None
    if result.returncode != 0:
        raise BackupError(f"{program} failed: {result.stderr.strip()}")
