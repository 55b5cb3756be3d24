"""Hostile and broken input: each case is handled with a clear diagnostic and loses nothing.

The matrix in RELIABILITY.md lists these cases with their outcomes.
"""

from __future__ import annotations

import errno
import os
import types
from pathlib import Path

import pytest

from conftest import diagnostics_of, page
from daeyeok import loader, writer


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def build_fails_cleanly(root: Path, cli, expected: str) -> None:  # type: ignore[no-untyped-def]
    before = snapshot(root / "content")
    result = cli("build", cwd=root)
    assert result.code == 1, result.err
    assert expected in diagnostics_of(result.err), result.err
    assert "Traceback" not in result.err and "internal error" not in result.err
    assert not (root / "_site").exists()
    assert snapshot(root / "content") == before


def test_yaml_alias_bomb_in_front_matter(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    text = "---\ntitle: x\nextra:\n  " + "\n  ".join(lines) + "\n---\n"
    root = make_site({"content/ko/a.md": text})
    build_fails_cleanly(root, cli, "content/ko/a.md:4:58: error front-matter: document expands to more than 200000 nodes (alias bomb?)")


def test_deeply_nested_yaml(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"content/ko/a.md": "---\ntitle: " + "[" * 5000 + "]" * 5000 + "\n---\n"})
    build_fails_cleanly(root, cli, "content/ko/a.md:2:1: error front-matter: YAML nested too deeply")


def test_huge_front_matter_is_read(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    extra = "".join(f"  key{i}: value {i}\n" for i in range(20000))
    root = make_site({"content/ko/a.md": f"---\ntitle: 큰 머리말\nextra:\n{extra}---\n\n본문\n"})
    assert cli("build", cwd=root).code == 0
    assert "큰 머리말" in (root / "_site/ko/a/index.html").read_text()


def test_empty_front_matter(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"content/ko/a.md": "---\n---\n본문\n"})
    build_fails_cleanly(root, cli, "content/ko/a.md:1:1: error front-matter: missing required key 'title'")


@pytest.mark.parametrize(("value", "kind"), [("[1, 2]", "list"), ("{a: 1}", "dict"), ("2024-01-01", "date"), ("true", "bool"), ("null", "NoneType")])
def test_non_string_titles(value: str, kind: str, make_site, cli) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"content/ko/a.md": f"---\ntitle: {value}\n---\n"})
    build_fails_cleanly(root, cli, f"content/ko/a.md:2:8: error front-matter: 'title' must be a non-empty string, not {kind}")


def test_two_pages_one_url(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"content/ko/b.md": page("b"), "content/ko/b/index.md": page("b2")})
    build_fails_cleanly(root, cli, "content/ko/b/index.md:1:1: error url: publishes at /ko/b/, the same URL as b.md; rename one of them")


@pytest.mark.parametrize("alias", ["../../x", "/a/../../etc", "https://evil.example/"])
def test_path_traversal_in_aliases(alias: str, make_site, cli) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"content/ko/a.md": f"---\ntitle: a\naliases: ['{alias}']\n---\n"})
    build_fails_cleanly(root, cli, f"content/ko/a.md:3:11: error front-matter: alias '{alias}' is not a safe site path (no '..', no scheme)")


def test_alias_writes_a_redirect(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"content/ko/a.md": "---\ntitle: a\naliases: [/old/a-page/]\n---\n"})
    assert cli("build", cwd=root).code == 0
    redirect = (root / "_site/old/a-page/index.html").read_text()
    assert 'content="0; url=/ko/a/"' in redirect and 'rel="canonical" href="/ko/a/"' in redirect


def test_symlink_out_of_content_is_refused(make_site, cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    secret = tmp_path / "secret.md"
    secret.write_text("---\ntitle: secret\n---\nTOP SECRET\n")
    root = make_site()
    (root / "content/ko/leak.md").symlink_to(secret)
    (root / "content/ko/dir").symlink_to(tmp_path)
    result = cli("build", cwd=root)
    assert result.code == 1
    assert "content/ko/leak.md:0:0: error symlink: symbolic link leads outside ko/; refusing to follow it" in diagnostics_of(result.err)
    assert "content/ko/dir:0:0: error symlink: symbolic link leads outside ko/; refusing to follow it" in diagnostics_of(result.err)


def test_symlink_inside_content_is_followed(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    root = make_site()
    (root / "content/ko/alias.md").symlink_to(root / "content/ko/a.md")
    assert cli("build", cwd=root).code == 0
    assert (root / "_site/ko/alias/index.html").is_file()


def test_bom_and_crlf_files_build_like_plain_ones(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    text = "\ufeff---\r\ntitle: 가\r\n---\r\n\r\n## 제목 {#t}\r\n\r\n본문 $x$\r\n"
    root = make_site({"content/ko/a.md": text.encode("utf-8"), "content/ko/b.md": "---\ntitle: 나\n---\n\n[t](a.md#t) $y$ $\\bad$\n"})
    result = cli("build", cwd=root)
    # line numbers are the same as in an editor showing the CRLF file
    assert "content/ko/b.md:5:17: error math: KaTeX parse error: Undefined control sequence: \\bad at position 1: \\̲b̲a̲d̲" in diagnostics_of(result.err)
    root2 = make_site({"content/ko/a.md": text.encode("utf-8"), "content/ko/b.md": page("나")})
    assert cli("build", cwd=root2).code == 0
    html = (root2 / "_site/ko/a/index.html").read_text()
    assert '<h2 id="t">제목' in html and "\r" not in html and "\ufeff" not in html


def test_twenty_megabyte_markdown_file(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    paragraph = "한국어 문단이다. 가중치 행렬을 곱한다, and some English words too.\n\n"
    body = paragraph * (20 * 1024 * 1024 // len(paragraph.encode()))
    root = make_site({"content/ko/a.md": page("큰 파일", body)})
    assert len((root / "content/ko/a.md").read_bytes()) > 19 * 1024 * 1024
    assert cli("build", cwd=root).code == 0
    assert (root / "_site/ko/a/index.html").stat().st_size > 20 * 1024 * 1024


@pytest.mark.parametrize("kind", ["list", "blockquote", "emphasis"])
def test_ten_thousand_levels_of_nesting(kind: str, make_site, cli) -> None:  # type: ignore[no-untyped-def]
    body = {
        "list": "- " * 10000 + "x\n",  # each "- " opens a list inside the previous item: 10,000 levels in 20 KB
        "blockquote": ">" * 10000 + " 인용\n",
        "emphasis": "*" * 10000 + "x" + "*" * 10000 + "\n",
    }[kind]
    root = make_site({"content/ko/a.md": page("깊음", body)})
    result = cli("build", cwd=root)
    assert result.code == 0, result.err
    assert "RecursionError" not in result.err


def test_katex_trust_stays_off(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"content/ko/a.md": page("가", "$\\href{javascript:alert(1)}{x}$ 와 $\\url{javascript:alert(2)}$ 와 $\\htmlData{foo=bar}{x}$\n")})
    result = cli("build", cwd=root)
    html = (root / "_site/ko/a/index.html").read_text()
    assert "javascript:" not in html.replace('encoding="application/x-tex">', "").split('<div class="prose">')[1].split("annotation")[0]
    assert 'href="javascript' not in html
    assert "data-foo" not in html
    assert "content/ko/a.md:5:65: warning math: HTML extension is disabled on strict mode" in diagnostics_of(result.err)


@pytest.mark.parametrize(("policy", "present", "warning"), [("allow", True, False), ("no-script", False, True), ("escape", False, False)])
def test_raw_script_policy(policy: str, present: bool, warning: bool, make_site, cli) -> None:  # type: ignore[no-untyped-def]
    from conftest import MINIMAL_SITE_YML

    root = make_site({"site.yml": MINIMAL_SITE_YML + f"raw_html: {policy}\n", "content/ko/a.md": page("가", "<script>alert(1)</script>\n\n본문\n")})
    result = cli("build", cwd=root)
    assert result.code == 0
    html = (root / "_site/ko/a/index.html").read_text()
    assert ("<script>alert(1)</script>" in html) is present
    if policy == "escape":
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert ("content/ko/a.md:5:1: warning raw-html: <script> in Markdown removed (site.yml raw_html: no-script)" in diagnostics_of(result.err)) is warning


def test_file_deleted_during_build(make_site, cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    root = make_site()
    real_read = loader._read

    def vanishing(path: Path, rel: str, sources):  # type: ignore[no-untyped-def]
        if path.name == "a.md" and path.parent.name == "ko":
            path.unlink()  # deleted between listing and reading
        return real_read(path, rel, sources)

    monkeypatch.setattr(loader, "_read", vanishing)
    result = cli("build", cwd=root)
    assert result.code == 1
    assert "content/ko/a.md:0:0: error read: cannot read file: No such file or directory" in diagnostics_of(result.err)
    assert not (root / "_site").exists()


def test_unreadable_file_is_a_diagnostic(make_site, cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    root = make_site()
    real = Path.read_bytes

    def deny(self: Path) -> bytes:
        if self.name == "a.md" and self.parent.name == "ko":
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", deny)
    result = cli("build", cwd=root)
    assert result.code == 1
    assert "content/ko/a.md:0:0: error read: cannot read file: Permission denied" in diagnostics_of(result.err)
    assert not (root / "_site").exists()


def test_read_only_output_directory(make_site, cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    root = make_site()

    def denied(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(writer, "tempfile", types.SimpleNamespace(mkdtemp=denied))  # the writer's alone
    result = cli("build", cwd=root)
    assert result.code == 1
    assert f"{root}/_site:0:0: error output: cannot create a temporary directory in {root}: Permission denied" in diagnostics_of(result.err)


def test_full_disk_leaves_the_previous_site(make_site, cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    root = make_site()
    assert cli("build", cwd=root).code == 0
    before = snapshot(root / "_site")
    real_open = open
    written = {"n": 0}

    class FullDisk:
        def __init__(self, fh):  # type: ignore[no-untyped-def]
            self.fh = fh

        def __enter__(self):  # type: ignore[no-untyped-def]
            return self

        def __exit__(self, *exc):  # type: ignore[no-untyped-def]
            self.fh.close()

        def write(self, data: bytes) -> int:
            written["n"] += 1
            if written["n"] > 3:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return int(self.fh.write(data))

    def fake_open(file, mode="r", *args, **kwargs):  # type: ignore[no-untyped-def]
        fh = real_open(file, mode, *args, **kwargs)
        return FullDisk(fh) if "w" in mode and "b" in mode else fh

    monkeypatch.setattr(writer, "open", fake_open, raising=False)
    result = cli("build", "--no-cache", cwd=root)
    assert result.code == 1
    assert f"{root}/_site:0:0: error output: cannot write the site to {root}/_site: No space left on device" in diagnostics_of(result.err)
    assert snapshot(root / "_site") == before
    assert [p.name for p in root.iterdir() if p.name.startswith("._site")] == [], "the temporary directory is removed"


def test_output_directory_equal_to_or_containing_the_site(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    root = make_site()
    for out, reason in [(".", "is the site directory"), ("..", "contains the site directory; it would be deleted"), ("content", "is content/")]:
        result = cli("build", "--out", out, cwd=root)
        assert result.code == 1
        assert reason in result.err
    assert snapshot(root / "content")


def test_build_never_writes_inside_content(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    root = make_site()
    before = {p: p.stat().st_mtime_ns for p in (root / "content").rglob("*")}
    assert cli("build", cwd=root).code == 0
    after = {p: p.stat().st_mtime_ns for p in (root / "content").rglob("*")}
    assert before == after


def test_internal_errors_are_short(make_site, cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import daeyeok.build

    def boom(*a, **k):  # type: ignore[no-untyped-def]
        raise ValueError("simulated bug")

    monkeypatch.setattr(daeyeok.build, "build", boom)
    monkeypatch.delenv("DAEYEOK_DEBUG", raising=False)
    result = cli("build", cwd=make_site())
    assert result.code == 70
    assert "daeyeok: internal error (a bug in daeyeok, please report it): ValueError: simulated bug" in result.err
    assert "Traceback" not in result.err


def test_a_failed_build_leaves_no_staged_files(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    """Pages are written to a staging directory as they render (daeyeok.writer.StagedFiles);
    a build that ends with errors removes it and leaves the previous site as it was."""
    root = make_site()
    assert cli("build", cwd=root).code == 0
    before = snapshot(root / "_site")
    (root / "content/ko/a.md").write_text(page("가", "틀린 식 $\\frac{1$ 하나.\n"), encoding="utf-8")
    result = cli("build", "--no-cache", cwd=root)
    assert result.code == 1 and "error math" in result.err
    assert snapshot(root / "_site") == before
    assert [p.name for p in root.iterdir() if p.name.startswith("._site")] == []
