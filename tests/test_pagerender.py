"""A forked child renders part of the pages of a large build (daeyeok.pagerender): the output,
the diagnostics and the caches are those of rendering every page in one process."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import page
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


# Each build runs in a fresh interpreter: a process where V8 (KaTeX) ever ran keeps its threads,
# and a process with threads never forks (daeyeok.forking.can_fork), as an earlier test's
# in-process KaTeX would make this one.
_RUN = """
import json, sys
from pathlib import Path
import daeyeok.forking as forking, daeyeok.mathpool as mathpool, daeyeok.pagerender as pagerender
args = json.loads(sys.argv[1])
pagerender.FORK_MIN_KEYS = args["fork_min"]
mathpool.MIN_FORMULAS = args["math_min"]
forks = []
asked = []
real = forking.fork
def spy(work):
    child = real(work)
    forks.append(len(asked))
    return child
forking.fork = spy
if args["hold"] is not None:
    import daeyeok.search as search
    pagerender.HOLD_MIN_KEYS = 2
    def running(job):
        asked.append(1)
        return len(asked) <= args["hold"]  # "Pagefind still runs" this many times, then done
    search.SearchJob.running = running
if args["broken"]:
    def broken(renderer, share):
        share.queue.take()
        share.queue.take()  # two keys taken, then the child dies without rendering them
        raise RuntimeError("the child fails")
    pagerender._render_share = broken
from daeyeok.build import build
r = build(Path(args["root"]), Path(args["out"]), use_cache=args["cache"])
print(json.dumps({"forks": len(forks), "asked_before_fork": forks, "written": r.written, "diagnostics": [d.format() for d in r.diagnostics], "stats": r.stats, "files": sorted(r.files)}))
"""


@dataclass
class Built:
    tree: dict[str, bytes]
    diagnostics: list[str]
    stats: dict[str, int]
    files: list[str]  # what the build says it wrote (what the manifest of an unchanged site records)
    forks: int
    asked_before_fork: list[int]  # how often the renderer had asked whether Pagefind still runs, at each fork


def built(root: Path, out: Path, *, fork: bool, cache: bool = True, broken: bool = False, math_min: int = 400, hold: int | None = None) -> Built:
    args = {"root": str(root), "out": str(out), "fork_min": 2 if fork else 10_000, "cache": cache, "broken": broken, "math_min": math_min, "hold": hold}
    run = subprocess.run([sys.executable, "-c", _RUN, json.dumps(args)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    answer = json.loads(run.stdout.splitlines()[-1])
    assert answer["written"], answer["diagnostics"]
    return Built(tree(out), answer["diagnostics"], answer["stats"], answer["files"], answer["forks"], answer["asked_before_fork"])


def test_forked_rendering_writes_what_one_process_writes(make_site, tmp_path) -> None:  # type: ignore[no-untyped-def]
    root = site(make_site)
    forked = built(root, tmp_path / "forked", fork=True, cache=False)
    serial = built(root, tmp_path / "serial", fork=False, cache=False)
    assert (forked.forks, serial.forks) == (1, 0)
    assert forked.tree == serial.tree
    assert forked.diagnostics == serial.diagnostics and any("nowhere" in d for d in forked.diagnostics)  # the child's diagnostics arrive
    assert forked.stats == serial.stats
    assert forked.files == serial.files and "ko/p1/index.html" in forked.files


def test_the_child_waits_for_pagefind_on_a_large_site(make_site, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """While Pagefind runs, this process renders alone (a child and Pagefind both holding the site
    made a 10,000-page build's peak); the child is forked when it is done, and takes the rest."""
    root = site(make_site)
    # formulas typeset by the workers: one typeset here would start V8's threads, and a process with threads never forks
    held = built(root, tmp_path / "held", fork=True, cache=False, hold=3, math_min=1)
    serial = built(root, tmp_path / "serial", fork=False, cache=False)
    # asked once at the start, then before each of three groups rendered alone; the fourth answer lets the child go
    assert held.asked_before_fork == [4]
    assert (held.tree, held.diagnostics, held.stats, held.files) == (serial.tree, serial.diagnostics, serial.stats, serial.files)
    never = built(root, tmp_path / "never", fork=True, cache=False, hold=1000, math_min=1)  # Pagefind outlasts the pages: no child at all
    assert never.forks == 0 and never.tree == serial.tree


def test_a_failing_child_costs_time_not_pages(make_site, tmp_path) -> None:  # type: ignore[no-untyped-def]
    root = site(make_site)
    failed = built(root, tmp_path / "failed", fork=True, cache=False, broken=True)
    serial = built(root, tmp_path / "serial", fork=False, cache=False)
    assert failed.forks == 1
    assert (failed.tree, failed.diagnostics, failed.files) == (serial.tree, serial.diagnostics, serial.files)


def test_the_childs_pages_reach_the_page_cache(make_site, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Pages the child rendered are cached (by its own connection) and kept by the parent's pruning:
    after an edit every other page comes from the cache, and the output matches a build without one."""
    root = site(make_site)
    out = tmp_path / "out"
    first = built(root, out, fork=True)
    assert first.forks == 1 and first.stats["pages_cached"] == 0
    path = root / "content/ko/p5.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n덧붙인 문단.\n", encoding="utf-8")
    edited = built(root, out, fork=True)
    outputs = first.stats["pages"] + sum(1 for name in first.tree if name.endswith("/parallel/index.html"))
    assert edited.stats["pages_cached"] == outputs - 2  # all but the edited page and its parallel view
    assert edited.tree == built(root, tmp_path / "fresh", fork=False, cache=False).tree


@pytest.mark.skipif(not katex_available(), reason="KaTeX assets not vendored (make setup)")
def test_formulas_typeset_by_workers_reach_the_child(make_site, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """With the KaTeX workers and the formula cache: the child reads what the workers typeset
    through its own connection (nothing typeset twice), and the counts match one process."""
    root = site(make_site)
    forked = built(root, tmp_path / "forked", fork=True, math_min=1)
    assert forked.forks == 1
    (root / ".daeyeok-cache").rename(tmp_path / "cache-of-forked")
    serial = built(root, tmp_path / "serial", fork=False, math_min=1)
    assert (forked.tree, forked.diagnostics) == (serial.tree, serial.diagnostics)
    assert forked.stats["formulas_rendered"] == serial.stats["formulas_rendered"] > 0
