"""Glossary terms in Korean prose (daeyeok.plugins.glossary_terms) and the glossary page's order and anchors
(daeyeok.glossary_page): fixtures in markdown-it's format, then unit tests of what fixtures cannot show."""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it.utils import read_fixture_file

from daeyeok.glossary import parse_glossary
from daeyeok.glossary_page import anchors, english_sort_key, filter_key, groups, korean_sort_key
from daeyeok.htmlrender import RenderContext, render_body
from daeyeok.links import resolve
from daeyeok.markdown import parser
from daeyeok.mathrender import MathCache, MathRenderer
from daeyeok.model import Glossary
from daeyeok.plugins.glossary_terms import ENV_KEY, GlossaryTermsOptions, wrap_terms
from daeyeok.terms.matcher import Matcher
from test_render_fixtures import EchoEngine

FIXTURES = Path(__file__).parent / "fixtures"

GLOSSARY_YML = """\
- en: weight
  variants: [weights]
  ko: 가중치
  avoid: [웨이트]
  note: 문맥에 따라 '파라미터 값'도 쓴다.
- en: loss function
  ko: 손실 함수
  avoid: [손실함수]
- en: loss
  ko: 손실
- en: batch
  ko: 배치
- en: batch normalization
  ko: 배치 정규화
- en: image
  ko: 이미지
- en: ReLU
  ko: ReLU
  keep_english: true
  reading: 렐루
  case_sensitive: true
- en: layer
  ko: 층
  accept: [계층]
- en: accuracy
  ko: 정확도
  accept: [성능]
- en: performance
  ko: 성능
- en: filter
  ko: 필터
  note: '<em> & "따옴표"'
"""


def glossary(text: str = GLOSSARY_YML) -> Glossary:
    parsed, diags = parse_glossary(Path("glossary.yml"), text)
    assert parsed is not None, [d.format() for d in diags]
    return parsed


def options(g: Glossary, page_url: str | None = "/g/") -> GlossaryTermsOptions:
    from daeyeok.glossary_page import term_hrefs

    return GlossaryTermsOptions(Matcher(g), term_hrefs(g, page_url))


def render(text: str, opts: GlossaryTermsOptions) -> str:
    """Parse with the options in the env (the core rule runs), then render as the build does."""
    md = parser()
    tokens = md.parse(text, {ENV_KEY: opts})
    ctx = RenderContext(
        path=Path("content/ko/x.md"),
        math=MathRenderer(EchoEngine(), MathCache(None)),
        resolve=lambda t: resolve(t, doc_key="page", lang="ko", base_url="/base/", page_site_path="ko/page/"),
    )
    return render_body(md, tokens, ctx).html


@pytest.mark.parametrize(
    ("line", "title", "text", "expected"),
    read_fixture_file(FIXTURES / "glossary_terms.md"),
    ids=[f"{f[0]}-{f[1]}" for f in read_fixture_file(FIXTURES / "glossary_terms.md")],
)
def test_glossary_terms_fixture(line: int, title: str, text: str, expected: str) -> None:
    assert render(text, options(glossary())).rstrip() == expected.rstrip()


def test_without_options_in_the_env_nothing_is_wrapped() -> None:
    """The parser is shared by every page and by the checks: no options, no change."""
    tokens = parser().parse("가중치를 바꾼다.\n", {})
    assert [c.type for c in tokens[1].children or []] == ["text"]


def test_without_a_glossary_page_the_term_is_a_focusable_span() -> None:
    html = render("가중치를 바꾼다.\n", options(glossary(), page_url=None))
    assert html == '<p><span class="term" tabindex="0" title="weight — 문맥에 따라 \'파라미터 값\'도 쓴다.">가중치</span>를 바꾼다.</p>\n'


def test_wrap_terms_leaves_the_parsed_tokens_alone() -> None:
    """The build renders stored tokens shared with the checks, the search index and the parallel view."""
    tokens = parser().parse("가중치를 바꾼다.\n\n## 절\n\n손실이 크다.\n", {})
    before = [(t.type, [c.type for c in t.children or []]) for t in tokens]
    wrapped = wrap_terms(tokens, options(glossary()))
    assert [(t.type, [c.type for c in t.children or []]) for t in tokens] == before
    assert len(wrapped) == len(tokens), "block indices line up (status markers and the parallel view use them)"
    assert [c.type for c in wrapped[1].children or []] == ["glossary_term_open", "text", "glossary_term_close", "text"]
    assert wrapped[1] is not tokens[1] and wrapped[0] is tokens[0]


def test_footnotes_are_a_section_of_their_own() -> None:
    html = render("가중치.[^1]\n\n[^1]: 가중치의 뜻.\n", options(glossary()))
    assert html.count('class="term"') == 2


def test_english_order_is_letter_by_letter_and_case_insensitive() -> None:
    g = glossary(
        "- {en: Zeta, ko: 제타}\n- {en: cross-entropy, ko: 교차 엔트로피}\n- {en: CIFAR-10, ko: 사이파}\n- {en: crossover, ko: 교차}\n- {en: alpha, ko: 알파}\n"
    )
    order = [t.en for t in sorted(g.terms, key=english_sort_key)]
    assert order == ["alpha", "CIFAR-10", "cross-entropy", "crossover", "Zeta"]


def test_korean_order_is_ganada_with_latin_terms_filed_by_their_reading() -> None:
    g = glossary(
        "- {en: weight, ko: 가중치}\n"
        "- {en: ReLU, ko: ReLU, keep_english: true, reading: 렐루}\n"
        "- {en: SGD, ko: SGD, keep_english: true, reading: 에스지디}\n"
        "- {en: label, ko: 레이블}\n"
        "- {en: batch normalization, ko: 배치 정규화}\n"
        "- {en: batch, ko: 배치}\n"
        "- {en: layer, ko: 층}\n"
        "- {en: L2 norm, ko: L2 노름}\n"
        "- {en: gradient, ko: 그라디언트}\n"
        "- {en: hinge loss, ko: 힌지 손실}\n"
    )
    order = [t.ko for t in sorted(g.terms, key=korean_sort_key)]
    # 레이블 < 렐루(ReLU): 레 (ㅔ) before 렐 (ㅔ+ㄹ); 에스지디(SGD) under ㅇ; no reading: after all Hangul
    assert order == ["가중치", "그라디언트", "레이블", "ReLU", "배치", "배치 정규화", "SGD", "층", "힌지 손실", "L2 노름"]
    ko_groups = [(grp.label, [e.ko for e in grp.entries]) for grp in groups(g, "ko")]
    assert ko_groups[0] == ("ㄱ", ["가중치", "그라디언트"])
    assert ko_groups[1] == ("ㄹ", ["레이블", "ReLU"])
    assert ko_groups[-1] == ("A–Z", ["L2 노름"])


def test_korean_order_ignores_spaces_and_normalisation() -> None:
    decomposed = "\u1100\u1161\u110c\u116e\u11bc\u110e\u1175"  # 가중치 as conjoining jamo (macOS file names)
    g = glossary(f"- {{en: b, ko: 나}}\n- {{en: a, ko: {decomposed}}}\n- {{en: c, ko: 가 나}}\n- {{en: d, ko: 가다}}\n")
    assert [t.en for t in sorted(g.terms, key=korean_sort_key)] == ["c", "d", "a", "b"]  # 가나 < 가다 < 가중치 < 나


def test_anchors_are_slugs_of_the_english_headword_unique_and_clear_of_template_ids() -> None:
    g = glossary("- {en: Loss Function, ko: 손실 함수}\n- {en: loss-function, ko: 로스}\n- {en: content, ko: 내용}\n- {en: ReLU, ko: 렐루}\n")
    assert anchors(g) == ("loss-function", "loss-function-1", "content-1", "relu")


def test_filter_key_ignores_case_spaces_and_hyphens() -> None:
    assert filter_key("Cross-Entropy") == filter_key("cross entropy") == "crossentropy"
    assert filter_key("손실 함수") == filter_key("손실함수")
    entry = next(e for grp in groups(glossary(), "ko") for e in grp.entries if e.anchor == "weight")
    assert entry.filter.split() == ["weight", "weights", "가중치", "웨이트"]
    assert entry.variants == ()  # the regular plural is not worth a line
