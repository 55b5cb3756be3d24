"""Hypothesis properties of the glossary checker: it never crashes on Korean prose built from
glossary forms and particles, and after ``--fix`` checking again finds nothing new."""

from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from daeyeok.glossary import parse_glossary
from daeyeok.terms.fixer import plan
from daeyeok.terms.prose import markdown_page
from daeyeok.terms.runner import check_pages

GLOSSARY_YML = """\
- {en: weight, variants: [weights], ko: 가중치, avoid: [웨이트]}
- {en: loss function, ko: 손실 함수, avoid: [손실함수, 로스 함수]}
- {en: gradient, ko: 그라디언트, avoid: [그래디언트]}
- {en: batch normalization, ko: 배치 정규화}
- {en: ReLU, ko: ReLU, keep_english: true, reading: 렐루, case_sensitive: true}
- {en: filter, ko: 필터, gloss_first: true}
- {en: layer, ko: 층, avoid: {레이어: 층}}
"""
GLOSSARY, _ = parse_glossary(Path("glossary.yml"), GLOSSARY_YML)
assert GLOSSARY is not None

FORMS = [
    "가중치",
    "웨이트",
    "손실 함수",
    "손실함수",
    "로스 함수",
    "그라디언트",
    "그래디언트",
    "배치 정규화",
    "배치",
    "ReLU",
    "렐루",
    "필터",
    "층",
    "레이어",
    "이미지넷",
    "모형",
]
GLOSSES = ["", "", "(weight)", "(loss)", "(gradient)", "(Convairance)", "(의 손실 그래프)"]
PARTICLES = ["", "은", "는", "이", "가", "을", "를", "과", "와", "으로", "로", "이나", "나", "들은", "의", "에서"]
FILLER = ["그리고", "값을", "계산한다.", "본다.", "$x$", "`code`", "**강조**", "[링크](a.md)", "\n\n", "마다"]


@st.composite
def korean_prose(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 12))):
        if draw(st.booleans()):
            parts.append(draw(st.sampled_from(FORMS)) + draw(st.sampled_from(GLOSSES)) + draw(st.sampled_from(PARTICLES)))
        else:
            parts.append(draw(st.sampled_from(FILLER)))
    return "---\ntitle: t\n---\n\n" + " ".join(parts) + "\n"


def _findings(path: str, text: str) -> tuple[list, dict]:  # type: ignore[type-arg]
    assert GLOSSARY is not None
    result = check_pages(GLOSSARY, [(markdown_page(path, text), None)], validate=False)
    return result.findings, {path: (Path(path), text)}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(korean_prose())
def test_check_never_crashes_and_fix_adds_nothing(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / "page.md"
        file.write_text(text, encoding="utf-8")
        findings, sources = _findings(str(file), text)
        fixes, problems = plan(findings, sources)
        assert problems == []
        after_text = fixes[0].after if fixes else text
        after, _ = _findings(str(file), after_text)
        before_codes = Counter(f.diagnostic.code for f in findings)
        after_codes = Counter(f.diagnostic.code for f in after)
        new = after_codes - before_codes
        assert not new, (text, after_text, [f.diagnostic.format() for f in after])
        # every applied fix took its finding away
        applied = Counter(f.diagnostic.code for fx in fixes for f in fx.applied)
        for code, n in applied.items():
            assert after_codes[code] <= before_codes[code] - n, (code, text, after_text)


def test_fix_then_check_on_a_known_page(tmp_path: Path) -> None:
    """The property's own sanity check: fixes do happen, and they clear their findings."""
    text = "---\ntitle: t\n---\n\n웨이트를 바꾸고 손실(loss)를 줄인다. 그래디언트는 크다. 레이어는 깊다.\n"
    file = tmp_path / "page.md"
    file.write_text(text, encoding="utf-8")
    findings, sources = _findings(str(file), text)
    assert {f.diagnostic.code for f in findings} >= {"term-avoided"}
    fixes, problems = plan(findings, sources)
    assert problems == [] and fixes and fixes[0].applied
    after, _ = _findings(str(file), fixes[0].after)
    assert "가중치를" in fixes[0].after and "그라디언트는" in fixes[0].after and "층은" in fixes[0].after
    assert [f.diagnostic.code for f in after if f.diagnostic.code == "term-avoided"] == []


_WORDS = st.text(alphabet="abcdeilnorstuv", min_size=1, max_size=9)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.lists(_WORDS, min_size=1, max_size=3).map(" ".join), min_size=1, max_size=30, unique=True),
    st.lists(_WORDS, min_size=1, max_size=3).map(" ".join),
)
def test_closest_term_is_difflibs_answer(english: list[str], gloss: str) -> None:
    """The pruned search in Matcher.closest_term returns what scoring every form with difflib returns."""
    import difflib

    from daeyeok.terms.matcher import Matcher, english_key

    text = "\n".join(f"- {{en: '{en}', ko: 용어{i}}}" for i, en in enumerate(english))
    glossary, diags = parse_glossary(Path("glossary.yml"), text)
    assert glossary is not None, diags
    matcher = Matcher(glossary)
    choices: dict[str, int] = {}
    for i, forms in enumerate(matcher.en_forms):
        for form in forms:
            choices.setdefault(" ".join(english_key(form, False)), i)
    found = difflib.get_close_matches(" ".join(english_key(gloss, False)), list(choices), n=1, cutoff=0.6)
    assert matcher.closest_term(gloss) == (choices[found[0]] if found else None)
