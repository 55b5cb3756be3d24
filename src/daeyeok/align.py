"""Block-level alignment of a translation with its source, by document structure.

A page is cut into *blocks*: headings, paragraphs, list items, quotes,
footnotes, tables, code, display math, figures and raw HTML.  Each
:class:`Block` carries its kind, its source lines (from ``token.map``), the
text a reader sees, a fingerprint of its *source* (so re-rendering, a KaTeX
upgrade or a theme change never makes a translation look outdated, and
re-wrapping a paragraph does not either) and a stable id usable as an HTML
anchor.

:func:`align` pairs source blocks with target blocks.  Translations keep the
structure of their source but not its words, so the score of a pair comes
from what survives translation: block kind, heading level and pinned id,
formulas, code, link and image targets, numbers, Latin words kept in the
translation (``손실 함수(loss function)``), and length in proportion.  A
dynamic programme over both sequences (Gale–Church style, with 1:1, 2:1 and
1:2 steps for merged or split paragraphs) finds the best order-preserving
pairing; a block on one side with no partner gets ``None`` on the other.

Consumers: translation status (progress, outdated blocks, structure checks),
the glossary checker ("the aligned English paragraph uses this term") and
the side-by-side view.  None of them needs rendering; everything here works
on the markdown-it tokens of a parsed :class:`~daeyeok.model.Document`.
"""

from __future__ import annotations

import functools
import hashlib
import html
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .memo import IdentityMemo
from .model import Document
from .picklecache import PickleCache, content_key
from .plugins.positions import token_position

#: Block kinds, and the letter each uses in generated block ids.
KIND_LETTERS = {
    "heading": "h",
    "paragraph": "p",
    "list_item": "l",
    "quote": "q",
    "footnote": "n",
    "table": "t",
    "code": "c",
    "math": "m",
    "figure": "f",
    "html": "x",
}
#: Kinds whose text is prose to be translated.
PROSE_KINDS = frozenset({"heading", "paragraph", "list_item", "quote", "footnote", "table", "figure"})
#: Kinds whose content should be identical on both sides.
VERBATIM_KINDS = frozenset({"code", "math"})

_MATH_INLINE = ("math_inline", "math_inline_double")
_MATH_BLOCKS = ("math_block", "math_block_label", "amsmath", "math_block_eqno")
_HTML_TAG = re.compile(r"<[^>]*>", re.DOTALL)
_HTML_SKIP = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_HTML_ATTR = re.compile(r"""\b(src|href)\s*=\s*(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL)
_HTML_IMG = re.compile(r"<(img|video|svg|figure|canvas|iframe)\b", re.IGNORECASE)
_WS = re.compile(r"\s+")
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’\-][A-Za-z0-9]+)*")
_LATIN_TERM = re.compile(r"[A-Za-z][A-Za-z0-9\-]{2,}")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_INLINE_FORMULA = re.compile(r"\$[^$]+\$")
_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_LATIN = re.compile(r"[A-Za-z]")
_URL = re.compile(r"\w+://\S+")


@dataclass(frozen=True)
class Formula:
    """One formula as written (inline or display), with its 1-based position."""

    tex: str
    display: bool
    line: int
    col: int

    @property
    def normalized(self) -> str:
        return normalize_tex(self.tex)


@dataclass(frozen=True)
class Ref:
    """A link or image target inside a block, with its 1-based position."""

    target: str
    line: int
    col: int


@dataclass(frozen=True)
class Block:
    """One aligned unit of a page.

    ``start``/``end`` are 1-based inclusive source lines of the whole file
    (front matter counted), ``token_index`` is the index of the block's opening
    token in ``Document.tokens`` (render hooks key on it).  ``id`` is unique
    in the page: a heading's own id, otherwise ``b-<section>-<letter><n>``
    where ``<section>`` is the id of the heading above and ``n`` counts blocks
    of that kind in the section, so edits in one section never renumber
    another.  ``fingerprint`` hashes the kind and the whitespace-normalised
    Markdown source of the block: identical source, identical fingerprint.
    """

    kind: str
    start: int
    end: int
    token_index: int
    text: str
    source: str
    id: str
    section: str
    level: int = 0
    heading_id: str | None = None
    pinned: bool = False
    info: str = ""  # a code block's language
    formulas: tuple[Formula, ...] = ()
    links: tuple[Ref, ...] = ()
    images: tuple[Ref, ...] = ()

    @functools.cached_property
    def fingerprint(self) -> str:
        """Computed when asked: the status lock needs it, the glossary checker and search do not."""
        return fingerprint(self.kind, self.source)

    @functools.cached_property
    def words(self) -> int:
        """How many words of source text the block holds (formulas count one each)."""
        return word_count(self.kind, self.text) + (len(self.formulas) if self.kind not in ("code", "math") else 0)


@dataclass(frozen=True)
class Pair:
    """One step of an alignment.

    A 2:1 merge appears as two pairs sharing the same target block (and 1:2
    as two pairs sharing the source), so each pair holds at most one block
    per side and a consumer that only wants "the partner of X" needs no
    special case.
    """

    source: Block | None
    target: Block | None
    score: float = 0.0


@dataclass(frozen=True)
class Alignment:
    pairs: tuple[Pair, ...]

    def targets_of(self, source: Block) -> tuple[Block, ...]:
        return tuple(p.target for p in self.pairs if p.source is source and p.target is not None)

    def sources_of(self, target: Block) -> tuple[Block, ...]:
        return tuple(p.source for p in self.pairs if p.target is target and p.source is not None)

    def matched(self) -> tuple[tuple[Block, Block], ...]:
        return tuple((p.source, p.target) for p in self.pairs if p.source is not None and p.target is not None)


# -- text helpers ----------------------------------------------------------------------


def normalize_space(text: str) -> str:
    """Runs of whitespace as one space, none at the ends (``str.split`` and the ``\\s`` of a
    ``str`` pattern agree on what whitespace is; three times faster than a regex ``sub``)."""
    return " ".join(text.split())


def without_formulas_and_urls(text: str) -> str:
    """``text`` with inline ``$…$`` formulas and URLs blanked out: what is counted and compared as
    prose (each pattern is only run when its marker character occurs, as in most blocks it does not)."""
    if "$" in text:
        text = _INLINE_FORMULA.sub(" ", text)
    if "://" in text:
        text = _URL.sub(" ", text)
    return text


def normalize_tex(tex: str) -> str:
    """A formula for comparison: whitespace-insensitive, kramdown's ``\\_`` escape undone."""
    return _WS.sub("", tex.replace("\\_", "_").replace("\\*", "*"))


def fingerprint(kind: str, source: str) -> str:
    """16 hex digits of BLAKE2b over the kind and the normalised source text."""
    return hashlib.blake2b(f"{kind}\x1f{normalize_space(source)}".encode(), digest_size=8).hexdigest()


@functools.lru_cache(maxsize=16384)
def word_count(kind: str, text: str) -> int:
    """Words of a block's text; memoised by text, since an edited page keeps most of its blocks."""
    if kind == "code":
        return sum(1 for line in text.splitlines() if line.strip())
    if kind == "math":
        return 1
    return len(_WORD.findall(without_formulas_and_urls(text)))


@functools.lru_cache(maxsize=16384)
def hangul_share(text: str) -> float:
    """Share of Korean in a text: Hangul syllables against Latin letters.

    Formulas, URLs and code spans are left out.  A Hangul syllable carries
    about as much as 2.5 Latin letters, so Latin letters are weighted by
    0.4; ``손실함수(Loss function)`` counts as Korean, an English sentence with
    one Korean word does not.
    """
    bare = without_formulas_and_urls(text)
    h = len(_HANGUL.findall(bare))
    latin = len(_LATIN.findall(bare))
    if h == 0:
        return 0.0
    return h / (h + 0.4 * latin)


def is_korean(text: str, short: bool = False) -> bool:
    """Whether a text is Korean prose: Hangul share at least 0.35.

    ``short`` (headings, short list items) lowers the bar to 0.2, because a
    short Korean title often keeps its English term whole: ``Nearest
    Neighbor 분류기``, ``평가 (Evaluation)``.  A paragraph that switches to
    English half-way (an unfinished translation) stays below 0.35.
    """
    return hangul_share(text) >= (0.2 if short else 0.35)


# -- block extraction --------------------------------------------------------------------


def _inline_parts(inline: Any, block_line: int) -> tuple[str, list[Formula], list[Ref], list[Ref]]:
    text: list[str] = []
    formulas: list[Formula] = []
    links: list[Ref] = []
    images: list[Ref] = []
    for child in inline.children or []:
        line, col = token_position(child, block_line)
        if child.type in ("text", "code_inline"):
            text.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            text.append(" ")
        elif child.type in _MATH_INLINE:
            text.append(f"${child.content}$")
            formulas.append(Formula(child.content, child.type == "math_inline_double", line, col))
        elif child.type == "link_open":
            links.append(Ref(str(child.attrGet("href") or ""), line, col))
        elif child.type == "image":
            images.append(Ref(str(child.attrGet("src") or ""), line, col))
        elif child.type == "html_inline":
            for m in _HTML_ATTR.finditer(child.content):
                target = html.unescape(m.group(3))
                (images if m.group(1).lower() == "src" else links).append(Ref(target, line, col))
    return "".join(text), formulas, links, images


def _only_images(inline: Any) -> bool:
    seen = False
    for child in inline.children or []:
        if child.type == "image" or (child.type == "html_inline" and _HTML_IMG.search(child.content)):
            seen = True
        elif (
            child.type in ("link_open", "link_close", "softbreak", "hardbreak")
            or (child.type == "text" and not child.content.strip())
            or (child.type == "html_inline" and not _HTML_TAG.sub("", child.content).strip())
        ):
            continue
        else:
            return False
    return seen


def _only_display_math(inline: Any) -> bool:
    kids = [c for c in inline.children or [] if not (c.type in ("text", "softbreak") and not c.content.strip())]
    return len(kids) == 1 and kids[0].type == "math_inline_double"


def _html_text(fragment: str) -> str:
    return normalize_space(html.unescape(_HTML_TAG.sub(" ", _HTML_SKIP.sub(" ", fragment))))


@dataclass
class _Raw:
    kind: str
    index: int
    start: int
    end: int
    text: str
    source: str
    level: int = 0
    heading_id: str | None = None
    pinned: bool = False
    info: str = ""
    formulas: tuple[Formula, ...] = ()
    links: tuple[Ref, ...] = ()
    images: tuple[Ref, ...] = ()


def _raw_blocks(tokens: Sequence[Any]) -> list[_Raw]:
    raws: list[_Raw] = []
    containers: list[str] = []
    i = 0
    n = len(tokens)
    while i < n:
        tok = tokens[i]
        t = tok.type
        start = (tok.map[0] + 1) if tok.map else 0
        end = int(tok.map[1]) if tok.map else start
        if t in ("list_item_open", "blockquote_open", "footnote_open", "dd_open", "dt_open"):
            containers.append(t)
        elif t in ("list_item_close", "blockquote_close", "footnote_close", "dd_close", "dt_close") and containers:
            containers.pop()
        if t == "heading_open" and i + 1 < n:
            inline = tokens[i + 1]
            text, formulas, links, images = _inline_parts(inline, start)
            raws.append(
                _Raw(
                    "heading", i, start, end, text, f"{tok.tag} {inline.content}", int(tok.tag[1]),
                    str(tok.attrGet("id") or "") or None, bool(tok.meta.get("pinned")), "", tuple(formulas), tuple(links), tuple(images),
                )
            )  # fmt: skip
            i += 3
            continue
        if t == "paragraph_open" and i + 1 < n and tokens[i + 1].type == "inline":
            inline = tokens[i + 1]
            text, formulas, links, images = _inline_parts(inline, start)
            outer = next((c for c in reversed(containers) if c != "dd_open" and c != "dt_open"), "")
            kind = {"list_item_open": "list_item", "blockquote_open": "quote", "footnote_open": "footnote"}.get(outer, "paragraph")
            if _only_images(inline):
                kind = "figure"
            elif _only_display_math(inline):
                kind = "math"
            raws.append(_Raw(kind, i, start, max(start, end), text, inline.content, formulas=tuple(formulas), links=tuple(links), images=tuple(images)))
            i += 3
            continue
        if t == "dt_open" and i + 1 < n and tokens[i + 1].type == "inline":
            inline = tokens[i + 1]
            text, formulas, links, images = _inline_parts(inline, start)
            raws.append(_Raw("paragraph", i, start, max(start, end), text, inline.content, formulas=tuple(formulas), links=tuple(links), images=tuple(images)))
        elif t == "table_open":
            j = i
            cells: list[str] = []
            sources: list[str] = []
            formulas_t: list[Formula] = []
            links_t: list[Ref] = []
            images_t: list[Ref] = []
            while j < n and tokens[j].type != "table_close":
                if tokens[j].type == "inline":
                    line = (tokens[j].map[0] + 1) if tokens[j].map else start
                    text, formulas, links, images = _inline_parts(tokens[j], line)
                    cells.append(text)
                    sources.append(tokens[j].content)
                    formulas_t += formulas
                    links_t += links
                    images_t += images
                j += 1
            raws.append(
                _Raw(
                    "table",
                    i,
                    start,
                    max(start, end),
                    " | ".join(cells),
                    " | ".join(sources),
                    formulas=tuple(formulas_t),
                    links=tuple(links_t),
                    images=tuple(images_t),
                )
            )
            i = j + 1
            continue
        elif t in ("fence", "code_block"):
            info = tok.info.strip().split()[0] if t == "fence" and tok.info.strip() else ""
            raws.append(_Raw("code", i, start, max(start, end), tok.content, f"{info}\n{tok.content}", info=info))
        elif t in _MATH_BLOCKS:
            raws.append(_Raw("math", i, start, max(start, end), tok.content, tok.content, formulas=(Formula(tok.content, True, start, 1),)))
        elif t == "html_block":
            refs = [(m.group(1).lower(), html.unescape(m.group(3))) for m in _HTML_ATTR.finditer(tok.content)]
            kind = "figure" if _HTML_IMG.search(tok.content) else "html"
            raws.append(
                _Raw(
                    kind, i, start, max(start, end), _html_text(tok.content), tok.content,
                    links=tuple(Ref(v, start, 1) for k, v in refs if k == "href"), images=tuple(Ref(v, start, 1) for k, v in refs if k == "src"),
                )
            )  # fmt: skip
        i += 1
    return raws


def blocks_from_tokens(tokens: Sequence[Any], reserved: frozenset[str] = frozenset()) -> tuple[Block, ...]:
    """Cut markdown-it block tokens into :class:`Block` values, in document order.

    ``reserved`` holds ids already used in the page (heading ids, raw HTML
    ids); generated block ids avoid them.  Blocks without a source line
    (which markdown-it only produces for synthetic tokens) get line 0.
    """
    raws = _raw_blocks(tokens)
    taken = set(reserved)
    counters: dict[tuple[str, str], int] = {}
    section = "top"
    out: list[Block] = []
    for raw in raws:
        if raw.kind == "heading" and raw.heading_id:
            section = raw.heading_id
            block_id = raw.heading_id
        else:
            key = (section, raw.kind)
            counters[key] = counters.get(key, 0) + 1
            block_id = f"b-{section}-{KIND_LETTERS[raw.kind]}{counters[key]}"
            while block_id in taken:
                block_id += "_"
        taken.add(block_id)
        out.append(
            Block(
                kind=raw.kind, start=raw.start, end=max(raw.start, raw.end), token_index=raw.index, text=raw.text, source=raw.source,
                id=block_id, section=section, level=raw.level, heading_id=raw.heading_id,
                pinned=raw.pinned, info=raw.info, formulas=raw.formulas, links=raw.links, images=raw.images,
            )
        )  # fmt: skip
    return tuple(out)


#: status, terms, search and the parallel view ask for the same page's blocks and alignment
_BLOCKS = IdentityMemo()
_ALIGNMENTS = IdentityMemo(1024)


def extract_blocks(doc: Document) -> tuple[Block, ...]:
    """The blocks of a parsed document (see :func:`blocks_from_tokens`); memoised per document."""
    return _BLOCKS.get((doc,), lambda: blocks_from_tokens(doc.tokens, doc.anchors))


# -- scoring -------------------------------------------------------------------------------

_CODE_COMMENT = re.compile(r"(#|//)[^\n]*|/\*.*?\*/", re.DOTALL)
_CODE_STRING = re.compile(r"'''.*?'''|\"\"\".*?\"\"\"|'(?:\\.|[^'\\\n])*'|\"(?:\\.|[^\"\\\n])*\"", re.DOTALL)


@functools.lru_cache(maxsize=4096)
def code_skeleton(code: str, language: str = "") -> str:
    """Code without comments, string literals and whitespace: what a translation must keep.

    Python (most course code) and unlabelled code: quoted strings, then ``#``,
    ``//`` and ``/* */`` comments, stripped by regular expression, which for
    Python gives Pygments' answer (every one of cs231n's 183 Python blocks, and
    the cases in the tests) at a thirtieth of the cost.  Other languages Pygments
    knows (shell, where ``$#`` is no comment) are lexed.
    """
    lang = language.strip().split()[0].lower() if language.strip() else ""
    if lang in _PYTHON and not _F_STRING.search(code):  # f-strings hold code: those go to the lexer
        return _WS.sub("", _CODE_COMMENT.sub("", _PY_STRING.sub("", code)))
    if lang:
        lexed = lexed_skeleton(code, lang)
        if lexed is not None:
            return lexed
    return plain_skeleton(code)


_PYTHON = frozenset({"python", "py", "python3", "py3"})
#: a Python string with its prefix (r, b, u, rb …): the prefix belongs to the literal
_PY_STRING = re.compile(r"(?<![A-Za-z0-9_])[rRbBuU]{0,2}(?:" + _CODE_STRING.pattern + ")", re.DOTALL)
_F_STRING = re.compile(r"(?<![A-Za-z0-9_])(?:[fF][rR]?|[rR][fF])['\"]")


def plain_skeleton(code: str) -> str:
    """Without a language: quoted strings, then ``#``, ``//`` and ``/* */`` comments."""
    return _WS.sub("", _CODE_COMMENT.sub("", _CODE_STRING.sub("", code)))


def lexed_skeleton(code: str, language: str) -> str | None:
    """The skeleton by Pygments' lexer for ``language``; ``None`` when Pygments does not know it."""
    from pygments.token import Comment, String

    from .highlight import lexer_for

    lexer = lexer_for(language)
    if lexer is None:
        return None
    kept = [value for ttype, value in lexer.get_tokens(code) if ttype not in Comment and ttype not in String]
    return _WS.sub("", "".join(kept))


@dataclass(frozen=True)
class _Features:
    kind: str
    length: int  # characters of text, formulas and URLs removed
    invariants: frozenset[str]
    exact: str
    verbatim: str  # formula or code skeleton for verbatim kinds


@functools.lru_cache(maxsize=4096)
def _features(block: Block) -> _Features:
    """Memoised by the block's value for the preview server, which aligns an edited page again
    with blocks equal to the last ones but the edited one (cs231n's longest page: rebuild 36 →
    32 ms); 4,096 entries, not the 65,536 that held ~95 MiB of a 10,000-page build."""
    inv: set[str] = set()
    inv.update("f:" + f.normalized for f in block.formulas)
    inv.update("l:" + r.target for r in block.links)
    inv.update("i:" + r.target for r in block.images)
    bare = without_formulas_and_urls(block.text)
    inv.update(map("n:".__add__, _NUMBER.findall(bare)))
    # the terms hold ASCII letters, digits and hyphens only: lowered all at once, then split apart
    inv.update(map("w:".__add__, " ".join(_LATIN_TERM.findall(bare)).lower().split()))
    verbatim = ""
    if block.kind == "code":
        verbatim = code_skeleton(block.text, block.info)
    elif block.kind == "math":
        verbatim = normalize_tex(block.text)
    length = len(normalize_space(bare))
    return _Features(block.kind, length, frozenset(inv), normalize_space(block.text), verbatim)


def _ratio_similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    import difflib

    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def length_ratio(fs: Sequence[_Features], ft: Sequence[_Features]) -> float:
    """How much longer the target's prose is than the source's, over the whole page."""
    s_len = sum(f.length for f in fs if f.kind in PROSE_KINDS) or 1
    t_len = sum(f.length for f in ft if f.kind in PROSE_KINDS) or 1
    return t_len / s_len


class _Scorer:
    """Scores for candidate pairs, memoised; ``ratio`` is target/source text length overall."""

    def __init__(
        self,
        source: Sequence[Block],
        target: Sequence[Block],
        ratio: float | None = None,
        features: tuple[Sequence[_Features], Sequence[_Features]] | None = None,
    ):
        self.source = source
        self.target = target
        self.fs, self.ft = features if features is not None else ([_features(b) for b in source], [_features(b) for b in target])
        self.ratio = ratio if ratio is not None else length_ratio(self.fs, self.ft)
        self.memo: dict[tuple[int, int, int, int], float | None] = {}

    def pair(self, s: Block, t: Block, fs: _Features, ft: _Features) -> float | None:
        """Score of pairing one source block with one target block; ``None``: impossible."""
        compatible = fs.kind == ft.kind or {fs.kind, ft.kind} <= {"figure", "html"}
        if not compatible:
            return None
        score = 1.0
        if fs.kind == "heading":
            if s.pinned and t.pinned:
                if s.heading_id == t.heading_id:
                    score += 4.0
                else:
                    score -= 0.5
            score += 0.5 if s.level == t.level else -0.5
        if fs.kind in VERBATIM_KINDS:
            score += 2.0 * _ratio_similarity(fs.verbatim, ft.verbatim)
            return score
        if fs.exact and fs.exact == ft.exact:
            score += 3.0
        union = fs.invariants | ft.invariants
        if union:
            score += 2.0 * len(fs.invariants & ft.invariants) / len(union)
        score -= self._length_penalty(fs.length, ft.length)
        return score

    def _length_penalty(self, s_len: int, t_len: int) -> float:
        if s_len == 0 and t_len == 0:
            return 0.0
        expected = max(1.0, s_len * self.ratio)
        dev = abs(math.log(max(1, t_len) / expected))
        return min(1.0, dev / math.log(3.0))

    def group(self, i0: int, i1: int, j0: int, j1: int) -> float | None:
        """Score of pairing source[i0:i1] with target[j0:j1] (1:1, 2:1 or 1:2)."""
        key = (i0, i1, j0, j1)
        if key in self.memo:
            return self.memo[key]
        result: float | None
        if i1 - i0 == 1 and j1 - j0 == 1:
            result = self.pair(self.source[i0], self.target[j0], self.fs[i0], self.ft[j0])
        else:
            fs_list, ft_list = self.fs[i0:i1], self.ft[j0:j1]
            kinds = {f.kind for f in fs_list} | {f.kind for f in ft_list}
            if len(kinds) != 1 or next(iter(kinds)) not in ("paragraph", "list_item", "quote"):
                result = None
            else:
                inv_s = frozenset().union(*(f.invariants for f in fs_list))
                inv_t = frozenset().union(*(f.invariants for f in ft_list))
                union = inv_s | inv_t
                score = 1.0 - 0.6  # a merge must earn its place against 1:1 plus a gap
                if union:
                    score += 2.0 * len(inv_s & inv_t) / len(union)
                score -= self._length_penalty(sum(f.length for f in fs_list), sum(f.length for f in ft_list))
                # two pairs are produced, so halve to compare with one 1:1 pair plus a gap
                result = score * 2
        self.memo[key] = result
        return result


_STEPS = ((1, 1), (2, 1), (1, 2))


def _anchor_key(block: Block) -> str | None:
    """What makes a block an unmistakable anchor: a pinned heading id, a formula or code block
    whose content (code without comments and strings) is the same on both sides, or a long
    prose block with identical text."""
    if block.kind == "heading" and block.pinned and block.heading_id:
        return "h:" + block.heading_id
    if block.kind == "math":
        return "m:" + normalize_tex(block.text)
    if block.kind == "code":
        return "c:" + code_skeleton(block.text, block.info)
    if block.kind in PROSE_KINDS and len(block.text) >= 40:
        # a paragraph left untranslated (or a long quote, a URL list) is the same text on both
        # sides: an anchor too, so partly translated pages keep their search small
        return "t:" + normalize_space(block.text)
    return None


def align(source: Sequence[Block], target: Sequence[Block]) -> Alignment:
    """Pair source blocks with target blocks: anchors first, then the stretches between them.

    Identical formulas and code and equal pinned heading ids are paired first
    (in order, by a longest-common-subsequence match); :func:`align_stretch`
    then pairs the blocks between consecutive anchors.  Long pages with
    untranslated stretches stay fast, since the quadratic search only ever
    sees one stretch.
    """
    keys_s = [_anchor_key(b) or f"\0s{i}" for i, b in enumerate(source)]
    keys_t = [_anchor_key(b) or f"\0t{j}" for j, b in enumerate(target)]
    import difflib

    matcher = difflib.SequenceMatcher(None, keys_s, keys_t, autojunk=False)
    fs, ft = [_features(b) for b in source], [_features(b) for b in target]  # once per block: stretches reuse them
    ratio = length_ratio(fs, ft)
    pairs: list[Pair] = []
    i = j = 0
    for a, b, size in matcher.get_matching_blocks():
        pairs.extend(align_stretch(source[i:a], target[j:b], ratio, (fs[i:a], ft[j:b])).pairs)
        pairs.extend(Pair(source[a + k], target[b + k], 3.0) for k in range(size))
        i, j = a + size, b + size
    return Alignment(tuple(pairs))


def align_stretch(
    source: Sequence[Block],
    target: Sequence[Block],
    ratio: float | None = None,
    features: tuple[Sequence[_Features], Sequence[_Features]] | None = None,
) -> Alignment:
    """Pair source blocks with target blocks, keeping both orders.

    Gaps cost nothing and every feasible pair scores at least 0, so where
    both sides have the same structure every block is paired in order; where
    one side has an extra or missing block the gap goes where length and
    invariants agree best.  Runs in O(len(source) × band).
    """
    n, m = len(source), len(target)
    if n == 0 or m == 0:
        return Alignment(tuple([Pair(s, None) for s in source] + [Pair(None, t) for t in target]))
    scorer = _Scorer(source, target, ratio, features)
    if n == m and all(s.kind == t.kind for s, t in zip(source, target, strict=True)):
        # The common case, a complete translation: the same structure on both sides. Pair in
        # order when every pair is feasible, without the quadratic search.
        scores = [scorer.group(i, i + 1, i, i + 1) for i in range(n)]
        if all(s is not None and s > 0 for s in scores):
            return Alignment(tuple(Pair(source[i], target[i], float(scores[i] or 0.0)) for i in range(n)))
    band = max(12, abs(n - m) + 12)  # a translation never drifts far from the source's order
    neg = -1e18
    best = [[neg] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int]]] = [[(0, 0)] * (m + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    for i in range(n + 1):
        row = best[i]
        centre = i * m // n if n else 0
        for j in range(max(0, centre - band), min(m, centre + band) + 1):
            here = row[j]
            if here == neg:
                continue
            if i < n and here > best[i + 1][j]:
                best[i + 1][j] = here
                back[i + 1][j] = (1, 0)
            if j < m and here > row[j + 1]:
                row[j + 1] = here
                back[i][j + 1] = (0, 1)
            for di, dj in _STEPS:
                if i + di > n or j + dj > m:
                    continue
                score = scorer.group(i, i + di, j, j + dj)
                if score is None or score <= 0:
                    continue
                total = here + score
                if total > best[i + di][j + dj]:
                    best[i + di][j + dj] = total
                    back[i + di][j + dj] = (di, dj)
    pairs: list[Pair] = []
    i, j = n, m
    while i > 0 or j > 0:
        di, dj = back[i][j]
        i0, j0 = i - di, j - dj
        if di == 0:
            pairs.append(Pair(None, target[j0]))
        elif dj == 0:
            pairs.append(Pair(source[i0], None))
        else:
            score = scorer.group(i0, i, j0, j) or 0.0
            group: list[Pair] = []
            for a in range(i0, i):
                for b in range(j0, j):
                    group.append(Pair(source[a], target[b], score / (di * dj)))
            pairs.extend(reversed(group))
        i, j = i0, j0
    pairs.reverse()
    return Alignment(tuple(pairs))


def align_documents(source: Document, target: Document, store: PickleCache | None = None) -> Alignment:
    """Blocks of both documents, aligned (see :func:`align`); memoised per pair of documents,
    and kept in ``store`` between runs as block indexes (the blocks themselves are the
    documents' own, so callers may compare them by identity)."""
    return _ALIGNMENTS.get((source, target), lambda: _stored_alignment(source, target, store))


def _stored_alignment(source: Document, target: Document, store: PickleCache | None) -> Alignment:
    src, tgt = extract_blocks(source), extract_blocks(target)
    if store is None or not store.enabled:
        return align(src, tgt)
    key = content_key("align", source.content_hash, target.content_hash)

    def as_indexes() -> list[tuple[int, int, float]]:
        s_index = {id(b): i for i, b in enumerate(src)}
        t_index = {id(b): j for j, b in enumerate(tgt)}
        return [(s_index[id(p.source)] if p.source else -1, t_index[id(p.target)] if p.target else -1, p.score) for p in align(src, tgt).pairs]

    rows = store.fetch(key, as_indexes)
    return Alignment(tuple(Pair(src[i] if i >= 0 else None, tgt[j] if j >= 0 else None, score) for i, j, score in rows))
