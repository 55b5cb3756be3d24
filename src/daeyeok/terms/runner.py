"""Running the glossary checks: over a built :class:`~daeyeok.site.Site`, or over files named on the command line.

Both paths end in :func:`check_pages`, so ``daeyeok build`` and ``daeyeok
check`` report the same findings.  Files named on the command line may lie
outside any site (the cs231n corpus does): a file is Korean when its path
says so (a ``ko`` directory, ``.kr.md``, ``_ko.srt``) or, failing that, when
its letters are mostly Hangul; its English counterpart for rule 6 is the
same path with ``ko`` → ``en``.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import forking
from ..diagnostics import Diagnostic, display_path, error, sorted_unique
from ..glossary import parse_glossary
from ..korean import is_hangul_text
from ..loader import decode
from ..memo import IdentityMemo
from ..model import Document, Glossary
from ..picklecache import PickleCache, content_key
from ..site import Site
from .findings import Finding, Use
from .glossary_checks import check_glossary
from .matcher import Matcher
from .prose import Page, markdown_page, srt_page
from .rules import Checker

KOREAN = "ko"
ENGLISH = "en"


@dataclass
class CheckResult:
    findings: list[Finding] = field(default_factory=list)
    uses: list[Use] = field(default_factory=list)
    pages: int = 0
    #: display path -> (file on disk, the text that was checked), for --fix
    sources: dict[str, tuple[Path, str]] = field(default_factory=dict)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return sorted_unique(f.diagnostic for f in self.findings)


PageResult = tuple[tuple[Finding, ...], tuple[Use, ...]]


def check_one(matcher: Matcher, korean: Page, english: Page | None) -> PageResult:
    """Rules 1–6 on one Korean page (rule 6 against its English source, if any)."""
    checker = Checker(matcher)
    checker.check_page(korean)
    if english is not None:
        checker.check_missing(korean, english)
    return tuple(checker.findings), tuple(checker.uses)


def check_pages(glossary: Glossary, pages: Sequence[tuple[Page, Page | None]], *, validate: bool = True) -> CheckResult:
    """Rules 1–6 over Korean pages (each with its English source, if any) and the glossary itself."""
    result = CheckResult()
    if validate:
        result.findings.extend(Finding(d) for d in check_glossary(glossary))
    matcher = matcher_for(glossary)
    for korean, english in pages:
        findings, uses = check_one(matcher, korean, english)
        result.findings.extend(findings)
        result.uses.extend(uses)
    result.findings.sort(key=lambda f: f.diagnostic.sort_key())
    result.pages = len(pages)
    return result


@dataclass(frozen=True)
class PageText:
    """A file to check, as text: what the findings cache keys on, and what a :class:`Page` is made from.

    ``tokens`` are the site's own parse of the file, when there is one, so the
    page is not parsed twice.
    """

    path: str  # as shown in diagnostics
    text: str
    tokens: Sequence[Any] | None = None
    srt: bool = False

    def page(self) -> Page:
        return srt_page(self.path, self.text) if self.srt else markdown_page(self.path, self.text, self.tokens)


_GLOSSARY_KEYS = IdentityMemo(4)


def glossary_key(glossary: Glossary) -> str:
    """A digest of the glossary's terms: a changed term changes every page's cache key."""
    return _GLOSSARY_KEYS.get((glossary,), lambda: content_key("glossary", repr(glossary.terms)))


def cached_check(glossary: Glossary, korean: PageText, english: PageText | None, cache: PickleCache | None) -> PageResult:
    """:func:`check_one`, or its result from an earlier run when the glossary, both texts and
    daeyeok's code are the same (``daeyeok check`` on an unchanged page costs a lookup)."""

    def compute() -> PageResult:
        return check_one(matcher_for(glossary), korean.page(), english.page() if english else None)

    if cache is None or not cache.enabled:
        return compute()
    return cache.fetch(page_key(glossary, korean, english), compute)


def page_key(glossary: Glossary, korean: PageText, english: PageText | None) -> str:
    parts = [glossary_key(glossary), korean.path, korean.text, "srt" if korean.srt else "md"]
    if english is not None:
        parts += [english.path, english.text]
    return content_key("terms", *parts)


def check_many(glossary: Glossary, pages: Sequence[tuple[PageText, PageText | None]], workers: int = 1) -> list[PageResult]:
    """:func:`check_one` for each page, shared with ``workers - 1`` forked processes when there is
    enough to share.

    Parsing and checking a page is pure CPU and pages are independent, so two
    cores check cs231n's 27 pages in about half the time.  Only callers without
    threads may ask for workers (a fork copies only the calling thread): the
    command line, and the build before it starts its formula workers.  The
    glossary is compiled before the fork, the pages are dealt out by size
    (largest first, each to the lightest share), this process checks the first
    share itself, and each child sends back only its findings, pickled through
    a pipe.  A child that fails has its share checked here instead, so a fork
    problem costs time, not findings.
    """
    check = _checker(glossary, pages)
    if workers <= 1 or len(pages) < 4 or not forking.can_fork():
        return _ordered(len(pages), check(range(len(pages))))
    shares = forking.deal(_sizes(pages), [1.0] * min(workers, len(pages)))
    children = [(forking.fork(functools.partial(check, share)), share) for share in shares[1:]]
    found = check(shares[0])
    for child, share in children:
        found += _collect(child, share, check)
    return _ordered(len(pages), found)


def check_many_later(glossary: Glossary, pages: Sequence[tuple[PageText, PageText | None]], *, share: bool = False) -> Callable[[], list[PageResult]]:
    """:func:`check_one` for each page in one forked child while this process does other work
    (the build: links, status); call the result for the findings.  ``share``: this process has
    nothing else to do (no translation status to compute), so it checks half of the pages itself
    when the result is called.  Without fork, or with other threads running, every page is
    checked when the result is called."""
    check = _checker(glossary, pages)
    if len(pages) < 4 or not forking.can_fork():  # a few pages (an edit) cost less than a fork of a large build
        return lambda: _ordered(len(pages), check(range(len(pages))))
    mine, theirs = forking.deal(_sizes(pages), [1.0, 1.0]) if share else ([], list(range(len(pages))))
    child = forking.fork(functools.partial(check, theirs))
    return lambda: _ordered(len(pages), check(mine) + _collect(child, theirs, check))


Checked = list[tuple[int, PageResult]]


def _checker(glossary: Glossary, pages: Sequence[tuple[PageText, PageText | None]]) -> Callable[[Sequence[int]], Checked]:
    matcher = matcher_for(glossary)  # compiled before any fork, so children share it

    def check(indexes: Sequence[int]) -> Checked:
        done = []
        for i in indexes:
            korean, english = pages[i]
            done.append((i, check_one(matcher, korean.page(), english.page() if english is not None else None)))
        return done

    return check


def _sizes(pages: Sequence[tuple[PageText, PageText | None]]) -> list[int]:
    return [len(k.text) + (len(e.text) if e is not None else 0) for k, e in pages]


def _collect(child: forking.Child, share: Sequence[int], check: Callable[[Sequence[int]], Checked]) -> Checked:
    """What a child found; its share checked here when it failed."""
    part: Checked | None = forking.collect(child)
    return part if part is not None else check(share)


def _ordered(count: int, found: Checked) -> list[PageResult]:
    results: list[PageResult] = [((), ())] * count
    for i, result in found:
        results[i] = result
    return results


def glossary_findings(glossary: Glossary, cache: PickleCache | None = None) -> list[Diagnostic]:
    """Problems in glossary.yml itself (:func:`check_glossary`), memoised and kept in ``cache``."""

    def compute() -> list[Diagnostic]:
        if cache is None or not cache.enabled:
            return check_glossary(glossary)
        return list(cache.fetch(content_key("glossary-findings", glossary_key(glossary), str(glossary.path)), lambda: check_glossary(glossary)))

    return list(_GLOSSARY_FINDINGS.get((glossary,), compute))


def _with_cache(
    glossary: Glossary,
    pages: Sequence[tuple[PageText, PageText | None]],
    cache: PickleCache | None,
    run: Callable[[Sequence[tuple[PageText, PageText | None]]], Callable[[], list[PageResult]]],
) -> Callable[[], list[PageResult]]:
    """Every page's result: from ``cache`` where it has one, the others by ``run`` (started now,
    collected when the returned function is called), then stored."""
    use_cache = cache is not None and cache.enabled
    keys = [page_key(glossary, k, e) if use_cache else "" for k, e in pages]
    found: list[PageResult | None] = [cache.get(key) if cache is not None and use_cache else None for key in keys]
    missing = [i for i, r in enumerate(found) if r is None]
    finish = run([pages[i] for i in missing])

    def collect() -> list[PageResult]:
        for i, checked in zip(missing, finish(), strict=True):
            found[i] = checked
            if cache is not None and use_cache:
                cache.put(keys[i], checked)
        return [r for r in found if r is not None]

    return collect


def check_texts(
    glossary: Glossary, pages: Sequence[tuple[PageText, PageText | None]], cache: PickleCache | None = None, *, validate: bool = True, workers: int = 1
) -> CheckResult:
    """:func:`check_pages` for files given as text, with results kept in ``cache`` between runs;
    pages the cache lacks are checked by :func:`check_many`."""
    result = CheckResult()
    if validate:
        result.findings.extend(Finding(d) for d in glossary_findings(glossary, cache))
    for findings, uses in _with_cache(glossary, pages, cache, lambda todo: functools.partial(check_many, glossary, todo, workers))():
        result.findings.extend(findings)
        result.uses.extend(uses)
    result.findings.sort(key=lambda f: f.diagnostic.sort_key())
    result.pages = len(pages)
    return result


def site_texts(site: Site) -> list[tuple[PageText, PageText | None]]:
    """The Korean pages of a site with their English sources, as parsed by the build."""
    pages: list[tuple[PageText, PageText | None]] = []
    for key in site.keys:
        doc = site.docs.get((KOREAN, key))
        if doc is None:
            continue
        source = site.docs.get((ENGLISH, key))
        pages.append((_doc_text(doc), _doc_text(source) if source is not None else None))
    return pages


def _doc_text(doc: Document) -> PageText:
    return PageText(display_path(doc.source.path), doc.source.text, doc.tokens)


def check_site_result(site: Site, cache: PickleCache | None = None, workers: int = 1) -> CheckResult:
    if site.glossary is None or KOREAN not in site.config.languages:
        return CheckResult()
    result = check_texts(site.glossary, site_texts(site), cache, workers=workers)
    for key in site.keys:
        doc = site.docs.get((KOREAN, key))
        if doc is not None:
            result.sources[display_path(doc.source.path)] = (doc.source.path, doc.source.text)
    return result


_MATCHERS = IdentityMemo(4)
_GLOSSARY_FINDINGS = IdentityMemo(4)
_PAGE_FINDINGS = IdentityMemo(8192)


def matcher_for(glossary: Glossary) -> Matcher:
    """The compiled matcher of a glossary, built once per glossary object."""
    return _MATCHERS.get((glossary,), lambda: Matcher(glossary))


def check_site(site: Site, cache: PickleCache | None = None) -> list[Diagnostic]:
    """The glossary findings for ``daeyeok build`` (called from :func:`daeyeok.build.prepare`).

    The same findings as :func:`check_site_result`, page by page and memoised per
    (glossary, Korean document, English document) objects, so the preview server
    re-checks only the pages whose text changed; ``cache`` keeps them between runs.
    """
    glossary = site.glossary
    if glossary is None or KOREAN not in site.config.languages:
        return []
    diags = glossary_findings(glossary, cache)
    for key in site.keys:
        doc = site.docs.get((KOREAN, key))
        if doc is None:
            continue
        source = site.docs.get((ENGLISH, key))

        def page_findings(doc: Document = doc, source: Document | None = source) -> list[Diagnostic]:
            findings, _ = cached_check(glossary, _doc_text(doc), _doc_text(source) if source is not None else None, cache)
            return [f.diagnostic for f in findings]

        diags += _PAGE_FINDINGS.get((glossary, doc, source), page_findings)
    return sorted_unique(diags)


def check_site_later(site: Site, cache: PickleCache | None = None, *, share: bool = False) -> Callable[[], list[Diagnostic]]:
    """:func:`check_site` for the command line's build: the pages the cache lacks are checked in a
    forked child (:func:`check_many_later`) while the build checks links and computes status;
    call the result for the findings (the same ones, in the same order)."""
    glossary = site.glossary
    if glossary is None or KOREAN not in site.config.languages:
        return lambda: []
    results = _with_cache(glossary, site_texts(site), cache, lambda todo: check_many_later(glossary, todo, share=share))
    return lambda: sorted_unique(glossary_findings(glossary, cache) + [f.diagnostic for findings, _ in results() for f in findings])


# -- files named on the command line -----------------------------------------------------------

_KO_NAME = re.compile(r"(\.(kr|ko)\.(md|srt)$)|(_(kr|ko)\.srt$)", re.IGNORECASE)


def path_says_korean(path: Path) -> bool:
    return any(part.lower() == KOREAN for part in path.parts[:-1]) or bool(_KO_NAME.search(path.name))


def english_counterpart(path: Path) -> Path | None:
    """``…/ko/x.md`` → ``…/en/x.md`` and ``x.kr.md`` → ``x.md``; ``None`` when there is no such file."""
    parts = list(path.parts)
    for i in range(len(parts) - 2, -1, -1):
        if parts[i].lower() == KOREAN:
            parts[i] = ENGLISH if parts[i].islower() else ENGLISH.capitalize()
            break
    else:
        return None
    name = re.sub(r"\.(kr|ko)(?=\.md$)", "", parts[-1])
    candidate = Path(*parts[:-1]) / name
    return candidate if candidate.is_file() else None


def collect_files(paths: Iterable[Path]) -> tuple[list[Path], list[Diagnostic]]:
    files: list[Path] = []
    diags: list[Diagnostic] = []
    for p in paths:
        if p.is_dir():
            files.extend(
                sorted(f for f in p.rglob("*") if f.suffix in (".md", ".srt") and f.is_file() and not any(x.startswith(".") for x in f.relative_to(p).parts))
            )
        elif p.is_file():
            files.append(p)
        else:
            diags.append(error(str(p), 0, 0, "usage", "no such file or directory"))
    return list(dict.fromkeys(files)), diags


def read_text(path: Path) -> tuple[str | None, Diagnostic | None]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, error(path, 0, 0, "read", f"cannot read file: {exc.strerror or exc}")
    tf, diag = decode(path, data, path.name)
    return (tf.text if tf else None), diag


def load_glossary_file(path: Path, cache: PickleCache | None = None) -> tuple[Glossary | None, list[Diagnostic]]:
    text, diag = read_text(path)
    if text is None:
        return None, [diag] if diag else []
    return cached_parse_glossary(path, text, cache)


def cached_parse_glossary(path: Path, text: str, cache: PickleCache | None = None) -> tuple[Glossary | None, list[Diagnostic]]:
    """:func:`parse_glossary`, kept in ``cache``: a 1,000-term glossary.yml takes ~60 ms to read with positions."""
    if cache is None or not cache.enabled:
        return parse_glossary(path, text)
    return cache.fetch(content_key("glossary-parse", os.getcwd(), str(path), text), lambda: parse_glossary(path, text))


def check_files(glossary: Glossary, paths: Sequence[Path], cache: PickleCache | None = None, workers: int = 1) -> tuple[CheckResult, list[Diagnostic]]:
    """Check Korean Markdown and SRT files (directories are searched) against ``glossary``."""
    files, diags = collect_files(paths)
    pages: list[tuple[PageText, PageText | None]] = []
    sources: dict[str, tuple[Path, str]] = {}
    for f in files:
        text, diag = read_text(f)
        if diag:
            diags.append(diag)
        if text is None:
            continue
        if not path_says_korean(f) and not is_hangul_text(text):
            continue
        shown = display_path(f)
        english = None
        counterpart = english_counterpart(f) if f.suffix != ".srt" else None
        if counterpart is not None:
            en_text, en_diag = read_text(counterpart)
            if en_diag:
                diags.append(en_diag)
            if en_text is not None:
                english = PageText(display_path(counterpart), en_text)
        pages.append((PageText(shown, text, srt=f.suffix == ".srt"), english))
        sources[shown] = (f, text)
    result = check_texts(glossary, pages, cache, workers=workers)
    result.sources = sources
    return result, diags
