"""Structure checks between a translation and its source.

A translation should keep what is not language: the headings' outline,
every formula exactly, code apart from its comments and strings, figures,
links, and pinned heading ids (links from other pages and the language
switcher rely on them).  Differences are warnings at the translation's line
and column; ``--strict`` makes them fail.  Figures and links are compared in
number and order only: a translation may point at a Korean figure or a
Korean reference.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from ..align import Alignment, Block, Formula, Ref, code_skeleton
from ..diagnostics import Diagnostic, display_path, warning
from ..model import Document

T = TypeVar("T")


def _first_divergence(a: Sequence[str], b: Sequence[str]) -> int:
    """Index in ``b`` of the first element not matched with ``a`` (len(b) when b is a prefix)."""
    for op, _i1, _i2, j1, _j2 in difflib.SequenceMatcher(None, list(a), list(b), autojunk=False).get_opcodes():
        if op != "equal":
            return j1
    return len(b)


def _first_difference(a: Sequence[str], b: Sequence[str]) -> int:
    return next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))


def _at(items: Sequence[T], index: int, pos: Callable[[T], tuple[int, int]], fallback: tuple[int, int]) -> tuple[int, int]:
    if 0 <= index < len(items):
        return pos(items[index])
    if items:
        return pos(items[-1])
    return fallback


def _body_start(doc: Document) -> tuple[int, int]:
    return (doc.front.lines + 1 if doc.front.lines else 1), 1


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def check_structure(source: Document, target: Document, src_blocks: Sequence[Block], tgt_blocks: Sequence[Block], alignment: Alignment) -> list[Diagnostic]:
    """Every structure finding for one translated page, at the translation's positions."""
    path = target.source.path
    src_path = display_path(source.source.path)
    diags: list[Diagnostic] = []
    start = _body_start(target)

    def where(line: int) -> str:
        return f"{src_path}:{line}"

    # -- headings: number, order of levels --------------------------------------------------
    sh = [b for b in src_blocks if b.kind == "heading"]
    th = [b for b in tgt_blocks if b.kind == "heading"]
    s_levels, t_levels = [f"h{b.level}" for b in sh], [f"h{b.level}" for b in th]
    if len(sh) != len(th):
        k = _first_divergence(s_levels, t_levels)
        line, col = _at(th, k, lambda b: (b.start, 1), start)
        diags.append(warning(path, line, col, "structure-headings", f"{len(th)} headings here, {len(sh)} in the source {src_path}"))
    elif s_levels != t_levels:
        k = _first_difference(s_levels, t_levels)
        diags.append(
            warning(
                path,
                th[k].start,
                1,
                "structure-headings",
                f"heading '{_short(th[k].text)}' is {t_levels[k]}; the source heading in that place is {s_levels[k]} ({where(sh[k].start)})",
            )
        )

    # -- pinned heading ids ---------------------------------------------------------------------
    for s, t in alignment.matched():
        if s.kind != "heading" or t.kind != "heading" or not (s.pinned or t.pinned) or s.heading_id == t.heading_id:
            continue
        if s.pinned and t.pinned:
            msg = f"pinned heading id {{#{t.heading_id}}} differs from the source's {{#{s.heading_id}}} ({where(s.start)})"
        elif s.pinned:
            msg = f"the source pins this heading as {{#{s.heading_id}}} ({where(s.start)}); pin the same id here so links and the language switch keep working"
        else:
            msg = f"this heading pins {{#{t.heading_id}}}, but the source heading does not ({where(s.start)})"
        diags.append(warning(path, t.start, 1, "structure-ids", msg, fix=f"write '{{#{s.heading_id}}}' at the end of the heading" if s.pinned else None))

    # -- formulas: number, order, content ----------------------------------------------------
    diags += _check_formulas(path, src_path, start, src_blocks, tgt_blocks, alignment)

    # -- code: number, content beyond comments and strings ------------------------------------
    sc = [b for b in src_blocks if b.kind == "code"]
    tc = [b for b in tgt_blocks if b.kind == "code"]
    if len(sc) != len(tc):
        line, col = _at(
            tc, _first_divergence([code_skeleton(b.text, b.info) for b in sc], [code_skeleton(b.text, b.info) for b in tc]), lambda b: (b.start, 1), start
        )
        diags.append(warning(path, line, col, "structure-code", f"{len(tc)} code blocks here, {len(sc)} in the source {src_path}"))
        code_pairs = [(s, t) for s, t in alignment.matched() if s.kind == "code"]
    else:
        code_pairs = list(zip(sc, tc, strict=True))
    for s, t in code_pairs:
        if s.text == t.text and (t.info or s.info) == s.info:
            continue  # the same code: no need to lex it
        if code_skeleton(s.text, s.info) != code_skeleton(t.text, t.info or s.info):
            line = _first_code_difference(s, t, target.source.text)
            diags.append(
                warning(
                    path,
                    line,
                    1,
                    "structure-code",
                    f"code differs from the source ({where(s.start)}) beyond comments and strings",
                    fix="translate only comments and strings inside code",
                )
            )

    # -- figures and links: number and order ----------------------------------------------------
    for kind, code, pick in (("figures", "structure-figures", _images), ("links", "structure-links", _links)):
        s_refs, t_refs = pick(src_blocks), pick(tgt_blocks)
        s_keys, t_keys = [_ref_key(r) for r in s_refs], [_ref_key(r) for r in t_refs]
        if len(s_refs) != len(t_refs):
            line, col = _at(t_refs, _first_divergence(s_keys, t_keys), lambda r: (r.line, r.col), start)
            diags.append(warning(path, line, col, code, f"{len(t_refs)} {kind} here, {len(s_refs)} in the source {src_path}"))
        elif Counter(s_keys) == Counter(t_keys) and s_keys != t_keys:
            k = _first_difference(s_keys, t_keys)
            diags.append(
                warning(
                    path,
                    t_refs[k].line,
                    t_refs[k].col,
                    code,
                    f"{kind} are in a different order than in the source: {t_refs[k].target} here, {s_refs[k].target} at this place in {where(s_refs[k].line)}",
                )
            )
    return diags


def _groups(alignment: Alignment) -> list[tuple[list[Block], list[Block]]]:
    """Matched pairs joined into groups, so a 2:1 merge compares both sources with their one target."""
    groups: list[tuple[list[Block], list[Block]]] = []
    for s, t in alignment.matched():
        if groups and (groups[-1][0][-1] is s or groups[-1][1][-1] is t):
            if groups[-1][0][-1] is not s:
                groups[-1][0].append(s)
            if groups[-1][1][-1] is not t:
                groups[-1][1].append(t)
        else:
            groups.append(([s], [t]))
    return groups


def _check_formulas(
    path: Path, src_path: str, start: tuple[int, int], src_blocks: Sequence[Block], tgt_blocks: Sequence[Block], alignment: Alignment
) -> list[Diagnostic]:
    """Formulas: the same number, display formulas in the same order, each block holding the same formulas.

    Inline formulas may change order *within* a paragraph (Korean puts
    objects before verbs), so inside a block they compare as a multiset.
    """
    diags: list[Diagnostic] = []
    sf: list[Formula] = [f for b in src_blocks for f in b.formulas]
    tf: list[Formula] = [f for b in tgt_blocks for f in b.formulas]
    sn, tn = [f.normalized for f in sf], [f.normalized for f in tf]
    if len(sf) != len(tf):
        line, col = _at(tf, _first_divergence(sn, tn), lambda f: (f.line, f.col), start)
        diags.append(warning(path, line, col, "structure-math", f"{len(tf)} formulas here, {len(sf)} in the source {src_path}"))
    same_set = Counter(sn) == Counter(tn)
    sd = [f for b in src_blocks if b.kind == "math" for f in b.formulas]
    td = [f for b in tgt_blocks if b.kind == "math" for f in b.formulas]
    sdn, tdn = [f.normalized for f in sd], [f.normalized for f in td]
    if sdn != tdn and Counter(sdn) == Counter(tdn):
        k = _first_difference(sdn, tdn)
        diags.append(
            warning(
                path,
                td[k].line,
                td[k].col,
                "structure-math",
                f"display formulas are in a different order than in the source: ${_short(td[k].tex)}$ here, ${_short(sd[k].tex)}$ at this place in {src_path}:{sd[k].line}",
            )
        )
        return diags
    for s_group, t_group in _groups(alignment):
        s_forms = [f for b in s_group for f in b.formulas]
        t_forms = [f for b in t_group for f in b.formulas]
        s_left = Counter(f.normalized for f in s_forms)
        t_left = Counter(f.normalized for f in t_forms)
        if s_left == t_left:
            continue
        extra = [f for f in t_forms if _take(s_left, f.normalized) is False]
        missing = [f for f in s_forms if _take(t_left, f.normalized) is False]
        if same_set:
            here = extra or t_forms
            line, col = (here[0].line, here[0].col) if here else (t_group[0].start, 1)
            moved = (extra or missing)[0]
            diags.append(
                warning(
                    path,
                    line,
                    col,
                    "structure-math",
                    f"formula ${_short(moved.tex)}$ sits in a different block than in the source ({src_path}:{s_group[0].start}); formulas are in a different order",
                )
            )
            return diags
        for a, b in zip(missing, extra, strict=False):
            diags.append(
                warning(
                    path,
                    b.line,
                    b.col,
                    "structure-math",
                    f"formula differs from the source: ${_short(b.tex)}$ here, ${_short(a.tex)}$ in {src_path}:{a.line}",
                    fix="formulas should be identical in both languages",
                )
            )
        for b in extra[len(missing) :]:
            diags.append(
                warning(path, b.line, b.col, "structure-math", f"formula ${_short(b.tex)}$ is not in the source block ({src_path}:{s_group[0].start})")
            )
        for a in missing[len(extra) :]:
            diags.append(
                warning(
                    path, t_group[0].start, 1, "structure-math", f"formula ${_short(a.tex)}$ of the source ({src_path}:{a.line}) is missing from this block"
                )
            )
    return diags


def _take(counter: Counter[str], key: str) -> bool:
    """Consume one ``key`` from ``counter``; False when none was left."""
    if counter[key] > 0:
        counter[key] -= 1
        return True
    return False


def _images(blocks: Sequence[Block]) -> list[Ref]:
    return [r for b in blocks for r in b.images]


def _links(blocks: Sequence[Block]) -> list[Ref]:
    return [r for b in blocks for r in b.links]


def _ref_key(ref: Ref) -> str:
    """Links within the page compare as one kind: heading slugs differ between languages."""
    return "#" if ref.target.startswith("#") else ref.target


def _first_code_difference(s: Block, t: Block, text: str) -> int:
    """Line (in the target file) of the first code line whose skeleton differs."""
    s_lines = [code_skeleton(x, s.info) for x in s.text.splitlines()]
    t_lines = [code_skeleton(x, t.info or s.info) for x in t.text.splitlines()]
    k = _first_difference(s_lines, t_lines)
    lines = text.split("\n")
    opening = lines[t.start - 1].lstrip() if 0 < t.start <= len(lines) else ""
    offset = 1 if opening.startswith(("```", "~~~")) else 0  # a fence line comes before the code
    return t.start + offset + min(k, max(0, len(t_lines) - 1))
