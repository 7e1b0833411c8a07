"""What a page says of itself to the tools that share, index and cite it: its description and
title for link previews (Open Graph), and its suggested citation."""

import html
import re

from django import template
from django.utils import timezone
from django.utils.html import conditional_escape, strip_tags
from django.utils.safestring import mark_safe

from topics.citing import citation_for

register = template.Library()

# Search engines show about this much of a description; link previews a little less.
DESCRIPTION_LENGTH = 160


@register.filter(needs_autoescape=True)
def meta_description(text: str, length: int = DESCRIPTION_LENGTH, autoescape: bool = True) -> str:
    """``text`` (plain, or HTML such as rendered notes) as one line of plain text, cut after
    a whole word to at most ``length`` characters. The result is escaped again: used with
    ``{% filter %}``, nothing else would escape it."""
    plain = " ".join(html.unescape(strip_tags(text or "")).split())
    if len(plain) > length:
        cut = plain[: length - 1]
        if " " in cut[length // 2 :]:
            cut = cut.rsplit(" ", 1)[0]
        plain = re.sub(r"[\s,;:.\u2013\u2014-]+$", "", cut) + "…"
    return conditional_escape(plain) if autoescape else plain


class CaptureNode(template.Node):
    def __init__(self, nodelist, name: str):
        # Named ``nodelist`` so that blocks inside are found and overridden by child templates.
        self.nodelist = nodelist
        self.name = name

    def render(self, context):
        # The output is the rendered (already escaped) template, safe to show as it is.
        context[self.name] = mark_safe(" ".join(self.nodelist.render(context).split()))
        return ""


@register.tag
def capture(parser, token):
    """``{% capture name %}…{% endcapture %}`` renders its content into the variable ``name``,
    so that the base template shows a page's title block both as its title and in its link
    preview tags."""
    try:
        _tag, name = token.split_contents()
    except ValueError:
        raise template.TemplateSyntaxError("capture takes one variable name") from None
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, name)


@register.inclusion_tag("includes/cite_this.html", takes_context=True)
def cite_this(context, record):
    """The "Cite this" box of a session, document, source document or passage, with the
    record's permanent address and today's date as the date accessed."""
    request = context["request"]
    citation = citation_for(
        record,
        url=request.build_absolute_uri(record.get_absolute_url()),
        accessed=timezone.localdate(),
    )
    return {"citation": citation}
