"""Heading ids: author-pinned ``{#id}`` first, readable Hangul-keeping slugs otherwise.

``## 선형 분류 {#linear}`` gets ``id="linear"`` in both languages, so links
and anchors survive translation.  Other headings get :func:`slugify` slugs,
made unique within the page and never empty.  Problems (a malformed or
duplicate pinned id) are left in ``env["problems"]`` for the parser to report.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from ..slugs import PINNED_ID, SlugRegistry, slugify

_PIN = re.compile(r"\s*\{#([^{}\s]+)\}\s*$")


def heading_text(inline: Token) -> str:
    """The visible text of an inline token: text, code and math, no markup."""
    parts: list[str] = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline", "math_inline", "math_inline_double"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts).strip()


def _strip_pin(inline: Token) -> str | None:
    children = inline.children or []
    if not children or children[-1].type != "text":
        return None
    match = _PIN.search(children[-1].content)
    if not match:
        return None
    last = children[-1]
    last.content = last.content[: match.start()]
    if not last.content:
        children.pop()
    inline.content = _PIN.sub("", inline.content)
    return match.group(1)


def _assign_ids(state: StateCore) -> None:
    problems = state.env.setdefault("problems", [])
    tokens = state.tokens
    headings = [(i, tokens[i], tokens[i + 1]) for i in range(len(tokens) - 1) if tokens[i].type == "heading_open"]
    registry = SlugRegistry()
    pending: list[tuple[Token, Token]] = []
    for _, open_tok, inline in headings:
        line = (open_tok.map[0] + 1) if open_tok.map else 0
        pinned = _strip_pin(inline)
        if pinned is None:
            pending.append((open_tok, inline))
            continue
        if not PINNED_ID.match(pinned):
            problems.append((line, 1, "error", "anchor", f"invalid heading id {{#{pinned}}}: use letters, digits, Hangul, '-', '_', '.' or ':'"))
            pending.append((open_tok, inline))
            continue
        if pinned in registry.taken:
            problems.append((line, 1, "error", "anchor", f"heading id {{#{pinned}}} is used twice on this page"))
        registry.taken.add(pinned)
        open_tok.attrSet("id", pinned)
        open_tok.meta["pinned"] = True
    for open_tok, inline in pending:
        explicit = open_tok.attrGet("id")  # set by an attrs block, e.g. {#x} on the line before
        if isinstance(explicit, str) and explicit:
            registry.taken.add(explicit)
            open_tok.meta["pinned"] = True
            continue
        open_tok.attrSet("id", registry.claim(slugify(heading_text(inline))))
        open_tok.meta["pinned"] = False


def heading_ids_plugin(md: MarkdownIt) -> None:
    md.core.ruler.after("inline", "heading_ids", _assign_ids)
