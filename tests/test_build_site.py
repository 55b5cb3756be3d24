"""Whole builds of small sites: URLs, languages, fallbacks, math, determinism."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from conftest import REPO, page
from daeyeok.build import build


def files_of(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_pretty_urls_and_language_pages(make_site) -> None:  # type: ignore[no-untyped-def]
    root = make_site()
    result = build(root)
    assert result.ok(strict=True), [d.format() for d in result.diagnostics]
    out = root / "_site"
    for rel in ["index.html", "404.html", "sitemap.xml", "robots.txt", "ko/index.html", "en/index.html", "ko/a/index.html", "en/a/index.html"]:
        assert (out / rel).is_file(), rel
    assert (out / "assets/katex/katex.min.css").is_file()
    assert any((out / "assets/katex/fonts").glob("*.woff2"))


def test_every_page_has_lang_switcher_alternates_and_canonical(make_site) -> None:  # type: ignore[no-untyped-def]
    root = make_site()
    build(root)
    html = (root / "_site/ko/a/index.html").read_text()
    assert '<html lang="ko"' in html
    assert '<link rel="canonical" href="https://example.org/ko/a/">' in html
    assert '<link rel="alternate" hreflang="en" href="https://example.org/en/a/">' in html
    assert '<link rel="alternate" hreflang="x-default" href="https://example.org/ko/a/">' in html
    assert re.search(r'<a class="lang-switch" href="/en/a/" hreflang="en"', html)
    en = (root / "_site/en/a/index.html").read_text()
    assert '<html lang="en"' in en
    assert re.search(r'<a class="lang-switch" href="/ko/a/" hreflang="ko"', en)


def test_untranslated_page_falls_back_with_banner(make_site) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"content/en/only.md": page("Only English", "Some **English** text.\n"), "content/ko/only-ko.md": page("한국어만", "한국어 본문.\n")})
    result = build(root)
    assert result.ok(strict=True), [d.format() for d in result.diagnostics]
    ko = (root / "_site/ko/only/index.html").read_text()
    assert '<html lang="ko"' in ko
    assert '<meta name="robots" content="noindex">' in ko
    assert '<article class="page" lang="en">' in ko
    assert "아직 번역되지 않았습니다." in ko
    assert '<a href="/en/only/" hreflang="en">영어 원문 보기</a>' in ko
    assert "Some <strong>English</strong> text." in ko
    en = (root / "_site/en/only-ko/index.html").read_text()
    assert '<article class="page" lang="ko">' in en and "Not translated yet." in en
    translated = (root / "_site/ko/a/index.html").read_text()
    assert "noindex" not in translated and "banner--fallback" not in translated


def test_sitemap_lists_translated_pages_with_alternates(make_site) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"content/en/only.md": page("Only English")})
    build(root)
    tree = ElementTree.parse(root / "_site/sitemap.xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    locs = [e.text for e in tree.findall("s:url/s:loc", ns)]
    assert "https://example.org/ko/a/" in locs and "https://example.org/en/only/" in locs
    assert "https://example.org/ko/only/" not in locs, "fallback pages are noindex, so not in the sitemap"
    first = tree.find("s:url", ns)
    assert first is not None
    assert {link.get("hreflang") for link in first.findall("x:link", ns)} == {"ko", "en", "x-default"}


def test_base_url_prefixes_every_internal_url(make_site) -> None:  # type: ignore[no-untyped-def]
    body = '![그림](/figures/a.svg) [처음](index.md)\n\n<img src="/figures/a.svg" alt="x">\n'
    # the English page has the same figures and links, so translation structure checks stay quiet under strict
    root = make_site(
        {"static/figures/a.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>", "content/ko/a.md": page("가", body), "content/en/a.md": page("A", body)}
    )
    result = build(root, base_url="/cs231n/")
    assert result.ok(strict=True), [d.format() for d in result.diagnostics]
    for rel, data in files_of(root / "_site").items():
        if not rel.endswith(".html"):
            continue
        text = data.decode()
        for url in re.findall(r'(?:href|src)="(/[^"]*)"', text):
            assert url.startswith("/cs231n/"), f"{rel}: {url}"
    html = (root / "_site/ko/a/index.html").read_text()
    assert 'src="/cs231n/figures/a.svg"' in html and 'href="/cs231n/ko/"' in html


def test_math_is_rendered_at_build_time_and_cached(make_site) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"content/ko/a.md": page("가", "$x^2$ 그리고\n\n$$\n\\begin{align}a&=b\\\\c&=d\\end{align}\n$$\n")})
    first = build(root)
    assert first.stats["formulas_rendered"] >= 2
    html = (root / "_site/ko/a/index.html").read_text()
    assert html.count('class="katex"') == 2
    assert 'class="katex-display"' in html and "<math" in html
    assert "$" not in re.sub(r"<[^>]+>", "", html.split('<div class="prose">')[1].split("</article>")[0]).replace("&#36;", "")
    third = build(root, root / "_site3")  # another output: a full build, every page from the page cache
    assert third.stats["formulas_rendered"] == third.stats["formulas_cached"] == 0 and third.stats["pages_cached"] > 0
    for name in ("pages.sqlite", "pages.sqlite-wal", "pages.sqlite-shm"):
        (root / ".daeyeok-cache" / name).unlink(missing_ok=True)
    second = build(root, root / "_site2")  # without the page cache: pages rendered, formulas from their cache
    assert second.stats["formulas_rendered"] == 0 and second.stats["formulas_cached"] >= 2
    assert files_of(root / "_site") == files_of(root / "_site2")


def test_unchanged_site_is_not_built_again(make_site) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"content/ko/a.md": page("가", "[없음](nope.md)\n")})
    first = build(root)
    assert first.written and not first.up_to_date
    index = root / "_site/ko/a/index.html"
    stamp = index.stat().st_mtime_ns
    again = build(root)
    assert again.up_to_date and not again.written
    assert [d.format() for d in again.diagnostics] == [d.format() for d in first.diagnostics], "warnings are repeated"
    assert index.stat().st_mtime_ns == stamp, "the output was left as it was"
    (root / "content/ko/a.md").write_text(page("가", "바뀐 본문\n"), encoding="utf-8")
    changed = build(root)
    assert changed.written and "바뀐 본문" in index.read_text()
    (root / "_site/en/index.html").unlink()
    repaired = build(root)
    assert repaired.written and (root / "_site/en/index.html").is_file(), "a damaged output is rebuilt"
    assert build(root, base_url="/sub/").written, "other options rebuild"
    assert build(root, use_cache=False).written, "--no-cache always builds"


def test_fallback_to_mathml_with_one_warning(make_site, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DAEYEOK_KATEX_DIR", str(tmp_path / "no-katex"))
    root = make_site()
    result = build(root)
    warnings = [d.format() for d in result.diagnostics]
    assert len(warnings) == 1 and "math falls back to MathML (latex2mathml)" in warnings[0]
    html = (root / "_site/ko/a/index.html").read_text()
    assert "<math" in html and 'class="katex"' not in html
    assert not (root / "_site/assets/katex").exists()


def test_two_builds_in_different_places_are_byte_identical(make_site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = make_site()
    a = build(root, tmp_path / "one", use_cache=False)
    b = build(root, tmp_path / "two")
    assert a.written and b.written
    assert files_of(tmp_path / "one") == files_of(tmp_path / "two")


def test_sample_course_builds_identically_twice(tmp_path: Path) -> None:
    first = build(REPO, tmp_path / "a", strict=True)
    assert first.ok(strict=True), [d.format() for d in first.diagnostics]
    build(REPO, tmp_path / "b", strict=True, use_cache=False)
    assert files_of(tmp_path / "a") == files_of(tmp_path / "b")


def test_python_m_daeyeok_help() -> None:
    result = subprocess.run([sys.executable, "-m", "daeyeok", "--help"], capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert "build" in result.stdout
    build_help = subprocess.run([sys.executable, "-m", "daeyeok", "build", "--help"], capture_output=True, text=True, check=False)
    assert "--base-url" in build_help.stdout and "--strict" in build_help.stdout


def test_command_line_exits_with_its_code_and_every_line_said(make_site) -> None:  # type: ignore[no-untyped-def]
    """``python -m daeyeok`` leaves through os._exit (cli.entry): its exit code and all it printed must survive."""
    glossary = "- en: weight\n  ko: 가중치\n  avoid: [웨이트]\n"
    pages = {f"content/ko/p{i}.md": page(f"쪽 {i}", "웨이트를 바꾼다.\n" * 2) for i in range(3)}
    from conftest import MINIMAL_SITE_YML

    root = make_site({"glossary.yml": glossary, "site.yml": MINIMAL_SITE_YML + "glossary_check: warning\n", **pages})
    command = [sys.executable, "-m", "daeyeok", "check", "--site", str(root), "--no-cache", "--format", "json"]
    buffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # as a CI runner or a shell would run it
    check = subprocess.run(command, capture_output=True, text=True, check=False, env=buffered)
    assert check.returncode == 1 and check.stdout.endswith("}\n"), check.stdout[-200:]
    findings = json.loads(check.stdout)["diagnostics"]  # stdout into a pipe is block-buffered: less than a buffer, still all of it
    assert sum(1 for f in findings if f["code"] == "term-avoided") == 3 * 2, check.stdout[-500:]
    built = subprocess.run(
        [sys.executable, "-m", "daeyeok", "build", "--site", str(root), "--no-cache"], capture_output=True, text=True, check=False, env=buffered
    )
    assert built.returncode == 0 and re.search(r"^built \d+ pages into ", built.stderr, re.M), built.stderr[-1000:]
    assert built.stderr.count("warning term-avoided") == 3 * 2


def test_glossary_check_level_in_build(make_site) -> None:  # type: ignore[no-untyped-def]
    from conftest import MINIMAL_SITE_YML

    glossary = "- en: weight\n  ko: 가중치\n  avoid: [웨이트]\n"
    files = {"glossary.yml": glossary, "content/ko/a.md": page("가", "웨이트를 바꾼다.\n")}
    strict_site = make_site(files)
    found = build(strict_site, write=False)
    assert any(d.code.startswith("term") and d.severity.value == "error" for d in found.diagnostics), [d.format() for d in found.diagnostics]
    for level, expect in (("warning", "warning"), ("off", None)):
        root = make_site({**files, "site.yml": MINIMAL_SITE_YML + f"glossary_check: {level}\n"})
        result = build(root, write=False)
        severities = {d.severity.value for d in result.diagnostics if d.code.startswith("term")}
        assert severities == ({expect} if expect else set()), [d.format() for d in result.diagnostics]


def test_links_to_generated_pages_are_checked(make_site) -> None:  # type: ignore[no-untyped-def]
    glossary = "- en: weight\n  ko: 가중치\n"
    root = make_site(
        {"glossary.yml": glossary, "content/ko/a.md": page("가", "[용어](/ko/glossary/#weight) [없는 용어](/ko/glossary/#nope) [현황](/en/status/)\n")}
    )
    found = [(d.line, d.col, d.message) for d in build(root, write=False).diagnostics if d.code in ("link", "anchor")]
    assert found == [(5, 36, "the page at /ko/glossary/ has no id 'nope'")]


def test_the_same_site_in_two_directories_builds_byte_identical(tmp_path: Path) -> None:
    import shutil

    golden = REPO / "tests" / "sites" / "golden" / "site"
    one, two = tmp_path / "first" / "site", tmp_path / "elsewhere" / "deeper" / "copy"
    shutil.copytree(golden, one)
    shutil.copytree(golden, two)
    a, b = build(one, tmp_path / "out-a", use_cache=False), build(two, tmp_path / "out-b", use_cache=False)
    assert a.written and b.written
    assert files_of(tmp_path / "out-a") == files_of(tmp_path / "out-b")


def test_site_yml_nav_can_place_the_glossary_and_status_pages(make_site) -> None:  # type: ignore[no-untyped-def]
    from conftest import MINIMAL_SITE_YML

    nav = MINIMAL_SITE_YML.replace("pages: [index, a]", "pages: [index, glossary, a, status]")
    root = make_site({"site.yml": nav, "glossary.yml": "- en: weight\n  ko: 가중치\n"})
    result = build(root)
    assert result.ok(strict=True), [d.format() for d in result.diagnostics]
    html = (root / "_site/ko/a/index.html").read_text()
    nav_html = html.split('<nav class="site-nav"')[1].split("</nav>")[0]
    links = re.findall(r'<a href="([^"]+)"', nav_html)
    assert links == ["/ko/", "/ko/glossary/", "/ko/a/", "/ko/status/"], "in site.yml's order, and the glossary not appended again"
    status = (root / "_site/ko/status/index.html").read_text()
    assert 'href="/ko/status/" aria-current="page"' in status


def test_nav_entry_for_a_glossary_page_needs_a_glossary(make_site) -> None:  # type: ignore[no-untyped-def]
    from conftest import MINIMAL_SITE_YML

    root = make_site({"site.yml": MINIMAL_SITE_YML.replace("pages: [index, a]", "pages: [index, glossary]")})
    errors = [d.format() for d in build(root, write=False).diagnostics if d.code == "nav"]
    assert len(errors) == 1 and "navigation lists 'glossary', but there is no content/<lang>/glossary.md" in errors[0]


def test_cli_answers_an_unchanged_site_without_the_renderer(make_site) -> None:  # type: ignore[no-untyped-def]
    """`daeyeok build` on an unchanged site repeats the diagnostics and exits, before jinja2,
    markdown-it and the rest of the pipeline are even imported (0.28 -> 0.08 s on cs231n)."""
    root = make_site({"content/ko/a.md": page("가", "[없음](nope.md)\n")})
    probe = "import sys\nfrom daeyeok.cli import main\ncode = main(['build'])\nprint('LOADED', 'jinja2' in sys.modules, 'markdown_it' in sys.modules, code)\n"
    first = subprocess.run([sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, check=False)
    assert "LOADED True True 0" in first.stdout, first.stderr
    again = subprocess.run([sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, check=False)
    assert "LOADED False False 0" in again.stdout, again.stderr
    assert "is up to date" in again.stderr
    assert [line for line in again.stderr.splitlines() if "nope.md" in line] == [line for line in first.stderr.splitlines() if "nope.md" in line] != []
