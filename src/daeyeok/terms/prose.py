"""The prose of a page, with a source offset for every character.

The glossary rules must see only prose: code, math, URLs, link targets, raw
HTML and front matter are not words a translator chose.  Working from the
markdown-it token stream gives that for free (a code span is a token, not a
regex guess), and the ``positions`` plugin gives each text token its
``line:col``.  Emphasis and link markup are transparent (``**연쇄 법칙**을``
reads as ``연쇄 법칙을``); everything that is not prose becomes one
:data:`BARRIER` character, so no term or particle is matched across it.

Each :class:`Run` keeps, per character, its offset in the file text (or -1
when markdown-it rewrote it, e.g. an entity), which is what lets ``--fix``
edit the file precisely and refuse when it cannot.
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from markdown_it.token import Token

from ..markdown import parser
from ..plugins.positions import line_starts

BARRIER = "\ufffc"

_TRANSPARENT = {"strong_open", "strong_close", "em_open", "em_close", "s_open", "s_close", "link_open", "link_close", "mark_open", "mark_close"}
_BREAKS = {"softbreak", "hardbreak"}


@dataclass
class Run:
    """The prose of one block (paragraph, heading, list item, table cell, caption)."""

    text: str
    offsets: list[int]
    kind: str  # "p", "li", "h2", "quote", "td", "caption", ...
    line: int  # 1-based first line of the block
    section: int  # index of the heading section the block is in (0 before the first heading)

    def source_span(self, start: int, end: int) -> tuple[int, int] | None:
        """File offsets for ``text[start:end]`` when every character maps contiguously, else ``None``."""
        if start >= end or end > len(self.offsets):
            return None
        first = self.offsets[start]
        if first < 0:
            return None
        for i in range(start, end):
            if self.offsets[i] != first + (i - start):
                return None
        return first, first + (end - start)


@dataclass
class Page:
    """A checked text file: its source, prose runs, a line index and (Markdown) its tokens."""

    path: str
    source: str
    runs: list[Run]
    line_starts: list[int]
    tokens: Sequence[Any] = ()

    def position(self, offset: int, fallback_line: int = 0) -> tuple[int, int]:
        if offset < 0:
            return fallback_line, 1
        i = bisect.bisect_right(self.line_starts, offset) - 1
        return i + 1, offset - self.line_starts[i] + 1


def _kind(stack: Sequence[str], opener: Token | None) -> str:
    if opener is not None and opener.type == "heading_open":
        return opener.tag
    for name in reversed(stack):
        if name in ("li", "blockquote", "td", "th", "dd", "dt"):
            return "quote" if name == "blockquote" else name
    return "p"


_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def locate_unescaped(content: str, source: str, start: int, limit: int) -> list[int] | None:
    """Source offsets of ``content``'s characters where the source wrote some of them as
    backslash escapes or entities (``\\$`` for ``$``, ``&amp;`` for ``&``).

    An entity's character gets the entity's first offset; ``None`` when the text cannot be
    traced, so no fix is offered there.
    """
    first = content[:1]
    if not first:
        return None
    candidates = [i for i in (source.find(first, start, limit), source.find("\\" + first, start, limit), source.find("&", start, limit)) if i >= 0]
    pos = min(candidates) if candidates else -1
    if pos < 0:
        return None
    out: list[int] = []
    for ch in content:
        if pos >= limit:
            return None
        entity = _ENTITY.match(source, pos) if source[pos] == "&" else None
        if entity is not None and html.unescape(entity.group()) == ch:
            out.append(pos)
            pos = entity.end()
        elif source[pos] == ch:
            out.append(pos)
            pos += 1
        elif source[pos] == "\\" and pos + 1 < limit and source[pos + 1] == ch:
            out.append(pos + 1)
            pos += 2
        else:
            return None
    return out


def _inline_run(inline: Token, source: str, starts: list[int], kind: str, section: int) -> Run:
    """The prose of one inline token, each character located in ``source`` by an in-order scan.

    Children appear in source order, so a cursor moving through the block's
    lines finds each text exactly once; text that markdown-it rewrote (an
    entity, a backslash escape) is not found verbatim and gets offset -1,
    which disables fixes there rather than guessing.
    """
    chars: list[str] = []
    offsets: list[int] = []
    first, last = inline.map if inline.map else (0, 0)
    cursor = starts[first] if first < len(starts) else len(source)
    limit = starts[last] if last < len(starts) else len(source)
    in_autolink = False

    def seek(needle: str) -> int:
        nonlocal cursor
        if not needle:
            return -1
        found = source.find(needle, cursor, limit)
        if found >= 0:
            cursor = found + len(needle)
        return found

    for child in inline.children or []:
        kind_ = child.type
        if kind_ == "text" and not in_autolink:
            content = child.content
            start = seek(content)
            chars.append(content)
            if start >= 0:
                offsets.extend(range(start, start + len(content)))
            else:  # rewritten by markdown-it (``\$`` → ``$``, ``&amp;`` → ``&``): match character by character
                located = locate_unescaped(content, source, cursor, limit)
                offsets.extend(located if located is not None else [-1] * len(content))
                if located is not None and located[-1] >= 0:
                    cursor = located[-1] + 1
        elif kind_ in _BREAKS:
            seek("\n")
            chars.append(" ")
            offsets.append(-1)
        elif kind_ == "link_open" and child.markup in ("autolink", "linkify"):
            in_autolink = True
            chars.append(BARRIER)
            offsets.append(-1)
        elif kind_ == "link_close":
            if not in_autolink:
                seek(str(child.attrGet("href") or ""))
            in_autolink = False
        elif kind_ in _TRANSPARENT or in_autolink:
            continue
        else:  # code, math, raw HTML, images, footnote references: not prose
            if kind_ == "image":
                seek(str(child.attrGet("src") or ""))
            else:
                seek(child.content)
            chars.append(BARRIER)
            offsets.append(-1)
    return Run("".join(chars), offsets, kind, first + 1, section)


_TAG_OR_SKIPPED = re.compile(r"<(script|style|code|pre|math|svg)\b.*?</\1\s*>|<!--.*?-->|<[^>]*>|\{\{.*?\}\}|\{%.*?%\}", re.IGNORECASE | re.DOTALL)


def _html_run(token: Token, source: str, starts: list[int], section: int) -> Run:
    """The text between tags of a raw HTML block (figure captions are prose); tags, attributes,
    code, scripts and Liquid are barriers."""
    first = token.map[0] if token.map else 0
    base = starts[first] if first < len(starts) else len(source)
    content = token.content
    located = source.startswith(content, base)
    chars: list[str] = []
    offsets: list[int] = []
    pos = 0
    for m in _TAG_OR_SKIPPED.finditer(content):
        chars.append(content[pos : m.start()])
        offsets.extend(range(base + pos, base + m.start()) if located else [-1] * (m.start() - pos))
        chars.append(BARRIER)
        offsets.append(-1)
        pos = m.end()
    chars.append(content[pos:])
    offsets.extend(range(base + pos, base + len(content)) if located else [-1] * (len(content) - pos))
    text = "".join(chars).replace("\n", " ")
    return Run(text, offsets, "html", first + 1, section)


def markdown_page(path: str, source: str, tokens: Sequence[Any] | None = None) -> Page:
    """The prose of a Markdown file; pass ``tokens`` when the caller already parsed it."""
    toks: Sequence[Token] = tokens if tokens is not None else parser().parse(source, {})
    starts = line_starts(source)
    runs: list[Run] = []
    stack: list[str] = []
    section = 0
    for i, tok in enumerate(toks):
        if tok.nesting == 1:
            stack.append(tok.tag or tok.type)
            if tok.type == "heading_open":
                section += 1
            continue
        if tok.nesting == -1:
            if stack:
                stack.pop()
            continue
        if tok.type == "inline":
            opener = toks[i - 1] if i > 0 else None
            run = _inline_run(tok, source, starts, _kind(stack, opener), section)
            runs.append(run)
        elif tok.type == "html_block" and tok.map:
            runs.append(_html_run(tok, source, starts, section))
    return Page(path, source, runs, starts, toks)


_SRT_TIMING = re.compile(r"^\d\d:\d\d:\d\d[,.]\d{3}\s+-->\s+\d\d:\d\d:\d\d[,.]\d{3}")


def srt_page(path: str, source: str) -> Page:
    """Caption text of an SRT file: each cue's text lines are one run; numbers and timings are not prose."""
    starts = line_starts(source)
    runs: list[Run] = []
    lines = source.split("\n")
    i = 0
    cue = 0
    while i < len(lines):
        if _SRT_TIMING.match(lines[i].strip()):
            cue += 1
            j = i + 1
            chars: list[str] = []
            offsets: list[int] = []
            while j < len(lines) and lines[j].strip():
                if chars:
                    chars.append(" ")
                    offsets.append(-1)
                chars.append(lines[j])
                offsets.extend(range(starts[j], starts[j] + len(lines[j])))
                j += 1
            if chars:
                runs.append(Run("".join(chars), offsets, "caption", i + 2, cue))
            i = j
        else:
            i += 1
    return Page(path, source, runs, starts)
