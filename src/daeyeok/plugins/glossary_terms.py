"""Glossary terms in Korean prose: the first use per section links to its glossary entry.

A reader of a translation often wants the English behind a Korean term
(가중치 → weight) without leaving the paragraph.  This core rule wraps the
first use of each glossary term in every section (the content between two
headings) in a link to the term's entry on the glossary page, whose
``title`` holds the English headword and the glossary note.  The title is
what a pointer shows on hover and what assistive technology reads as the
link's description; the theme draws the same text as a tooltip on keyboard
focus, so nothing needs JavaScript.

Why a plain ``<a class="term" title=…>`` and not ``<dfn>`` or ``<abbr>``:
``<dfn>`` marks the *defining* instance of a term (the glossary page is
that, not the lecture), ``<abbr>`` an abbreviation, and wrapping a link in a
focusable ``<dfn tabindex=0>`` makes two tab stops for one word and nests
interactive content, which axe-core reports.  One link is one tab stop, has
its name from the Korean word and its description from the title.  Without
a glossary page to link to, the wrapper is a focusable ``<span>``.

Matching uses :class:`daeyeok.terms.matcher.Matcher`, the one the glossary
checks use, so particles and endings are handled the same way (가중치를 wraps
only 가중치; 이미지넷 is not 이미지).  Only preferred and accepted Korean forms
are wrapped (an avoided form is an error, not something to explain), plus a
keep-English term written as its ``ko`` form (ReLU, SGD).  Code, math, raw
HTML (and the text inside raw inline elements such as ``<dfn>`` or
``<abbr>``), links, images and headings are never touched; a use there does
not count as the first one, so the next use in prose gets the link.

The markdown-it parser is shared by every page, so the rule takes its
options from the env (``env["glossary_terms"]``: :class:`GlossaryTermsOptions`)
and does nothing without them.  The build parses each page once and renders
the stored tokens, so it calls :func:`wrap_terms` on those tokens directly;
that returns new tokens and never mutates the parsed document, which the
checks, the search index and the parallel view share.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

if TYPE_CHECKING:  # imported lazily: daeyeok.terms imports the parser that loads this plugin
    from ..model import Term
    from ..terms.matcher import Matcher

#: the key of the render/parse env holding :class:`GlossaryTermsOptions`
ENV_KEY = "glossary_terms"
OPEN, CLOSE = "glossary_term_open", "glossary_term_close"

_BARRIER = "\ufffc"
#: markup that does not interrupt a word (``**연쇄 법칙**을`` reads as 연쇄 법칙을)
_TRANSPARENT = {"strong_open", "strong_close", "em_open", "em_close", "s_open", "s_close", "mark_open", "mark_close"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass(frozen=True)
class GlossaryTermsOptions:
    """What the rule needs for one site: the compiled glossary and where each term's entry is.

    ``hrefs[i]`` is the URL of term ``i``'s glossary entry, or ``None`` when
    the site publishes no glossary page (a content page took its URL).
    """

    matcher: Matcher
    hrefs: Sequence[str | None]


def term_title(term: Term, written: str) -> str:
    """The hover text: the English headword, the preferred form when another one was written, the note.

    A keep-English term shows its reading instead (``ReLU (렐루)``): its
    English is what the reader already sees.
    """
    head = term.en
    if term.keep_english and term.reading:
        head = f"{term.en} ({term.reading})"
    elif written != term.ko:
        head = f"{term.en} ({term.ko})"
    return f"{head} — {term.note}" if term.note else head


@dataclass(frozen=True)
class _Use:
    start: int
    end: int
    term: int


def _html_depth(depth: int, html: str) -> int:
    """Raw inline HTML nesting after ``html``: text inside ``<dfn>…</dfn>`` (any raw element) is left alone."""
    tag = html.strip()
    if tag.startswith(("<!--", "<?", "<!")) or tag.endswith("/>"):
        return depth
    if tag.startswith("</"):
        return max(depth - 1, 0)
    name = tag[1:].split(None, 1)[0].rstrip(">").lower() if len(tag) > 1 else ""
    return depth if name in _VOID else depth + 1


def _uses(text: str, options: GlossaryTermsOptions) -> list[_Use]:
    """Glossary terms written in ``text`` as a Korean page should write them, left to right."""
    from ..korean import is_syllable
    from ..terms.matcher import ACCEPTED, PREFERRED

    matcher = options.matcher
    found: list[_Use] = []
    for m in matcher.korean_in(text):
        terms = {f.term for f in m.forms if f.kind in (PREFERRED, ACCEPTED)}
        if len(terms) == 1:  # a form two terms share (성능) cannot say which one is meant
            found.append(_Use(m.start, m.end, terms.pop()))
    for e in matcher.english_in(text):
        # a term whose Korean form is Latin (keep-English: ReLU, SGD), written exactly that way
        hits = {
            t
            for t in e.terms
            if not any(is_syllable(ch) for ch in matcher.terms[t].ko)
            and (e.text == matcher.terms[t].ko if matcher.terms[t].case_sensitive else e.text.lower() == matcher.terms[t].ko.lower())
        }
        if len(hits) == 1:
            found.append(_Use(e.start, e.end, hits.pop()))
    found.sort(key=lambda u: (u.start, -u.end))
    return found


def _text(content: str) -> Token:
    tok = Token("text", "", 0)
    tok.content = content
    return tok


def _wrap_inline(children: Sequence[Token], options: GlossaryTermsOptions, seen: set[int]) -> list[Token] | None:
    """New children with the section's first uses wrapped, or ``None`` when nothing changed."""
    parts: list[str] = []
    owner: list[int] = []  # per character: index of the text child it is in, or -1 where it must not be wrapped
    starts: dict[int, int] = {}
    link_depth = html_depth = 0
    for i, child in enumerate(children):
        kind = child.type
        if kind == "text":
            starts[i] = sum(map(len, parts))
            parts.append(child.content)
            owner.extend([i if link_depth == 0 and html_depth == 0 else -1] * len(child.content))
        elif kind in ("softbreak", "hardbreak"):
            parts.append(" ")
            owner.append(-1)
        elif kind == "link_open":
            link_depth += 1
        elif kind == "link_close":
            link_depth = max(link_depth - 1, 0)
        elif kind in _TRANSPARENT:
            continue
        else:  # code, math, images, footnote references, raw HTML: not prose
            if kind == "html_inline":
                html_depth = _html_depth(html_depth, child.content)
            parts.append(_BARRIER)
            owner.append(-1)
    text = "".join(parts)
    if not text.strip():
        return None
    wraps: dict[int, list[_Use]] = {}
    last_end = -1
    for use in _uses(text, options):
        if use.start < last_end or use.term in seen:
            continue
        index = owner[use.start]
        if index < 0 or any(o != index for o in owner[use.start : use.end]):
            continue  # in a link, raw HTML or across markup: the next use in plain prose gets the link
        seen.add(use.term)
        last_end = use.end
        offset = starts[index]
        wraps.setdefault(index, []).append(_Use(use.start - offset, use.end - offset, use.term))
    if not wraps:
        return None
    terms = options.matcher.terms
    out: list[Token] = []
    for i, child in enumerate(children):
        if i not in wraps:
            out.append(child)
            continue
        pos = 0
        for use in wraps[i]:
            if use.start > pos:
                out.append(_text(child.content[pos : use.start]))
            written = child.content[use.start : use.end]
            href = options.hrefs[use.term]
            opening = Token(OPEN, "a" if href else "span", 1)
            opening.attrs = {"class": "term"}
            if href:
                opening.attrs["href"] = href
            else:
                opening.attrs["tabindex"] = "0"
            opening.attrs["title"] = term_title(terms[use.term], written)
            opening.meta = {"term": use.term}
            out += [opening, _text(written), Token(CLOSE, opening.tag, -1)]
            pos = use.end
        if pos < len(child.content):
            out.append(_text(child.content[pos:]))
    return out


def wrap_terms(tokens: Sequence[Token], options: GlossaryTermsOptions) -> list[Token]:
    """The block tokens with the first use of each term per section wrapped.

    Block tokens keep their indices (hooks that insert HTML before a block
    index still line up); an inline token that changes is a shallow copy with
    new children, so ``tokens`` itself is never modified.
    """
    out = list(tokens)
    seen: set[int] = set()
    for i, tok in enumerate(tokens):
        if tok.type in ("heading_open", "footnote_block_open"):
            seen = set()  # a new section; footnotes are read apart from the section they follow
        elif tok.type == "inline" and tok.children and not (i > 0 and tokens[i - 1].type == "heading_open"):
            children = _wrap_inline(tok.children, options, seen)
            if children is not None:
                new = copy.copy(tok)
                new.children = children
                out[i] = new
    return out


def _core_rule(state: StateCore) -> None:
    options = state.env.get(ENV_KEY) if isinstance(state.env, dict) else None
    if isinstance(options, GlossaryTermsOptions):
        state.tokens[:] = wrap_terms(state.tokens, options)


def glossary_terms_plugin(md: MarkdownIt) -> None:
    """Register the core rule (a no-op unless the env carries options); the tokens render as plain tags."""
    md.core.ruler.push("glossary_terms", _core_rule)
