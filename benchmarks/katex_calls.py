"""What one call from Python into V8 costs next to KaTeX's own work.

    .venv/bin/python benchmarks/katex_calls.py [--site DIR] [--runs N]

Collects the distinct formulas of a site (default: a synthetic 500-pair site
written by benchmarks/synth.py into a temporary directory, 3,000 formulas),
then typesets them all with :class:`daeyeok.mathrender.KatexEngine`: one
``render`` call per formula, and ``render_many`` in batches of several sizes
(the workers of :mod:`daeyeok.mathpool` use ``BATCH``).  Each way gets a fresh
engine (a new V8 with KaTeX loaded, so the JIT starts cold every time) and
prints the median over ``--runs`` of milliseconds per formula, wall and CPU.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from daeyeok.build import load_config, parse_pages
from daeyeok.loader import load_site
from daeyeok.mathpool import BATCH, formulas_in
from daeyeok.mathrender import KatexEngine
from daeyeok.plugins.math import MATH_DISPLAY_TYPES

Formula = tuple[str, bool]


def site_formulas(root: Path) -> list[Formula]:
    sources = load_site(root)
    config, _ = load_config(sources, None)
    assert config is not None, f"{root}: no usable site.yml"
    docs, _ = parse_pages(sources, config)
    return list(dict.fromkeys(f for doc in docs.values() for f in formulas_in(doc.tokens, MATH_DISPLAY_TYPES)))


def one_per_call(engine: KatexEngine, formulas: Sequence[Formula]) -> None:
    for tex, display in formulas:
        engine.render(tex, display)


def batched(size: int) -> Callable[[KatexEngine, Sequence[Formula]], None]:
    def run(engine: KatexEngine, formulas: Sequence[Formula]) -> None:
        for start in range(0, len(formulas), size):
            engine.render_many(formulas[start : start + size])

    return run


def measure(way: Callable[[KatexEngine, Sequence[Formula]], None], formulas: Sequence[Formula], runs: int) -> tuple[float, float]:
    walls, cpus = [], []
    for _ in range(runs):
        engine = KatexEngine()
        engine.render("x", False)  # V8 started and KaTeX loaded before the clock starts
        wall, cpu = time.perf_counter(), time.process_time()
        way(engine, formulas)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls) * 1000 / len(formulas), statistics.median(cpus) * 1000 / len(formulas)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=None, help="a daeyeok site (default: a synthetic 500-pair site)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="daeyeok-katex-") as tmp:
        root = args.site
        if root is None:
            root = Path(tmp) / "site"
            synth = Path(__file__).with_name("synth.py")
            subprocess.run([sys.executable, str(synth), "--pages", "500", "--out", str(root)], check=True, stdout=subprocess.DEVNULL)
        formulas = site_formulas(root)
    print(f"{len(formulas)} distinct formulas; median of {args.runs} runs, each with a fresh V8")
    print(f"{'way':<22} {'ms/formula (wall)':>18} {'(CPU)':>8}")
    ways: list[tuple[str, Callable[[KatexEngine, Sequence[Formula]], None]]] = [("one call per formula", one_per_call)]
    ways += [(f"batches of {size}" + (" (BATCH)" if size == BATCH else ""), batched(size)) for size in sorted({8, BATCH, 200})]
    for name, way in ways:
        wall, cpu = measure(way, formulas, args.runs)
        print(f"{name:<22} {wall:>18.3f} {cpu:>8.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
