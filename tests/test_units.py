"""Unit tests for the small pure modules: YAML positions, config, slugs, URLs, links, writer."""

from __future__ import annotations

from pathlib import Path

import pytest

from daeyeok import yamlpos
from daeyeok.config import parse_config
from daeyeok.links import resolve
from daeyeok.slugs import SlugRegistry, slugify
from daeyeok.urls import href, page_path
from daeyeok.writer import WriteError, refuse_reason, write_site


def test_yaml_positions_of_values_and_keys() -> None:
    doc = yamlpos.load("a: 1\nb:\n  - x\n  - {c: 2}\n")
    assert doc.value == {"a": 1, "b": ["x", {"c": 2}]}
    assert doc.pos(("a",)) == (1, 4)
    assert doc.key_pos(("b",)) == (2, 1)
    assert doc.pos(("b", 1, "c")) == (4, 9)
    assert doc.pos(("b", 7)) == (3, 3), "an unknown path falls back to its parent"


def test_yaml_duplicate_key_is_an_error() -> None:
    with pytest.raises(yamlpos.YamlError) as exc:
        yamlpos.load("a: 1\na: 2\n")
    assert (exc.value.line, exc.value.col, exc.value.message) == (2, 1, "duplicate key 'a'")


def test_yaml_alias_bomb_is_bounded() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    prev = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
        prev = name
    with pytest.raises(yamlpos.YamlError, match="alias bomb"):
        yamlpos.load("\n".join(lines))


def test_config_defaults_and_per_language_title() -> None:
    config, diags = parse_config(Path("site.yml"), "title: 강의\nbase_url: cs231n\n")
    assert diags == []
    assert config is not None
    assert config.title == {"ko": "강의", "en": "강의"}
    assert config.base_url == "/cs231n/"
    assert config.default_language == "ko"
    assert config.math == "katex"


def test_config_reports_every_error_at_once() -> None:
    text = "title: {ko: 가}\nlanguages: [ko, fr]\nmath: mathjax\nnav:\n  - title: x\n    pages: []\n    icon: y\n"
    config, diags = parse_config(Path("site.yml"), text)
    assert config is None
    assert [d.format() for d in diags] == [
        "site.yml:2:17: error config: unsupported language 'fr' (supported: ko, en)",
        "site.yml:3:7: error config: math must be one of katex, mathml, not 'mathjax'",
        "site.yml:7:5: error config: unknown key 'icon' in nav section (known keys: pages, title)",
        "site.yml:6:12: error config: nav section 'pages' must be a non-empty list of page paths",
    ]


def test_config_title_must_cover_every_language() -> None:
    _, diags = parse_config(Path("site.yml"), "title: {ko: 가}\n")
    assert [d.format() for d in diags] == ["site.yml:1:8: error config: 'title' has no text for language 'en'"]


def test_config_rejects_unsafe_base_url() -> None:
    _, diags = parse_config(Path("site.yml"), "title: t\nbase_url: /a/../b/\n")
    assert [d.code for d in diags] == ["config"]
    assert "plain path" in diags[0].message


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("손실 함수 (Loss)", "손실-함수-loss"),
        ("What is a CNN?", "what-is-a-cnn"),
        ("선형 분류: SVM vs. Softmax", "선형-분류-svm-vs-softmax"),
        ("  ", "section"),
        ("!!!", "section"),
        ("한글만", "한글만"),
    ],
)
def test_slugify_keeps_hangul(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_slug_registry_disambiguates() -> None:
    reg = SlugRegistry({"intro"})
    assert [reg.claim("intro"), reg.claim("intro"), reg.claim("other")] == ["intro-1", "intro-2", "other"]


def test_page_urls() -> None:
    assert page_path("ko", "index") == "ko/"
    assert page_path("en", "lectures/index") == "en/lectures/"
    assert page_path("ko", "lectures/backprop") == "ko/lectures/backprop/"
    assert href("/cs231n/", "ko/선형/") == "/cs231n/ko/%EC%84%A0%ED%98%95/"


def test_link_resolution() -> None:
    def r(target: str) -> tuple[str, str]:
        t = resolve(target, doc_key="lectures/a", lang="ko", base_url="/c/", page_site_path="ko/lectures/a/")
        return t.kind, t.url

    assert r("b.md#x") == ("page", "/c/ko/lectures/b/#x")
    assert r("../index.md") == ("page", "/c/ko/")
    assert r("../../en/lectures/b.md") == ("page", "/c/en/lectures/b/")
    assert r("/figures/x.svg") == ("file", "/c/figures/x.svg")
    assert r("#local") == ("fragment", "#local")
    assert r("https://example.org/a.md") == ("external", "https://example.org/a.md")
    assert r("mailto:a@b.c") == ("external", "mailto:a@b.c")
    assert r("img/p.png") == ("relative", "img/p.png")


def test_writer_swaps_atomically(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_site(out, {"a/index.html": b"one"}, {})
    write_site(out, {"b.html": b"two"}, {})
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == ["b.html"]
    assert [p.name for p in tmp_path.iterdir()] == ["out"], "no temporary or old directories left behind"


def test_writer_refuses_paths_outside(tmp_path: Path) -> None:
    with pytest.raises(WriteError, match="outside"):
        write_site(tmp_path / "out", {"../evil": b"x"}, {})
    assert not (tmp_path / "evil").exists()
    assert not (tmp_path / "out").exists()


def test_refuse_reason(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    assert refuse_reason(site / "_site", site, site / "content") is None
    assert refuse_reason(tmp_path / "elsewhere", site, site / "content") is None
    assert "is the site directory" in str(refuse_reason(site, site, site / "content"))
    assert "contains the site directory" in str(refuse_reason(tmp_path, site, site / "content"))
    assert "inside content/" in str(refuse_reason(site / "content" / "x", site, site / "content"))


def test_atomic_rewrite_keeps_permissions_and_bytes(tmp_path: Path) -> None:
    from daeyeok.atomicfile import write_text_atomic

    target = tmp_path / "page.md"
    target.write_text("old\r\n", encoding="utf-8")
    target.chmod(0o640)
    write_text_atomic(target, "새 내용\r\n")
    assert target.read_bytes() == "새 내용\r\n".encode()
    assert target.stat().st_mode & 0o777 == 0o640
    fresh = tmp_path / "new.lock"
    write_text_atomic(fresh, "{}\n")
    assert fresh.stat().st_mode & 0o077 != 0, "a new file is not private (mkstemp's 0600)"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ('<img src="/a.png">', '<img src="/a.png" width="800" height="400">'),
        ('<img src="/a.png" width="49%">', '<img src="/a.png" width="800" height="400" style="width:49%;height:auto">'),
        ('<img src="/a.png" width="49%" style="border:0"/>', '<img src="/a.png" style="width:49%;height:auto;border:0" width="800" height="400"/>'),
        ('<img src="/a.png" width="200">', '<img src="/a.png" width="200" height="100">'),
        ('<img src="/a.png" height=100>', '<img src="/a.png" width="200" height="100">'),
        ('<img src="/a.png" width="10" height="20">', '<img src="/a.png" width="10" height="20">'),
        ('<img src="/unknown.png" width="49%">', '<img src="/unknown.png" width="49%">'),
    ],
)
def test_raw_html_images_get_width_and_height(tag: str, expected: str) -> None:
    from daeyeok.htmlrender import RenderContext, _size_images
    from daeyeok.links import resolve
    from daeyeok.mathrender import MathCache, MathMLEngine, MathRenderer

    ctx = RenderContext(
        path=Path("x.md"),
        math=MathRenderer(MathMLEngine(), MathCache(None)),
        resolve=lambda t: resolve(t, doc_key="x", lang="ko", base_url="/", page_site_path="ko/x/"),
        image_size=lambda src: (800, 400) if src == "/a.png" else None,
    )
    assert _size_images(tag, ctx) == expected


def test_last_updated_follows_commits(tmp_path: Path) -> None:
    """Dates come from git; the memo (the preview server's rebuilds) is dropped by the next commit."""
    import os
    import subprocess

    from daeyeok.lastmod import last_updated

    page = tmp_path / "content" / "ko" / "a.md"
    page.parent.mkdir(parents=True)
    page.write_text("하나\n", encoding="utf-8")
    assert last_updated(tmp_path, [page]) == {}  # not a repository: no dates and no git run

    def commit(date: str) -> None:
        env = {
            **os.environ,
            "GIT_AUTHOR_DATE": date,
            "GIT_COMMITTER_DATE": date,
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@t",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@t",
        }
        subprocess.run(["git", "-C", str(tmp_path), "add", "-A"], check=True, env=env)
        subprocess.run(["git", "-C", str(tmp_path), "commit", "-qm", "x"], check=True, env=env)

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    commit("2024-03-01T12:00:00")
    assert last_updated(tmp_path, [page]) == {page: "2024-03-01"}
    assert last_updated(tmp_path, [page]) == {page: "2024-03-01"}
    page.write_text("둘\n", encoding="utf-8")
    commit("2025-07-09T12:00:00")
    assert last_updated(tmp_path, [page]) == {page: "2025-07-09"}


@pytest.mark.parametrize(
    ("tex", "wrapped"),
    [
        ("a \\\\ b", True),
        ("a \\\\", True),
        ("\\begin{aligned} a &= b \\\\ c &= d \\end{aligned}", False),
        ("\\begin{aligned} a \\\\ b \\end{aligned} \\\\ c", True),
        ("\\begin{matrix} \\begin{matrix} a \\\\ b \\end{matrix} \\end{matrix}", False),
        ("\\\\\\\\", True),
        ("a \\{ b \\}", False),
        ("\\backslash\\\\", True),
        ("x\\", False),
        ("a\nb", False),
    ],
)
def test_display_formulas_with_top_level_line_breaks_are_gathered(tex: str, wrapped: bool) -> None:
    from daeyeok.mathrender import prepare_tex

    assert prepare_tex(tex, display=True) == ("\\begin{gathered}" + tex + "\\end{gathered}" if wrapped else tex)
    assert prepare_tex(tex, display=False) == tex
