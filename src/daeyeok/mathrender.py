"""Math typesetting at build time: KaTeX in-process, latex2mathml as the fallback.

KaTeX (the npm package, vendored by ``make setup``) runs inside V8 through
PyPI ``mini-racer``: no node process, no CDN, no client-side script.  The
measurements in shared/notes/math-engines.md chose it; latex2mathml is pure
Python and is used, with one warning, when the KaTeX assets are missing.
Results are cached on disk by (engine, version, mode, TeX).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from . import compress

VENDOR_DIR = Path(__file__).parent / "_vendor" / "katex"
RENDER_TIMEOUT_S = 5.0

_KATEX_WRAPPER = """
function daeyeokTypeset(tex, display) {
  var warnings = [];
  try {
    var html = katex.renderToString(tex, {
      displayMode: display, output: "htmlAndMathml", throwOnError: true, trust: false,
      strict: function (code, message) { warnings.push(message); return "ignore"; }
    });
    return {html: html, warnings: warnings};
  } catch (e) {
    return {error: String((e && e.message) || e)};
  }
}
function daeyeokRender(tex, display) {
  return JSON.stringify(daeyeokTypeset(tex, display));
}
function daeyeokRenderMany(items) {
  return JSON.stringify(JSON.parse(items).map(function (item) { return daeyeokTypeset(item[0], item[1]); }));
}
"""


@dataclass(frozen=True)
class MathResult:
    html: str
    error: str | None = None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class PackedResult:
    """A :class:`MathResult` with its HTML compressed (:mod:`daeyeok.compress`): how formulas typeset by workers wait
    for the renderer (KaTeX HTML shrinks ~8×; 60,000 formulas held plain took ~450 MB)."""

    html_z: bytes
    error: str | None = None
    warnings: tuple[str, ...] = ()

    @staticmethod
    def pack(result: MathResult) -> PackedResult:
        return PackedResult(compress.pack(result.html.encode("utf-8")), result.error, result.warnings)

    def unpack(self) -> MathResult:
        return MathResult(compress.unpack(self.html_z).decode("utf-8"), self.error, self.warnings)


class MathEngine(Protocol):
    name: str
    version: str

    def render(self, tex: str, display: bool) -> MathResult: ...

    def asset_files(self) -> dict[str, Path]:
        """Files to copy into the site, by output path."""
        ...

    def stylesheets(self) -> list[str]:
        """Output paths of the CSS the pages must link."""
        ...


def katex_dir() -> Path:
    return Path(os.environ.get("DAEYEOK_KATEX_DIR") or VENDOR_DIR)


def katex_available() -> bool:
    return (katex_dir() / "katex.min.js").is_file()


def katex_version(assets: Path | None = None) -> str:
    return ((assets or katex_dir()) / "VERSION").read_text(encoding="utf-8").strip()


def _result(data: dict[str, Any]) -> MathResult:
    """A :class:`MathResult` from what ``daeyeokTypeset`` returned."""
    if "error" in data:
        return MathResult("", str(data["error"]))
    return MathResult(str(data["html"]), None, tuple(data.get("warnings", ())))


class KatexEngine:
    name = "katex"

    def __init__(self, assets: Path | None = None):
        import py_mini_racer  # noqa: F401  (missing: ImportError now, for the MathML fallback)

        self.assets = assets or katex_dir()
        self.version = katex_version(self.assets)
        self._ctx: Any = None
        self._lock = threading.Lock()  # a V8 context must not be entered from two threads

    def _context(self) -> Any:
        """V8 with KaTeX loaded, started at the first formula: V8 runs threads of its own, and the
        build forks a renderer for half of the pages (:mod:`daeyeok.forking`) before any formula
        is typeset, so each process starts its own."""
        if self._ctx is None:
            from py_mini_racer import MiniRacer

            ctx = MiniRacer()
            ctx.eval((self.assets / "katex.min.js").read_text(encoding="utf-8"))
            ctx.eval(_KATEX_WRAPPER)
            self._ctx = ctx
        return self._ctx

    def render(self, tex: str, display: bool) -> MathResult:
        from py_mini_racer import JSTimeoutException

        try:
            with self._lock:
                raw = self._context().call("daeyeokRender", tex, display, timeout_sec=RENDER_TIMEOUT_S)
        except JSTimeoutException:
            return MathResult("", f"KaTeX took longer than {RENDER_TIMEOUT_S:g} s on this formula")
        return _result(json.loads(str(raw)))

    def render_many(self, formulas: Sequence[tuple[str, bool]]) -> list[MathResult]:
        """``render`` of each formula, in one call into V8.

        Each call from Python into V8 costs more than KaTeX takes for a typical
        formula: one call per formula typeset a 1,000-page site's 3,000 formulas in
        0.59 ms each, batches of 64 in 0.25 ms; cs231n's 324 in 0.70 and 0.32 ms
        (``benchmarks/katex_calls.py``).  The time limit then covers the whole
        batch; a batch that exceeds it is typeset again one formula at a time, so
        only the formula that is really too slow fails.
        """
        from py_mini_racer import JSTimeoutException

        if not formulas:
            return []
        try:
            with self._lock:
                raw = self._context().call("daeyeokRenderMany", json.dumps(formulas), timeout_sec=RENDER_TIMEOUT_S)
        except JSTimeoutException:
            return [self.render(tex, display) for tex, display in formulas]
        return [_result(data) for data in json.loads(str(raw))]

    def asset_files(self) -> dict[str, Path]:
        files = {"assets/katex/katex.min.css": self.assets / "katex.min.css"}
        for font in sorted((self.assets / "fonts").glob("*.woff2")):
            files[f"assets/katex/fonts/{font.name}"] = font
        return files

    def stylesheets(self) -> list[str]:
        return ["assets/katex/katex.min.css"]


class MathMLEngine:
    """latex2mathml: pure Python, never raises, visibly weaker layout (see the notes)."""

    name = "mathml"

    def __init__(self) -> None:
        import latex2mathml

        self.version = getattr(latex2mathml, "__version__", "3")

    def render(self, tex: str, display: bool) -> MathResult:
        from latex2mathml.converter import convert

        try:
            return MathResult(convert(tex, display="block" if display else "inline"))
        except Exception as exc:  # latex2mathml raises assorted internal errors on bad TeX
            return MathResult("", f"{type(exc).__name__}: {exc}")

    def asset_files(self) -> dict[str, Path]:
        return {}

    def stylesheets(self) -> list[str]:
        return []


def prepare_tex(tex: str, display: bool) -> str:
    """Make TeX KaTeX typesets as authors mean it.

    A display formula with a top-level ``\\\\`` is a multi-line formula; LaTeX
    would reject it and KaTeX overlaps its lines, so it is wrapped in
    ``gathered`` (measured in shared/notes/math-engines.md).
    """
    tex = tex.strip()
    if display and _has_top_level_newline(tex):
        return "\\begin{gathered}" + tex + "\\end{gathered}"
    return tex


_NESTING_MARKS = re.compile(r"\\begin\{|\\end\{|\\\\|\\.", re.DOTALL)


def _has_top_level_newline(tex: str) -> bool:
    """Whether ``\\\\`` occurs outside every environment (a ``\\x`` escape is skipped whole)."""
    if "\\\\" not in tex:
        return False  # most formulas: one C-level search, not a Python loop over characters
    depth = 0
    for mark in _NESTING_MARKS.finditer(tex):
        found = mark.group()
        if found == "\\begin{":
            depth += 1
        elif found == "\\end{":
            depth -= 1
        elif found == "\\\\" and depth <= 0:
            return True
    return False


class MathCache:
    """(engine, version, mode, TeX) → rendered HTML, in one SQLite file.

    Only successful renderings are stored, so a fixed formula is re-checked.
    A cache that cannot be opened (read-only site, corrupt file) is skipped.
    """

    def __init__(self, path: Path | None):
        self._db: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self.path = path
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("CREATE TABLE IF NOT EXISTS math (key TEXT PRIMARY KEY, html TEXT NOT NULL, warnings TEXT NOT NULL)")
            self._db.execute("BEGIN")
        except (OSError, sqlite3.Error):
            self._db = None

    @staticmethod
    def key(engine: MathEngine, tex: str, display: bool) -> str:
        return MathCache.key_for(engine.name, engine.version, tex, display)

    @staticmethod
    def key_for(name: str, version: str, tex: str, display: bool) -> str:
        raw = "\0".join((name, version, "display" if display else "inline", tex))
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()

    @property
    def enabled(self) -> bool:
        return self._db is not None

    def has(self, key: str) -> bool:
        if self._db is None:
            return False
        with self._lock:
            try:
                return self._db.execute("SELECT 1 FROM math WHERE key = ?", (key,)).fetchone() is not None
            except sqlite3.Error:
                return False

    def get(self, key: str) -> MathResult | None:
        if self._db is None:
            return None
        with self._lock:
            try:
                row = self._db.execute("SELECT html, warnings FROM math WHERE key = ?", (key,)).fetchone()
            except sqlite3.Error:
                return None
        return MathResult(row[0], None, tuple(json.loads(row[1]))) if row else None

    def put(self, key: str, result: MathResult) -> None:
        if self._db is None or result.error:
            return
        # A cache write is an optimisation; the build result does not depend on it.
        with self._lock, contextlib.suppress(sqlite3.Error):
            self._db.execute("INSERT OR REPLACE INTO math VALUES (?, ?, ?)", (key, result.html, json.dumps(list(result.warnings))))

    def commit(self) -> None:
        """Make what was put so far visible to other connections (a forked renderer's)."""
        if self._db is not None:
            with self._lock, contextlib.suppress(sqlite3.Error):
                self._db.execute("COMMIT")
                self._db.execute("BEGIN")

    def close(self) -> None:
        if self._db is not None:
            with self._lock:
                try:
                    self._db.execute("COMMIT")
                    self._db.close()
                except sqlite3.Error:
                    pass
                self._db = None


class ChildMathCache(MathCache):
    """The formula cache in a forked renderer: read through a connection of its own, and what it
    would store is kept in :attr:`recorded` for the parent to store (the parent holds the
    cache's write transaction for the whole build)."""

    def __init__(self, path: Path | None):
        super().__init__(path)
        self.recorded: list[tuple[str, MathResult]] = []

    def put(self, key: str, result: MathResult) -> None:
        if self.enabled and not result.error:
            self.recorded.append((key, result))


def formulas_in(tokens: Iterable[Any], display_types: Sequence[str]) -> Iterable[tuple[str, bool]]:
    """Every formula in a token stream, prepared as :class:`~daeyeok.mathrender.MathRenderer` renders it."""
    for tok in tokens:
        if tok.type == "math_inline" or tok.type in display_types:
            display = tok.type in display_types
            yield prepare_tex(tok.content, display), display
        if tok.children:
            yield from formulas_in(tok.children, display_types)


class MathRenderer:
    """An engine behind a cache and an in-memory memo; what the HTML renderer calls.

    The memo holds the most recent :data:`MEMO_SIZE` formulas (a page and its
    parallel view ask for the same ones, one after the other); the cache holds
    the rest, so a 10,000-page site does not keep 30,000 typeset formulas in memory.
    """

    MEMO_SIZE = 4096

    def __init__(self, engine: MathEngine, cache: MathCache):
        self.engine = engine
        self.cache = cache
        self._memo: OrderedDict[tuple[str, bool], MathResult] = OrderedDict()
        self._preloaded: set[tuple[str, bool]] = set()  # typeset by workers, kept in the cache
        self._kept: dict[tuple[str, bool], PackedResult] = {}  # typeset by workers, no cache to keep them in
        self.rendered = 0
        self.cached = 0

    def render(self, tex: str, display: bool) -> MathResult:
        prepared = prepare_tex(tex, display)
        memo_key = (prepared, display)
        result, key = self._lookup(memo_key)
        if result is None:
            result = self.engine.render(prepared, display)
            self._typeset(memo_key, key, result)
        return result

    def typeset_ahead(self, formulas: Iterable[tuple[str, bool]]) -> None:
        """Typeset in one call into V8 the formulas (prepared, as :func:`formulas_in` gives them)
        that :meth:`render` would typeset one at a time: those neither remembered nor cached.

        The renderer calls this with a page's formulas before rendering its body, which then
        finds every one of them in the memo (cached ones are looked up here, once); the counts
        are those of rendering them one by one.  One call per formula cost 0.70 ms on
        cs231n's formulas, one call per page's batch ~0.3 ms (``benchmarks/katex_calls.py``).
        Other engines typeset as they go.
        """
        if not isinstance(self.engine, KatexEngine):
            return
        seen: set[tuple[str, bool]] = set()
        todo: dict[tuple[str, bool], str] = {}
        for memo_key in formulas:
            if memo_key in seen:
                continue
            seen.add(memo_key)
            result, key = self._lookup(memo_key)
            if result is None:
                todo[memo_key] = key
            if len(seen) >= self.MEMO_SIZE // 2:  # all of them still remembered when the body asks
                break
        if todo:
            for (memo_key, key), result in zip(todo.items(), self.engine.render_many(list(todo)), strict=True):
                self._typeset(memo_key, key, result)

    def _lookup(self, memo_key: tuple[str, bool]) -> tuple[MathResult | None, str]:
        """A formula already typeset (remembered, kept packed, or cached: then remembered and counted),
        or ``None``; and its cache key."""
        if (hit := self._memo.get(memo_key)) is not None:
            self._memo.move_to_end(memo_key)
            return hit, ""
        if (kept := self._kept.get(memo_key)) is not None:
            unpacked = kept.unpack()
            self._remember(memo_key, unpacked)
            return unpacked, ""
        key = MathCache.key(self.engine, *memo_key)
        result = self.cache.get(key)
        if result is not None:
            if memo_key in self._preloaded:
                self._preloaded.discard(memo_key)  # counted as rendered when it was preloaded
            else:
                self.cached += 1
            self._remember(memo_key, result)
        return result, key

    def _typeset(self, memo_key: tuple[str, bool], key: str, result: MathResult) -> None:
        """A formula the engine just typeset: counted, cached and remembered."""
        self.rendered += 1
        self.cache.put(key, result)
        self._remember(memo_key, result)

    def _remember(self, memo_key: tuple[str, bool], result: MathResult) -> None:
        self._memo[memo_key] = result
        if len(self._memo) > self.MEMO_SIZE:
            self._memo.popitem(last=False)

    def preload(self, typeset: Iterable[tuple[str, bool, PackedResult]]) -> None:
        """Formulas typeset elsewhere (:mod:`daeyeok.mathpool`) by this renderer's engine: into the
        cache when there is one (and the result can be cached), else kept packed until rendered."""
        for prepared, display, result in typeset:
            memo_key = (prepared, display)
            if memo_key in self._memo or memo_key in self._preloaded or memo_key in self._kept:
                continue
            self.rendered += 1
            if self.cache.enabled and not result.error:
                self.cache.put(MathCache.key(self.engine, prepared, display), result.unpack())
                self._preloaded.add(memo_key)
            else:
                self._kept[memo_key] = result


def create_engine(preferred: str) -> tuple[MathEngine, str | None]:
    """The engine to use and, when falling back, a warning saying why."""
    if preferred == "katex":
        if katex_available():
            try:
                return KatexEngine(), None
            except ImportError:
                return MathMLEngine(), "mini-racer is not installed; math falls back to MathML (latex2mathml)"
        return MathMLEngine(), f"KaTeX assets not found in {katex_dir()} (run `make setup`); math falls back to MathML (latex2mathml)"
    return MathMLEngine(), None
