import django.utils.timezone
from django.db import migrations, models
from django.db.models import Max

import sessions.timezones


def date_sessions_by_their_last_known_change(apps, schema_editor):
    """A session was last modified when an editor last changed it in the admin, when staff last
    tagged it, or by the last load of the fixtures, whichever came last; with none of these,
    the time of this migration stands."""
    Session = apps.get_model("kb_sessions", "Session")
    ContentType = apps.get_model("contenttypes", "ContentType")
    LogEntry = apps.get_model("admin", "LogEntry")
    TaggedItem = apps.get_model("topics", "TaggedItem")
    FixtureLoad = apps.get_model("topics", "FixtureLoad")
    last_load = FixtureLoad.objects.aggregate(last=Max("finished_at"))["last"]
    latest = {}
    content_type = ContentType.objects.filter(app_label="kb_sessions", model="session").first()
    if content_type is not None:
        edits = (
            LogEntry.objects.filter(content_type=content_type)
            .order_by()
            .values_list("object_id")
            .annotate(last=Max("action_time"))
        )
        taggings = (
            TaggedItem.objects.filter(content_type=content_type)
            .order_by()
            .values_list("object_id")
            .annotate(last=Max("added_at"))
        )
        for object_id, at in [*edits, *taggings]:
            key = str(object_id)
            latest[key] = max(at, latest.get(key, at))
    changed = []
    for session in Session.objects.only("pk", "updated_at"):
        known = [at for at in (last_load, latest.get(str(session.pk))) if at is not None]
        if known:
            session.updated_at = max(known)
            changed.append(session)
    # bulk_update() leaves auto_now alone: it writes the values given.
    Session.objects.bulk_update(changed, ["updated_at"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("kb_sessions", "0008_inferred_values"),
        ("topics", "0008_search_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="meeting",
            name="time_zone",
            field=models.CharField(
                blank=True,
                help_text="Where it was held, as an IANA time zone name (Europe/Vienna, "
                "Asia/Tokyo): its sessions' times are local to it.",
                max_length=64,
                validators=[sessions.timezones.validate_time_zone],
            ),
        ),
        migrations.AddField(
            model_name="session",
            name="updated_at",
            field=models.DateTimeField(
                auto_now=True,
                default=django.utils.timezone.now,
                verbose_name="last modified",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(
            date_sessions_by_their_last_known_change, migrations.RunPython.noop, elidable=True
        ),
    ]
