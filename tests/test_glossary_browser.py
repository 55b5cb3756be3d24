"""The glossary in a real Chromium: term links in Korean prose (hover, keyboard focus, what assistive
technology is told) and the glossary page's filter box, with and without JavaScript.

Screenshots land in test-results/screenshots/glossary-*.png (390 and 1280 px) for a person to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from browser import SCREENSHOTS, PageProblems, served_build
from conftest import REPO

pytestmark = pytest.mark.browser

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
LECTURE = "/ko/lectures/backprop/"
GLOSSARY = "/ko/glossary/"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with served_build(REPO, tmp_path_factory.mktemp("glossary") / "_site", use_cache=False) as origin:
        yield origin


def new_page(browser: Any, width: int = 1280, scheme: str = "light", js: bool = True) -> Any:
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme, device_scale_factor=1, java_script_enabled=js)
    return context.new_page()


def shot(page: Any, name: str, full_page: bool = False) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"glossary-{name}.png"), full_page=full_page)


def visible_ids(page: Any) -> list[str]:
    return list(page.eval_on_selector_all("[data-glossary-entry]", "els => els.filter(e => !e.hidden && e.offsetParent !== null).map(e => e.id)"))


def tab_to_first_term(page: Any) -> str:
    """Press Tab until a glossary term link has focus (a real keyboard path, not element.focus())."""
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.classList.contains('term')"):
            return str(page.evaluate("() => document.activeElement.textContent"))
    raise AssertionError("no glossary term is reachable with the keyboard")


@pytest.mark.parametrize("width", [390, 1280])
def test_term_shows_english_and_note_on_hover_and_keyboard_focus(site: str, browser: Any, width: int) -> None:
    page = new_page(browser, width)
    problems = PageProblems(page)
    page.goto(site + LECTURE)
    term = page.locator(".prose a.term", has_text="그라디언트").first
    # the title is the hover text and the link's accessible description; the name stays the Korean word
    title = term.get_attribute("title")
    assert title is not None and title.startswith("gradient — ") and "그라디언트" in title
    from playwright.sync_api import expect

    expect(term).to_have_accessible_name("그라디언트")
    expect(term).to_have_accessible_description(title)
    assert term.get_attribute("href") == "/ko/glossary/#gradient"
    term.scroll_into_view_if_needed()
    term.hover()
    assert term.evaluate("el => getComputedStyle(el).textDecorationStyle") == "solid"
    first = tab_to_first_term(page)
    focused = page.locator(":focus")
    assert first == focused.text_content()
    tip = focused.evaluate("el => getComputedStyle(el, '::after').content")
    assert focused.get_attribute("title") is not None and str(focused.get_attribute("title")) in tip, tip
    box = focused.evaluate("el => { const r = el.getBoundingClientRect(); return [r.left, r.right]; }")
    assert box[0] >= 0 and box[1] <= width
    page.evaluate("() => document.activeElement.scrollIntoView({block: 'center'})")
    shot(page, f"lecture-focus-{width}")
    assert problems.errors == []
    page.context.close()


def test_term_in_dark_mode_keeps_the_text_colour(site: str, browser: Any) -> None:
    page = new_page(browser, scheme="dark")
    page.goto(site + LECTURE)
    term = page.locator(".prose a.term").first
    colours = term.evaluate("el => [getComputedStyle(el).color, getComputedStyle(el.closest('p')).color]")
    assert colours[0] == colours[1], "a term is not a coloured link: only the dotted underline marks it"
    tab_to_first_term(page)
    page.evaluate("() => document.activeElement.scrollIntoView({block: 'center'})")
    shot(page, "lecture-focus-1280-dark")
    page.context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_filter_narrows_the_list_as_you_type(site: str, browser: Any, width: int) -> None:
    page = new_page(browser, width)
    problems = PageProblems(page)
    page.goto(site + GLOSSARY)
    every = visible_ids(page)
    assert len(every) > 60 and every[0] == "weight"  # 가중치 first in 가나다 order
    shot(page, f"page-{width}")
    box = page.get_by_label("용어 찾기")
    box.fill("손실함수")  # no space: still finds 손실 함수
    assert visible_ids(page) == ["loss-function"]
    assert page.locator("[data-glossary-count]").text_content() == "용어 1개"
    box.fill("LOSS")  # case-insensitive, English
    assert visible_ids(page) == ["loss", "loss-function", "hinge-loss"]  # 손실, 손실 함수, 힌지 손실
    box.fill("활성 함수")  # an accepted alternative
    assert visible_ids(page) == ["activation-function"]
    box.fill("렐루")  # a keep-English term by its reading
    assert visible_ids(page) == ["relu"]
    hidden_groups = page.eval_on_selector_all("[data-glossary-group]", "gs => gs.filter(g => g.hidden).length")
    assert hidden_groups == page.eval_on_selector_all("[data-glossary-group]", "gs => gs.length") - 1
    box.fill("zzz")
    assert visible_ids(page) == [] and page.locator("[data-glossary-count]").text_content() == "맞는 용어가 없습니다."
    box.fill("cross entropy")
    assert page.locator("[data-glossary-count]").text_content() == "용어 1개"
    shot(page, f"page-filtered-{width}")
    assert visible_ids(page) == ["cross-entropy"]
    box.fill("")
    assert visible_ids(page) == every
    assert problems.errors == []
    page.context.close()


def test_glossary_works_without_javascript(site: str, browser: Any) -> None:
    page = new_page(browser, 390, js=False)
    page.goto(site + GLOSSARY + "#relu")
    assert not page.locator("[data-glossary-filter]").is_visible(), "the filter needs JavaScript, so it is not shown without it"
    assert len(visible_ids(page)) > 60
    assert page.locator("#relu").evaluate("el => getComputedStyle(el).backgroundColor") != "rgba(0, 0, 0, 0)", ":target highlights the entry"
    shot(page, "page-nojs-390")
    page.context.close()


@pytest.mark.parametrize("path", [GLOSSARY, "/en/glossary/", LECTURE])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_or_critical_violations(site: str, browser: Any, path: str, scheme: str) -> None:
    assert AXE.is_file(), "axe-core is installed by `make setup` (npm ci)"
    page = new_page(browser, scheme=scheme)
    page.goto(site + path)
    page.wait_for_load_state("networkidle")
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} x{len(v['nodes'])} e.g. {v['nodes'][0]['target']}" for v in result if v["impact"] in ("serious", "critical")
    ]
    assert bad == []
    page.context.close()
