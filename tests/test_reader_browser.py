"""Reader experience in a real Chromium on the sample course: parallel view, dark mode, mobile
navigation, print, accessibility (axe-core from npm) and screenshots at 390 and 1280 px.

Screenshots land in test-results/screenshots/reader-*.png for a person to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from browser import SCREENSHOTS, PageProblems, served_build
from conftest import REPO

pytestmark = pytest.mark.browser

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
TRANSLATED = "/ko/lectures/backprop/"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with served_build(REPO, tmp_path_factory.mktemp("reader") / "_site") as origin:
        yield origin


def new_page(browser: Any, width: int = 1280, scheme: str = "light") -> Any:
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme, device_scale_factor=1)
    return context.new_page()


def shot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"reader-{name}.png"))


def test_parallel_toggle_shows_the_original_and_is_remembered(site: str, browser: Any) -> None:
    page = new_page(browser)
    problems = PageProblems(page)
    page.goto(site + TRANSLATED)
    toggle = page.locator("[data-parallel-toggle]")
    assert toggle.get_attribute("aria-pressed") == "false"
    assert page.locator(".parallel__other").count() == 0, "off by default"
    toggle.click()
    page.wait_for_selector(".parallel__other[lang=en]")
    assert toggle.get_attribute("aria-pressed") == "true"
    rows = page.locator(".parallel__row")
    assert rows.count() > 10
    # wide screen: the English block is beside the Korean one
    main_box = rows.nth(0).locator(".parallel__main").bounding_box()
    other_box = rows.nth(0).locator(".parallel__other").bounding_box()
    assert other_box["x"] > main_box["x"] + main_box["width"] - 1 and abs(other_box["y"] - main_box["y"]) < 40
    ids = page.eval_on_selector_all("[id]", "els => els.map(e => e.id)")
    assert len(ids) == len(set(ids)), "no duplicate ids once the original is shown"
    shot(page, "parallel-1280")
    page.reload()  # remembered per reader
    page.wait_for_selector(".parallel__other[lang=en]")
    page.locator("[data-parallel-toggle]").click()
    assert page.locator(".parallel__other").count() == 0
    page.reload()
    page.wait_for_load_state("networkidle")
    assert page.locator(".parallel__other").count() == 0, "turning it off is remembered too"
    assert problems.errors == []
    page.context.close()


def test_parallel_view_works_without_javascript_at_its_own_url(site: str, browser: Any) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 900})
    page = context.new_page()
    page.goto(site + TRANSLATED)
    page.click("a.parallel-toggle")
    page.wait_for_load_state("load")
    assert page.url == site + TRANSLATED + "parallel/"
    assert page.locator("meta[name=robots][content=noindex]").count() == 1
    assert page.get_attribute("link[rel=canonical]", "href").endswith(TRANSLATED)
    rows = page.locator(".parallel__row")
    main_box = rows.nth(0).locator(".parallel__main").bounding_box()
    other_box = rows.nth(0).locator(".parallel__other").bounding_box()
    assert other_box["y"] >= main_box["y"] + main_box["height"] - 1, "narrow screen: the original is under the translation"
    shot(page, "parallel-390")
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_dark_mode_follows_the_system_and_the_toggle_overrides_it(site: str, browser: Any, scheme: str) -> None:
    page = new_page(browser, scheme=scheme)
    page.goto(site + TRANSLATED)
    background = "getComputedStyle(document.body).backgroundColor"
    system = page.evaluate(background)
    assert (system == "rgb(255, 255, 255)") == (scheme == "light"), system
    shot(page, f"page-1280-{scheme}")
    toggle = page.locator("[data-theme-toggle]")
    seen = {page.evaluate("document.documentElement.dataset.theme"): system}
    for _ in range(2):
        toggle.click()
        seen[page.evaluate("document.documentElement.dataset.theme")] = page.evaluate(background)
    assert seen["light"] == "rgb(255, 255, 255)" and seen["dark"] != "rgb(255, 255, 255)"
    page.reload()
    assert page.evaluate("document.documentElement.dataset.theme") == "dark", "the choice is remembered"
    page.context.close()


def test_mobile_navigation_and_search_at_390px(site: str, browser: Any) -> None:
    page = new_page(browser, width=390)
    page.goto(site + "/ko/lectures/loss-functions/")
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    shot(page, "page-390-light")
    assert not page.locator("#sidebar").is_visible()
    page.click("[data-menu-toggle]")
    assert page.locator("#sidebar").is_visible()
    assert page.get_attribute("[data-menu-toggle]", "aria-expanded") == "true"
    shot(page, "menu-390")
    page.click("[data-menu-toggle]")
    page.click("[data-search-input]")
    page.keyboard.type("그라디언트를")
    page.wait_for_function("document.querySelector('[data-search-results]').dataset.query === '그라디언트를'")
    assert page.locator(".search__hit").count() >= 3
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    shot(page, "search-390")
    page.context.close()


def test_search_panel_at_1280_dark(site: str, browser: Any) -> None:
    page = new_page(browser, scheme="dark")
    page.goto(site + "/en/lectures/backprop/")
    page.keyboard.press("/")
    page.keyboard.type("역전파")
    page.wait_for_function("document.querySelector('[data-search-results]').dataset.query === '역전파'")
    hits = page.eval_on_selector_all(".search__hit", "els => els.map(e => e.getAttribute('href'))")
    assert any(h.startswith("/en/lectures/backprop/") for h in hits), hits
    shot(page, "search-1280-dark")
    page.context.close()


def test_page_meta_has_edit_link_and_date(site: str, browser: Any) -> None:
    page = new_page(browser)
    page.goto(site + TRANSLATED)
    edit = page.get_attribute(".page-meta a.edit-link", "href")
    assert edit == "https://github.com/daeyeok/daeyeok/edit/main/content/ko/lectures/backprop.md"
    dates = page.locator(".page-meta time")
    if dates.count():  # only from a git checkout (lastmod)
        assert len(dates.get_attribute("datetime")) == 10
    page.context.close()


def test_print_hides_navigation_and_keeps_math_and_code(site: str, browser: Any) -> None:
    page = new_page(browser)
    page.goto(site + "/en/lectures/loss-functions/")
    page.emulate_media(media="print")
    for hidden in [".site-header", ".sidebar", ".toc--side", ".pager", ".parallel-bar"]:
        if page.locator(hidden).count():
            assert not page.locator(hidden).first.is_visible(), hidden
    assert page.locator(".katex").first.is_visible()
    if page.locator(".highlight pre").count():
        assert page.eval_on_selector(".highlight pre", "e => getComputedStyle(e).whiteSpace") == "pre-wrap"
    pdf = page.pdf(format="A4")
    assert pdf[:4] == b"%PDF"
    page.context.close()


AXE_PAGES = [
    "/",
    "/ko/",
    "/ko/lectures/backprop/",
    "/ko/lectures/backprop/parallel/",
    "/en/lectures/loss-functions/",
    "/ko/lectures/optimization/",
    "/ko/status/",
]


@pytest.mark.parametrize("path", AXE_PAGES)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_or_critical_violations(site: str, browser: Any, path: str, scheme: str) -> None:
    assert AXE.is_file(), "axe-core is installed by `make setup` (npm ci)"
    page = new_page(browser, scheme=scheme)
    response = page.goto(site + path)
    if response.status == 404 and path.endswith("/status/"):
        pytest.skip("no status page in this build")
    page.wait_for_load_state("networkidle")
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} x{len(v['nodes'])} e.g. {v['nodes'][0]['target']}" for v in result if v["impact"] in ("serious", "critical")
    ]
    print(f"axe {path} [{scheme}]: {len(result)} violations, {len(bad)} serious/critical")
    assert bad == []
    page.context.close()
