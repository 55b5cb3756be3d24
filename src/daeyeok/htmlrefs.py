"""Links, images and ids inside raw HTML that translators embed in Markdown.

Figures are usually written as raw ``<figure><img src=…>`` blocks, and old
Jekyll pages anchor sections with ``<a name='x'></a>``.  Both must take part
in link checking and URL rewriting, so we read them with the standard
library's tolerant HTML tokenizer rather than with regular expressions.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import NamedTuple

from .plugins.positions import line_starts

URL_ATTRS = {
    ("a", "href"),
    ("img", "src"),
    ("source", "src"),
    ("source", "srcset"),
    ("img", "srcset"),
    ("video", "src"),
    ("audio", "src"),
    ("link", "href"),
    ("iframe", "src"),
    ("object", "data"),
}


class HtmlRef(NamedTuple):
    tag: str
    attr: str
    value: str
    offset: int  # character offset of the tag within the fragment


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[HtmlRef] = []
        self.ids: list[str] = []
        self.tags: list[str] = []
        self._line_offsets: list[int] = [0]

    def feed_text(self, text: str) -> None:
        self._line_offsets = line_starts(text)
        self.feed(text)
        self.close()

    def _offset(self) -> int:
        line, col = self.getpos()
        return self._line_offsets[line - 1] + col if line - 1 < len(self._line_offsets) else 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        offset = self._offset()
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.append(value)
            if (tag, name) in URL_ATTRS:
                self.refs.append(HtmlRef(tag, name, value, offset))

    handle_startendtag = handle_starttag


def scan(fragment: str) -> tuple[list[HtmlRef], list[str], list[str]]:
    """URL-bearing attributes, element ids and tag names found in an HTML fragment."""
    collector = _Collector()
    collector.feed_text(fragment)
    return collector.refs, collector.ids, collector.tags
