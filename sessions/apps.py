from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate

from .roles import create_roles


def update_roles(sender, apps=global_apps, **kwargs):
    """Give the groups the permissions of models added since their migration. ``flush`` sends
    the signal without ``apps``, as Django's own ``create_permissions`` allows for."""
    try:
        group_model = apps.get_model("auth", "Group")
        permission_model = apps.get_model("auth", "Permission")
    except LookupError:  # auth migrated back to zero
        return
    create_roles(group_model, permission_model)


class SessionsConfig(AppConfig):
    name = "sessions"
    # "sessions" is django.contrib.sessions' label, which the admin needs.
    label = "kb_sessions"
    verbose_name = "Meetings and sessions"

    def ready(self):
        # Sent once auth has created this app's permissions; topics comes earlier in
        # INSTALLED_APPS, so its permissions exist too.
        post_migrate.connect(update_roles, sender=self)
