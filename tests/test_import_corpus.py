"""Acceptance: import the real cs231n translation from ../shared and build it without losing a word.

The corpus is data nobody on the project wrote; it is read in place and never
copied.  When it is absent every test here skips and says why.  Formulas and
prose are counted by ``tests/test_import_oracle.py``, written independently of
the converter, and compared with what KaTeX put into the built pages.
"""

from __future__ import annotations

import json
import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from daeyeok.build import build
from daeyeok.diagnostics import Severity
from daeyeok.importer.run import ImportOptions, import_jekyll
from test_import_oracle import count, normalise

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "cs231n"
pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not (CORPUS / "en").is_dir(), reason=f"the cs231n corpus is not at {CORPUS} (it lives beside the checkout in ../shared)"),
]


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("cs231n") / "site"
    opts = ImportOptions(out=out, en=CORPUS / "en", ko=CORPUS / "ko", glossary=CORPUS / "ko" / "glossary.md", assets=CORPUS / "assets")
    result = import_jekyll(opts)
    assert result.written, [d.format() for d in result.report.diagnostics if d.severity is Severity.ERROR]
    built = build(out, out / "_site", use_cache=False)
    report = json.loads((out / "import-report.json").read_text(encoding="utf-8"))
    return {"out": out, "site": _Output(built.files, built.copies), "result": result, "build": built, "report": report}


class _Output:
    """The built site as the build produced it (path → bytes, plus copied files)."""

    def __init__(self, files: dict[str, bytes], copies: dict[str, Path]):
        self.files, self.copies = files, copies

    def exists(self, rel: str) -> bool:
        return rel in self.files or rel in self.copies

    def text(self, rel: str) -> str:
        return self.files[rel].decode("utf-8")


def test_import_has_no_errors_and_writes_a_complete_site(imported: dict[str, Any]) -> None:
    out: Path = imported["out"]
    assert imported["report"]["totals"]["errors"] == 0
    for name in ("site.yml", "glossary.yml", "content/en", "content/ko", "static/assets/cnn/cnn.jpeg"):
        assert (out / name).exists(), name
    assert not any(CORPUS.rglob("import-report.json")), "nothing may be written into the corpus"


def test_build_succeeds_with_no_errors(imported: dict[str, Any]) -> None:
    """Import and build succeed with 0 errors, and the site is written.

    The translators' own terminology slips (신경망(neural network)는) are not the
    importer's to rewrite: the imported site.yml sets ``glossary_check: warning``,
    so the build lists them as warnings and `daeyeok check` drives the clean-up.
    """
    built = imported["build"]
    assert [d.format() for d in built.diagnostics if d.severity is Severity.ERROR] == []
    assert built.written and (imported["out"] / "_site" / "ko" / "index.html").is_file()
    assert any(d.code == "particle" for d in built.diagnostics), "the slips are still reported, as warnings"


def test_pairing_and_untranslated_copies(imported: dict[str, Any]) -> None:
    report = imported["report"]
    pages = {(p["lang"], p["key"]): p for p in report["pages"]}
    nn2 = pages[("ko", "neural-networks-2")]
    assert nn2["source"].endswith("ko/neural-networks-2.kr.md")
    assert nn2["pair"].endswith("en/neural-networks-2.md")
    assert "/neural-networks-2-kr/" in nn2["aliases"] and "/neural-networks-2/" in nn2["aliases"]
    untranslated = {Path(u["source"]).name for u in report["untranslated"]}
    assert {"neural-networks-2.md", "overview.md", "transfer-learning.md", "convnet-tips.md"} <= untranslated
    assert ("ko", "overview") not in pages and ("en", "overview") in pages
    assert report["totals"]["paired"] >= 15
    # an old permalink still lands, through a redirect page
    redirect = imported["site"].text("neural-networks-2-kr/index.html")
    assert "url=/ko/neural-networks-2/" in redirect


class _Page(HTMLParser):
    """Formulas, visible prose text, links and anchors of one built page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.inline = self.display = 0
        self.text: list[str] = []
        self.links: list[str] = []
        self.ids: set[str] = set()
        self._stack: list[tuple[str, bool, bool]] = []  # (tag, in prose, in katex)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        classes = a.get("class", "").split()
        prose, katex = self._stack[-1][1:] if self._stack else (False, False)
        prose = prose or (tag == "div" and "prose" in classes)
        if prose and not katex and tag == "span" and "katex" in classes:
            self.inline += 1
        if prose and not katex and "katex-display" in classes:
            self.display += 1
        katex = katex or "katex" in classes or (tag == "a" and "anchor" in classes)  # heading anchor links' '#' is no prose
        for key in ("id",) + (("name",) if tag == "a" else ()):
            if a.get(key):
                self.ids.add(a[key])
        for key in ("href", "src"):
            if a.get(key) and tag in ("a", "img", "source", "link", "script", "iframe"):
                self.links.append(a[key])
        if tag not in ("img", "br", "hr", "meta", "link", "input", "source", "path", "line", "circle"):
            self._stack.append((tag, prose, katex))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i][0] == tag:
                del self._stack[i:]
                break

    def handle_data(self, data: str) -> None:
        if self._stack and self._stack[-1][1] and not self._stack[-1][2]:
            self.text.append(data)


def _parse(site: _Output, rel: str) -> _Page:
    page = _Page()
    page.feed(site.text(rel))
    return page


def _sources(report: dict[str, Any]) -> list[tuple[str, str, Path]]:
    """(lang, key, source) for every published page: a Korean page without a translation shows the English source."""
    pages = {(p["lang"], p["key"]): p for p in report["pages"] if p["status"] != "generated"}
    out = []
    for (lang, key), p in sorted(pages.items()):
        out.append((lang, key, Path(p["source"])))
        other = "ko" if lang == "en" else "en"
        if (other, key) not in pages:
            out.append((other, key, Path(p["source"])))
    return out


def _page_file(lang: str, key: str) -> str:
    return f"{lang}/{key}/index.html"


def test_every_formula_is_typeset_by_katex(imported: dict[str, Any]) -> None:
    site: _Output = imported["site"]
    mismatches = []
    total = expected_total = 0
    for lang, key, source in _sources(imported["report"]):
        expected = count(source.read_text(encoding="utf-8"))
        page = _parse(site, _page_file(lang, key))
        got = (page.inline - page.display, page.display)
        total += page.inline
        expected_total += expected.inline + expected.display
        if got != (expected.inline, expected.display):
            mismatches.append(
                f"{lang}/{key} from {source.name}: kramdown counts {expected.inline} inline + {expected.display} display, the page has {got[0]} + {got[1]}"
            )
        visible = "".join(page.text)
        assert "$$" not in visible and "\\(" not in visible, f"{lang}/{key}: math delimiters left in the text"
    assert mismatches == []
    assert total == expected_total > 0


def test_every_prose_paragraph_survives(imported: dict[str, Any]) -> None:
    site: _Output = imported["site"]
    lost = []
    for lang, key, source in _sources(imported["report"]):
        page_text = normalise("".join(_parse(site, _page_file(lang, key)).text))
        for segment in count(source.read_text(encoding="utf-8")).prose:
            if segment not in page_text:
                lost.append(f"{lang}/{key} ({source.name}): {segment[:80]}")
    assert lost == []


def test_every_image_link_and_anchor_resolves_or_was_broken_in_the_source(imported: dict[str, Any]) -> None:
    site: _Output = imported["site"]
    report = imported["report"]
    broken_in_source = {(b["page"], b["target"]) for b in report["broken_links"]}
    pages = {(p["lang"], p["key"]) for p in report["pages"]}
    unexplained = []
    checked = 0
    for lang, key, _source in _sources(report):
        doc_page = f"{lang}/{key}" if (lang, key) in pages else f"{'en' if lang == 'ko' else 'ko'}/{key}"
        here = f"/{lang}/{key}/"
        parsed = _parse(site, _page_file(lang, key))
        for link in parsed.links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith("//"):
                continue
            checked += 1
            path = posixpath.normpath(posixpath.join(here, unquote(parts.path))) if parts.path else here
            file = path.lstrip("/")
            if not file or path.endswith("/") or parts.path.endswith("/") or (not site.exists(file) and site.exists(file + "/index.html")):
                file = (file.rstrip("/") + "/index.html").lstrip("/")
            ok = site.exists(file)
            if ok and parts.fragment:
                ok = unquote(parts.fragment) in (parsed.ids if file == _page_file(lang, key) else _parse(site, file).ids)
            if not ok and (doc_page, link) not in broken_in_source:
                unexplained.append(f"{lang}/{key}: {link}")
    assert unexplained == []
    assert checked > 300
    # the report gives each already-broken link with its source line
    for b in report["broken_links"]:
        assert Path(b["source"]).is_file() and b["line"] > 0
        assert b["target"] in Path(b["source"]).read_text(encoding="utf-8").splitlines()[b["line"] - 1].replace("{{site.baseurl}}", "")


def test_glossary_is_converted_and_valid(imported: dict[str, Any]) -> None:
    from daeyeok.glossary import parse_glossary

    text = (imported["out"] / "glossary.yml").read_text(encoding="utf-8")
    glossary, diags = parse_glossary(Path("glossary.yml"), text)
    assert diags == [] and glossary is not None
    terms = {t.en.lower(): t for t in glossary.terms}
    assert terms["relu"].keep_english and terms["relu"].reading == "렐루"
    assert terms["accuracy"].ko == "정확도" and "성능" in terms["accuracy"].accept
    assert "문맥상" in terms["weights"].note
    assert "image" in terms and terms["image"].ko == "이미지", "the commented-out older table (영상, 이미지) is ignored"
    assert not re.search(r"영상", text)
