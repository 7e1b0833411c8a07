from django.contrib.auth.management import create_permissions
from django.db import migrations

# Frozen copy of sessions/roles.py as it stood: later models' permissions do not exist at this
# point of history. The post_migrate receiver in sessions/apps.py keeps the groups in step.
NGO_STAFF = "NGO staff"
EDITORS = "Editors"
NGO_STAFF_PERMISSIONS = [
    ("topics", "add_taggeditem"),
    ("topics", "delete_taggeditem"),
    ("kb_sessions", "add_annotation"),
    ("kb_sessions", "change_annotation"),
    ("kb_sessions", "delete_annotation"),
    ("kb_sessions", "view_annotation"),
]
EDITOR_APPS = ["kb_sessions", "topics"]


def add_roles(apps, schema_editor):
    # Permissions are normally created after migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ngo_staff, _ = Group.objects.get_or_create(name=NGO_STAFF)
    ngo_staff.permissions.add(
        *(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in NGO_STAFF_PERMISSIONS
        )
    )
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    editors.permissions.add(*Permission.objects.filter(content_type__app_label__in=EDITOR_APPS))


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
