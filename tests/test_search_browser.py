"""Search in a real Chromium: the Korean cases the reader-experience issue lists, on a fixture site.

tests/sites/search holds one page per case (particles only, compound only,
spaced and joined compounds, a glossary synonym, an unrelated page), in both
languages.  Each query is typed into the search box as a reader would (``/``
first) and the result URLs must be exactly the expected pages.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser import SCREENSHOTS, PageProblems, served_build
from daeyeok.search.expand import strip_particles

pytestmark = pytest.mark.browser

SITE = Path(__file__).parent / "sites" / "search"

#: (site language, query, expected page keys): the issue's cases, each with a page that only it finds.
CASES = [
    ("ko", "신경망", {"intro", "history"}),  # intro has only 신경망은/신경망을, history only 인공신경망의
    ("ko", "신경망을", {"intro", "history"}),  # a particle typed in the query
    ("ko", "인공신경망", {"history"}),
    ("ko", "손실 함수", {"loss", "objective"}),  # loss has 손실 함수를, objective 손실함수는
    ("ko", "손실함수", {"loss", "objective"}),
    ("ko", "gradient", {"gradient"}),  # English glossary term on the Korean site
    ("ko", "기울기", {"gradient"}),  # glossary synonym (accept)
    ("ko", "그라ㄷ", {"gradient"}),  # a final jamo still being composed
    ("en", "그라디언트", {"gradient"}),  # Korean glossary term on the English site
    ("en", "neural network", {"intro", "history"}),
    ("en", "loss function", {"loss", "objective"}),
    ("en", "preprocessing", set()),  # a word no page has
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with served_build(SITE, tmp_path_factory.mktemp("search") / "_site", use_cache=False) as origin:
        yield origin


def search(page: Any, origin: str, lang: str, query: str) -> list[dict[str, str]]:
    """Open /<lang>/, press / and type ``query``; returns the hits as shown (url, title, excerpt HTML)."""
    page.goto(f"{origin}/{lang}/")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.matches('[data-search-input]')"), "/ focuses the search box"
    page.keyboard.type(query)
    page.wait_for_function("q => document.querySelector('[data-search-results]').dataset.query === q", arg=query)
    return page.eval_on_selector_all(
        ".search__hit",
        "els => els.map(e => ({url: e.getAttribute('href'), title: e.querySelector('.search__title').textContent,"
        " excerpt: e.querySelector('.search__excerpt').innerHTML}))",
    )


def key_of(url: str, lang: str) -> str:
    path = url.split("#")[0].strip("/")
    assert path.startswith(lang), url
    return path[len(lang) :].strip("/") or "index"


@pytest.mark.parametrize(("lang", "query", "expected"), CASES, ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_query_finds_exactly_the_expected_pages(site: str, page: Any, lang: str, query: str, expected: set[str]) -> None:
    problems = PageProblems(page)
    hits = search(page, site, lang, query)
    found = {key_of(h["url"], lang) for h in hits}
    print(f"| {lang} | `{query}` | {', '.join(sorted(expected)) or '-'} | {', '.join(sorted(found)) or '-'} |")
    assert found == expected
    for hit in hits:
        assert hit["title"].strip(), "a result shows its page title"
        assert "⟦" not in hit["excerpt"] and "⟧" not in hit["excerpt"], hit["excerpt"]
        assert "<mark>" in hit["excerpt"], f"the matched passage is marked: {hit['excerpt']}"
    assert problems.errors == []


def test_results_are_reached_with_the_keyboard(site: str, page: Any) -> None:
    search(page, site, "ko", "손실 함수")
    page.keyboard.press("ArrowDown")
    first = page.evaluate("document.activeElement.getAttribute('href')")
    assert first and first.startswith("/ko/")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{site}{first}")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)


def test_escape_closes_the_results(site: str, page: Any) -> None:
    search(page, site, "en", "gradient")
    assert page.locator("[data-search-results]").is_visible()
    page.keyboard.press("Escape")
    assert not page.locator("[data-search-results]").is_visible()


def test_query_stemming_in_the_browser_matches_python(site: str, page: Any) -> None:
    """search.js strips particles with the list Python wrote into it, and gets the same stems."""
    words = ["신경망을", "신경망에서는", "그라디언트를", "학습률이", "경사하강법을", "나이", "데이터", "가중치", "신경망들의", "손실함수"]
    page.goto(site + "/ko/")
    page.focus("[data-search-input]")
    stems = page.evaluate("async ws => { const m = await import('/assets/daeyeok-search.js'); return ws.map(m.stripParticles); }", words)
    assert stems == [strip_particles(w) for w in words]
    assert stems[:3] == ["신경망", "신경망", "그라디언트"]
