"""Shared test helpers: tiny sites written into tmp dirs, and running the CLI in-process."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from daeyeok.cli import main

#: the shared Chromium fixtures (``browser``, ``page``) and helpers live in tests/browser.py
pytest_plugins = ["browser"]

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpora" / "cs231n"

MINIMAL_SITE_YML = """\
title:
  ko: 시험 사이트
  en: Test site
default_language: ko
languages: [ko, en]
url: https://example.org
nav:
  - title: {ko: 강의, en: Lectures}
    pages: [index, a]
"""


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n") if content.startswith("\n") else content, encoding="utf-8")
    return root


def page(title: str, body: str = "본문.\n") -> str:
    return f"---\ntitle: {title}\n---\n\n{body}"


@pytest.fixture
def make_site(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write a small valid site, with overrides: ``make_site({"content/ko/a.md": ...})``."""

    def _make(files: dict[str, str | bytes] | None = None, *, base: bool = True) -> Path:
        root = tmp_path / "site"
        tree: dict[str, str | bytes] = {}
        if base:
            tree = {
                "site.yml": MINIMAL_SITE_YML,
                "content/ko/index.md": page("처음", "# 안녕\n\n[가](a.md)\n"),
                "content/en/index.md": page("Home", "# Hello\n\n[A](a.md)\n"),
                "content/ko/a.md": page("가 페이지", "## 첫 절 {#first}\n\n수식 $x^2$.\n"),
                "content/en/a.md": page("Page A", "## First section {#first}\n\nMath $x^2$.\n"),
            }
        tree.update(files or {})
        return write_tree(root, tree)

    return _make


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Run ``daeyeok ARGS`` in-process from directory ``cwd``."""

    def _run(*args: str, cwd: Path | None = None) -> CliResult:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        capsys.readouterr()
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse usage errors
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return _run


def diagnostics_of(text: str) -> list[str]:
    """The diagnostic lines of CLI output (``path:line:col: severity code: ...``)."""
    return [line for line in text.splitlines() if ": error " in line or ": warning " in line or ": info " in line]
