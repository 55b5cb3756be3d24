"""Whole builds with a glossary: the /<lang>/glossary/ pages (content, order, anchors, navigation, sitemap)
and which pages get term links."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import page
from daeyeok.build import build

GLOSSARY = """\
- en: weight
  variants: [weights]
  ko: 가중치
  accept: [파라미터 값]
  avoid: {웨이트: 가중치, 웨이트값: 가중치 값}
  note: 문맥에 따라 '파라미터 값'도 쓴다.
- en: loss function
  ko: 손실 함수
  avoid: [손실함수]
- en: ReLU
  variants: [rectified linear unit]
  ko: ReLU
  keep_english: true
  reading: 렐루
  case_sensitive: true
- en: batch
  ko: 배치
- en: Gradient
  ko: 그라디언트
  note: <b>기울기</b>라고도 한다.
"""


def entries(html: str) -> list[tuple[str, str]]:
    """(anchor, main headword) of every entry, in page order."""
    return re.findall(
        r'<div class="glossary-entry" id="([^"]+)"[^>]*>\s*<dt class="glossary-entry__term"><span class="glossary-entry__main"[^>]*>([^<]+)</span>', html
    )


def test_glossary_pages_list_every_term_in_each_languages_order(make_site) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"glossary.yml": GLOSSARY, "content/ko/a.md": page("가 페이지", "가중치와 배치.\n")})
    result = build(root)
    assert result.ok(), [d.format() for d in result.diagnostics]
    ko = (root / "_site/ko/glossary/index.html").read_text()
    en = (root / "_site/en/glossary/index.html").read_text()
    # 가나다, ReLU filed under its reading 렐루 (ㄹ); A–Z case-insensitively
    assert entries(ko) == [("weight", "가중치"), ("gradient", "그라디언트"), ("relu", "ReLU"), ("batch", "배치"), ("loss-function", "손실 함수")]
    assert entries(en) == [("batch", "batch"), ("gradient", "Gradient"), ("loss-function", "loss function"), ("relu", "ReLU"), ("weight", "weight")]
    weight = ko[ko.index('id="weight"') : ko.index('id="gradient"')]
    assert '<span class="glossary-entry__other" lang="en">weight</span>' in weight
    assert "파라미터 값" in weight  # accepted
    assert "<s>웨이트</s>, <s>웨이트값</s> → 가중치 값" in weight  # avoided, with the fix only where it is not the preferred form
    assert "문맥에 따라 &#39;파라미터 값&#39;도 쓴다." in weight  # the note
    relu = ko[ko.index('id="relu"') :]
    assert '<span class="glossary-entry__reading" lang="ko">[렐루]</span>' in relu and "영어 그대로 씀" in relu
    assert "rectified linear unit" in relu
    assert "&lt;b&gt;기울기&lt;/b&gt;" in ko  # notes are text, escaped
    en_relu = en[en.index('id="relu"') :]
    assert "Kept in English" in en_relu and '<span lang="ko">렐루</span>' in en_relu
    assert 'data-filter="weight weights 가중치 파라미터값 웨이트 웨이트값"' in ko
    assert '<html lang="ko"' in ko and '<html lang="en"' in en
    assert '<link rel="canonical" href="https://example.org/ko/glossary/">' in ko
    assert '<link rel="alternate" hreflang="en" href="https://example.org/en/glossary/">' in ko
    assert re.search(r'<a class="lang-switch" href="/en/glossary/" hreflang="en"', ko)
    sitemap = (root / "_site/sitemap.xml").read_text()
    assert "<loc>https://example.org/ko/glossary/</loc>" in sitemap and "<loc>https://example.org/en/glossary/</loc>" in sitemap


def test_navigation_ends_with_the_glossary_and_marks_it_current_there(make_site) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"glossary.yml": GLOSSARY})
    build(root)
    a = (root / "_site/ko/a/index.html").read_text()
    nav = a[a.index('<nav class="site-nav"') : a.index("</nav>", a.index('<nav class="site-nav"'))]
    assert nav.index("가 페이지") < nav.index('<li><a href="/ko/glossary/">용어집</a></li>')
    en = (root / "_site/en/glossary/index.html").read_text()
    assert '<li class="is-current"><a href="/en/glossary/" aria-current="page">Glossary</a></li>' in en


def test_first_use_per_section_on_korean_pages_only(make_site) -> None:  # type: ignore[no-untyped-def]
    root = make_site(
        {
            "glossary.yml": GLOSSARY,
            "content/ko/a.md": page("가 페이지", "가중치를 쓰고 가중치를 또 쓴다.\n\n## 둘째 절 {#first}\n\n`가중치` 다음 가중치, ReLU를.\n"),
            "content/en/a.md": page("Page A", "## First {#first}\n\nThe weights and ReLU; 가중치.\n"),
            "content/en/only.md": page("Only English", "가중치 in an English page shown on the Korean side.\n"),
        }
    )
    result = build(root)
    assert result.ok(), [d.format() for d in result.diagnostics]
    ko = (root / "_site/ko/a/index.html").read_text()
    body = ko[ko.index('<div class="prose">') :]
    links = re.findall(r'<a class="term" href="([^"]+)" title="([^"]+)">([^<]+)</a>', body)
    assert links == [
        ("/ko/glossary/#weight", "weight — 문맥에 따라 '파라미터 값'도 쓴다.", "가중치"),
        ("/ko/glossary/#weight", "weight — 문맥에 따라 '파라미터 값'도 쓴다.", "가중치"),
        ("/ko/glossary/#relu", "ReLU (렐루)", "ReLU"),
    ]
    assert '<h2 id="first">둘째 절' in body
    assert 'class="term"' not in (root / "_site/en/a/index.html").read_text()
    fallback = (root / "_site/ko/only/index.html").read_text()
    assert "banner--fallback" in fallback and 'class="term"' not in fallback  # not the page's own Korean text
    parallel = (root / "_site/ko/a/parallel/index.html").read_text()
    assert parallel.count('class="term"') == 3  # the Korean side of the parallel view matches the page


def test_a_content_page_named_glossary_keeps_its_url(make_site) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"glossary.yml": GLOSSARY, "content/ko/glossary.md": page("우리 용어집", "직접 쓴 용어집. 가중치.\n")})
    result = build(root)
    assert result.ok(), [d.format() for d in result.diagnostics]
    mine = (root / "_site/ko/glossary/index.html").read_text()
    assert "직접 쓴 용어집" in mine and "glossary-entry" not in mine
    assert "glossary-entry" not in (root / "_site/en/glossary/index.html").read_text()  # the fallback of that page
    a = (root / "_site/ko/a/index.html").read_text()
    assert '/ko/glossary/">용어집' not in a  # no automatic navigation entry
    assert '<span class="term" tabindex="0" title="weight' in mine  # terms still explained, with nothing to link to


def test_no_glossary_no_page(make_site) -> None:  # type: ignore[no-untyped-def]
    root = make_site()
    result = build(root)
    assert result.ok(strict=True)
    assert not (root / "_site/ko/glossary").exists() and not (root / "_site/en/glossary").exists()
    assert "glossary" not in (root / "_site/ko/a/index.html").read_text()
    assert "glossary" not in (root / "_site/sitemap.xml").read_text()


def test_glossary_output_is_deterministic(make_site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"glossary.yml": GLOSSARY})
    first = build(root, tmp_path / "one", use_cache=False)
    second = build(root, tmp_path / "two", use_cache=False)
    assert first.files["ko/glossary/index.html"] == second.files["ko/glossary/index.html"]
    assert first.files["ko/a/index.html"] == second.files["ko/a/index.html"]
