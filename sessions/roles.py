"""The roles people have, as auth groups with their permissions."""

NGO_STAFF = "NGO staff"
EDITORS = "Editors"

# NGO staff tag sessions and write annotations; the views let them remove only the tags they
# added and change only their own annotations.
NGO_STAFF_PERMISSIONS = [
    ("topics", "add_taggeditem"),
    ("topics", "delete_taggeditem"),
    ("kb_sessions", "add_annotation"),
    ("kb_sessions", "change_annotation"),
    ("kb_sessions", "delete_annotation"),
    ("kb_sessions", "view_annotation"),
]
# Editors keep every record and the tag vocabulary in the admin.
EDITOR_APPS = ["kb_sessions", "topics"]


def create_roles(group_model, permission_model) -> None:
    """Create or complete both groups; takes the models so a migration can pass its own."""
    ngo_staff, _ = group_model.objects.get_or_create(name=NGO_STAFF)
    ngo_staff.permissions.add(
        *(
            permission_model.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in NGO_STAFF_PERMISSIONS
        )
    )
    editors, _ = group_model.objects.get_or_create(name=EDITORS)
    editors.permissions.add(
        *permission_model.objects.filter(content_type__app_label__in=EDITOR_APPS)
    )
