"""The roles people have, as auth groups with their permissions."""

import operator
from functools import reduce

from django.db.models import Q

NGO_STAFF = "NGO staff"
EDITORS = "Editors"

# The permissions the site checks, as ``user.has_perm`` names them.
ADD_TAGGING = "topics.add_taggeditem"
REMOVE_TAGGING = "topics.delete_taggeditem"
ADD_ANNOTATION = "kb_sessions.add_annotation"
CHANGE_ANNOTATION = "kb_sessions.change_annotation"
DELETE_ANNOTATION = "kb_sessions.delete_annotation"
# Holding it is what "shared" means: shared annotations are read by NGO staff and editors only.
READ_SHARED_ANNOTATIONS = "kb_sessions.view_annotation"

# NGO staff tag sessions and write annotations; the models let them remove only the tags they
# added and change only their own annotations.
NGO_STAFF_PERMISSIONS = [
    tuple(name.split("."))
    for name in [
        ADD_TAGGING,
        REMOVE_TAGGING,
        ADD_ANNOTATION,
        CHANGE_ANNOTATION,
        DELETE_ANNOTATION,
        READ_SHARED_ANNOTATIONS,
    ]
]
# Editors keep every record and the tag vocabulary in the admin.
EDITOR_APPS = ["kb_sessions", "topics"]


def create_roles(group_model, permission_model) -> None:
    """Create or complete both groups; takes the models so a migration can pass its own."""
    ngo_staff, _ = group_model.objects.get_or_create(name=NGO_STAFF)
    # Filter, not get: after a partial migrate some of these models may not exist yet.
    ngo_staff.permissions.add(
        *permission_model.objects.filter(
            reduce(
                operator.or_,
                (
                    Q(content_type__app_label=app_label, codename=codename)
                    for app_label, codename in NGO_STAFF_PERMISSIONS
                ),
            )
        )
    )
    editors, _ = group_model.objects.get_or_create(name=EDITORS)
    editors.permissions.add(
        *permission_model.objects.filter(content_type__app_label__in=EDITOR_APPS)
    )
