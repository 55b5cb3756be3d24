"""The site's pages rendered one key at a time, part of them in a forked child on large builds.

A key's pages (every language) and their parallel views are rendered
together, so a parallel view reuses both bodies (:meth:`SiteRenderer.body`)
and they are forgotten right after.  On a build with many pages to render, a
forked child takes the larger part of the keys (:data:`CHILD_SHARE`: this
process also computes the search documents meanwhile) and writes its files
straight into the staging directory; it sends back only their names, its
diagnostics, the page-cache keys it used and the formulas it typeset for the
formula cache.  Before the fork no formula has been typeset in this process,
so no V8 thread exists (:class:`~daeyeok.mathrender.KatexEngine` starts V8 at
the first formula), and SQLite connections are not shared: the child opens
its own (:meth:`PickleCache.reopen_in_child`, :class:`ChildMathCache`).  A
child that fails costs time: its keys are rendered here.
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import MutableMapping, Sequence
from dataclasses import dataclass

from . import forking
from .diagnostics import Diagnostic, warning
from .mathrender import ChildMathCache, MathResult
from .model import Page
from .pagecache import CachedRenderer
from .render import SiteRenderer
from .site import Site
from .writer import StagedFiles

#: a child renders part of the pages when at least this many keys are to be rendered
FORK_MIN_KEYS = int(os.environ.get("DAEYEOK_RENDER_FORK_MIN", "24"))
#: the child's part of the keys (by text size); this process computes the search documents too
CHILD_SHARE = 0.6

Group = list[Page]


def page_groups(site: Site) -> list[Group]:
    """The site's pages by key, each key's languages in the site's order."""
    by_key: dict[str, Group] = {}
    for page in site.pages():
        by_key.setdefault(page.key, []).append(page)
    return list(by_key.values())


def render_groups(renderer: SiteRenderer, groups: Sequence[Group], files: MutableMapping[str, bytes], diags: list[Diagnostic], page_outputs: set[str]) -> None:
    """Each page of each group, then its parallel view (:mod:`daeyeok.parallel`); a group's bodies are forgotten after it."""
    for group in groups:
        for page in group:
            out, data, found = renderer.render_page(page)
            diags += found
            if data is not None:
                files[out] = data
            parallel = renderer.render_parallel(page)
            if parallel is not None:
                out, data, found = parallel
                diags += found
                if out in page_outputs:
                    diags.append(warning(page.doc.source.path, 0, 0, "parallel", f"no parallel view: /{out} is already a page"))
                elif data is not None:
                    files[out] = data
        for page in group:
            renderer.done_with(page)


@dataclass(frozen=True)
class ShareResult:
    """What a child rendered: file names (the files are on disk), diagnostics, counts, cache entries."""

    names: list[str]
    diagnostics: list[Diagnostic]
    used: set[str]
    page_hits: int
    formulas_rendered: int
    formulas_cached: int
    formulas_to_store: list[tuple[str, MathResult]]


@dataclass
class Share:
    """Keys being rendered by a forked child; :func:`finish_share` merges them in."""

    child: forking.Child
    groups: list[Group]


def start_share(renderer: SiteRenderer, groups: Sequence[Group], files: MutableMapping[str, bytes], page_outputs: set[str]) -> tuple[list[Group], Share | None]:
    """The groups this process renders, and the child rendering the others (``None``: no child;
    too few keys, output not staged on disk, or threads running)."""
    if len(groups) < FORK_MIN_KEYS or not isinstance(files, StagedFiles) or not forking.can_fork():
        return list(groups), None
    sizes = [sum(len(p.doc.source.text) for p in group) for group in groups]
    mine, theirs = forking.deal(sizes, [1.0 - CHILD_SHARE, CHILD_SHARE])
    mine_groups = [groups[i] for i in sorted(mine)]
    their_groups = [groups[i] for i in sorted(theirs)]
    renderer.math.cache.commit()  # the formulas typeset by the workers, visible to the child's connection
    child = forking.fork(lambda: _render_share(renderer, their_groups, files, page_outputs))
    return mine_groups, Share(child, their_groups)


def _render_share(renderer: SiteRenderer, groups: Sequence[Group], files: StagedFiles, page_outputs: set[str]) -> ShareResult:
    """In the child: connections of its own, render, store the page cache, report."""
    math = renderer.math
    cache = ChildMathCache(math.cache.path if math.cache.enabled else None)
    math.cache = cache
    store = renderer.store if isinstance(renderer, CachedRenderer) else None
    if store is not None:
        store.reopen_in_child()
    used_before, hits_before = set(_used(renderer)), _hits(renderer)
    rendered_before, cached_before = math.rendered, math.cached
    written_before = len(files)
    diags: list[Diagnostic] = []
    render_groups(renderer, groups, files, diags, page_outputs)
    if store is not None:
        store.close()  # written before the parent reads this answer and prunes the cache
    return ShareResult(
        list(files)[written_before:],
        diags,
        _used(renderer) - used_before,
        _hits(renderer) - hits_before,
        math.rendered - rendered_before,
        math.cached - cached_before,
        cache.recorded,
    )


def finish_share(share: Share | None, renderer: SiteRenderer, files: MutableMapping[str, bytes], diags: list[Diagnostic], page_outputs: set[str]) -> None:
    """Merge what the child rendered; render its keys here when it failed."""
    if share is None:
        return
    result: ShareResult | None = forking.collect(share.child)
    if result is None:
        render_groups(renderer, share.groups, files, diags, page_outputs)
        return
    assert isinstance(files, StagedFiles)
    files.adopt(result.names)
    diags += result.diagnostics
    if isinstance(renderer, CachedRenderer) and renderer.store is not None:
        renderer.used |= result.used
        renderer.hits += result.page_hits
    math = renderer.math
    math.rendered += result.formulas_rendered
    math.cached += result.formulas_cached
    for key, typeset in result.formulas_to_store:
        math.cache.put(key, typeset)


def abandon_share(share: Share | None) -> None:
    """Stop and reap the child (the build failed in this process)."""
    if share is not None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(share.child.pid, signal.SIGKILL)
        forking.collect(share.child)


def _used(renderer: SiteRenderer) -> set[str]:
    return getattr(renderer, "used", set()) if isinstance(renderer, CachedRenderer) and renderer.store is not None else set()


def _hits(renderer: SiteRenderer) -> int:
    return renderer.hits if isinstance(renderer, CachedRenderer) else 0
