"""The one policy for HTML people type into the site (an issue's welcome and items, an advert's
description): simple formatting and http(s)/mailto links stay, everything else (scripts,
styles, event handlers, other schemes) goes. Text typed without any tags keeps its paragraphs.

What goes into a newsletter email is the same formatting less what an email cannot show well
(underline reads as a link; quotes), plus pictures, and those only from the site's own uploads:
``clean_html(html, images_from=...)``."""

from __future__ import annotations

import re

import nh3
from django.utils.html import linebreaks

TAGS = frozenset(
    {"p", "br", "strong", "b", "em", "i", "u", "a", "ul", "ol", "li", "h3", "h4", "blockquote"}
)
ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})

# An issue's welcome and items: what the issue editor makes (newsletters/editor.py) and the
# email template styles (templates/emails/newsletters/issue.html), nothing more.
EMAIL_TAGS = (TAGS - {"u", "blockquote"}) | {"img", "figure", "figcaption"}
EMAIL_ATTRIBUTES = {**ATTRIBUTES, "img": {"src", "alt", "width", "height"}}

_EMPTY_PARAGRAPH = re.compile(r"<p>(?:\s|&nbsp;|<br>)*</p>")
_IMAGE_WITHOUT_SOURCE = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")
_EMPTY_FIGURE = re.compile(r"<figure>\s*(?:<figcaption>.*?</figcaption>)?\s*</figure>", re.S)
# The editor puts a list item's text in a paragraph; an email would space it as one.
_ITEM_PARAGRAPH = re.compile(r"<li>\s*<p>((?:(?!</?p>).)*)</p>\s*</li>", re.S)


def clean_html(html: str, *, from_public: bool = False, images_from: str | None = None) -> str:
    """``html`` made safe to show. Links written by the public (an advert's description) are
    marked nofollow, so the site lends no search ranking to them.

    With ``images_from`` (a URL path such as ``/media/newsletters/``), the newsletter variant:
    no underline or quotes, no empty paragraphs, and images whose address starts there; any
    other image goes."""
    html = (html or "").strip()
    if html and "<" not in html:
        html = linebreaks(html)
    if images_from is None:
        return nh3.clean(
            html,
            tags=set(TAGS),
            attributes=ATTRIBUTES,
            url_schemes=set(URL_SCHEMES),
            link_rel="nofollow noopener noreferrer" if from_public else "noopener noreferrer",
        )

    def keep(element: str, attribute: str, value: str) -> str | None:
        if element == "img" and attribute == "src" and not value.startswith(images_from):
            return None
        if element == "img" and attribute in ("width", "height") and not value.isdigit():
            return None
        return value if value.strip() or attribute != "title" else None

    html = nh3.clean(
        html,
        tags=set(EMAIL_TAGS),
        attributes=EMAIL_ATTRIBUTES,
        attribute_filter=keep,
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
    )
    html = _IMAGE_WITHOUT_SOURCE.sub("", html)
    html = _ITEM_PARAGRAPH.sub(r"<li>\1</li>", _EMPTY_PARAGRAPH.sub("", html))
    return _EMPTY_FIGURE.sub("", html).strip()
