"""The glossary rules on small pages: each rule, positions, and what must not match."""

from __future__ import annotations

from pathlib import Path

import pytest

from daeyeok.glossary import parse_glossary
from daeyeok.model import Glossary
from daeyeok.terms.findings import AVOIDED, FIRST_USE, GLOSS, KEEP_ENGLISH, MISSING, PARTICLE
from daeyeok.terms.prose import markdown_page, srt_page
from daeyeok.terms.runner import check_pages

GLOSSARY = """\
- en: loss function
  variants: [loss]
  ko: 손실 함수
  accept: [손실]
  avoid: {손실함수: 손실 함수}
- en: weights
  ko: 가중치
  avoid: [웨이트]
- en: gradient
  ko: 그라디언트
  avoid: [그래디언트]
- en: ReLU
  ko: ReLU
  keep_english: true
  reading: 렐루
- en: dropout
  ko: dropout
  keep_english: true
  reading: 드롭아웃
- en: batch
  ko: 배치
- en: batch normalization
  ko: 배치 정규화
- en: classification
  ko: 분류
- en: classifier
  ko: 분류기
  gloss_first: true
- en: image
  ko: 이미지
- en: covariance
  ko: 공분산
- en: neural network
  ko: 신경망
- en: layer
  ko: 레이어
- en: implement
  ko: 구현하다
- en: label
  ko: 레이블
- en: recurrent neural network
  variants: [RNN]
  ko: 순환 신경망
"""


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    g, diags = parse_glossary(Path("glossary.yml"), GLOSSARY)
    assert g is not None, diags
    return g


def run(glossary: Glossary, body: str, english: str | None = None) -> list[tuple[int, int, str, str | None]]:
    text = f"---\ntitle: t\n---\n\n{body}"
    en = markdown_page("en.md", f"---\ntitle: t\n---\n\n{english}") if english is not None else None
    result = check_pages(glossary, [(markdown_page("ko.md", text), en)], validate=False)
    return [(f.diagnostic.line - 4, f.diagnostic.col, f.diagnostic.code, f.diagnostic.fix) for f in result.findings]


def codes(findings: list[tuple[int, int, str, str | None]]) -> list[str]:
    return [c for _, _, c, _ in findings]


def test_avoided_form_with_particle_reagreed(glossary: Glossary) -> None:
    assert run(glossary, "그래디언트는 웨이트를 바꾼다.\n") == [
        (1, 1, AVOIDED, "그라디언트는"),
        (1, 8, AVOIDED, "가중치를"),
    ]
    # 손실함수를 → 손실 함수를; the particle stays right because both end in a vowel
    assert run(glossary, "손실함수를 줄인다.\n") == [(1, 1, AVOIDED, "손실 함수를")]


def test_particle_after_gloss_agrees_with_korean(glossary: Glossary) -> None:
    assert run(glossary, "손실(loss)를 줄인다.\n") == [(1, 9, PARTICLE, "손실(loss)을")]
    assert run(glossary, "손실(loss)을 줄인다.\n") == []
    # the parenthesis continues the phrase: no judgement on the particle after it
    assert run(glossary, "신경망(의 손실 그래프)를 그린다.\n") == []


def test_particle_after_english_uses_reading(glossary: Glossary) -> None:
    assert run(glossary, "ReLU를 쓰고 dropout을 쓴다.\n") == []
    assert run(glossary, "ReLU을 쓴다.\n") == [(1, 5, PARTICLE, "ReLU를")]
    assert run(glossary, "RNN를 쓴다.\n") == [(1, 4, PARTICLE, "RNN을")]  # 알엔엔


@pytest.mark.parametrize(
    ("body", "fix"),
    [
        ("신경망로 간다.", "신경망으로"),
        ("레이블으로 간다.", "레이블로"),
        ("레이어은 많다.", "레이어는"),
        ("신경망과 레이어와 레이블과", None),
        ("레이어들를 쌓는다.", "레이어들을"),
    ],
)
def test_particle_pairs(glossary: Glossary, body: str, fix: str | None) -> None:
    found = run(glossary, body + "\n")
    assert [f for _, _, _, f in found] == ([fix] if fix else [])


def test_longest_term_wins_and_words_stay_whole(glossary: Glossary) -> None:
    # 배치 정규화 is one term: its particle agrees with 화, not with 배치
    assert run(glossary, "배치 정규화를 쓴다. 배치를 나눈다.\n") == []
    assert run(glossary, "배치 정규화을 쓴다.\n") == [(1, 7, PARTICLE, "배치 정규화를")]
    # 분류기 before 분류
    assert run(glossary, "분류기(classifier)는 분류를 한다.\n") == []
    # 이미지넷 is not 이미지 + 넷
    assert run(glossary, "이미지넷을 쓴다. 이미지넷은 크다.\n") == []


def test_only_prose_counts(glossary: Glossary) -> None:
    body = "`웨이트를` 와 $웨이트$ 와 [링크](http://x/웨이트를) <span title='웨이트를'>x</span>\n\n```\n웨이트를\n```\n"
    assert run(glossary, body) == []
    # link text is prose
    assert codes(run(glossary, "[웨이트를](http://x/)\n")) == [AVOIDED]


def test_keep_english_translated(glossary: Glossary) -> None:
    assert run(glossary, "드롭아웃을 쓴다.\n") == [(1, 1, KEEP_ENGLISH, "dropout을")]


def test_gloss_mismatch_names_closest(glossary: Glossary) -> None:
    found = run(glossary, "공분산(Convairance)을 본다.\n")
    assert codes(found) == [GLOSS]
    # a longer gloss that ends in the term's English is fine
    assert run(glossary, "은닉 레이어(hidden layer)를 본다.\n") == []


def test_gloss_mismatch_message() -> None:
    g, _ = parse_glossary(Path("glossary.yml"), GLOSSARY)
    assert g is not None
    text = "---\ntitle: t\n---\n\n공분산(Convairance)을 본다.\n"
    result = check_pages(g, [(markdown_page("ko.md", text), None)], validate=False)
    assert "closest glossary term: 'covariance'" in result.findings[0].diagnostic.message


def test_first_use_gloss(glossary: Glossary) -> None:
    assert codes(run(glossary, "분류기는 좋다. 분류기는 좋다.\n")) == [FIRST_USE]
    assert run(glossary, "분류기(classifier)는 좋다. 분류기는 좋다.\n") == []


def test_verbs_match_conjugations(glossary: Glossary) -> None:
    result = check_pages(glossary, [(markdown_page("ko.md", "---\ntitle: t\n---\n\n구현한다. 구현해야 한다. 구현체.\n"), None)], validate=False)
    assert [u.form for u in result.uses] == ["구현하다", "구현하다"]


def test_missing_source_term(glossary: Glossary) -> None:
    english = "# Title\n\nThe weights change.\n\nThe loss goes down.\n"
    korean = "# 제목\n\n파라미터가 바뀐다.\n\n손실이 줄어든다.\n"
    found = run(glossary, korean, english)
    assert [(line, code) for line, _, code, _ in found] == [(3, MISSING)]


def test_positions_with_markup(glossary: Glossary) -> None:
    # **…** is transparent: the particle after the closing ** still belongs to the term
    assert run(glossary, "**손실(loss)**를 줄인다.\n") == [(1, 13, PARTICLE, "손실(loss)을")]


def test_srt_captions(glossary: Glossary) -> None:
    srt = "1\n00:00:01,000 --> 00:00:02,000\n웨이트를 바꿉니다\n\n2\n00:00:02,000 --> 00:00:03,000\n신경망로 갑니다\n"
    result = check_pages(glossary, [(srt_page("a_ko.srt", srt), None)], validate=False)
    assert [(f.diagnostic.line, f.diagnostic.col, f.diagnostic.code) for f in result.findings] == [(3, 1, AVOIDED), (7, 4, PARTICLE)]


def test_positions_survive_backslash_escapes_and_entities() -> None:
    """Text markdown-it rewrote (an escaped dollar, an entity) is still traced to its columns."""
    from daeyeok.terms.prose import locate_unescaped

    source = "비용은 \\$5 &amp; 손실함수를 본다"
    content = "비용은 $5 & 손실함수를 본다"
    offsets = locate_unescaped(content, source, 0, len(source))
    assert offsets is not None
    assert source[offsets[content.index("손")] :].startswith("손실함수")
    assert source[offsets[content.index("$")] - 1 : offsets[content.index("$")] + 1] == "\\$"
    assert locate_unescaped("없는 글", source, 0, len(source)) is None
