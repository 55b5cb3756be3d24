"""Rendered pages cached on disk by everything they show, so a build after a one-page edit
renders that page (and what shows it) instead of the whole site.

A page's HTML is a function of three things, and its key hashes all three:

* the site: site.yml, the templates, the glossary, the math engine and its
  version, the set of pages (links resolve against it), the static files
  (images are sized from them) and daeyeok's own code and theme;
* the page's *frame*: the template context without the body (title,
  navigation with every page's translation progress, previous/next, the
  language switch, the status banner, the last-updated date, …), computed as
  for rendering and compared as text;
* the body's inputs: the shown document (path, language, text) and the
  status markers inserted into it; for a parallel view, the original's too.

Pages whose rendering reported an error are not stored.  After a build only
the entries it used are kept, so the file holds about one site's pages.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from .diagnostics import Diagnostic, Severity
from .model import Page
from .picklecache import PickleCache, content_key
from .render import SiteRenderer
from .status import web as status_web

Rendered = tuple[str, bytes | None, list[Diagnostic]]


def site_key(renderer: SiteRenderer, engine: tuple[str, str], templates: Mapping[str, str], static: Mapping[str, os.PathLike[str] | str]) -> str:
    """What every page depends on (see the module docstring)."""
    site = renderer.site
    stats = []
    for rel, path in sorted(static.items()):
        try:
            st = os.stat(path)
            stats.append(f"{rel}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            stats.append(f"{rel}:missing")
    glossary = repr(site.glossary.terms) if site.glossary is not None else ""
    return content_key(
        "pages", repr(site.config), repr(sorted(templates.items())), glossary, repr(engine), repr(sorted(site.docs)), repr(site.keys), "\n".join(stats)
    )


class CachedRenderer(SiteRenderer):
    """A :class:`SiteRenderer` that takes unchanged pages and parallel views from a :class:`PickleCache`."""

    store: PickleCache | None = None
    key_prefix: str = ""
    used: set[str]
    hits: int = 0
    #: the frame computed for a page's key, handed to the rendering of that page on a miss
    _frame_for_key: tuple[Page, dict[str, Any]] | None = None

    def attach_cache(self, store: PickleCache, key: str) -> None:
        self.store = store
        self.key_prefix = key
        self.used = set()

    def _markers(self, page: Page) -> str:
        hook = status_web.block_hook(self.status, self.site, page)
        if hook is None:
            return ""
        return repr([(i, html) for i in range(len(page.doc.tokens)) if (html := hook(i))])

    def _cached(self, kind: str, page: Page, other: Page | None, render: Any) -> Rendered:
        if self.store is None or not self.store.enabled:
            result: Rendered = render()
            return result
        frame = super().page_frame(page)
        parts = [self.key_prefix, kind, page.lang, page.key, page.doc.content_hash, self._markers(page), repr(frame)]
        if other is not None:
            parts += [other.doc.content_hash, self._markers(other)]
        key = content_key(*parts)
        self.used.add(key)
        hit = self.store.get(key)
        if hit is not None:
            self.hits += 1
            out, data, diags = hit
            return out, data, list(diags)
        self._frame_for_key = (page, frame)
        try:
            out, data, diags = render()
        finally:
            self._frame_for_key = None
        if data is not None and not any(d.severity is Severity.ERROR for d in diags):
            self.store.put(key, (out, data, diags))
        return out, data, diags

    def page_frame(self, page: Page) -> dict[str, Any]:
        """The frame the key was made of, when rendering the page it was made for: computing it
        (navigation, neighbours, banner) again for every page missing from the cache cost a
        cold build as much as comparing it."""
        made = self._frame_for_key
        if made is not None and made[0] is page:
            self._frame_for_key = None  # rendering changes it: it serves one rendering only
            return made[1]
        return super().page_frame(page)

    def render_page(self, page: Page) -> Rendered:
        return self._cached("page", page, None, lambda: super(CachedRenderer, self).render_page(page))

    def render_parallel(self, page: Page) -> Rendered | None:
        other = self.parallel_page(page)
        if other is None:
            return None
        return self._cached("parallel", page, other, lambda: super(CachedRenderer, self).render_parallel(page))
