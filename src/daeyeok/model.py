"""The domain model: plain, frozen values shared by every stage.

Nothing here does I/O.  Stages pass these values forward (load → parse →
check → render → write) and never mutate them, so any stage can be re-run on
its own, which the preview server relies on.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LANGUAGE_NAMES = {"ko": "한국어", "en": "English"}


@dataclass(frozen=True)
class NavSection:
    title: Mapping[str, str]
    pages: tuple[str, ...]
    #: where each page entry was written in site.yml, for "missing page" errors
    positions: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class SiteConfig:
    """``site.yml``, validated."""

    title: Mapping[str, str]
    description: Mapping[str, str]
    default_language: str
    languages: tuple[str, ...]
    base_url: str
    url: str
    repository: str | None
    edit_branch: str
    math: str
    raw_html: str
    nav: tuple[NavSection, ...]
    path: Path
    #: how `build` treats glossary findings; `daeyeok check` always reports them as found
    glossary_check: str = "error"

    def with_base_url(self, base_url: str) -> SiteConfig:
        return dataclasses.replace(self, base_url=base_url)


@dataclass(frozen=True)
class SourceFile:
    """A text file as the loader read it, decoded, with newlines normalised to ``\\n``."""

    path: Path
    rel: str
    text: str


@dataclass(frozen=True)
class FrontMatter:
    title: str
    description: str
    order: int | None
    extra: Mapping[str, Any]
    #: number of lines the front matter block occupies, fences included
    lines: int


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    id: str
    line: int
    pinned: bool


@dataclass(frozen=True)
class Reference:
    """A link or image in a page, to be checked and rewritten."""

    kind: str  # "link" or "image"
    target: str
    line: int
    col: int


@dataclass(frozen=True)
class Document:
    """One Markdown file of one language, parsed but not yet rendered."""

    lang: str
    key: str  # the language-independent page path, e.g. "lectures/backprop"
    source: SourceFile
    front: FrontMatter
    tokens: tuple[Any, ...] = field(repr=False)
    headings: tuple[Heading, ...]
    references: tuple[Reference, ...]
    #: every id a link may target: headings, raw HTML ids and names, footnotes
    anchors: frozenset[str] = frozenset()

    @property
    def title(self) -> str:
        return self.front.title

    @property
    def content_id(self) -> str:
        """Everything the parse depends on, as text: language, path and source (cache keys use it)."""
        return f"{self.lang}\0{self.source.path}\0{self.source.rel}\0{self.source.text}"

    @functools.cached_property
    def content_hash(self) -> str:
        """:attr:`content_id` hashed, once per document: the cache keys of alignments, structure
        findings, rendered pages and search documents each hashed the whole text again."""
        return hashlib.blake2b(self.content_id.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


@dataclass(frozen=True)
class Term:
    """One glossary entry (see docs/glossary.md for the schema)."""

    en: str
    variants: tuple[str, ...]
    ko: str
    accept: tuple[str, ...]
    avoid: Mapping[str, str]  # avoided form -> fix
    keep_english: bool
    reading: str | None
    note: str
    gloss_first: bool
    case_sensitive: bool
    line: int
    col: int
    positions: Mapping[str, tuple[int, int]] = field(default_factory=dict, repr=False)
    #: Korean renderings of a keep-English term; using one is a warning (docs/glossary.md)
    translations: tuple[str, ...] = ()


@dataclass(frozen=True)
class Glossary:
    terms: tuple[Term, ...]
    path: Path | None


@dataclass(frozen=True)
class Page:
    """A page as it will be published at one language's URL.

    ``doc`` is the document shown: the translation when there is one, else the
    other language's text under a "not translated" banner (``is_fallback``).
    """

    lang: str
    key: str
    doc: Document
    translation: Document | None  # the same key in the other language, if any

    @property
    def is_fallback(self) -> bool:
        return self.doc.lang != self.lang

    @property
    def content_lang(self) -> str:
        return self.doc.lang
