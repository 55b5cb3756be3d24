"""glossary.yml validation across entries, and the aikorea glossary.md converter."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import CORPUS
from daeyeok.glossary import parse_glossary
from daeyeok.terms.aikorea import apply_overlay, convert_glossary_md
from daeyeok.terms.glossary_checks import check_glossary


def diags_of(text: str) -> list[str]:
    g, diags = parse_glossary(Path("glossary.yml"), text)
    if g is None:
        return [d.format() for d in diags]
    return [d.format() for d in check_glossary(g)]


def test_duplicate_terms_at_their_line() -> None:
    found = diags_of("- en: Batch\n  ko: 배치\n- en: layer\n  ko: 레이어\n- en: batch\n  ko: 배치2\n")
    assert found == ["glossary.yml:5:7: error glossary: duplicate term 'batch': already defined at glossary.yml:1:7 ('Batch')"]


def test_form_both_accepted_and_avoided() -> None:
    found = diags_of("- en: weights\n  ko: 가중치\n  accept: [웨이트]\n  avoid: [웨이트]\n")
    assert len(found) == 1 and found[0].startswith("glossary.yml:4:11: error glossary: '웨이트' is both accepted and avoided")
    across = diags_of("- en: weights\n  ko: 가중치\n  avoid: [파라미터]\n- en: parameter\n  ko: 파라미터\n")
    assert across == ["glossary.yml:5:7: error glossary: '파라미터' is accepted for 'parameter' but avoided for 'weights'"]


def test_shared_korean_form_is_reported() -> None:
    found = diags_of("- en: accuracy\n  ko: 정확도\n  accept: [성능]\n- en: performance\n  ko: 성능\n")
    assert found == [
        "glossary.yml:5:7: warning glossary: Korean form '성능' belongs to both 'accuracy' (glossary.yml:3:12) and 'performance'; readers cannot tell which is meant"
    ]


def test_unknown_keys_and_empty_forms() -> None:
    assert diags_of("- en: x\n  ko: 엑스\n  colour: red\n")[0].startswith("glossary.yml:3:3: error glossary: unknown key 'colour'")
    assert diags_of("- en: x\n  ko: 엑스\n  accept: ['']\n")[0].startswith("glossary.yml:3:12: error glossary: 'accept' has an empty")


def test_reading_must_be_hangul() -> None:
    found = diags_of("- en: ReLU\n  ko: ReLU\n  keep_english: true\n  reading: relu\n")
    assert found == ["glossary.yml:4:12: error glossary: reading 'relu' of 'ReLU' must end in Hangul: it decides the particle"]


TABLE = """
<table><tbody>
<tr><td>Accuracy</td><td>정확도, 성능</td></tr>
<tr><td>Loss (function)</td><td>손실 함수</td></tr>
<tr><td>Recurrent neural network (RNN)</td><td>회귀신경망, RNN</td></tr>
<tr><td>ReLU</td><td>(영어 그대로)</td></tr>
<tr><td>Frobnicator</td><td>(영어 그대로)</td></tr>
<tr><td>Weights</td><td>파라미터 값, 가중치 (문맥상 사용되는 의미에 따라)</td></tr>
<tr><td>Non-linearity</td><td>비선형~</td></tr>
</tbody></table>
<!-- <tr><td>Image</td><td>영상</td></tr> -->
"""


def test_convert_glossary_md() -> None:
    text, problems = convert_glossary_md(TABLE)
    entries = yaml.safe_load(text)
    by_en = {e["en"]: e for e in entries}
    assert by_en["accuracy"] == {"en": "accuracy", "ko": "정확도", "accept": ["성능"]}
    assert by_en["loss function"] == {"en": "loss function", "variants": ["loss"], "ko": "손실 함수", "avoid": {"손실함수": "손실 함수"}}
    assert by_en["recurrent neural network"]["variants"] == ["RNN"]
    assert by_en["ReLU"] == {"en": "ReLU", "ko": "ReLU", "keep_english": True, "reading": "렐루"}
    assert by_en["weights"]["note"] == "문맥상 사용되는 의미에 따라"
    assert by_en["non-linearity"]["ko"] == "비선형"
    assert "image" not in by_en  # commented-out rows are not data
    assert [p.line for p in problems] == [7] and "'frobnicator'" in problems[0].message


def test_overlay_replaces_and_merges() -> None:
    text, _ = convert_glossary_md(TABLE)
    merged = yaml.safe_load(apply_overlay(text, "- en: Weights\n  ko: 가중치\n  avoid: {웨이트: 가중치}\n- en: epoch\n  ko: 에폭\n"))
    by_en = {e["en"]: e for e in merged}
    assert by_en["weights"]["ko"] == "가중치"
    assert by_en["weights"]["avoid"] == {"파라미터값": "파라미터 값", "웨이트": "가중치"}  # merged, not replaced
    assert by_en["epoch"] == {"en": "epoch", "ko": "에폭"}


@pytest.mark.corpus
def test_convert_the_real_aikorea_glossary() -> None:
    source = CORPUS / "ko" / "glossary.md"
    if not source.is_file():
        pytest.skip(f"the cs231n corpus is not at {CORPUS} (it lives in ../shared beside the checkout)")
    text, problems = convert_glossary_md(source.read_text(encoding="utf-8"))
    glossary, diags = parse_glossary(Path("glossary.yml"), text)
    assert glossary is not None, [d.format() for d in diags]
    assert problems == []
    assert len(glossary.terms) == 71
    shared = [d.message for d in check_glossary(glossary)]
    assert any("'성능' belongs to both 'accuracy'" in m and "'performance'" in m for m in shared)
