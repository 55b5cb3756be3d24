"""Parallel reading: a translation with its original beside (wide screens) or under (narrow) each block.

The pairing comes from :mod:`daeyeok.align` (the same alignment translation
status uses), but what is shown side by side are *top-level* blocks: a list
or a table is paired as a whole even when alignment paired its items, because
cutting rendered HTML inside a list would leave unbalanced tags.  Top-level
blocks linked by any aligned pair end up in one row; a block with no partner
gets a row of its own with the other side empty.

Each page with a translation gets a parallel page at ``<page>/parallel/``
(noindex, canonical to the page), which works without JavaScript; daeyeok.js
swaps the same rows into the page in place when a reader turns the toggle on
and remembers the choice.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from .align import Alignment, Block, align_documents, extract_blocks
from .model import Document

#: Marker put before each top-level block while rendering, then used to cut the HTML.
_MARK = "<!--daeyeok-block-->"
_ID_ATTR = re.compile(r'(\sid=")')
_LOCAL_HREF = re.compile(r'(\shref=")#')

PARALLEL_DIR = "parallel/"


def top_level_starts(tokens: Sequence[Any]) -> frozenset[int]:
    """Indexes of tokens that open (or are) a top-level block.

    The footnote list is one block: markdown-it gives its items level 0 too,
    and cutting between ``<ol>`` and its ``<li>`` would break the list.
    """
    starts: set[int] = set()
    in_footnotes = False
    for i, tok in enumerate(tokens):
        if tok.type == "footnote_block_open":
            starts.add(i)
            in_footnotes = True
        elif tok.type == "footnote_block_close":
            in_footnotes = False
        elif not in_footnotes and tok.level == 0 and tok.nesting >= 0 and tok.type != "front_matter":
            starts.add(i)
    return frozenset(starts)


def marking_hook(tokens: Sequence[Any], inner: Any = None) -> Any:
    """A ``RenderContext.block_hook`` that marks top-level blocks, keeping another hook's output (outdated markers)."""
    starts = top_level_starts(tokens)

    def hook(index: int) -> str:
        extra = inner(index) if inner is not None else ""
        return (_MARK if index in starts else "") + extra

    return hook


def strip_marks(html: str) -> str:
    """HTML rendered with :func:`marking_hook` as it renders without it."""
    return html.replace(_MARK, "")


def split_marked(html: str, tokens: Sequence[Any]) -> list[tuple[int, str]]:
    """Cut HTML rendered with :func:`marking_hook` into ``(first token index, html)`` per top-level block."""
    starts = sorted(top_level_starts(tokens))
    parts = html.split(_MARK)
    head, rest = parts[0], parts[1:]
    segments = list(zip(starts, rest, strict=False))
    if head.strip() and segments:
        segments[0] = (segments[0][0], head + segments[0][1])
    return [(i, h) for i, h in segments if h.strip()]


def _segment_of(block: Block, starts: Sequence[int]) -> int:
    """Index of the top-level segment holding a block (the last segment starting at or before it)."""
    found = 0
    for n, start in enumerate(starts):
        if start <= block.token_index:
            found = n
        else:
            break
    return found


@dataclass(frozen=True)
class Row:
    main: str  # the page's own language
    other: str  # the other language's blocks, ids prefixed


def rows(
    main_segments: Sequence[tuple[int, str]],
    other_segments: Sequence[tuple[int, str]],
    main_blocks: Sequence[Block],
    other_blocks: Sequence[Block],
    alignment: Alignment,
    other_lang: str,
) -> list[Row]:
    """Group top-level segments of both sides into rows that the alignment links, in document order.

    ``alignment`` pairs ``other_blocks`` (source side) with ``main_blocks``
    (target side), as :func:`daeyeok.align.align_documents` returns it.
    """
    m_starts = [i for i, _ in main_segments]
    o_starts = [i for i, _ in other_segments]
    m_links: list[set[int]] = [set() for _ in main_segments]
    o_links: list[set[int]] = [set() for _ in other_segments]
    m_ids = {id(b) for b in main_blocks}
    for source, target in alignment.matched():
        if id(target) not in m_ids or not m_starts or not o_starts:
            continue
        m, o = _segment_of(target, m_starts), _segment_of(source, o_starts)
        m_links[m].add(o)
        o_links[o].add(m)
    out: list[Row] = []
    i = j = 0
    other = [_prefix_ids(h, other_lang) for _, h in other_segments]
    main = [h for _, h in main_segments]
    while i < len(main) or j < len(other):
        if i < len(main) and not m_links[i]:
            out.append(Row(main[i], ""))
            i += 1
            continue
        if j < len(other) and (not o_links[j] or i >= len(main) or min(m_links[i]) > j):
            out.append(Row("", other[j]))
            j += 1
            continue
        i_end, j_end = i, max(j, max(m_links[i]))
        while True:  # grow the row until no member links outside it
            grown_j = max([j_end, *(o for m in range(i, i_end + 1) for o in m_links[m])])
            grown_i = max([i_end, *(m for o in range(j, grown_j + 1) for m in o_links[o])])
            if (grown_i, grown_j) == (i_end, j_end):
                break
            i_end, j_end = grown_i, grown_j
        out.append(Row("".join(main[i : i_end + 1]), "".join(other[j : j_end + 1])))
        i, j = i_end + 1, j_end + 1
    return out


def _prefix_ids(html: str, lang: str) -> str:
    """The other side's ids and in-page links get a language prefix, so the page has no duplicate ids."""
    return _LOCAL_HREF.sub(rf"\1#{lang}-", _ID_ATTR.sub(rf"\1{lang}-", html))


def alignment_for(main: Document, other: Document, known: Alignment | None = None) -> tuple[tuple[Block, ...], tuple[Block, ...], Alignment]:
    """Blocks of both documents and their alignment (the other document is the source side);
    ``known``: that alignment, already made (the translation status makes every page's)."""
    alignment = known if known is not None else align_documents(other, main)
    main_blocks = tuple(t for p in alignment.pairs if (t := p.target) is not None)
    other_blocks = tuple(s for p in alignment.pairs if (s := p.source) is not None)
    return main_blocks or extract_blocks(main), other_blocks or extract_blocks(other), alignment


def rows_html(parallel_rows: Sequence[Row], main_lang: str, other_lang: str, other_label: str) -> str:
    """The rows as HTML: a grid of two cells per row, the original marked with its language."""
    parts = ['<div class="parallel">\n']
    for row in parallel_rows:
        parts.append('<div class="parallel__row">\n')
        parts.append(f'<div class="parallel__main">\n{row.main}</div>\n')
        if row.other:
            parts.append(f'<div class="parallel__other" lang="{escape(other_lang)}" data-label="{escape(other_label)}">\n{row.other}</div>\n')
        else:
            parts.append('<div class="parallel__other parallel__other--empty" aria-hidden="true"></div>\n')
        parts.append("</div>\n")
    parts.append("</div>\n")
    return "".join(parts)
