"""The preview in real Chromium: edits reload open tabs, errors show an overlay with file:line, fixes clear it."""

from __future__ import annotations

from pathlib import Path

import pytest

from browser import SCREENSHOTS, chromium
from conftest import page as md_page
from daeyeok.diagnostics import display_path
from serve_helpers import running

pytestmark = pytest.mark.browser
TIMEOUT_MS = 20_000


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_edit_reloads_error_shows_overlay_fix_recovers(make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site(
        {
            "content/ko/a.md": md_page("가 페이지", "## 첫 절 {#first}\n\n처음 문장입니다. 경사 하강법에서 그래디언트를 구한다.\n"),
            "content/en/a.md": md_page("Page A", "## First section {#first}\n\nWe compute the gradient in gradient descent.\n"),
            "glossary.yml": "- en: gradient\n  ko: 기울기\n  accept: [그래디언트]\n",
        }
    )
    ko_a = site / "content/ko/a.md"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with running(site) as app, chromium() as browser:
        tab = browser.new_page()
        other = browser.new_page()
        problems: list[str] = []
        tab.on("pageerror", lambda e: problems.append(str(e)))
        tab.goto(app.url + "ko/a/")
        other.goto(app.url + "en/")
        other.evaluate("window.__notReloaded = true")
        tab.wait_for_function("() => !!document.querySelector('script[data-daeyeok-digest]')")
        tab.evaluate("window.__notReloaded = true")

        # 1. an edit on disk reloads the open tab by itself
        with tab.expect_event("load", timeout=TIMEOUT_MS):
            replace(ko_a, "처음 문장입니다.", "디스크에서 고친 문장입니다.")
        tab.wait_for_selector("text=디스크에서 고친 문장입니다.", timeout=TIMEOUT_MS)
        assert tab.evaluate("window.__notReloaded === undefined")
        assert other.evaluate("window.__notReloaded === true")  # a tab whose page did not change stays

        # 2. broken front matter: the overlay names file:line, the last good page stays
        replace(ko_a, "title: 가 페이지", "title: [가 페이지")
        overlay = tab.locator("daeyeok-overlay")
        overlay.wait_for(timeout=TIMEOUT_MS)
        where = overlay.locator(".where").first.inner_text()
        assert where.startswith(f"{display_path(ko_a)}:2:")
        assert "front-matter" in overlay.locator(".message").first.inner_text()
        assert "title: [가 페이지" in overlay.locator(".frame").first.inner_text()
        assert tab.locator("h1").first.inner_text() == "가 페이지"
        tab.screenshot(path=str(SCREENSHOTS / "serve-overlay-front-matter.png"))

        # 3. the fix clears the overlay and the page shows the fixed text
        with tab.expect_event("load", timeout=TIMEOUT_MS):
            replace(ko_a, "title: [가 페이지", "title: 고친 제목")
        tab.wait_for_selector("h1:has-text('고친 제목')", timeout=TIMEOUT_MS)
        assert tab.locator("daeyeok-overlay").count() == 0

        # 4. invalid TeX: overlay with the formula's line
        with tab.expect_event("load", timeout=TIMEOUT_MS):
            replace(ko_a, "디스크에서 고친 문장입니다.", "수식 $x^2$ 문장입니다.")
        replace(ko_a, "수식 $x^2$ 문장입니다.", "수식 $\\frac{1}{$ 문장입니다.")
        overlay.wait_for(timeout=TIMEOUT_MS)
        line = ko_a.read_text(encoding="utf-8").splitlines().index("수식 $\\frac{1}{$ 문장입니다. 경사 하강법에서 그래디언트를 구한다.") + 1
        assert overlay.locator(".where").first.inner_text().startswith(f"{display_path(ko_a)}:{line}:")
        tab.screenshot(path=str(SCREENSHOTS / "serve-overlay-math.png"))
        replace(ko_a, "수식 $\\frac{1}{$ 문장입니다.", "수식 $x^2$ 문장입니다.")
        overlay.wait_for(state="detached", timeout=TIMEOUT_MS)

        # 5. a glossary.yml edit changes what the page shows: the avoided form is flagged at its line
        replace(site / "glossary.yml", "accept: [그래디언트]", "avoid: [그래디언트]")
        overlay.wait_for(timeout=TIMEOUT_MS)
        assert "term-avoided" in overlay.locator(".message").first.inner_text()
        assert overlay.locator(".where").first.inner_text().startswith(f"{display_path(ko_a)}:{line}:")
        tab.screenshot(path=str(SCREENSHOTS / "serve-overlay-glossary.png"))
        replace(site / "glossary.yml", "avoid: [그래디언트]", "accept: [그래디언트]")
        overlay.wait_for(state="detached", timeout=TIMEOUT_MS)
        assert problems == []


def test_new_page_appears_and_deleted_page_becomes_404(make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site()
    with running(site) as app, chromium() as browser:
        tab = browser.new_page()
        response = tab.goto(app.url + "en/new/")
        assert response is not None and response.status == 404
        with tab.expect_event("load", timeout=TIMEOUT_MS):
            (site / "content/en/new.md").write_text(md_page("Brand new", "Fresh page.\n"), encoding="utf-8")
        tab.wait_for_selector("text=Fresh page.", timeout=TIMEOUT_MS)
        with tab.expect_event("load", timeout=TIMEOUT_MS):
            (site / "content/en/new.md").unlink()
        tab.wait_for_function("() => !document.body.innerText.includes('Fresh page.')", timeout=TIMEOUT_MS)
