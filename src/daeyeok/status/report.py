"""The translation status of a whole site: per page, per navigation section, in total.

One pass aligns every translated page with its source (:mod:`daeyeok.align`)
and derives progress, outdated blocks (against ``translations.lock``) and
structure findings.  ``daeyeok build`` uses it for the status pages, the
navigation bars, the outdated markers and the structure warnings;
``daeyeok status`` prints it.  It reads nothing itself: documents come from
the :class:`~daeyeok.site.Site`, the lock's text from the loader.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..align import Alignment, Block, align_documents, extract_blocks
from ..diagnostics import Diagnostic
from ..loader import TextFile
from ..memo import IdentityMemo
from ..model import Document
from ..picklecache import PickleCache, content_key
from ..site import Site
from .lock import Lock, parse
from .outdated import SyncState, sync_state
from .progress import Progress, page_progress
from .structure import check_structure

#: Translations are made from English; every other site language is a translation.
SOURCE_LANGUAGE = "en"


@dataclass(frozen=True)
class PageStatus:
    key: str
    lang: str  # the translation's language
    source: Document
    target: Document | None
    source_blocks: tuple[Block, ...]
    target_blocks: tuple[Block, ...]
    alignment: Alignment | None
    progress: Progress
    sync: SyncState
    findings: tuple[Diagnostic, ...]

    @property
    def percent(self) -> int:
        return self.progress.percent if self.target is not None else 0

    @property
    def state(self) -> str:
        """``untranslated`` (no file), ``complete`` or ``partial``."""
        if self.target is None:
            return "untranslated"
        return "complete" if self.progress.complete else "partial"


@dataclass(frozen=True)
class Totals:
    translated_words: int
    total_words: int
    pages: int
    complete_pages: int
    outdated_blocks: int
    findings: int

    @property
    def percent(self) -> int:
        return 100 if self.total_words == 0 else (100 * self.translated_words) // self.total_words


@dataclass(frozen=True)
class Section:
    title: Mapping[str, str]
    keys: tuple[str, ...]


@dataclass
class SiteStatus:
    source_lang: str
    targets: tuple[str, ...]
    pages: dict[tuple[str, str], PageStatus]  # (translation language, key)
    sections: tuple[Section, ...]
    lock: Lock
    lock_path: str | None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def page(self, lang: str, key: str) -> PageStatus | None:
        return self.pages.get((lang, key))

    def totals(self, lang: str, keys: tuple[str, ...] | None = None) -> Totals:
        chosen = [p for (lg, k), p in sorted(self.pages.items()) if lg == lang and (keys is None or k in keys)]
        return Totals(
            sum(p.progress.translated_words if p.target is not None else 0 for p in chosen),
            sum(p.progress.total_words for p in chosen),
            len(chosen),
            sum(1 for p in chosen if p.state == "complete"),
            sum(len(p.sync.outdated) for p in chosen),
            sum(len(p.findings) for p in chosen),
        )


def source_language(languages: tuple[str, ...]) -> str | None:
    return SOURCE_LANGUAGE if SOURCE_LANGUAGE in languages and len(languages) > 1 else None


_PAGE_STATUS = IdentityMemo(4096)
_NO_TARGET = object()


def page_status(key: str, lang: str, source: Document, target: Document | None, lock: Lock, store: PickleCache | None = None) -> PageStatus:
    """The status of one page; memoised per document objects and lock entry, so the preview
    server recomputes only pages whose text or sync record changed."""
    objs = (source, target if target is not None else _NO_TARGET)
    return _PAGE_STATUS.get(objs, lambda: _page_status(key, lang, source, target, lock, store), token=(key, lang, lock.get(key, lang)))


def _page_status(key: str, lang: str, source: Document, target: Document | None, lock: Lock, store: PickleCache | None) -> PageStatus:
    src_blocks = extract_blocks(source)
    if target is None:
        empty = SyncState(False, (), (), ())
        return PageStatus(key, lang, source, None, src_blocks, (), None, page_progress(src_blocks, None), empty, ())
    tgt_blocks = extract_blocks(target)
    alignment = align_documents(source, target, store)  # memoised: the parallel view and search reuse it
    progress = page_progress(src_blocks, alignment)
    sync = sync_state(lock.get(key, lang), src_blocks, tgt_blocks, alignment)
    findings: tuple[Diagnostic, ...]
    if store is not None and store.enabled:  # lexing code blocks to compare them costs more than the rest
        key = content_key("structure", source.content_hash, target.content_hash)
        findings = store.fetch(key, lambda: tuple(check_structure(source, target, src_blocks, tgt_blocks, alignment)))
    else:
        findings = tuple(check_structure(source, target, src_blocks, tgt_blocks, alignment))
    return PageStatus(key, lang, source, target, src_blocks, tgt_blocks, alignment, progress, sync, findings)


def compute_status(site: Site, lock_file: TextFile | None, store: PickleCache | None = None) -> SiteStatus:
    """Status of every page that has a source; structure findings and lock errors in ``diagnostics``."""
    languages = site.config.languages
    source_lang = source_language(languages) or SOURCE_LANGUAGE
    targets = tuple(lang for lang in languages if lang != source_lang) if source_language(languages) else ()
    lock, diags = parse(lock_file.path, lock_file.text) if lock_file is not None else (Lock(), [])
    pages: dict[tuple[str, str], PageStatus] = {}
    for key in site.keys:
        source = site.docs.get((source_lang, key))
        if source is None:
            continue  # written in a translation language: nothing to measure against
        for lang in targets:
            status = page_status(key, lang, source, site.docs.get((lang, key)), lock, store)
            pages[(lang, key)] = status
            diags.extend(status.findings)
    in_nav = {k for s in site.config.nav for k in s.pages}
    sections = [Section(s.title, tuple(k for k in s.pages if any((lg, k) in pages for lg in targets))) for s in site.config.nav]
    others = tuple(k for k in site.keys if k not in in_nav and any((lg, k) in pages for lg in targets))
    if others:
        sections.append(Section({"ko": "그 밖의 페이지", "en": "Other pages"}, others))
    return SiteStatus(source_lang, targets, pages, tuple(s for s in sections if s.keys), lock, str(lock_file.path) if lock_file else None, diags)
