"""The HTML Pagefind indexes: one search document per published page, never served to readers.

Why a separate document rather than the published page: the helper words
(:mod:`daeyeok.search.expand`) would cost every reader bytes and confuse
screen readers, and KaTeX's HTML+MathML would index every formula twice.
The search document is built from the page's blocks (:mod:`daeyeok.align`),
so it holds what a reader sees: headings with their ids (Pagefind turns them
into sub-results that link to ``#id``), prose, tables and code, with formulas
reduced to their letters.  After each prose block come its helper words at
low weight, each written ``⟦word``: Pagefind indexes ``word`` (punctuation
splits words) but keeps the ``⟦`` in its stored text, so search.js can drop
every helper word from an excerpt wherever the excerpt window starts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

from ..align import Block, extract_blocks, normalize_space
from ..model import Page
from .expand import MARK, Expander

#: Pagefind weight of helper words: found, but ranked below the page's own words.
HELPER_WEIGHT = "0.5"

_INLINE_MATH = re.compile(r"\$([^$]+)\$")
_TEX_COMMAND = re.compile(r"\\[A-Za-z]+|[{}^_\\&]")


def plain_math(text: str) -> str:
    r"""Inline formulas as their letters and numbers (``$\frac{1}{N}\sum_i L_i$`` → ``1 N i L i``)."""
    return _INLINE_MATH.sub(lambda m: " " + normalize_space(_TEX_COMMAND.sub(" ", m.group(1))) + " ", text)


@dataclass(frozen=True)
class SearchDocument:
    """One page's search document: where it is published and the HTML Pagefind reads."""

    lang: str
    site_path: str  # e.g. "ko/lectures/backprop/" (no base URL: search.js adds it)
    html: str


def _block_html(block: Block, lang: str, expander: Expander) -> str:
    if block.kind == "math":
        return ""
    text = normalize_space(plain_math(block.text))
    if not text:
        return ""
    if block.kind == "heading":
        level = min(max(block.level, 2), 6)
        ident = f' id="{escape(block.heading_id)}"' if block.heading_id else ""
        return f"<h{level}{ident}>{escape(text)}</h{level}>\n"
    if block.kind == "code":
        return f"<pre>{escape(block.text)}</pre>\n"
    helper = [MARK + word for token in expander.tokens(text, lang) for word in token.split()]
    extra = f' <span data-pagefind-weight="{HELPER_WEIGHT}">{escape(" ".join(helper))}</span>' if helper else ""
    return f"<p>{escape(text)}{extra}</p>\n"


def search_document(page: Page, site_path: str, expander: Expander) -> SearchDocument:
    """The search document of a page as published at ``site_path`` (the page's language decides the index)."""
    front = page.doc.front
    parts = [
        f'<!doctype html>\n<html lang="{escape(page.lang)}">\n<head><meta charset="utf-8"><title>{escape(front.title)}</title></head>\n<body>\n<main data-pagefind-body>\n'
    ]
    parts.append(f'<h1 data-pagefind-meta="title">{escape(front.title)}</h1>\n')
    if front.description:
        parts.append(f"<p>{escape(front.description)}</p>\n")
    for block in extract_blocks(page.doc):
        parts.append(_block_html(block, page.doc.lang, expander))
    parts.append("</main>\n</body>\n</html>\n")
    return SearchDocument(page.lang, site_path, "".join(parts))
