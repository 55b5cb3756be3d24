"""Static, per-language search: Pagefind plus what it lacks for Korean.

``daeyeok build`` starts a :class:`SearchJob` and collects from it more output files
for the build's output:

* ``pagefind/…``: the Pagefind bundle (one index per language, chosen by the
  browser from ``<html lang>``), built from search documents
  (:mod:`.documents`) carrying Korean helper words (:mod:`.expand`);
* ``assets/daeyeok-search.js``: the search box, loaded only when a reader
  opens search; it strips particles from the query with the particle list of
  :mod:`daeyeok.korean` (written into the file at build time, so Python and
  JavaScript cannot drift apart) and removes helper words from excerpts.

No server is needed: everything is static files under the base URL.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib.resources import files as package_files
from pathlib import Path

from ..align import extract_blocks
from ..diagnostics import Diagnostic, warning
from ..forking import can_fork
from ..model import Document
from ..picklecache import PickleCache, content_key
from ..site import Site
from ..terms.runner import glossary_key
from ..urls import page_path
from .documents import SearchDocument, search_document
from .expand import Expander, ending_candidates, query_rules, term_forms, text_stems, vocabulary_of
from .index import BUNDLE_DIR, PagefindRun, SearchIndexError

__all__ = ["BUNDLE_DIR", "SCRIPT", "SearchJob", "search_documents", "search_script", "start_search"]

#: Output path of the search module (loaded on demand by daeyeok.js).
SCRIPT = "assets/daeyeok-search.js"
_RULES_PLACEHOLDER = "/*DAEYEOK_RULES*/{}"


def search_documents(site: Site, cache: PickleCache | None = None) -> list[SearchDocument]:
    """A search document for every published page that a search engine may index, fallback pages included.

    A page still showing the other language's text is indexed under its own
    URL's language: a Korean reader searching the Korean site finds the
    lecture that is not translated yet.

    With ``cache``, a page's document is kept between builds, keyed by the page,
    its text and the glossary, together with the vocabulary's answer for every
    word ending the page may look up (:func:`~.expand.ending_candidates`): after
    an edit, only the edited pages and those whose helper words the edit changes
    are built again (they were most of an edit build: 2.9 s of 7.5 on the 20x
    Korean site).  Unused entries are dropped.
    """
    pages = site.pages()
    glossary_words = [form for term in site.glossary.terms for form in term_forms(term).korean] if site.glossary else []
    store = cache if cache is not None and cache.enabled else None
    glossary = glossary_key(site.glossary) if site.glossary else ""
    korean = [doc for doc in site.docs.values() if doc.lang == "ko"]
    stems = [_stems(store, doc) for doc in korean]
    words = vocabulary_of(stems, glossary_words)
    expander: Expander | None = None
    documents: list[SearchDocument] = []
    used: set[str] = set()
    for page in pages:
        site_path = page_path(page.lang, page.key)
        key = content_key("search-doc", glossary, page.lang, page.key, page.doc.lang, page.doc.content_hash)
        used.add(key)
        kept = store.get(key) if store is not None else None
        if kept is not None and _answers(kept[0], words) == kept[1]:
            documents.append(SearchDocument(page.lang, site_path, kept[2]))
            continue
        if expander is None:
            expander = Expander(site.glossary, words)
        document = search_document(page, site_path, expander)
        documents.append(document)
        if store is not None:
            candidates = ending_candidates(b.text for b in extract_blocks(page.doc)) if page.doc.lang == "ko" else frozenset()
            store.put(key, (candidates, _answers(candidates, words), document.html))
    if store is not None:
        store.retain(used | {_stems_key(doc) for doc in korean})
    return documents


def _answers(candidates: frozenset[str], words: frozenset[str]) -> frozenset[str]:
    """The word endings among ``candidates`` that the vocabulary holds."""
    return candidates & words


def _stems(store: PickleCache | None, doc: Document) -> frozenset[str]:
    """A Korean page's part of the vocabulary, kept between builds like its search document."""

    def compute() -> frozenset[str]:
        return text_stems(block.text for block in extract_blocks(doc))

    return compute() if store is None else store.fetch(_stems_key(doc), compute)


def _stems_key(doc: Document) -> str:
    return content_key("search-stems", doc.content_hash)


def search_script() -> bytes:
    """search.js with the query rules (the particle list) filled in."""
    source = package_files(__package__).joinpath("search.js").read_text(encoding="utf-8")
    assert _RULES_PLACEHOLDER in source, "search.js lost its rules placeholder"
    return source.replace(_RULES_PLACEHOLDER, json.dumps(query_rules(), ensure_ascii=False, sort_keys=True)).encode("utf-8")


class SearchJob:
    """The search index being built (Pagefind runs as its own process); :meth:`files` collects it."""

    def __init__(self, site: Site, cache: PickleCache | None = None, *, start: Callable[[], PagefindRun] | None = None):
        """``start`` starts the run (:func:`start_search`); by default the documents are computed here."""
        self.site = site
        self.error: SearchIndexError | None = None
        self.run: PagefindRun | None = None
        try:
            self.run = start() if start is not None else PagefindRun(search_documents(site, cache))
        except SearchIndexError as exc:
            self.error = exc

    def files(self) -> tuple[dict[str, bytes], list[Diagnostic]]:
        """Output files for search; without Pagefind the site is built without it and a warning says why."""
        try:
            if self.error is not None:
                raise self.error
            bundle = self.run.bundle() if self.run is not None else {}
        except SearchIndexError as exc:
            why = f"search index not built: {exc} (fix: install pagefind[extended], see pyproject.toml)"
            return {}, [warning(self.site.config.path, 0, 0, "search", why)]
        if not bundle:
            return {}, []
        bundle[SCRIPT] = search_script()
        return bundle, []

    def running(self) -> bool:
        """Whether Pagefind still runs (the renderer holds its forked child back meanwhile on large sites)."""
        return self.run is not None and self.run.running()

    def close(self) -> None:
        if self.run is not None:
            self.run.close()


def start_search(site: Site, store: Path | None) -> SearchJob:
    """The search index of the command line's build, started before the checks.

    ``store`` is the SQLite file keeping search documents between builds
    (:func:`search_documents`).  When this process may fork, a child computes the
    documents and becomes Pagefind (:meth:`PagefindRun.forked`); otherwise they are
    computed here first.
    """

    def documents() -> list[SearchDocument]:
        cache = PickleCache(store, "search") if store is not None else None
        try:
            return search_documents(site, cache)
        finally:
            if cache is not None:
                cache.close()

    if can_fork():
        return SearchJob(site, start=lambda: PagefindRun.forked(documents))
    return SearchJob(site, start=lambda: PagefindRun(documents()))
