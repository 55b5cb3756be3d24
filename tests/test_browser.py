"""The sample course in a real headless Chromium, as a reader sees it.

Screenshots land in test-results/screenshots/ for a person to look at.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser import SCREENSHOTS, PageProblems, served_build, static_server
from conftest import REPO
from daeyeok.build import build

pytestmark = pytest.mark.browser

PAGES = [
    "/",
    "/ko/",
    "/en/",
    "/ko/lectures/linear-classify/",
    "/en/lectures/linear-classify/",
    "/ko/lectures/loss-functions/",
    "/en/lectures/loss-functions/",
    "/ko/lectures/backprop/",
    "/en/lectures/backprop/",
    "/ko/lectures/convolution/",
    "/en/lectures/convolution/",
    "/ko/lectures/optimization/",
    "/en/lectures/optimization/",
    "/404.html",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with served_build(REPO, tmp_path_factory.mktemp("sample") / "_site", strict=True) as origin:
        yield origin


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_without_errors(site: str, page: Any, path: str) -> None:
    problems = PageProblems(page)
    page.goto(site + path, wait_until="load")
    page.wait_for_load_state("networkidle")
    assert problems.errors == []
    assert page.title()
    assert page.evaluate("document.fonts.status") == "loaded"


@pytest.mark.parametrize(
    ("start", "other"), [("/ko/lectures/backprop/", "/en/lectures/backprop/"), ("/en/lectures/loss-functions/", "/ko/lectures/loss-functions/")]
)
def test_switcher_reaches_the_same_page_in_the_other_language(site: str, page: Any, start: str, other: str) -> None:
    page.goto(site + start)
    page.click("a.lang-switch")
    page.wait_for_load_state("load")
    assert page.url == site + other
    assert page.evaluate("document.documentElement.lang") == other.split("/")[1]


def test_math_is_rendered_with_katex(site: str, page: Any) -> None:
    page.goto(site + "/ko/lectures/loss-functions/")
    assert page.locator(".katex").count() > 5
    assert page.locator(".katex-display").count() >= 1
    text = page.inner_text("article")
    assert "$$" not in text and "\\frac" not in text and "\\(" not in text
    # KaTeX's fonts really loaded (no CDN: served from the site itself)
    assert page.evaluate("document.fonts.check('16px KaTeX_Main')")


def test_align_environment_renders_as_aligned_rows(site: str, page: Any) -> None:
    found = False
    for path in [
        "/en/lectures/backprop/",
        "/en/lectures/loss-functions/",
        "/en/lectures/linear-classify/",
        "/en/lectures/convolution/",
        "/en/lectures/optimization/",
    ]:
        page.goto(site + path)
        if page.locator(".katex-display .mtable").count():
            found = True
            break
    assert found, "the sample course has a multi-line align formula rendered as a table of rows"


def test_code_is_highlighted_and_drawn_in_a_latin_monospace_font(site: str, page: Any) -> None:
    page.goto(site + "/ko/lectures/linear-classify/")
    code = page.locator(".highlight pre code").first
    assert code.locator("span").count() > 3, "Pygments token spans present"
    font = code.evaluate("e => getComputedStyle(e).fontFamily")
    assert font.startswith("ui-monospace"), font
    colours = set(page.eval_on_selector_all(".highlight pre code span", "els => els.map(e => getComputedStyle(e).color)"))
    assert len(colours) >= 3, colours


def test_korean_text_breaks_between_words(site: str, page: Any) -> None:
    page.goto(site + "/ko/lectures/backprop/")
    assert page.eval_on_selector(".prose p", "e => getComputedStyle(e).wordBreak") == "keep-all"
    assert "Noto Sans KR" in page.eval_on_selector(".prose p", "e => getComputedStyle(e).fontFamily")


def test_untranslated_page_shows_a_banner_in_korean(site: str, page: Any) -> None:
    page.goto(site + "/ko/lectures/optimization/")
    banner = page.locator(".banner--fallback")
    assert banner.is_visible()
    assert "아직 번역되지 않았습니다" in banner.inner_text()
    assert page.get_attribute("article", "lang") == "en"


@pytest.mark.parametrize("width", [390, 1280])
def test_screenshots_and_no_horizontal_overflow(site: str, browser: Any, width: int) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 900}, device_scale_factor=1)
    page = context.new_page()
    for path in ["/", "/ko/lectures/linear-classify/", "/en/lectures/backprop/", "/ko/lectures/optimization/"]:
        page.goto(site + path)
        page.wait_for_load_state("networkidle")
        name = path.strip("/").replace("/", "_") or "landing"
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=False)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {width}px"
    context.close()


def test_mobile_menu_opens_the_navigation(site: str, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.goto(site + "/ko/lectures/backprop/")
    nav = page.locator("#sidebar")
    assert not nav.is_visible()
    page.click("[data-menu-toggle]")
    assert nav.is_visible()
    page.click("#sidebar a[href$='/ko/lectures/convolution/']")
    page.wait_for_load_state("load")
    assert page.url.endswith("/ko/lectures/convolution/")
    context.close()


def test_site_works_under_a_sub_path(tmp_path: Path, browser: Any) -> None:
    root = tmp_path / "www"
    result = build(REPO, root / "cs231n", base_url="/cs231n/", strict=True)
    assert result.ok(strict=True)
    with static_server(root) as origin:
        context = browser.new_context()
        page = context.new_page()
        problems = PageProblems(page)
        page.goto(origin + "/cs231n/ko/lectures/backprop/")
        page.wait_for_load_state("networkidle")
        links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        internal = sorted({link.split("#")[0] for link in links if link.startswith(origin)})
        assert internal, "the page links other pages"
        for link in internal:
            assert link.startswith(origin + "/cs231n/"), link
            response = page.request.get(link)
            assert response.status == 200, link
        assert problems.errors == []
        context.close()
    shutil.rmtree(root)
