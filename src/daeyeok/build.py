"""``build``: load → parse → check → render → write, as a short list of steps.

Each step returns values and diagnostics; nothing is written unless the whole
build succeeded (``--strict``: without warnings either), so a failed build
leaves the previous site untouched.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import manifest
from .checks import check_site
from .config import parse_config
from .diagnostics import Diagnostic, DiagnosticError, Severity, error, has_errors, sorted_unique, warning
from .doccache import DocCache, Parsed, parse_shared
from .glossary import parse_glossary
from .glossary_page import glossary_path
from .glossary_page import published as glossary_published
from .highlight import stylesheet as pygments_css
from .lastmod import last_updated
from .loader import CACHE_DIR, CONTENT_DIR, SiteSources, TextFile, load_site
from .mathpool import MathPool, start_pool
from .mathrender import MathCache, MathRenderer, create_engine
from .model import Document, Glossary, SiteConfig
from .pagecache import CachedRenderer, site_key
from .pagerender import page_groups, start_share
from .parse import parse_document
from .picklecache import PickleCache
from .render import SiteRenderer, robots_txt
from .search import SearchJob, start_search
from .site import Site, assemble
from .status.report import SiteStatus, compute_status, source_language
from .status.web import STATUS_KEY, status_output_files
from .terms import check_site as check_terms
from .terms.runner import cached_parse_glossary
from .terms.runner import check_site_later as check_terms_later
from .urls import output_file, page_path
from .writer import StagedFiles, WriteError, refuse_reason, write_site

THEME_STYLESHEETS = ["assets/daeyeok.css", "assets/pygments.css"]
THEME_SCRIPTS = ["assets/daeyeok.js"]


@dataclass
class BuildResult:
    diagnostics: list[Diagnostic]
    out: Path | None = None
    files: MutableMapping[str, bytes] = field(default_factory=dict)  # in memory, or StagedFiles read back from the output
    copies: dict[str, Path] = field(default_factory=dict)
    written: bool = False
    stats: dict[str, int] = field(default_factory=dict)
    up_to_date: bool = False  # nothing changed since the last build, whose output stands (daeyeok.manifest)

    def ok(self, strict: bool = False) -> bool:
        return not has_errors(self.diagnostics, strict)


@dataclass
class Prepared:
    """Everything before rendering; the checker and the preview server reuse it."""

    sources: SiteSources
    config: SiteConfig
    site: Site
    diagnostics: list[Diagnostic]
    status: SiteStatus | None = None  # translation status (daeyeok.status): progress, outdated blocks


def load_config(sources: SiteSources, base_url: str | None) -> tuple[SiteConfig | None, list[Diagnostic]]:
    if sources.config is None:
        return None, []
    config, diags = parse_config(sources.config.path, sources.config.text)
    if config is not None and base_url is not None:
        from .config import base_url_problem, normalise_base_url

        problem = base_url_problem(base_url)
        if problem:
            return None, [error("--base-url", 0, 0, "usage", problem)]
        config = config.with_base_url(normalise_base_url(base_url))
    return config, diags


def parse_pages(
    sources: SiteSources,
    config: SiteConfig,
    parse: Callable[[TextFile, str], Parsed] = parse_document,
    *,
    many: Callable[[Sequence[tuple[TextFile, str]]], list[Parsed]] | None = None,
) -> tuple[dict[tuple[str, str], Document], list[Diagnostic]]:
    """Every page of the site's languages, by ``parse`` one at a time or by ``many`` all at once."""
    items: list[tuple[TextFile, str]] = []
    diags: list[Diagnostic] = []
    for lang, files in sorted(sources.pages.items()):
        if lang not in config.languages:
            diags.append(
                warning(
                    sources.root / CONTENT_DIR / lang,
                    0,
                    0,
                    "language",
                    f"content/{lang}/ is not one of the site's languages ({', '.join(config.languages)}); ignored",
                )
            )
            continue
        items += [(source, lang) for source in files]
    results = many(items) if many is not None else [parse(source, lang) for source, lang in items]
    docs: dict[tuple[str, str], Document] = {}
    for (_, lang), (doc, found) in zip(items, results, strict=True):
        diags.extend(found)
        if doc is not None:
            docs[(lang, doc.key)] = doc
    return docs, diags


def load_glossary(sources: SiteSources) -> tuple[Glossary | None, list[Diagnostic]]:
    if sources.glossary is None:
        return None, []
    return parse_glossary(sources.glossary.path, sources.glossary.text)


def results_cache(root: Path) -> PickleCache:
    """Per-page results kept between runs of ``build`` and ``check``: glossary findings
    (:mod:`daeyeok.terms.runner`) and block alignments (:func:`daeyeok.align.align_documents`)."""
    return PickleCache(root.absolute() / CACHE_DIR / "results.sqlite", "results")


def terms_in_build(site: Site, cache: PickleCache | None = None) -> list[Diagnostic]:
    """Glossary findings as site.yml's ``glossary_check`` wants them in a build.

    A team adopting daeyeok with years of existing drift (an imported site)
    can keep building while it works through ``daeyeok check``.
    """
    return terms_at_level(site, check_terms(site, cache) if site.config.glossary_check != "off" else [])


def terms_at_level(site: Site, found: list[Diagnostic]) -> list[Diagnostic]:
    """Glossary findings with site.yml's ``glossary_check`` applied: ``off``, ``warning`` or ``error``."""
    level = site.config.glossary_check
    if level == "off":
        return []
    if level == "warning":
        return [dataclasses.replace(d, severity=Severity.WARNING) if d.severity is Severity.ERROR else d for d in found]
    return found


class PrepareSteps:
    """How :func:`prepare` parses; the preview server passes a subclass that reuses unchanged files."""

    doc_cache: DocCache | None = None
    results_cache: PickleCache | None = None

    def __init__(self, doc_cache: DocCache | None = None, results_cache: PickleCache | None = None):
        self.doc_cache = doc_cache
        self.results_cache = results_cache

    def load_config(self, sources: SiteSources, base_url: str | None) -> tuple[SiteConfig | None, list[Diagnostic]]:
        return load_config(sources, base_url)

    def parse_pages(self, sources: SiteSources, config: SiteConfig) -> tuple[dict[tuple[str, str], Document], list[Diagnostic]]:
        if self.doc_cache is not None:
            return parse_pages(sources, config, many=functools.partial(parse_shared, self.doc_cache))
        return parse_pages(sources, config)

    def load_glossary(self, sources: SiteSources) -> tuple[Glossary | None, list[Diagnostic]]:
        if sources.glossary is not None and self.results_cache is not None:
            return cached_parse_glossary(sources.glossary.path, sources.glossary.text, self.results_cache)
        return load_glossary(sources)


def prepare(
    root: Path,
    base_url: str | None = None,
    *,
    steps: PrepareSteps | None = None,
    sources: SiteSources | None = None,
    terms: bool = True,
    with_status: bool = True,
    use_cache: bool = True,
    after_assemble: Callable[[Site], None] | None = None,
    background_terms: bool = False,
) -> Prepared:
    """Load, parse and check; raises :class:`DiagnosticError` when there is nothing to build.

    ``terms=False`` leaves the glossary checks to the caller (``daeyeok check`` runs them
    itself, unfiltered by site.yml's ``glossary_check``); ``with_status=False`` skips the
    translation status (alignment, structure findings), which ``check`` does not report.  Parsed pages come from the
    on-disk cache (:mod:`daeyeok.doccache`) unless ``use_cache`` is off.  ``after_assemble`` is
    given the site before the checks run (the build starts typesetting formulas and indexing
    the pages for search then).
    ``background_terms``: check glossary terms in a forked child meanwhile (only for a caller
    without threads: the command line's build, before its formula workers start).
    """
    if steps is None:
        cache = DocCache(root.absolute() / CACHE_DIR / "docs.sqlite" if use_cache else None)
        found_cache = results_cache(root) if use_cache else None
        try:
            steps = PrepareSteps(cache, found_cache)
            return prepare(
                root,
                base_url,
                steps=steps,
                sources=sources,
                terms=terms,
                with_status=with_status,
                after_assemble=after_assemble,
                background_terms=background_terms,
            )
        finally:
            cache.close()
            if found_cache is not None:
                found_cache.close()
    sources = sources or load_site(root)
    diags = list(sources.diagnostics)
    config, found = steps.load_config(sources, base_url)
    diags += found
    if config is None:
        raise DiagnosticError(diags)
    docs, found = steps.parse_pages(sources, config)
    diags += found
    glossary, found = steps.load_glossary(sources)
    diags += found
    static_paths = frozenset(sources.static) | frozenset(THEME_STYLESHEETS) | {"sitemap.xml", "404.html", "robots.txt", "index.html"}
    site = assemble(config, docs, glossary, static_paths)
    # glossary terms and particles (daeyeok.terms), as `daeyeok check` reports them
    # with no translation status to compute, this process has nothing to do meanwhile: it checks half
    status_to_do = with_status and source_language(config.languages) is not None
    later = check_terms_later(site, steps.results_cache, share=not status_to_do) if terms and background_terms and config.glossary_check != "off" else None
    try:
        if after_assemble is not None:
            after_assemble(site)
        diags += check_site(site)
        status = None
        if with_status:
            status = compute_status(site, sources.lock, steps.results_cache)  # structure findings between translations and sources, as warnings
        if terms:
            diags += terms_at_level(site, later()) if later is not None else terms_in_build(site, steps.results_cache)
            later = None
        if status is not None:
            diags += status.diagnostics
    finally:
        if later is not None:
            later()  # a failure above: still reap the child
    return Prepared(sources, config, site, diags, status)


def make_renderer(prepared: Prepared, math: MathRenderer, cls: type[SiteRenderer] = SiteRenderer) -> SiteRenderer:
    """The page renderer for a prepared site; the preview server passes a memoising subclass."""
    return cls(prepared.site, prepared.sources.templates, math, THEME_STYLESHEETS[:1] + math.engine.stylesheets() + THEME_STYLESHEETS[1:], THEME_SCRIPTS)


def render_site(
    prepared: Prepared,
    math: MathRenderer,
    renderer: SiteRenderer | None = None,
    *,
    search: bool = True,
    files: MutableMapping[str, bytes] | None = None,
    job: SearchJob | None = None,
) -> tuple[MutableMapping[str, bytes], dict[str, Path], list[Diagnostic]]:
    """Every output file, into ``files`` (a dict in memory unless the caller stages them on disk,
    :class:`~daeyeok.writer.StagedFiles`). ``search=False`` leaves out the search index, which
    the preview server rebuilds off the edit → reload path; ``job`` is a search index already
    being built (the command line's build starts it before the checks)."""
    site, sources = prepared.site, prepared.sources
    renderer = renderer or make_renderer(prepared, math)
    renderer.status = prepared.status
    renderer.last_updated = last_updated(sources.root, [doc.source.path for doc in site.docs.values()])  # one git call
    renderer.static_files = {rel: s.path for rel, s in sources.static.items()}  # image sizes for <img width height>
    files = {} if files is None else files
    diags: list[Diagnostic] = []
    page_outputs = {output_file(page_path(page.lang, page.key)) for page in site.pages()}  # a real page always wins its URL
    # on a large build a forked child renders part of the pages (daeyeok.pagerender), started
    # before Pagefind, which indexes in its own process while the pages render (daeyeok.search)
    share = start_share(renderer, page_groups(site), files, page_outputs, busy=job.running if job is not None else None)
    try:
        job = job if job is not None or not search else SearchJob(site)
        share.render_mine(diags)
        share.finish(diags)
        _render_generated(prepared, renderer, files, diags)
    except BaseException:
        share.abandon()
        if job is not None:
            job.close()  # no Pagefind process or temporary directory outlives a failed render
        raise
    files["sitemap.xml"] = renderer.sitemap()
    files["robots.txt"] = robots_txt(site)
    files["assets/pygments.css"] = pygments_css().encode("utf-8")
    if job is not None:
        bundle, found = job.files()  # Pagefind bundle + the search module (daeyeok.search)
        diags += found
        files.update({name: data for name, data in bundle.items() if name not in files and name not in sources.static})
    copies: dict[str, Path] = {rel: s.path for rel, s in sources.static.items()}
    copies.update(math.engine.asset_files())
    return files, copies, diags


def _render_generated(prepared: Prepared, renderer: SiteRenderer, files: MutableMapping[str, bytes], diags: list[Diagnostic]) -> None:
    """Redirects for aliases, the landing page, 404, the status and glossary pages, into ``files``."""
    site = prepared.site
    pages = site.pages()
    for page in pages:
        for alias in page.doc.front.extra.get("aliases", ()) if not page.is_fallback else ():
            files.setdefault(output_file(alias.strip("/") + "/"), renderer.render_redirect(site.url(page.lang, page.key)))
    for name, render in (("index.html", renderer.render_landing), ("404.html", renderer.render_404)):
        data, diag = render()
        if diag:
            diags.append(diag)
        elif data is not None:
            files[name] = data
    if prepared.status is not None and prepared.status.targets and not site.has_key(STATUS_KEY):
        for lang, name in zip(site.config.languages, status_output_files(site.config.languages), strict=True):
            data, diag = renderer.render_status(lang)
            diags += [diag] if diag else []
            files.update({name: data} if data is not None else {})
    for lang in site.config.languages if glossary_published(site) else ():  # /<lang>/glossary/ (daeyeok.glossary_page)
        data, diag = renderer.render_glossary(lang)
        diags += [diag] if diag else []
        files.update({output_file(glossary_path(lang)): data} if data is not None else {})


def build(
    root: Path,
    out: Path | None = None,
    *,
    base_url: str | None = None,
    strict: bool = False,
    write: bool = True,
    use_cache: bool = True,
    sources: SiteSources | None = None,
) -> BuildResult:
    root = root.absolute()
    out = (out or root / "_site").absolute()
    reason = refuse_reason(out, root, root / CONTENT_DIR)
    if reason:
        return BuildResult([error(str(out), 0, 0, "output", reason)])
    sources = sources or load_site(root)
    cache_dir = root / CACHE_DIR
    stamp = None
    if use_cache and write:
        stamp, previous = manifest.shortcut(root, out, sources, base_url, strict)
        if previous is not None:
            return BuildResult(previous[0], out, stats=previous[1], up_to_date=True)
    cache = MathCache(root / CACHE_DIR / "math.sqlite" if use_cache else None)
    pools: list[MathPool] = []
    page_store: PickleCache | None = None
    staged: StagedFiles | None = None  # a written build's files go to disk as they are rendered

    jobs: list[SearchJob] = []

    def start_background(site: Site) -> None:
        # while the checks run, a forked child computes the search documents and becomes Pagefind
        # (daeyeok.search; forked first, before the formula workers' threads), and formulas the
        # cache lacks are typeset in worker processes (daeyeok.mathpool); search documents of
        # unchanged pages come from .daeyeok-cache/search.sqlite
        jobs.append(start_search(site, root / CACHE_DIR / "search.sqlite" if use_cache else None))
        pool = start_pool(site.config.math, site.docs.values(), cache)
        pools.extend([pool] if pool else [])

    try:
        try:
            prepared = prepare(root, base_url, sources=sources, use_cache=use_cache, after_assemble=start_background, background_terms=True)
        except DiagnosticError as exc:
            return BuildResult(sorted_unique(exc.diagnostics))
        diags = list(prepared.diagnostics)
        engine, fallback_warning = create_engine(prepared.config.math)
        if fallback_warning:
            diags.append(warning(prepared.config.path, 0, 0, "math", fallback_warning))
        math = MathRenderer(engine, cache)
        for pool in pools:
            if engine.name == "katex":
                math.preload(pool.results())
        renderer = make_renderer(prepared, math, CachedRenderer)
        assert isinstance(renderer, CachedRenderer)
        if use_cache:  # unchanged pages come from .daeyeok-cache/pages.sqlite (daeyeok.pagecache)
            page_store = PickleCache(root / CACHE_DIR / "pages.sqlite", "pages")
            templates = {name: tf.text for name, tf in prepared.sources.templates.items()}
            static = {rel: s.path for rel, s in prepared.sources.static.items()}
            renderer.attach_cache(page_store, site_key(renderer, (engine.name, engine.version), templates, static))
        try:
            staged = StagedFiles(out) if write else None
            files, copies, found = render_site(prepared, math, renderer, files=staged, job=jobs.pop() if jobs else None)
        except BaseException as exc:
            if staged is not None:
                staged.discard()  # nothing of a failed render reaches the output
            if isinstance(exc, WriteError):
                return BuildResult(sorted_unique([*diags, error(str(out), 0, 0, "output", str(exc))]), out)
            raise
        if page_store is not None:
            page_store.retain(renderer.used)
    finally:
        for pool in pools:
            pool.close()
        for job in jobs:
            job.close()  # a build that stopped before rendering: no Pagefind process outlives it
        if page_store is not None:
            page_store.close()
        cache.close()
    diags = sorted_unique(diags + found)
    stats = {"pages": len(prepared.site.pages()), "formulas_rendered": math.rendered, "formulas_cached": math.cached, "pages_cached": renderer.hits}
    result = BuildResult(diags, out, files, copies, stats=stats)
    if not write or not result.ok(strict):
        if staged is not None:
            staged.discard()  # a build with errors writes nothing
        return result
    manifest.forget(cache_dir)  # the output is about to change: no shortcut until it is recorded again
    try:
        write_site(out, files, copies)
    except WriteError as exc:
        result.diagnostics.append(error(str(out), 0, 0, "output", str(exc)))
        return result
    result.written = True
    if stamp is not None:
        manifest.save(cache_dir, stamp, out, merged(files, copies), diags, result.stats)
    return result


def merged(files: Mapping[str, bytes], copies: Mapping[str, Path]) -> list[str]:
    return sorted(set(files) | set(copies))
