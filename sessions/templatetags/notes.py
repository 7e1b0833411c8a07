import markdown
import nh3
from django import template
from django.utils.safestring import mark_safe

register = template.Library()

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "h3",
    "h4",
    "h5",
    "h6",
    "sup",
    "sub",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
}


@register.filter
def render_notes(text: str) -> str:
    """Notes as written (Markdown, sometimes with HTML paragraphs), sanitized for display."""
    html = markdown.markdown(text or "", extensions=["sane_lists"])
    # Headings inside notes start at h3: the page's own h1 and h2 come first.
    html = html.replace("<h1>", "<h3>").replace("</h1>", "</h3>")
    html = html.replace("<h2>", "<h3>").replace("</h2>", "</h3>")
    cleaned = nh3.clean(html, tags=ALLOWED_TAGS, link_rel="noopener noreferrer nofollow")
    return mark_safe(cleaned)  # sanitized by nh3 just above
