"""The Jekyll importer on small hand-written inputs: conversion rules, pairing, navigation, usage errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from daeyeok.build import build
from daeyeok.cli import main
from daeyeok.diagnostics import Severity
from daeyeok.importer.kramdown import LinkResult, clean_tex, convert_body, gfm_id, md_unescape


def _keep(target: str, raw_html: bool) -> LinkResult:
    return LinkResult(target, "external")


def _convert(text: str) -> str:
    return convert_body(text, 1, _keep).text


def test_math_block_list_item_and_inline() -> None:
    conv = convert_body("Let $$x\\_i$$ be.\n\n$$\nf(x) = \\\\\\\\\ny\n$$\n\n- $$a$$\n- item $$b$$\n", 1, _keep)
    assert (conv.inline, conv.display) == (2, 2)
    assert conv.lines[0] == "Let \\(x_i\\) be."
    assert conv.lines[2:7] == ["$$", "f(x) = \\\\", "y", "$$", ""]
    assert conv.lines[7:10] == ["- $$", "  a", "  $$"]
    assert conv.lines[10] == "- item \\(b\\)"


def test_formula_that_does_not_fill_its_block_is_inline() -> None:
    assert _convert("Text\n$$x$$\n") == "Text\n\\(x\\)\n"
    assert _convert("### Head\n$$x$$\n") == "### Head\n\\(x\\)\n"


def test_english_parenthesis_math_is_markdown_unescaped() -> None:
    assert _convert("in \\\\( y \\in \\{ 1 \\} \\\\) and \\\\(w\\_i\\\\)\n") == "in \\( y \\in { 1 } \\) and \\(w_i\\)\n"
    assert md_unescape("\\{a\\}\\_b \\% &lt;") == "{a}_b \\% <"


def test_text_dollars_escapes_and_code_keep_their_meaning() -> None:
    conv = convert_body("costs $5, see \\(this\\) and \\% or `$$code$$`\n\n```\n$ ls $$x$$\n```\n", 1, _keep)
    assert conv.lines[0] == "costs \\$5, see (this) and \\\\% or `$$code$$`"
    assert conv.lines[2:5] == ["```", "$ ls $$x$$", "```"]
    assert (conv.inline, conv.text_dollars) == (0, 1)
    assert [p.code for p in conv.problems] == ["import-math"]


def test_liquid_and_html_blocks() -> None:
    seen: list[tuple[str, bool]] = []

    def resolve(target: str, raw_html: bool) -> LinkResult:
        seen.append((target, raw_html))
        return LinkResult(target, "file")

    text = '<div class="fig">\n  <img src="{{ site.baseurl }}/assets/a.png">\n\n  <div class="figcaption">Cap</div>\n</div>\nNext para ![x]({{site.baseurl}}/assets/b.png)\n'
    conv = convert_body(text, 1, resolve)
    assert conv.lines == [
        '<div class="fig">',
        '  <img src="/assets/a.png">',
        '  <div class="figcaption">Cap</div>',
        "</div>",
        "",
        "Next para ![x](/assets/b.png)",
        "",
    ]
    assert seen == [("/assets/a.png", True), ("/assets/b.png", False)]
    assert conv.liquid == 2 and conv.links_rewritten == 2


def test_helpers() -> None:
    used: dict[str, int] = {}
    assert [gfm_id("Summary", used), gfm_id("Summary", used), gfm_id("선형 분류 (Linear)", used)] == ["summary", "summary-1", "선형-분류-linear"]
    assert clean_tex("a\\_b \\\\\\\\ c \\\\ d", True) == "a_b \\\\ c \\\\ d"
    assert clean_tex("\\\\\\\\", False) == "\\\\\\\\"


JEKYLL = {
    "en/intro.md": "---\nlayout: page\npermalink: /intro/\n---\n\n## Introduction\n\nSee [the next page](/next/) and [a lost one](/gone/).\n",
    "en/next.md": "---\nlayout: page\ntitle: Next steps\nmathjax: true\npermalink: /next/\n---\n\nInline \\\\(a\\_1\\\\) here.\n\n$$\nb\n$$\n\n[back](/intro/#introduction)\n",
    "ko/intro.md": "---\nlayout: page\npermalink: /intro/\n---\n\nStill English, not translated.\n",
    "ko/intro.kr.md": "---\nlayout: page\npermalink: /intro-kr/\n---\n\n## 소개\n\n[다음 쪽](/next/)을 보세요. $$x$$는 식이다.\n",
    "index.md": "---\nlayout: default\n---\n\n## Notes\n\n- [Next]({{site.baseurl}}/next/)\n- [Intro]({{site.baseurl}}/intro/)\n",
}


@pytest.fixture()
def jekyll(tmp_path: Path) -> Path:
    for rel, text in JEKYLL.items():
        p = tmp_path / "src" / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return tmp_path


def test_import_pairs_converts_and_builds(jekyll: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src, out = jekyll / "src", jekyll / "site"
    code = main(["import", "jekyll", "--en", str(src / "en"), "--ko", str(src / "ko"), "--index", str(src / "index.md"), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 0, err
    report = json.loads((out / "import-report.json").read_text(encoding="utf-8"))
    pages = {(p["lang"], p["key"]): p for p in report["pages"]}
    assert pages[("ko", "intro")]["source"].endswith("intro.kr.md")
    assert pages[("ko", "intro")]["aliases"] == ["/intro-kr/", "/intro/"]
    assert [Path(u["source"]).name for u in report["untranslated"]] == ["intro.md"]
    assert report["nav"][1]["pages"] == ["next", "intro"], "the index page's link order"
    assert [(b["target"], b["line"]) for b in report["broken_links"]] == [("/gone/", 8)]
    assert ":8:" in err and "import-link" in err
    en_next = (out / "content/en/next.md").read_text(encoding="utf-8")
    assert en_next.startswith("---\ntitle: Next steps\naliases:\n- /next/\n---\n") and "mathjax" not in en_next
    assert "[back](intro.md#introduction)" in en_next and "\\(a_1\\)" in en_next
    ko_intro = (out / "content/ko/intro.md").read_text(encoding="utf-8")
    assert "title: 소개" in ko_intro and "[다음 쪽](next.md)을" in ko_intro and "\\(x\\)는" in ko_intro
    result = build(out, out / "_site", use_cache=False)
    assert [d.format() for d in result.diagnostics if d.severity is Severity.ERROR] == []
    assert result.written and (out / "_site/intro-kr/index.html").is_file()


def test_usage_errors_are_diagnostics_not_tracebacks(jekyll: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = jekyll / "src"
    assert main(["import", "jekyll", "--en", str(src / "en"), "--out", str(src / "en" / "site")]) == 2
    err = capsys.readouterr().err
    assert "error usage: the output directory overlaps the source" in err and "Traceback" not in err
    assert not (src / "en" / "site").exists()
    assert main(["import", "jekyll", "--en", str(src / "nope"), "--out", str(jekyll / "o")]) == 2
    assert "is not a directory" in capsys.readouterr().err
    (jekyll / "full").mkdir()
    (jekyll / "full" / "keep.txt").write_text("mine", encoding="utf-8")
    assert main(["import", "jekyll", "--en", str(src / "en"), "--out", str(jekyll / "full"), "--force"]) == 2
    assert "refusing to delete" in capsys.readouterr().err and (jekyll / "full" / "keep.txt").is_file()
