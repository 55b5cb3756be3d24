"""The block aligner: blocks from tokens, fingerprints, ids and the pairing of a translation with its source."""

from __future__ import annotations

from pathlib import Path

import pytest

from daeyeok.align import align, blocks_from_tokens, code_skeleton, extract_blocks, fingerprint, is_korean, normalize_space
from daeyeok.loader import TextFile
from daeyeok.markdown import parser
from daeyeok.model import Document
from daeyeok.parse import parse_document

EN = """---
title: Linear
---

Intro paragraph about $x$ and [scores](other.md).

## Score function {#score}

We map images to scores with $f(x) = Wx + b$.

- The first item, about SVM.
- The second item, about Softmax.

```python
scores = W.dot(x)  # class scores
```

$$
L = \\frac{1}{N} \\sum_i L_i
$$

## Summary

A closing paragraph that sums up everything.
"""

KO = """---
title: 선형
---

$x$에 대한 소개 문단과 [점수](other.md).

## 점수 함수 {#score}

이미지를 $f(x) = Wx + b$로 점수에 대응시킨다.

- 첫째 항목, SVM 이야기.
- 둘째 항목, Softmax 이야기.

```python
scores = W.dot(x)  # 클래스 점수
```

$$
L = \\frac{1}{N} \\sum_i L_i
$$

## 요약

모든 것을 정리하는 마지막 문단.
"""


def doc(text: str, lang: str) -> Document:
    d, diags = parse_document(TextFile(Path(f"{lang}.md"), f"{lang}.md", text), lang)
    assert d is not None, diags
    return d


def test_blocks_have_kinds_lines_and_ids() -> None:
    blocks = extract_blocks(doc(EN, "en"))
    assert [(b.kind, b.start, b.end) for b in blocks] == [
        ("paragraph", 5, 5),
        ("heading", 7, 7),
        ("paragraph", 9, 9),
        ("list_item", 11, 11),
        ("list_item", 12, 12),
        ("code", 14, 16),
        ("math", 18, 20),
        ("heading", 22, 22),
        ("paragraph", 24, 24),
    ]
    assert [b.id for b in blocks] == ["b-top-p1", "score", "b-score-p1", "b-score-l1", "b-score-l2", "b-score-c1", "b-score-m1", "summary", "b-summary-p1"]
    assert blocks[0].formulas[0].tex == "x" and (blocks[0].formulas[0].line, blocks[0].formulas[0].col) == (5, 23)
    assert [r.target for r in blocks[0].links] == ["other.md"]
    assert blocks[1].pinned and blocks[1].heading_id == "score" and blocks[1].level == 2


def test_block_ids_are_per_section_so_an_insertion_does_not_renumber_other_sections() -> None:
    before = {b.id for b in extract_blocks(doc(EN, "en")) if b.section == "summary"}
    edited = EN.replace("We map images", "A new first paragraph.\n\nWe map images")
    after_blocks = extract_blocks(doc(edited, "en"))
    assert {b.id for b in after_blocks if b.section == "summary"} == before
    assert [b.id for b in after_blocks if b.section == "score" and b.kind == "paragraph"] == ["b-score-p1", "b-score-p2"]


def test_fingerprint_ignores_rewrapping_but_not_words() -> None:
    a = blocks_from_tokens(parser().parse("One two\nthree four.\n", {}))[0]
    b = blocks_from_tokens(parser().parse("One two three\nfour.\n", {}))[0]
    c = blocks_from_tokens(parser().parse("One two three five.\n", {}))[0]
    assert a.fingerprint == b.fingerprint != c.fingerprint
    assert fingerprint("paragraph", "x") != fingerprint("list_item", "x")


def test_translation_aligns_one_to_one_by_structure() -> None:
    alignment = align(extract_blocks(doc(EN, "en")), extract_blocks(doc(KO, "ko")))
    pairs = [(p.source.start if p.source else None, p.target.start if p.target else None) for p in alignment.pairs]
    assert pairs == [(5, 5), (7, 7), (9, 9), (11, 11), (12, 12), (14, 14), (18, 18), (22, 22), (24, 24)]


def test_missing_and_extra_blocks_get_none_where_they_belong() -> None:
    # the Korean side drops the first list item and adds a translator's note after the summary
    ko = KO.replace("- 첫째 항목, SVM 이야기.\n", "").replace(
        "모든 것을 정리하는 마지막 문단.\n", "모든 것을 정리하는 마지막 문단.\n\n역자 주: 번역에만 있는 문단.\n"
    )
    alignment = align(extract_blocks(doc(EN, "en")), extract_blocks(doc(ko, "ko")))
    by_source = {p.source.text: (p.target.text if p.target else None) for p in alignment.pairs if p.source}
    assert by_source["The first item, about SVM."] is None
    assert by_source["The second item, about Softmax."] == "둘째 항목, Softmax 이야기."
    extra = [p.target.text for p in alignment.pairs if p.source is None and p.target]
    assert extra == ["역자 주: 번역에만 있는 문단."]


def test_merged_paragraphs_pair_two_sources_with_one_target() -> None:
    en = "---\ntitle: t\n---\n\nFirst sentence about CIFAR-10 with 50000 images.\n\nSecond sentence about 10 classes and the SVM loss.\n\n## End\n\nBye now.\n"
    ko = "---\ntitle: t\n---\n\nCIFAR-10에는 50000장의 이미지가 있고, 10개의 클래스가 있으며 SVM 손실을 쓴다.\n\n## 끝\n\n안녕.\n"
    alignment = align(extract_blocks(doc(en, "en")), extract_blocks(doc(ko, "ko")))
    merged = [p for p in alignment.pairs if p.target is not None and p.target.start == 5]
    assert [p.source.start for p in merged if p.source] == [5, 7]


def test_korean_detection_counts_hangul_against_latin_letters() -> None:
    assert is_korean("손실함수(Loss function)를 최소화한다.")
    assert is_korean("Softmax 분류기")
    assert not is_korean("The loss function is minimized here, 즉.")
    assert not is_korean("SVM vs Softmax")


def test_code_skeleton_ignores_comments_and_strings_only() -> None:
    en = 'x = f("hello")  # call f\n'
    assert code_skeleton(en, "python") == code_skeleton('x = f("안녕")  # f 호출\n', "python")
    assert code_skeleton(en, "python") != code_skeleton('y = f("hello")\n', "python")
    assert code_skeleton(en) == code_skeleton('x = f("안녕")  # f 호출\n'), "without a language, # comments and quotes go too"


PYTHON_SAMPLES = [
    'x = f("hello")  # call f\n',
    "s = 'it''s'  # two strings\nt = \"a # not a comment\"\n",
    'def f(a):\n    """Docstring with # and \'quotes\'."""\n    return a  # done\n',
    "u = '''multi\nline # still string\n'''\nv = 1\n",
    'w = "escaped \\" quote # inside"  # real comment\nz = w[0]\n',
    "print(f'{x!r} # {y}', r'\\d+', b'raw')\n",
    "# 전체 주석 줄\nimport numpy as np\nX = np.zeros((3, 4))  # 3x4 행렬\n",
]


@pytest.mark.parametrize("code", PYTHON_SAMPLES)
def test_python_skeleton_by_regex_is_pygments_skeleton(code: str) -> None:
    """code_skeleton strips Python by regular expression (30x cheaper); it must agree with the lexer."""
    from daeyeok.align import lexed_skeleton

    assert code_skeleton(code, "python") == lexed_skeleton(code, "python")


def test_normalize_space_treats_every_unicode_space_as_a_regex_would() -> None:
    """normalize_space splits with str.split; it must agree with the \\s+ substitution it replaced
    on every whitespace character (no-break, ideographic, line and paragraph separators too)."""
    import re
    import sys

    spaces = [chr(c) for c in range(sys.maxunicode + 1) if re.fullmatch(r"\s", chr(c))]
    assert len(spaces) > 20 and all(ch.isspace() for ch in spaces)
    text = "가" + "".join(f"{ch}x{ch}{ch}" for ch in spaces) + " \u200b끝 "  # U+200B is not a space
    assert normalize_space(text) == re.sub(r"\s+", " ", text).strip()
    assert normalize_space("\u3000 손실\u00a0함수\n") == "손실 함수"


def test_the_parallel_view_uses_the_alignment_the_status_made(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """On a site larger than the memo of alignments the first pages' alignments are gone by
    rendering time; the parallel view takes them from the translation status, not aligning again."""
    import daeyeok.align as align_module
    from daeyeok.build import prepare, render_site
    from daeyeok.mathrender import MathCache, MathRenderer, create_engine

    prepared = prepare(Path(__file__).parent / "sites" / "search", use_cache=False)
    assert prepared.status is not None and any(p.alignment is not None for p in prepared.status.pages.values())
    before = render_site(prepared, MathRenderer(create_engine(prepared.config.math)[0], MathCache(None)), search=False)[0]
    align_module._ALIGNMENTS.entries.clear()  # as if evicted by 1,024 later pages
    aligned: list[int] = []
    real = align_module.align
    monkeypatch.setattr(align_module, "align", lambda s, t: aligned.append(1) or real(s, t))
    after = render_site(prepared, MathRenderer(create_engine(prepared.config.math)[0], MathCache(None)), search=False)[0]
    assert any(name.endswith("/parallel/index.html") for name in after)
    assert aligned == [] and after == before
