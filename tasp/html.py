"""The one policy for HTML people type into the site (an issue's welcome and items, an advert's
description): simple formatting and http(s)/mailto links stay, everything else (scripts,
styles, event handlers, other schemes) goes. Text typed without any tags keeps its paragraphs."""

from __future__ import annotations

import nh3
from django.utils.html import linebreaks

TAGS = frozenset(
    {"p", "br", "strong", "b", "em", "i", "u", "a", "ul", "ol", "li", "h3", "h4", "blockquote"}
)
ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})


def clean_html(html: str, *, from_public: bool = False) -> str:
    """``html`` made safe to show. Links written by the public (an advert's description) are
    marked nofollow, so the site lends no search ranking to them."""
    html = (html or "").strip()
    if html and "<" not in html:
        html = linebreaks(html)
    return nh3.clean(
        html,
        tags=set(TAGS),
        attributes=ATTRIBUTES,
        url_schemes=set(URL_SCHEMES),
        link_rel="nofollow noopener noreferrer" if from_public else "noopener noreferrer",
    )
