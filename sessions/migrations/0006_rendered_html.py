import re

import nh3
from django.db import migrations, models
from markdown_it import MarkdownIt

# A frozen copy of sessions/markdown.py as it stood when pages stopped rendering Markdown:
# later changes to the live renderer must not change what this migration does.
ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "code", "pre",
    "h3", "h4", "h5", "h6", "sup", "sub", "a", "table", "thead", "tbody", "tr", "th", "td", "hr",
}
PARSER = MarkdownIt("commonmark", {"html": True})
TOP_HEADING = re.compile(r"<(/?)h[12]\b", re.IGNORECASE)


def render_markdown(text):
    html = TOP_HEADING.sub(r"<\1h3", PARSER.render(text or ""))
    return nh3.clean(html, tags=ALLOWED_TAGS, link_rel="noopener noreferrer nofollow")


def render_existing(apps, schema_editor):
    for model_name, source, target in [
        ("Session", "notes", "notes_html"),
        ("Annotation", "body", "body_html"),
    ]:
        model = apps.get_model("kb_sessions", model_name)
        rows = list(model.objects.only("pk", source))
        for row in rows:
            setattr(row, target, render_markdown(getattr(row, source)))
        model.objects.bulk_update(rows, [target], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("kb_sessions", "0005_roles")]

    operations = [
        migrations.AddField(
            model_name="session",
            name="notes_html",
            field=models.TextField(default="", editable=False),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="annotation",
            name="body_html",
            field=models.TextField(default="", editable=False),
            preserve_default=False,
        ),
        migrations.RunPython(render_existing, migrations.RunPython.noop),
    ]
