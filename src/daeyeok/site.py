"""The assembled site: which page is published at which language's URL, in what order.

Built from validated config and parsed documents, before anything is
rendered, so checks and rendering see the same structure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .model import Document, Glossary, Page, SiteConfig
from .urls import href, page_path


@dataclass(frozen=True)
class Site:
    config: SiteConfig
    docs: Mapping[tuple[str, str], Document]  # (lang, key) -> document
    keys: tuple[str, ...]  # every page key, navigation order first
    nav_keys: tuple[str, ...]  # keys in navigation order, for previous/next
    glossary: Glossary | None
    static_paths: frozenset[str]  # every non-page file the output will hold

    def page(self, lang: str, key: str) -> Page | None:
        doc = self.docs.get((lang, key))
        other = [self.docs[(o, key)] for o in self.config.languages if o != lang and (o, key) in self.docs]
        if doc is None:
            if not other:
                return None
            return Page(lang, key, other[0], None)
        return Page(lang, key, doc, other[0] if other else None)

    def pages(self) -> list[Page]:
        out = []
        for lang in self.config.languages:
            for key in self.keys:
                page = self.page(lang, key)
                if page is not None:
                    out.append(page)
        return out

    def url(self, lang: str, key: str) -> str:
        return href(self.config.base_url, page_path(lang, key))

    def has_key(self, key: str) -> bool:
        return any((lang, key) in self.docs for lang in self.config.languages)

    def title(self, lang: str, key: str) -> str:
        page = self.page(lang, key)
        return page.doc.front.title if page else key


def assemble(config: SiteConfig, docs: Mapping[tuple[str, str], Document], glossary: Glossary | None, static_paths: frozenset[str]) -> Site:
    nav_keys: list[str] = []
    for section in config.nav:
        for key in section.pages:
            if key not in nav_keys and any((lang, key) in docs for lang in config.languages):
                nav_keys.append(key)
    all_keys = sorted({key for (_, key) in docs}, key=lambda k: (_order(docs, config, k), k))
    keys = tuple(nav_keys + [k for k in all_keys if k not in nav_keys])
    return Site(config, dict(docs), keys, tuple(nav_keys), glossary, static_paths)


def _order(docs: Mapping[tuple[str, str], Document], config: SiteConfig, key: str) -> int:
    for lang in config.languages:
        doc = docs.get((lang, key))
        if doc is not None and doc.front.order is not None:
            return doc.front.order
    return 1_000_000
