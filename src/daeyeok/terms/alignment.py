"""Pairing English and Korean blocks for rule 6, by document structure alone.

:func:`daeyeok.align.align` scores every pair of blocks (a dynamic
programme over both pages, with text similarity for code); on the cs231n
corpus that is about 2 s, seven times the whole glossary check's budget.
Rule 6 only needs "which English paragraph does this Korean paragraph
translate", and structure answers that cheaply: each block becomes a
signature (its kind, a heading's level, a formula's normalised TeX) and
:class:`difflib.SequenceMatcher` lines the two signature sequences up, so
headings, lists, code and display math act as anchors and paragraphs
between them pair in order.  Blocks come from :func:`daeyeok.align.blocks_from_tokens`,
so both consumers cut pages the same way.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from ..align import Block, normalize_tex


def signature(block: Block) -> str:
    if block.kind == "heading":
        return f"h{block.level}"
    if block.kind == "math":
        return "math:" + normalize_tex(block.text)
    return block.kind


def structural_pairs(source: Sequence[Block], target: Sequence[Block]) -> list[tuple[Block, Block]]:
    """(source, target) pairs in order; blocks in a stretch that differs in shape stay unpaired."""
    a = [signature(b) for b in source]
    b = [signature(t) for t in target]
    pairs: list[tuple[Block, Block]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            pairs.extend((source[i], target[j]) for i, j in zip(range(i1, i2), range(j1, j2), strict=True) if source[i].kind == target[j].kind)
    return pairs
