"""Backups: a copy of the whole database, made while the site runs, that restores every record,
tag, annotation and account into a fresh database; and clear refusals, never a traceback."""

import re
import sqlite3
import subprocess
from io import StringIO

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections

from sessions.models import Annotation, Session
from topics.models import TaggedItem
from topics.services import tag_record

RESTORED = "restored"
SESSION_SLUG = "ccpcj-31-restorative-justice"


def on(vendor):
    return pytest.param(
        vendor,
        marks=pytest.mark.skipif(
            connection.vendor != vendor,
            reason=f"the tests run on {connection.display_name}, not {vendor}",
        ),
    )


def record_counts(alias):
    """How many rows every model (and many-to-many table) holds in database ``alias``."""
    return {
        model._meta.label: model._base_manager.using(alias).count()
        for model in apps.get_models(include_auto_created=True)
    }


@pytest.fixture
def fresh_database(transactional_db, tmp_path):
    """An empty database of the kind under test, reachable as the connection ``restored``.
    Data written by a test is committed, so pg_dump, another process, sees it."""
    settings_dict = {**connection.settings_dict}
    if connection.vendor == "postgresql":
        settings_dict["NAME"] = f"{connection.settings_dict['NAME']}_restored"
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{settings_dict["NAME"]}"')
            cursor.execute(f'CREATE DATABASE "{settings_dict["NAME"]}"')
    else:
        settings_dict["NAME"] = str(tmp_path / "restored.sqlite3")
    connections.settings[RESTORED] = settings_dict
    # Opened here: the test case refuses to open connections it was not set up with.
    connections[RESTORED].connect()
    yield connections[RESTORED]
    connections[RESTORED].close()
    del connections[RESTORED]
    del connections.settings[RESTORED]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE "{settings_dict["NAME"]}" WITH (FORCE)')


@pytest.mark.parametrize("vendor", [on("sqlite"), on("postgresql")])
def test_a_backup_restores_every_record_tag_and_annotation_into_a_fresh_database(
    vendor, fresh_database, tmp_path, django_user_model
):
    """make backup writes a dated file; restoring it into an empty database brings back every
    row of every table, including a staff member, their tag and their private annotation."""
    call_command("load_kb", verbosity=0)  # earlier tests that commit may have emptied it
    staff = django_user_model.objects.create_user("amina", password="pw-amina")
    session = Session.objects.get(slug=SESSION_SLUG)
    tag_record(record=session, name="Restorative circles", user=staff)
    Annotation.objects.create(
        session=session, author=staff, body="Ask about funding.", visibility="private"
    )

    output = StringIO()
    call_command("backup_kb", directory=tmp_path / "backups", stdout=output)
    (backup,) = (tmp_path / "backups").iterdir()
    suffix = {"sqlite": "sqlite3", "postgresql": "dump"}[vendor]
    assert re.fullmatch(rf"ccpcj-kb-\d{{8}}-\d{{6}}\.{suffix}", backup.name)
    assert re.search(rf"to {re.escape(str(backup))} \(\d+\.\d [KM]B\)", output.getvalue())

    call_command(
        "restore_kb",
        backup,
        interactive=False,
        database=RESTORED,
        directory=tmp_path / "before-restore",
        verbosity=0,
    )

    assert record_counts(RESTORED) == record_counts("default")
    assert record_counts(RESTORED)["kb_sessions.Session"] > 0
    annotation = Annotation.objects.using(RESTORED).get(body="Ask about funding.")
    assert annotation.session.slug == SESSION_SLUG
    assert annotation.author.check_password("pw-amina")
    assert TaggedItem.objects.using(RESTORED).get(
        tag__name="Restorative circles", added_by__username="amina", object_id=session.pk
    )


def test_a_restore_first_saves_the_database_it_replaces(
    fresh_database, tmp_path, django_user_model
):
    """Restoring an old backup loses work done since, but not for good: the database as it was
    is saved first, and that copy holds an annotation written after the old backup."""
    call_command("load_kb", verbosity=0)
    call_command("backup_kb", directory=tmp_path / "old", verbosity=0)
    (old_backup,) = (tmp_path / "old").iterdir()
    staff = django_user_model.objects.create_user("amina", password="pw-amina")
    session = Session.objects.get(slug=SESSION_SLUG)
    Annotation.objects.create(session=session, author=staff, body="Written after the backup.")

    output = StringIO()
    call_command(
        "restore_kb", old_backup, interactive=False, directory=tmp_path / "saved", stdout=output
    )
    assert not Annotation.objects.filter(body="Written after the backup.").exists()
    (saved,) = (tmp_path / "saved").iterdir()
    assert saved.name.endswith(f"-before-restore{old_backup.suffix}")
    assert f"Saved the database as it was to {saved}" in output.getvalue()

    call_command(
        "restore_kb", saved, interactive=False, database=RESTORED, directory=tmp_path, verbosity=0
    )
    undone = Annotation.objects.using(RESTORED).get(body="Written after the backup.")
    assert undone.author.username == "amina"


@pytest.mark.parametrize("answer", ["no", ""])
def test_restore_asks_first_and_changes_nothing_unless_told_yes(
    answer, fresh_database, tmp_path, monkeypatch
):
    """Anything but "yes" at the prompt leaves the database as it was."""
    backup = tmp_path / "backup"
    if connection.vendor == "sqlite":
        sqlite3.connect(backup).execute("CREATE TABLE django_migrations (id integer)")
    else:
        backup.write_bytes(b"PGDMP not really")
    monkeypatch.setattr("builtins.input", lambda prompt: answer)
    output = StringIO()

    call_command(
        "restore_kb", backup, database=RESTORED, directory=tmp_path / "saved", stdout=output
    )

    assert "cancelled; the database is unchanged" in output.getvalue()
    assert fresh_database.introspection.table_names() == []
    assert not (tmp_path / "saved").exists()


def other_kind_of_backup(path):
    if connection.vendor == "sqlite":
        path.write_bytes(b"PGDMP\x01\x0e")
        return "is a PostgreSQL backup (pg_dump), but the configured database is SQLite"
    sqlite3.connect(path).execute("CREATE TABLE django_migrations (id integer)")
    return "is a SQLite backup, but the configured database is PostgreSQL"


def not_a_backup(path):
    path.write_text("notes, not a database")
    return "is not a backup made by `make backup`"


def no_file(path):
    return "There is no backup file at"


def another_sqlite_database(path):
    sqlite3.connect(path).execute("CREATE TABLE notes (body text)")
    return "is a SQLite database, but not a backup of this site"


@pytest.mark.parametrize(
    "make_file",
    [
        other_kind_of_backup,
        not_a_backup,
        no_file,
        pytest.param(
            another_sqlite_database,
            marks=pytest.mark.skipif(connection.vendor != "sqlite", reason="a SQLite case"),
        ),
    ],
)
def test_restore_refuses_a_file_it_cannot_restore_with_a_reason(make_file, tmp_path):
    """The wrong file gives one sentence saying why, and nothing is restored."""
    backup = tmp_path / "ccpcj-kb-20250101-120000.sqlite3"
    reason = make_file(backup)
    with pytest.raises(CommandError, match=re.escape(reason)) as refused:
        call_command("restore_kb", backup, interactive=False)
    assert str(refused.value).startswith("Nothing was restored.")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump backs up PostgreSQL only")
def test_backup_says_when_pg_dump_is_missing(tmp_path, monkeypatch):
    """Without PostgreSQL's client programs, backup_kb says what to install."""
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))
    with pytest.raises(CommandError, match="pg_dump is not installed"):
        call_command("backup_kb", directory=tmp_path / "backups")
    assert list((tmp_path / "backups").iterdir()) == []


def make(*arguments):
    return subprocess.run(
        ["make", "--dry-run", *arguments],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )


def test_make_clean_keeps_the_database_and_the_backups():
    """make clean removes the virtual environment and collected static files, no data."""
    commands = make("clean").stdout
    assert ".venv" in commands
    assert "db.sqlite3" not in commands
    assert "backups" not in commands


def test_make_restore_without_a_file_says_how_to_give_one():
    """make restore needs FILE=…, and says so instead of restoring anything."""
    result = make("restore")
    assert result.returncode != 0
    assert "make restore FILE=backups/ccpcj-kb-" in result.stderr
    assert "restore_kb" not in result.stdout
