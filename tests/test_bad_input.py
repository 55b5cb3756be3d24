"""Bad input: each case gives one exact diagnostic, exit 1, and writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import MINIMAL_SITE_YML, diagnostics_of, page

CASES = {
    "malformed front matter": (
        {"content/ko/a.md": "---\ntitle: [unclosed\norder: 1\n---\n\n본문\n"},
        "content/ko/a.md:3:6: error front-matter: expected ',' or ']', but got ':'",
    ),
    "missing title": (
        {"content/ko/a.md": "---\ndescription: 설명\n---\n\n본문\n"},
        "content/ko/a.md:1:1: error front-matter: missing required key 'title'",
    ),
    "non-string title": (
        {"content/ko/a.md": "---\ntitle: 12\n---\n\n본문\n"},
        "content/ko/a.md:2:8: error front-matter: 'title' must be a non-empty string, not int",
    ),
    "duplicate front matter key": (
        {"content/ko/a.md": "---\ntitle: a\ntitle: b\n---\n"},
        "content/ko/a.md:3:1: error front-matter: duplicate key 'title'",
    ),
    "no front matter": (
        {"content/ko/a.md": "본문\n"},
        "content/ko/a.md:1:1: error front-matter: missing front matter: start the file with '---', a line 'title: …' and '---'",
    ),
    "invalid inline TeX": (
        {"content/ko/a.md": page("가", "첫 줄\n\n수식 $\\frac{a}{$ 끝.\n")},
        "content/ko/a.md:7:4: error math: KaTeX parse error: Unexpected end of input in a macro argument, expected '}' at end of input: \\frac{a}{",
    ),
    "invalid display TeX": (
        {"content/ko/a.md": page("가", "$$\n\\begin{foo}\n$$\n")},
        "content/ko/a.md:5:1: error math: KaTeX parse error: No such environment: foo at position 7: \\begin{̲f̲o̲o̲}̲",
    ),
    "unknown site.yml key": (
        {"site.yml": MINIMAL_SITE_YML + "colour: blue\n"},
        "site.yml:10:1: error config: unknown key 'colour' (known keys: base_url, default_language, description, edit_branch, glossary_check, languages, math, nav, raw_html, repository, title, url)",
    ),
    "wrong site.yml type": (
        {"site.yml": MINIMAL_SITE_YML + "math: [katex]\n"},
        "site.yml:10:7: error config: 'math' must be a non-empty string",
    ),
    "nav entry to a missing page": (
        {"site.yml": MINIMAL_SITE_YML.replace("[index, a]", "[index, a, missing/page]")},
        "site.yml:9:23: error nav: navigation lists 'missing/page', but there is no content/<lang>/missing/page.md",
    ),
    "non-UTF-8 file": (
        {"content/ko/a.md": "---\ntitle: 가\n---\n\n좋은 줄\n".encode() + b"bad \xff byte\n"},
        "content/ko/a.md:6:5: error encoding: not valid UTF-8 (byte 0xff); save the file as UTF-8",
    ),
    "template syntax error": (
        {"templates/page.html": "{% extends 'base.html' %}\n{% block main %}\n{{ page.title \n{% endblock %}\n"},
        "templates/page.html:4:1: error template: expected token 'end of print statement', got '{'",
    ),
    "template undefined variable": (
        {"templates/page.html": "{% extends 'base.html' %}\n{% block main %}\n<p>{{ page.nosuch }}</p>\n{% endblock %}\n"},
        "templates/page.html:3:1: error template: 'dict object' has no attribute 'nosuch' (while rendering en/a.md)",
    ),
    "invalid glossary": (
        {"glossary.yml": "- en: weight\n  ko: 가중치\n  colour: x\n"},
        "glossary.yml:3:3: error glossary: unknown key 'colour' (known keys: accept, avoid, case_sensitive, en, gloss_first, keep_english, ko, note, reading, translations, variants)",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input(name: str, make_site, cli) -> None:  # type: ignore[no-untyped-def]
    files, expected = CASES[name]
    root: Path = make_site(files)
    before = {p: p.read_bytes() for p in (root / "content").rglob("*") if p.is_file()}
    result = cli("build", cwd=root)
    assert result.code == 1, result.err
    assert expected in diagnostics_of(result.err), result.err
    assert "Traceback" not in result.err
    assert not (root / "_site").exists(), "a failed build must not write output"
    after = {p: p.read_bytes() for p in (root / "content").rglob("*") if p.is_file()}
    assert before == after, "the build must never change content/"


def test_failed_build_keeps_previous_site(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    root: Path = make_site()
    assert cli("build", cwd=root).code == 0
    index = root / "_site" / "ko" / "a" / "index.html"
    good = index.read_bytes()
    (root / "content/ko/a.md").write_text("---\ntitle: [broken\n---\n", encoding="utf-8")
    assert cli("build", cwd=root).code == 1
    assert index.read_bytes() == good
    assert sorted(p.name for p in root.iterdir() if p.name.startswith("._site")) == []


def test_strict_turns_warnings_into_failure(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    root: Path = make_site({"content/ko/a.md": page("가", "[없는 쪽](nope.md)\n")})
    relaxed = cli("build", cwd=root)
    assert relaxed.code == 0
    assert "content/ko/a.md:5:8: warning link: link to a missing page: nope.md (no nope.md in content/)" in diagnostics_of(relaxed.err)
    (root / "_site" / "marker").write_text("old")
    strict = cli("build", "--strict", cwd=root)
    assert strict.code == 1
    assert (root / "_site" / "marker").exists(), "a failed strict build leaves the old output"


@pytest.mark.parametrize("out", [".", "content", "content/ko", ".."])
def test_dangerous_output_directory_refused(out: str, make_site, cli) -> None:  # type: ignore[no-untyped-def]
    root: Path = make_site()
    result = cli("build", "--out", out, cwd=root)
    assert result.code == 1
    [line] = diagnostics_of(result.err)
    assert ": error output: the output directory" in line
    assert (root / "content/ko/a.md").is_file()


def test_usage_error_exits_2(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("build", "--no-such-option").code == 2
    assert cli().code == 2


def test_missing_site_yml(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("build", "--site", str(tmp_path))
    assert result.code == 1
    assert f"{tmp_path}/site.yml:0:0: error config: no site.yml in {tmp_path}; is this a daeyeok site?" in result.err
