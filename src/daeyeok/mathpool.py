"""KaTeX in worker processes, for builds with many formulas the cache has not seen.

KaTeX is the largest single cost of a cold build (a 1,000-page site: ~2.5 s
of 7.7), and every formula is independent, so it is what a second core is
best spent on.  V8 cannot be forked once it runs, so each worker is a fresh
``python -m daeyeok.mathpool`` with its own KaTeX context (~0.15 s to start),
fed JSON on stdin, typesetting :data:`BATCH` formulas per call into V8
(:meth:`~daeyeok.mathrender.KatexEngine.render_many`) and answering one JSON line per formula on stdout: no
``multiprocessing``, so no re-import of the caller's ``__main__`` and nothing
shared but two pipes.  Each answer is compressed as it arrives
(:class:`~daeyeok.mathrender.PackedResult`), so 60,000 typeset formulas never
sit in memory as one JSON document (the peak of a 10,000-page build).
The build starts the workers right after parsing, hands them every formula
the formula cache does not hold, and goes on checking links, terms and
translation status while they typeset; the renderer then finds the results
in its memo.  Anything a worker fails to return is typeset again in the
parent, so a worker problem costs time, never a result.

Only worth it above :data:`MIN_FORMULAS` uncached formulas: below that the
start-up costs more than it saves.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from . import forking
from .mathrender import KatexEngine, MathCache, MathResult, PackedResult, formulas_in, katex_available, katex_dir, katex_version

#: fewer uncached formulas than this are typeset in the build process itself
MIN_FORMULAS = int(os.environ.get("DAEYEOK_MATH_POOL_MIN", "400"))

Formula = tuple[str, bool]  # (TeX as KaTeX gets it, display mode)
#: a formula's cost beyond its length, in characters of TeX, for dealing formulas to workers
_FORMULA_OVERHEAD = 20
Typeset = tuple[str, bool, PackedResult]


def worker_command(assets: Path) -> list[str]:
    return [sys.executable, "-m", "daeyeok.mathpool", str(assets)]


class _Worker:
    def __init__(self, formulas: Sequence[Formula], assets: Path):
        self.formulas = formulas
        self.found: list[Typeset] = []
        self.proc = subprocess.Popen(worker_command(assets), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.thread = threading.Thread(target=self._talk, daemon=True)
        self.thread.start()

    def _talk(self) -> None:
        """Send every formula, then read answers as they come; a worker that dies keeps what it sent."""
        proc = self.proc
        assert proc.stdin is not None and proc.stdout is not None
        try:
            with proc.stdin:
                proc.stdin.write(json.dumps(self.formulas).encode("utf-8"))  # the worker reads all before answering
            for line in proc.stdout:
                tex, display, html, error, warnings = json.loads(line)
                self.found.append((tex, bool(display), PackedResult.pack(MathResult(html, error, tuple(warnings)))))
        except (OSError, ValueError, TypeError):
            pass  # a broken pipe or a truncated line: what arrived whole stands, the rest is typeset again
        finally:
            proc.stdout.close()
            proc.wait()


class MathPool:
    """Worker processes typesetting a batch of formulas while the build does other work."""

    def __init__(self, formulas: Sequence[Formula], assets: Path, workers: int | None = None):
        count = max(1, min(workers or os.cpu_count() or 1, len(formulas)))
        # shares of equal estimated cost (KaTeX's time grows with the TeX's length); interleaving
        # them, as before, gave one worker every display formula of a site whose pages alternate
        # inline and display ones: 4.6 s of CPU against 1.8 s on the 10,000-page site
        shares = forking.deal([len(tex) + _FORMULA_OVERHEAD for tex, _ in formulas], [1.0] * count)
        self._workers: list[_Worker] | None = [_Worker([formulas[i] for i in sorted(share)], assets) for share in shares]
        self.size = len(formulas)

    def results(self, timeout: float = 600.0) -> list[Typeset]:
        """What the workers typeset (those that failed add nothing); stops them."""
        found: list[Typeset] = []
        for worker in self._workers or []:
            worker.thread.join(timeout)
            found.extend(worker.found)
        self.close()
        return found

    def close(self) -> None:
        for worker in self._workers or []:
            if worker.proc.poll() is None:
                worker.proc.kill()
            worker.proc.wait()
        self._workers = None


#: formulas a worker typesets per call into V8 (:meth:`KatexEngine.render_many`); small enough that answers stream
BATCH = 64


def _serve(assets: str) -> int:
    """The worker: formulas as JSON on stdin, one ``[tex, display, html, error, warnings]`` line each on stdout."""
    engine = KatexEngine(Path(assets))
    out = sys.stdout
    try:
        formulas = [(tex, bool(display)) for tex, display in json.load(sys.stdin)]
        for start in range(0, len(formulas), BATCH):
            batch = formulas[start : start + BATCH]
            for (tex, display), result in zip(batch, engine.render_many(batch), strict=True):
                out.write(json.dumps([tex, display, result.html, result.error, list(result.warnings)]) + "\n")
        out.flush()
    except BrokenPipeError:
        # the build stopped reading: leave at once (an interpreter exit unwinding an exception
        # with V8's threads running was seen to hang, keeping the build waiting)
        os._exit(1)
    return 0


def start_pool(engine_name: str, docs: Iterable[Any], cache: MathCache) -> MathPool | None:
    """A pool typesetting the formulas of ``docs`` the cache lacks, when KaTeX is the engine and
    there are enough of them; ``None`` otherwise (the renderer then typesets as it goes)."""
    if engine_name != "katex" or not katex_available():
        return None
    try:
        import py_mini_racer  # noqa: F401
    except ImportError:
        return None
    from .plugins.math import MATH_DISPLAY_TYPES

    version = katex_version()
    seen = dict.fromkeys(f for doc in docs for f in formulas_in(doc.tokens, MATH_DISPLAY_TYPES))
    todo = [f for f in seen if not cache.has(MathCache.key_for("katex", version, *f))]
    if len(todo) < MIN_FORMULAS:
        return None
    return MathPool(todo, katex_dir())


if __name__ == "__main__":
    raise SystemExit(_serve(sys.argv[1]))
