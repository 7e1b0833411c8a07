"""Notes and annotations as written (Markdown, sometimes with HTML) turned into safe HTML.

Rendering happens once, when a record is saved; pages show the stored result. markdown-it-py
follows CommonMark, whose parsing is linear in the length of the text, so no input (a run of
10,000 ``[``, deeply nested lists) can make a save, let alone a page, slow.
"""

import re

import nh3
from markdown_it import MarkdownIt

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
LINK_REL = "noopener noreferrer nofollow"

# Raw HTML stays on: the shipped notes hold HTML paragraphs, which nh3 then cleans. Markdown
# tables stay off: no note uses them, and a 1,000-character header row followed by empty rows
# expands to some 200 KB of padded cells and takes half a second (HTML tables still work).
_parser = MarkdownIt("commonmark", {"html": True})
# Headings inside notes start at h3: the page's own h1 and h2 come first.
_TOP_HEADING = re.compile(r"<(/?)h[12]\b", re.IGNORECASE)


def render_markdown(text: str) -> str:
    """The HTML to show for ``text``, with only the allowed tags and safe links left."""
    html = _TOP_HEADING.sub(r"<\1h3", _parser.render(text or ""))
    return nh3.clean(html, tags=ALLOWED_TAGS, link_rel=LINK_REL)
