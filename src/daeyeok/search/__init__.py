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
from importlib.resources import files as package_files

from ..align import extract_blocks
from ..diagnostics import Diagnostic, warning
from ..site import Site
from ..urls import page_path
from .documents import SearchDocument, search_document
from .expand import Expander, query_rules, term_forms, vocabulary
from .index import BUNDLE_DIR, PagefindRun, SearchIndexError

__all__ = ["BUNDLE_DIR", "SCRIPT", "SearchJob", "search_documents", "search_script"]

#: Output path of the search module (loaded on demand by daeyeok.js).
SCRIPT = "assets/daeyeok-search.js"
_RULES_PLACEHOLDER = "/*DAEYEOK_RULES*/{}"


def search_documents(site: Site) -> list[SearchDocument]:
    """A search document for every published page that a search engine may index, fallback pages included.

    A page still showing the other language's text is indexed under its own
    URL's language: a Korean reader searching the Korean site finds the
    lecture that is not translated yet.
    """
    pages = site.pages()
    korean = [block.text for doc in site.docs.values() if doc.lang == "ko" for block in extract_blocks(doc)]
    glossary_words = [form for term in site.glossary.terms for form in term_forms(term).korean] if site.glossary else []
    expander = Expander(site.glossary, vocabulary(korean, glossary_words))
    return [search_document(page, page_path(page.lang, page.key), expander) for page in pages]


def search_script() -> bytes:
    """search.js with the query rules (the particle list) filled in."""
    source = package_files(__package__).joinpath("search.js").read_text(encoding="utf-8")
    assert _RULES_PLACEHOLDER in source, "search.js lost its rules placeholder"
    return source.replace(_RULES_PLACEHOLDER, json.dumps(query_rules(), ensure_ascii=False, sort_keys=True)).encode("utf-8")


class SearchJob:
    """The search index being built (Pagefind runs as its own process); :meth:`files` collects it."""

    def __init__(self, site: Site):
        self.site = site
        self.error: SearchIndexError | None = None
        self.run: PagefindRun | None = None
        try:
            self.run = PagefindRun(search_documents(site))
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

    def close(self) -> None:
        if self.run is not None:
            self.run.close()
