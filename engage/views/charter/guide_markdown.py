"""The guide's Markdown, rendered to HTML and then sanitized with an allow-list (nh3).

Raw HTML in the source is not rendered by markdown-it (html=False), and whatever the
renderer emits still goes through nh3: no script, iframe, style, on* attribute or
javascript: URL can reach a page.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")

TAGS = {"p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "a", "em", "strong", "blockquote", "code", "pre",
        "hr", "br", "table", "thead", "tbody", "tr", "th", "td"}
ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}


def shift_headings(html: str) -> str:
    """The page's own title is its only h1: Markdown headings start at h2."""
    for level in range(5, 0, -1):
        html = html.replace(f"<h{level}>", f"<h{level + 1}>").replace(f"</h{level}>", f"</h{level + 1}>")
    return html


def render(markdown: str) -> str:
    return sanitize(shift_headings(_md.render(markdown or "")))


def sanitize(html: str) -> str:
    return nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes={"https", "http", "mailto"},
                     link_rel="noopener noreferrer")
