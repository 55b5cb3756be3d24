"""Source positions for inline tokens.

markdown-it gives block tokens ``token.map`` (their source lines) but inline
children have none.  Formulas, links and images need ``file:line:col`` in
diagnostics, so this core rule finds each such child's text inside its
block's source lines, in order, and stores ``meta["line"]``/``meta["col"]``
(1-based, relative to the whole file).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # htmlrefs uses line_starts without needing markdown-it loaded
    from markdown_it import MarkdownIt
    from markdown_it.rules_core import StateCore
    from markdown_it.token import Token

_NEEDLES: dict[str, Callable[[Token], list[str]]] = {
    "math_inline": lambda t: [f"${t.content}$", f"\\({t.content}\\)", t.content],
    "math_inline_double": lambda t: [f"$${t.content}$$", t.content],
    "link_open": lambda t: [str(t.attrGet("href") or "")],
    "image": lambda t: [str(t.attrGet("src") or "")],
    "html_inline": lambda t: [t.content],
}


_NEWLINE = re.compile("\n")


def line_starts(src: str) -> list[int]:
    """Offsets where each line begins (a character loop here cost ~1 ms per 30 KB page)."""
    return [0, *(m.end() for m in _NEWLINE.finditer(src))]


def locate(src: str, starts: list[int], offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    lo, hi = 0, len(starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if starts[mid] <= offset:
            lo = mid
        else:
            hi = mid - 1
    return lo + 1, offset - starts[lo] + 1


def _annotate(state: StateCore) -> None:
    src = state.src
    starts: list[int] | None = None
    for block in state.tokens:
        if block.type != "inline" or not block.map or not block.children:
            continue
        if starts is None:
            starts = line_starts(src)
        first, last = block.map
        region_start = starts[first] if first < len(starts) else len(src)
        region_end = starts[last] if last < len(starts) else len(src)
        cursor = region_start
        for child in block.children:
            needles = _NEEDLES.get(child.type)
            if needles is None:
                continue
            found = -1
            candidates: list[str] = needles(child)
            for needle in candidates:
                if needle:
                    found = src.find(needle, cursor, region_end)
                    if found >= 0:
                        cursor = found + len(needle)
                        break
            line, col = locate(src, starts, found) if found >= 0 else (first + 1, 1)
            child.meta["line"], child.meta["col"] = line, col


def positions_plugin(md: MarkdownIt) -> None:
    md.core.ruler.push("positions", _annotate)


def token_position(token: Token, parent_line: int = 0) -> tuple[int, int]:
    """``(line, col)`` of a token: its annotated position, its map, or the parent's line."""
    if "line" in token.meta:
        return int(token.meta["line"]), int(token.meta["col"])
    if token.map:
        return token.map[0] + 1, 1
    return parent_line, 1
