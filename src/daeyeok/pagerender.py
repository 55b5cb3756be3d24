"""The site's pages rendered one key at a time, by this process and, on large builds, a forked child.

A key's pages (every language) and their parallel views are rendered
together, so a parallel view reuses both bodies (:meth:`SiteRenderer.body`)
and they are forgotten right after.  On a build with many keys, a forked
child and this process take keys from one queue (:class:`WorkQueue`) until
none is left, so neither waits for the other whatever else this process does
in between (:func:`daeyeok.build.render_site` computes the search documents
there when no search index was started earlier; their cost against rendering
varies by site, a third of it on bilingual sites, two thirds on a Korean-only
one).  The child writes its files straight into the staging
directory and sends back only their names, its diagnostics, the page-cache
keys it used and the formulas it typeset for the formula cache.  Before the
fork no formula has been typeset in this process, so no V8 thread exists
(:class:`~daeyeok.mathrender.KatexEngine` starts V8 at the first formula), and
SQLite connections are not shared: the child opens its own
(:meth:`PickleCache.reopen_in_child`, :class:`ChildMathCache`).  A child that
fails costs time: every key it took is rendered here again.
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Callable, MutableMapping, Sequence
from dataclasses import dataclass, field

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
#: from this many keys the child waits for Pagefind to finish (see :func:`start_share`)
HOLD_MIN_KEYS = int(os.environ.get("DAEYEOK_RENDER_HOLD_MIN", "1000"))

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


class WorkQueue:
    """Group indexes in a pipe both processes read: whoever is free takes the next group.

    Reads of 4 bytes from a pipe are atomic, so no group is taken twice.  The
    indexes are written before the fork, largest group first, so the queue
    never blocks: a pipe holds 64 KB, and past 16,000 groups an entry names a
    run of neighbouring groups.
    """

    SIZE = 4

    def __init__(self, order: Sequence[int]):
        per = max(1, -(-len(order) // 15_000))
        self.runs = [list(order[i : i + per]) for i in range(0, len(order), per)]
        read_end, write_end = os.pipe()
        with os.fdopen(write_end, "wb") as out:
            out.write(b"".join(i.to_bytes(self.SIZE, "little") for i in range(len(self.runs))))
        self._read = read_end

    def take(self) -> list[int] | None:
        """The next run of group indexes, or ``None`` when every run is taken."""
        data = os.read(self._read, self.SIZE)
        return self.runs[int.from_bytes(data, "little")] if len(data) == self.SIZE else None

    def close(self) -> None:
        os.close(self._read)


@dataclass
class Share:
    """The site's key groups, rendered by this process and (on large builds) a forked child that
    takes groups from the same :class:`WorkQueue`; the child may be forked only once ``hold``
    stops holding it back (see :func:`start_share`)."""

    renderer: SiteRenderer
    groups: Sequence[Group]
    files: MutableMapping[str, bytes]
    page_outputs: set[str]
    queue: WorkQueue | None = None
    child: forking.Child | None = None
    done: set[int] = field(default_factory=set)
    hold: Callable[[], bool] | None = None  # while true, the child is not forked yet

    def render_mine(self, diags: list[Diagnostic]) -> None:
        """Render groups until none is left (all of them without a child)."""
        if self.queue is None:
            render_groups(self.renderer, self.groups, self.files, diags, self.page_outputs)
            self.done.update(range(len(self.groups)))
            return
        while True:
            if self.hold is not None and not self.hold():
                self.hold = None
                self._fork()
            if (run := self.queue.take()) is None:
                break
            render_groups(self.renderer, [self.groups[i] for i in run], self.files, diags, self.page_outputs)
            self.done.update(run)

    def _fork(self) -> None:
        if not forking.can_fork():  # a formula typeset here meanwhile started V8's threads
            return
        self.renderer.math.cache.commit()  # formulas typeset so far, visible to the child's connection
        self.child = forking.fork(lambda: _render_share(self.renderer, self))

    def finish(self, diags: list[Diagnostic]) -> None:
        """Merge what the child rendered; render here every group it may not have finished when it failed."""
        child, self.child = self.child, None
        result: ShareResult | None = forking.collect(child) if child is not None else None
        if self.queue is not None:
            self.queue.close()
            self.queue = None
        if child is None:
            return
        if result is None:
            rest = [i for i in range(len(self.groups)) if i not in self.done]
            render_groups(self.renderer, [self.groups[i] for i in rest], self.files, diags, self.page_outputs)
            return
        _merge(result, self.renderer, self.files, diags)

    def abandon(self) -> None:
        """Stop and reap the child (the build failed in this process)."""
        if self.child is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.child.pid, signal.SIGKILL)
            forking.collect(self.child)
            self.child = None
        if self.queue is not None:
            self.queue.close()
            self.queue = None


def start_share(
    renderer: SiteRenderer, groups: Sequence[Group], files: MutableMapping[str, bytes], page_outputs: set[str], *, busy: Callable[[], bool] | None = None
) -> Share:
    """The site's groups to render; a child is forked to take part unless there are too few keys,
    the output is not staged on disk, or threads are running.

    ``busy`` says whether another memory-hungry process still runs (Pagefind, see
    :func:`daeyeok.build.render_site`): on a site of :data:`HOLD_MIN_KEYS` keys or
    more the child is forked only once it is done, and this process renders alone
    meanwhile.  A forked child soon holds its own copy of every page it renders
    (CPython's reference counts write into the objects it reads), and Pagefind
    holds the whole site; both at once made the peak of a 10,000-page build.  The
    time it costs is small: Pagefind keeps the other core busy meanwhile.
    """
    share = Share(renderer, groups, files, page_outputs)
    if len(groups) < FORK_MIN_KEYS or not isinstance(files, StagedFiles) or not forking.can_fork():
        return share
    sizes = [sum(len(p.doc.source.text) * (2 if renderer.parallel_page(p) is not None else 1) for p in group) for group in groups]
    share.queue = WorkQueue(sorted(range(len(groups)), key=lambda i: (-sizes[i], i)))
    if busy is not None and len(groups) >= HOLD_MIN_KEYS and busy():
        share.hold = busy
    else:
        share._fork()
    return share


def _render_share(renderer: SiteRenderer, share: Share) -> ShareResult:
    """In the child: connections of its own, render what it takes from the queue, store the page cache, report."""
    math = renderer.math
    cache = ChildMathCache(math.cache.path if math.cache.enabled else None)
    math.cache = cache
    math.rendered = math.cached = 0  # the child reports its own counts, added to the parent's
    pages = renderer if isinstance(renderer, CachedRenderer) else None
    store = pages.store if pages is not None else None
    if pages is not None and store is not None:
        store.reopen_in_child()
        pages.used, pages.hits = set(), 0
    written_before = len(share.files)
    diags: list[Diagnostic] = []
    share.render_mine(diags)
    if store is not None:
        store.close()  # written before the parent reads this answer and prunes the cache
    return ShareResult(
        list(share.files)[written_before:],
        diags,
        pages.used if pages is not None and store is not None else set(),
        pages.hits if pages is not None else 0,
        math.rendered,
        math.cached,
        cache.recorded,
    )


def _merge(result: ShareResult, renderer: SiteRenderer, files: MutableMapping[str, bytes], diags: list[Diagnostic]) -> None:
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
