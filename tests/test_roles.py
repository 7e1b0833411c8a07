"""The two roles exist after every migrate, with the permissions of every model, new ones too."""

import importlib

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from sessions import roles

pytestmark = pytest.mark.django_db


def permission_names(group_name):
    return {
        f"{app_label}.{codename}"
        for app_label, codename in Group.objects.get(name=group_name).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def test_migrated_roles_hold_their_permissions_including_later_models():
    """NGO staff hold exactly their list; editors hold every permission of the two apps,
    including those of models added after the roles migration (the loader's records)."""
    assert permission_names(roles.NGO_STAFF) == {
        f"{app_label}.{codename}" for app_label, codename in roles.NGO_STAFF_PERMISSIONS
    }
    every_permission = {
        f"{app_label}.{codename}"
        for app_label, codename in Permission.objects.filter(
            content_type__app_label__in=roles.EDITOR_APPS
        ).values_list("content_type__app_label", "codename")
    }
    assert "topics.view_loadedrecord" in every_permission
    assert permission_names(roles.EDITORS) == every_permission


def test_migrate_gives_groups_what_they_lack():
    """An editor group missing a permission of a newer model gets it back at the next migrate."""
    editors = Group.objects.get(name=roles.EDITORS)
    editors.permissions.remove(Permission.objects.get(codename="view_loadedrecord"))
    assert "topics.view_loadedrecord" not in permission_names(roles.EDITORS)

    call_command("migrate", verbosity=0)

    assert "topics.view_loadedrecord" in permission_names(roles.EDITORS)


def test_roles_migration_ignores_later_changes_to_the_live_roles(monkeypatch):
    """The roles migration keeps its own lists: a permission added to the live roles for a
    model that does not exist yet at that point of history cannot break a fresh database."""
    monkeypatch.setattr(
        roles,
        "NGO_STAFF_PERMISSIONS",
        [*roles.NGO_STAFF_PERMISSIONS, ("kb_sessions", "review_future_model")],
    )
    migration = importlib.import_module("sessions.migrations.0005_roles")
    state = MigrationLoader(connection).project_state(("kb_sessions", "0005_roles"))

    migration.add_roles(state.apps, None)

    assert "kb_sessions.add_annotation" in permission_names(roles.NGO_STAFF)
