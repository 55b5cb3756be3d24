"""A forked child renders part of the pages of a large build (daeyeok.pagerender): the output,
the diagnostics and the caches are those of rendering every page in one process."""

from __future__ import annotations

from pathlib import Path

import pytest

import daeyeok.forking as forking
import daeyeok.mathpool as mathpool
import daeyeok.pagerender as pagerender
from conftest import page
from daeyeok.build import build
from daeyeok.mathrender import katex_available

KEYS = 8


def site(make_site) -> Path:  # type: ignore[no-untyped-def]
    files: dict[str, str | bytes] = {}
    for i in range(KEYS):
        body_ko = f"## 절 {i}\n\n가중치 $w_{{{i}}}$ 와 [처음](index.md).\n\n```python\nx = {i}\n```\n\n$$\\sum_{{k={i}}}^n k$$\n"
        body_en = f"## Section {i}\n\nWeight $w_{{{i}}}$ and [home](index.md).\n\n```python\nx = {i}\n```\n\n$$\\sum_{{k={i}}}^n k$$\n"
        files[f"content/ko/p{i}.md"] = page(f"쪽 {i}", body_ko + ("[없는 곳](#nowhere)\n" if i == 3 else ""))
        files[f"content/en/p{i}.md"] = page(f"Page {i}", body_en)
    return make_site(files)


def tree(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def built(root: Path, out: Path, **kwargs: bool) -> tuple[dict[str, bytes], list[str], dict[str, int], list[str]]:
    """The output tree, the diagnostics, the stats and the files the build says it wrote (what
    the manifest of an unchanged site records)."""
    result = build(root, out, **kwargs)
    assert result.written, [d.format() for d in result.diagnostics]
    return tree(out), [d.format() for d in result.diagnostics], dict(result.stats), sorted(result.files)


@pytest.fixture
def forks(monkeypatch):  # type: ignore[no-untyped-def]
    """Fork for any build with two keys or more; the list holds one entry per fork."""
    started: list[int] = []
    real = forking.fork

    def spy(work):  # type: ignore[no-untyped-def]
        child = real(work)
        started.append(child.pid)
        return child

    monkeypatch.setattr(pagerender, "FORK_MIN_KEYS", 2)
    monkeypatch.setattr(pagerender.forking, "fork", spy)
    return started


def test_forked_rendering_writes_what_one_process_writes(make_site, tmp_path, monkeypatch, forks) -> None:  # type: ignore[no-untyped-def]
    root = site(make_site)
    forked = built(root, tmp_path / "forked", use_cache=False)
    assert len(forks) == 1
    monkeypatch.setattr(pagerender, "FORK_MIN_KEYS", 10_000)
    serial = built(root, tmp_path / "serial", use_cache=False)
    assert len(forks) == 1
    assert forked[0] == serial[0]
    assert forked[1] == serial[1] and any("nowhere" in d for d in forked[1])  # the child's diagnostics arrive
    assert forked[2] == serial[2]
    assert forked[3] == serial[3] and "ko/p1/index.html" in forked[3]


def test_a_failing_child_costs_time_not_pages(make_site, tmp_path, monkeypatch, forks) -> None:  # type: ignore[no-untyped-def]
    root = site(make_site)

    def broken(*args):  # type: ignore[no-untyped-def]
        raise RuntimeError("the child fails")

    monkeypatch.setattr(pagerender, "_render_share", broken)
    failed = built(root, tmp_path / "failed", use_cache=False)
    assert len(forks) == 1
    monkeypatch.setattr(pagerender, "FORK_MIN_KEYS", 10_000)
    assert failed == built(root, tmp_path / "serial", use_cache=False)


def test_the_childs_pages_reach_the_page_cache(make_site, tmp_path, forks) -> None:  # type: ignore[no-untyped-def]
    """Pages the child rendered are cached (by its own connection) and kept by the parent's pruning:
    after an edit every other page comes from the cache, and the output matches a build without one."""
    root = site(make_site)
    out = tmp_path / "out"
    first = built(root, out)
    assert first[2]["pages_cached"] == 0
    path = root / "content/ko/p5.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n덧붙인 문단.\n", encoding="utf-8")
    edited = built(root, out)
    outputs = first[2]["pages"] + sum(1 for name in first[0] if name.endswith("/parallel/index.html"))
    assert edited[2]["pages_cached"] == outputs - 2  # all but the edited page and its parallel view
    assert edited[0] == built(root, tmp_path / "fresh", use_cache=False)[0]


@pytest.mark.skipif(not katex_available(), reason="KaTeX assets not vendored (make setup)")
def test_formulas_typeset_by_workers_reach_the_child(make_site, tmp_path, monkeypatch, forks) -> None:  # type: ignore[no-untyped-def]
    """With the KaTeX workers and the formula cache: the child reads what the workers typeset
    through its own connection (nothing typeset twice), and the counts match one process."""
    root = site(make_site)
    monkeypatch.setattr(mathpool, "MIN_FORMULAS", 1)
    forked = built(root, tmp_path / "forked")
    assert len(forks) == 1
    (root / ".daeyeok-cache").rename(tmp_path / "cache-of-forked")
    monkeypatch.setattr(pagerender, "FORK_MIN_KEYS", 10_000)
    serial = built(root, tmp_path / "serial")
    assert forked[0] == serial[0] and forked[1] == serial[1]
    assert forked[2]["formulas_rendered"] == serial[2]["formulas_rendered"] > 0
