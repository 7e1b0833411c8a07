from django.contrib.auth.management import create_permissions
from django.db import migrations

from sessions.roles import EDITORS, NGO_STAFF, create_roles


def add_roles(apps, schema_editor):
    # Permissions are normally created after migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    create_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[NGO_STAFF, EDITORS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("kb_sessions", "0004_annotation"),
        ("topics", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(add_roles, remove_roles)]
