"""Incremental rebuilds for the preview server: re-parse what changed, re-render what it affects.

Every rebuild re-reads the whole site tree (about a millisecond for a course)
and compares file contents with the previous rebuild, instead of trusting the
file events that triggered it: editors save through temporary files, renames
and deletions, and the contents are the only reliable truth.  Then:

* a Markdown file is parsed again only when its text changed;
* ``site.yml`` and ``glossary.yml`` are parsed again only when their text changed
  (the glossary alone takes longer to parse than a page edit may cost);
* a page is rendered again only when one of its inputs changed: its document,
  the navigation titles of its language, its previous/next neighbours, the
  templates its template includes, the config or the glossary (see
  :meth:`MemoRenderer.page_inputs`);
* the Jinja environment (compiled templates) and the math renderer (its memo
  of typeset formulas) live across rebuilds.

When something is broken the last good output keeps being served, as MkDocs
never serves a half-built site: an error in one page (front matter, TeX, a
link collision) freezes that page only, at its last good text, so translators
keep seeing their other edits; an error elsewhere (site.yml, glossary.yml, a
static symlink) freezes the whole site.  The errors travel with the snapshot
to the browser overlay.
"""

from __future__ import annotations

import hashlib
import os
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta

from .. import glossary_page
from ..build import PrepareSteps, load_config, make_renderer, parse_pages, prepare, render_site, terms_in_build
from ..diagnostics import Diagnostic, DiagnosticError, Severity, display_path, error, sorted_unique, warning
from ..glossary import parse_glossary
from ..loader import CACHE_DIR, STATIC_DIR, THEME_DIR, SiteSources, TextFile
from ..mathrender import MathCache, MathRenderer, create_engine
from ..model import Document, Glossary, Page, SiteConfig
from ..parse import parse_document
from ..render import NavGroup, SiteRenderer, make_environment
from ..search import BUNDLE_DIR
from ..search import SCRIPT as SEARCH_SCRIPT
from ..site import Site
from ..status.web import status_context, status_output_files
from ..urls import output_file

#: the templates :mod:`daeyeok.render` renders directly
PAGE_TEMPLATE, LANDING_TEMPLATE, NOT_FOUND_TEMPLATE, GLOSSARY_TEMPLATE, STATUS_TEMPLATE = (
    "page.html",
    "landing.html",
    "404.html",
    "glossary.html",
    "status.html",
)
#: how many source lines around an error the overlay shows
CONTEXT_LINES = 2


@dataclass(frozen=True)
class OverlayError:
    """One error as the browser overlay shows it: the diagnostic line and the source around it."""

    text: str  # path:line:col: severity code: message
    path: str
    line: int
    col: int
    code: str
    message: str
    context: tuple[tuple[int, str], ...] = ()
    fix: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "code": self.code,
            "message": self.message,
            "fix": self.fix,
            "context": [list(c) for c in self.context],
        }


#: output files of the search index, carried from the first snapshot to the next ones
SEARCH_OUTPUTS = (f"{BUNDLE_DIR}/", SEARCH_SCRIPT)


@dataclass(frozen=True)
class Snapshot:
    """One consistent state of the served site; the server swaps whole snapshots, never edits one."""

    version: int
    files: Mapping[str, bytes]  # output path -> bytes
    copies: Mapping[str, Path]  # output path -> source file
    diagnostics: tuple[Diagnostic, ...]
    errors: tuple[OverlayError, ...]
    base_url: str
    built_at: float  # time.time() when the snapshot was complete
    elapsed: float  # seconds the rebuild took
    changed: frozenset[str]  # output paths whose content differs from the previous snapshot
    rendered: frozenset[str]  # output paths rendered again (not taken from the memo) in this rebuild
    copy_roots: tuple[Path, ...] = ()  # resolved directories every copy must stay inside
    copy_stats: Mapping[str, str] = field(default_factory=dict)  # output path -> size/mtime/inode of its source
    phases: Mapping[str, float] = field(default_factory=dict)  # seconds per step: prepare (load, parse, checks), render
    _digests: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def has(self, rel: str) -> bool:
        return rel in self.files or rel in self.copies

    def digest(self, rel: str) -> str:
        """A short content fingerprint of one output file (copies: their path, size and mtime)."""
        cached = self._digests.get(rel)
        if cached is not None:
            return cached
        h = hashlib.blake2b(digest_size=8)
        if rel in self.files:
            h.update(self.files[rel])
        elif rel in self.copies:
            h.update(self.copy_stats.get(rel, "").encode())
        value = h.hexdigest()
        self._digests[rel] = value
        return value

    def assets_digest(self) -> str:
        """Fingerprint of everything a page's look depends on besides its own HTML (CSS, scripts, images)."""
        cached = self._digests.get("\0assets")
        if cached is not None:
            return cached
        h = hashlib.blake2b(digest_size=8)
        for rel in sorted(self.files):
            if rel.endswith((".css", ".js")):
                h.update(rel.encode() + b"\0" + self.files[rel])
        for rel in sorted(self.copies):
            h.update(rel.encode() + b"\0" + self.copy_stats.get(rel, "").encode())
        value = h.hexdigest()
        self._digests["\0assets"] = value
        return value


def _stat_key(path: Path) -> str:
    try:
        st = path.stat()
    except OSError:
        return f"{path}:missing"
    return f"{path}:{st.st_size}:{st.st_mtime_ns}:{st.st_ino}"


@dataclass
class _Deferred:
    """What :meth:`IncrementalBuilder.finish` needs from the rebuild that deferred work."""

    site: Site
    texts: Mapping[str, str]
    renderer: MemoRenderer
    diagnostics: list[Diagnostic]  # the rebuild's, without those of the outputs still to render


@dataclass
class _PageMemo:
    inputs: tuple[Any, ...]
    out: str
    data: bytes | None  # what is served: the new rendering, or the last good one when this one failed
    diagnostics: list[Diagnostic]


class MemoRenderer(SiteRenderer):
    """A :class:`SiteRenderer` that returns the previous rendering when a page's inputs are unchanged.

    It also keeps a page at its last good bytes when its rendering has errors
    (a template error, invalid TeX), so the server keeps serving it.
    """

    builder: IncrementalBuilder
    _nav_cache: dict[str, tuple[NavGroup, ...]]
    #: while set, outputs no open tab of the edited page shows (its parallel view, the status
    #: pages) keep their previous bytes and are rendered by :meth:`IncrementalBuilder.finish`
    deferring: bool
    deferred: list[Callable[[], _PageMemo]]
    #: diagnostics of the previous renderings served in the meantime (replaced in finish)
    stale_diagnostics: list[Diagnostic]

    def attach(self, builder: IncrementalBuilder, env: jinja2.Environment, *, defer: bool = False) -> None:
        self.builder = builder
        self.env = env  # compiled templates survive rebuilds while the templates are unchanged
        self._nav_cache = {}
        self.deferring = defer
        self.deferred = []
        self.stale_diagnostics = []

    def _later(self, key: tuple[str, str], inputs: tuple[Any, ...], source: str | None, render: Any) -> _PageMemo | None:
        """While deferring, the previous rendering of an output whose inputs changed (its new one queued)."""
        memo = self.builder._memo.get(key)
        if not self.deferring or memo is None or memo.inputs == inputs:
            return None
        self.builder._used.add(key)
        self.deferred.append(lambda: self._memoised(key, inputs, source, render))
        self.stale_diagnostics += memo.diagnostics
        return memo

    def nav_inputs(self, lang: str) -> tuple[NavGroup, ...]:
        """Every title, URL and translation state the navigation of ``lang`` shows."""
        if lang not in self._nav_cache:
            self._nav_cache[lang] = tuple(self.nav(lang, ""))
        return self._nav_cache[lang]

    def page_inputs(self, page: Page) -> tuple[Any, ...]:
        """Everything :meth:`SiteRenderer.page_context` and the page template read, as comparable values."""
        doc = page.doc
        return (
            self.builder.shared_inputs(PAGE_TEMPLATE),
            page.lang,
            page.key,
            (doc.lang, str(doc.source.path), doc.source.rel, doc.source.text),
            self.nav_inputs(page.lang),
            self.neighbours(page.lang, page.key),
        )

    def _memoised(self, key: tuple[str, str], inputs: tuple[Any, ...], source: str | None, render: Any) -> _PageMemo:
        memo = self.builder._memo.get(key)
        if memo is not None and memo.inputs == inputs:
            self.builder._used.add(key)
            return memo
        out, data, diags = render()
        self.builder._rendered.add(out)
        failed = data is None or any(d.severity is Severity.ERROR for d in diags) or (source is not None and source in self.builder._broken_sources)
        if failed and key in self.builder._good:
            data = self.builder._good[key]
        elif not failed and data is not None:
            self.builder._good[key] = data
        memo = _PageMemo(inputs, out, data, list(diags))
        self.builder._memo[key] = memo
        self.builder._used.add(key)
        return memo

    def render_page(self, page: Page) -> tuple[str, bytes | None, list[Diagnostic]]:
        source = display_path(page.doc.source.path)
        memo = self._memoised(("page", f"{page.lang}/{page.key}"), self.page_inputs(page), source, lambda: super(MemoRenderer, self).render_page(page))
        return memo.out, memo.data, memo.diagnostics

    def render_parallel(self, page: Page) -> tuple[str, bytes | None, list[Diagnostic]] | None:
        """The parallel view depends on the page's inputs and on the original's text."""
        other = self.parallel_page(page)
        if other is None:
            return None
        original = other.doc
        inputs = (*self.page_inputs(page), (original.lang, str(original.source.path), original.source.text))

        def render() -> tuple[str, bytes | None, list[Diagnostic]]:
            result = super(MemoRenderer, self).render_parallel(page)
            assert result is not None  # parallel_page(page) is not None
            return result

        key, source = ("parallel", f"{page.lang}/{page.key}"), display_path(page.doc.source.path)
        memo = self._later(key, inputs, source, render) or self._memoised(key, inputs, source, render)
        return memo.out, memo.data, memo.diagnostics

    def render_status(self, lang: str) -> tuple[bytes | None, Diagnostic | None]:
        """The status page shows every page's figures: rendered after the pages when they changed."""

        def render() -> tuple[str, bytes | None, list[Diagnostic]]:
            data, diag = super(MemoRenderer, self).render_status(lang)
            languages = self.site.config.languages
            return dict(zip(languages, status_output_files(languages), strict=True))[lang], data, [diag] if diag else []

        assert self.status is not None
        key = ("status", lang)
        inputs = (self.builder.shared_inputs(STATUS_TEMPLATE), lang, self.nav_inputs(lang), status_context(self.status, self.site, lang))
        memo = self._later(key, inputs, None, render) or self._memoised(key, inputs, None, render)
        return memo.data, memo.diagnostics[0] if memo.diagnostics else None

    def render_glossary(self, lang: str) -> tuple[bytes | None, Diagnostic | None]:
        """The glossary page shows the glossary (in ``shared_inputs``) and the navigation."""

        def render() -> tuple[str, bytes | None, list[Diagnostic]]:
            data, diag = super(MemoRenderer, self).render_glossary(lang)
            return output_file(glossary_page.glossary_path(lang)), data, [diag] if diag else []

        memo = self._memoised(("glossary", lang), (self.builder.shared_inputs(GLOSSARY_TEMPLATE), lang, self.nav_inputs(lang)), None, render)
        return memo.data, memo.diagnostics[0] if memo.diagnostics else None

    def render_landing(self) -> tuple[bytes | None, Diagnostic | None]:
        cfg = self.site.config
        home = self.site.page(cfg.default_language, "index")
        home_doc = (home.doc.lang, str(home.doc.source.path), home.doc.source.text, home.is_fallback) if home else None
        inputs = (self.builder.shared_inputs(LANDING_TEMPLATE), home_doc, self.nav_inputs(cfg.default_language))

        def render() -> tuple[str, bytes | None, list[Diagnostic]]:
            data, diag = super(MemoRenderer, self).render_landing()
            return "index.html", data, [diag] if diag else []

        memo = self._memoised(("landing", ""), inputs, None, render)
        return memo.data, memo.diagnostics[0] if memo.diagnostics else None

    def render_404(self) -> tuple[bytes | None, Diagnostic | None]:
        def render() -> tuple[str, bytes | None, list[Diagnostic]]:
            data, diag = super(MemoRenderer, self).render_404()
            return "404.html", data, [diag] if diag else []

        memo = self._memoised(("404", ""), (self.builder.shared_inputs(NOT_FOUND_TEMPLATE),), None, render)
        return memo.data, memo.diagnostics[0] if memo.diagnostics else None


@dataclass
class _Parsed:
    text: str
    doc: Document | None
    diagnostics: list[Diagnostic]


class IncrementalBuilder(PrepareSteps):
    """Keeps what the previous rebuild parsed and rendered; :meth:`rebuild` returns the next snapshot.

    It is the :class:`~daeyeok.build.PrepareSteps` of :func:`daeyeok.build.prepare`,
    so the preview runs the very pipeline ``daeyeok build`` runs, only with
    unchanged files taken from memory.  Not thread-safe: the server calls it
    from one rebuild thread only.
    """

    def __init__(self, root: Path, base_url: str | None = None, *, use_cache: bool = True):
        self.root = root.absolute()
        self.base_url = base_url
        self.use_cache = use_cache
        self.version = 0
        self.snapshot: Snapshot | None = None
        self._config_key: tuple[str, str | None] | None = None
        self._config: tuple[SiteConfig | None, list[Diagnostic]] = (None, [])
        self._parsed: dict[tuple[str, Path], _Parsed] = {}
        self._last_good_doc: dict[tuple[str, Path], Document] = {}
        self._glossary_text: str | None = None
        self._glossary: tuple[Glossary | None, list[Diagnostic]] = (None, [])
        self._templates_key: tuple[tuple[str, str], ...] | None = None
        self._env: jinja2.Environment | None = None
        self._template_inputs: dict[str, tuple[tuple[str, str], ...]] = {}
        self._math: MathRenderer | None = None
        self._math_key: str | None = None
        self._math_warning: str | None = None
        self._memo: dict[tuple[str, str], _PageMemo] = {}
        self._good: dict[tuple[str, str], bytes] = {}
        self._used: set[tuple[str, str]] = set()
        self._rendered: set[str] = set()
        self._broken_sources: set[str] = set()
        self._shared: tuple[Any, ...] = ()
        self._phases: dict[str, float] = {}
        self._deferred: _Deferred | None = None

    # -- pieces reused across rebuilds ------------------------------------------------
    def load_config(self, sources: SiteSources, base_url: str | None) -> tuple[SiteConfig | None, list[Diagnostic]]:
        key = (sources.config.text if sources.config else "", base_url)
        if key != self._config_key:
            self._config = load_config(sources, base_url)
            self._config_key = key
        return self._config

    def _parse(self, source: TextFile, lang: str) -> tuple[Document | None, list[Diagnostic]]:
        key = (lang, source.path)
        cached = self._parsed.get(key)
        if cached is None or cached.text != source.text:
            doc, diags = parse_document(source, lang)
            cached = _Parsed(source.text, doc, diags)
            self._parsed[key] = cached
            if doc is not None and not any(d.severity is Severity.ERROR for d in diags):
                self._last_good_doc[key] = doc
        if cached.doc is None or any(d.severity is Severity.ERROR for d in cached.diagnostics):
            # broken now: serve the page as it last parsed cleanly, and say why in the overlay
            self._broken_sources.add(display_path(source.path))
            return self._last_good_doc.get(key, cached.doc), cached.diagnostics
        return cached.doc, cached.diagnostics

    def parse_pages(self, sources: SiteSources, config: SiteConfig) -> tuple[dict[tuple[str, str], Document], list[Diagnostic]]:
        """:func:`daeyeok.build.parse_pages`, parsing only files whose text changed."""
        seen: set[tuple[str, Path]] = {(lang, tf.path) for lang, files in sources.pages.items() if lang in config.languages for tf in files}
        for gone in set(self._parsed) - seen:  # deleted or renamed: forget it, its output disappears
            del self._parsed[gone]
            self._last_good_doc.pop(gone, None)
        return parse_pages(sources, config, parse=self._parse)

    def load_glossary(self, sources: SiteSources) -> tuple[Glossary | None, list[Diagnostic]]:
        text = sources.glossary.text if sources.glossary else None
        if text != self._glossary_text:
            self._glossary = parse_glossary(sources.glossary.path, sources.glossary.text) if sources.glossary else (None, [])
            self._glossary_text = text
        return self._glossary

    def _environment(self, templates: Mapping[str, TextFile]) -> jinja2.Environment:
        key = tuple(sorted((name, tf.text) for name, tf in templates.items()))
        if self._env is None or key != self._templates_key:
            self._env = make_environment(templates)
            self._templates_key = key
            self._template_inputs = {
                name: _template_closure(self._env, templates, name)
                for name in (PAGE_TEMPLATE, LANDING_TEMPLATE, NOT_FOUND_TEMPLATE, GLOSSARY_TEMPLATE, STATUS_TEMPLATE)
            }
        return self._env

    def _math_renderer(self, config: SiteConfig) -> MathRenderer:
        if self._math is None or self._math_key != config.math:
            if self._math is not None:
                self._math.cache.close()
            engine, self._math_warning = create_engine(config.math)
            self._math = MathRenderer(engine, self._open_cache())
            self._math_key = config.math
        return self._math

    def _open_cache(self) -> MathCache:
        return MathCache(self.root / CACHE_DIR / "math.sqlite" if self.use_cache else None)

    def shared_inputs(self, template: str) -> tuple[Any, ...]:
        """What every page rendered by ``template`` depends on: config, glossary, the template's files."""
        return (*self._shared, self._template_inputs.get(template, ()))

    # -- the rebuild ----------------------------------------------------------------------
    def rebuild(self, *, defer: bool = False) -> Snapshot:
        """Bring the output up to date with the site directory and return the new snapshot.

        ``defer``: publish the pages first and leave to :meth:`finish` what an open tab
        of the edited page does not show: the glossary checks (findings never change a
        page's HTML, only the diagnostics and the overlay), the edited pages' parallel
        views and the status pages (which keep their previous bytes until then).  The
        server publishes both snapshots; a tab reloads only when its own page changed.
        """
        started = time.perf_counter()
        self._rendered = set()
        self._used = set()
        self._deferred = None
        previous = self.snapshot
        self._broken_sources = set()
        self._phases = {}
        try:
            prepared = prepare(self.root, self.base_url, steps=self, terms=not defer)
        except DiagnosticError as exc:
            # no usable site.yml: keep serving whatever was served, with the errors
            diags = sorted_unique(exc.diagnostics)
            return self._publish(previous.files if previous else {}, previous.copies if previous else {}, diags, {}, started, previous)
        self._phases["prepare"] = time.perf_counter() - started
        diags = list(prepared.diagnostics)
        math = self._math_renderer(prepared.config)
        if self._math_warning:
            diags.append(warning(prepared.config.path, 0, 0, "math", self._math_warning))
        env = self._environment(prepared.sources.templates)
        self._shared = (self._config_key, self._glossary_text)
        page_sources = {display_path(tf.path) for files in prepared.sources.pages.values() for tf in files}
        global_errors = [d for d in diags if d.severity is Severity.ERROR and d.path not in page_sources]
        if global_errors and previous is not None:
            # site.yml, glossary.yml or a static file is broken: freeze the whole site at its last good state
            stale = [d for m in self._memo.values() for d in m.diagnostics]
            return self._publish(previous.files, previous.copies, sorted_unique(diags + stale), _texts(prepared.sources), started, previous)
        renderer = make_renderer(prepared, math, MemoRenderer)
        assert isinstance(renderer, MemoRenderer)
        renderer.attach(self, env, defer=defer and previous is not None)
        rendered_before = math.rendered
        render_started = time.perf_counter()
        # The search index (Pagefind over every page, seconds on a large site) is built with
        # the first snapshot and then kept: an edit must reach the browser in milliseconds.
        # Search results catch up with edits when the server restarts.
        files, copies, found = render_site(prepared, math, renderer, search=previous is None)
        if previous is not None:
            files.update({name: data for name, data in previous.files.items() if name.startswith(SEARCH_OUTPUTS) and name not in files})
        self._phases["render"] = time.perf_counter() - render_started
        for key in set(self._memo) - self._used:  # pages that no longer exist
            del self._memo[key]
            self._good.pop(key, None)
        if math.rendered != rendered_before and self.use_cache:
            math.cache.close()  # commit new formulas so `daeyeok build` finds them too
            math.cache = self._open_cache()
        texts = _texts(prepared.sources)
        snapshot = self._publish(files, copies, sorted_unique(diags + found), texts, started, previous)
        if defer:
            for old in renderer.stale_diagnostics:  # what finish() renders again reports afresh
                found.remove(old)
            self._deferred = _Deferred(prepared.site, texts, renderer, diags + found)
        return snapshot

    def finish(self) -> Snapshot | None:
        """What ``rebuild(defer=True)`` held back, as the next snapshot; ``None`` when it changes nothing."""
        deferred, self._deferred = self._deferred, None
        snapshot = self.snapshot
        if deferred is None or snapshot is None:
            return None
        started = time.perf_counter()
        self._rendered = set()
        files = dict(snapshot.files)
        diags = list(deferred.diagnostics)
        renderer = deferred.renderer
        renderer.deferring = False
        for render in renderer.deferred:
            memo = render()
            diags += memo.diagnostics
            if memo.data is not None and memo.out:
                files[memo.out] = memo.data
        diags += terms_in_build(deferred.site)  # memoised per page: only edited pages are checked again
        found = sorted_unique(diags)
        if not renderer.deferred and tuple(found) == snapshot.diagnostics:
            return None
        return self._publish(files, snapshot.copies, found, deferred.texts, started, snapshot)

    def internal_error(self, exc: BaseException, started: float) -> Snapshot:
        """A rebuild crashed (a daeyeok bug, not a user mistake): keep the last pages, say so in the overlay."""
        previous = self.snapshot
        where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
        at = f" [{Path(where.filename).name}:{where.lineno}]" if where else ""
        diag = error("daeyeok", 0, 0, "internal", f"the rebuild failed: {type(exc).__name__}: {exc}{at}; please report this bug")
        stale = list(previous.diagnostics) if previous else []
        return self._publish(previous.files if previous else {}, previous.copies if previous else {}, sorted_unique([*stale, diag]), {}, started, previous)

    def _publish(
        self,
        files: Mapping[str, bytes],
        copies: Mapping[str, Path],
        diags: list[Diagnostic],
        texts: Mapping[str, str],
        started: float,
        previous: Snapshot | None,
    ) -> Snapshot:
        self.version += 1
        stats = {rel: _stat_key(src) for rel, src in copies.items()}
        changed = _changed(previous, files, stats)
        errors = tuple(_overlay_error(d, texts) for d in diags if d.severity is Severity.ERROR)
        snapshot = Snapshot(
            version=self.version,
            files=dict(files),
            copies=dict(copies),
            diagnostics=tuple(diags),
            errors=errors,
            base_url=self._config[0].base_url if self._config[0] else (previous.base_url if previous else "/"),
            built_at=time.time(),
            elapsed=time.perf_counter() - started,
            changed=frozenset(changed),
            rendered=frozenset(self._rendered),
            copy_roots=self._copy_roots(copies),
            copy_stats=stats,
            phases=dict(self._phases),
        )
        self.snapshot = snapshot
        return snapshot

    def _copy_roots(self, copies: Mapping[str, Path]) -> tuple[Path, ...]:
        """The directories copied files come from: the site's and the theme's static/, the math assets."""
        roots = {os.path.realpath(self.root / STATIC_DIR), os.path.realpath(THEME_DIR / "static")}
        if self._math is not None:
            roots.update(os.path.realpath(p.parent) for p in self._math.engine.asset_files().values())
        return tuple(Path(r) for r in sorted(roots))

    def close(self) -> None:
        """Commit the formula cache; call once when the server stops."""
        if self._math is not None:
            self._math.cache.close()


def _template_closure(env: jinja2.Environment, templates: Mapping[str, TextFile], name: str) -> tuple[tuple[str, str], ...]:
    """The texts of ``name`` and every template it extends, includes or imports.

    A dynamic include (a name computed at render time), or a template that does
    not parse, makes the page depend on every template: safe, not minimal.
    """
    seen: dict[str, str] = {}
    todo = [name]
    while todo:
        current = todo.pop()
        if current in seen or current not in templates:
            continue
        seen[current] = templates[current].text
        try:
            refs = list(jinja2.meta.find_referenced_templates(env.parse(templates[current].text)))
        except jinja2.TemplateSyntaxError:
            refs = [None]
        if None in refs:
            return tuple(sorted((n, tf.text) for n, tf in templates.items()))
        todo.extend(r for r in refs if r is not None)
    return tuple(sorted(seen.items()))


def _texts(sources: SiteSources) -> dict[str, str]:
    """Source texts by display path, for the overlay's lines around an error."""
    texts: dict[str, str] = {}
    for tf in [sources.config, sources.glossary, *(f for files in sources.pages.values() for f in files), *sources.templates.values()]:
        if tf is not None:
            texts[display_path(tf.path)] = tf.text
    return texts


def _overlay_error(d: Diagnostic, texts: Mapping[str, str]) -> OverlayError:
    context: tuple[tuple[int, str], ...] = ()
    text = texts.get(d.path)
    if text is not None and d.line > 0:
        lines = text.split("\n")
        lo, hi = max(1, d.line - CONTEXT_LINES), min(len(lines), d.line + CONTEXT_LINES)
        context = tuple((n, lines[n - 1]) for n in range(lo, hi + 1))
    return OverlayError(d.format(), d.path, d.line, d.col, d.code, d.message, context, d.fix)


def _changed(previous: Snapshot | None, files: Mapping[str, bytes], stats: Mapping[str, str]) -> set[str]:
    if previous is None:
        return set(files) | set(stats)
    changed = {rel for rel, data in files.items() if previous.files.get(rel) is not data and previous.files.get(rel) != data}
    changed |= {rel for rel, st in stats.items() if previous.copy_stats.get(rel) != st}
    changed |= (set(previous.files) - set(files)) | (set(previous.copies) - set(stats))
    return changed
