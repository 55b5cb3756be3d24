"""Running the glossary checks: over a built :class:`~daeyeok.site.Site`, or over files named on the command line.

Both paths end in :func:`check_pages`, so ``daeyeok build`` and ``daeyeok
check`` report the same findings.  Files named on the command line may lie
outside any site (the cs231n corpus does): a file is Korean when its path
says so (a ``ko`` directory, ``.kr.md``, ``_ko.srt``) or, failing that, when
its letters are mostly Hangul; its English counterpart for rule 6 is the
same path with ``ko`` → ``en``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import Diagnostic, display_path, error, sorted_unique
from ..glossary import parse_glossary
from ..korean import is_hangul_text
from ..loader import decode
from ..memo import IdentityMemo
from ..model import Document, Glossary
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


def check_pages(glossary: Glossary, pages: Sequence[tuple[Page, Page | None]], *, validate: bool = True) -> CheckResult:
    """Rules 1–6 over Korean pages (each with its English source, if any) and the glossary itself."""
    result = CheckResult()
    if validate:
        result.findings.extend(Finding(d) for d in check_glossary(glossary))
    checker = Checker(Matcher(glossary))
    for korean, english in pages:
        checker.check_page(korean)
        if english is not None:
            checker.check_missing(korean, english)
    result.findings.extend(checker.findings)
    result.findings.sort(key=lambda f: f.diagnostic.sort_key())
    result.uses = checker.uses
    result.pages = len(pages)
    return result


def site_pages(site: Site) -> list[tuple[Page, Page | None]]:
    pages: list[tuple[Page, Page | None]] = []
    for key in site.keys:
        doc = site.docs.get((KOREAN, key))
        if doc is None:
            continue
        korean = markdown_page(display_path(doc.source.path), doc.source.text, doc.tokens)
        source = site.docs.get((ENGLISH, key))
        english = markdown_page(display_path(source.source.path), source.source.text, source.tokens) if source is not None else None
        pages.append((korean, english))
    return pages


def check_site_result(site: Site) -> CheckResult:
    if site.glossary is None or KOREAN not in site.config.languages:
        return CheckResult()
    pages = site_pages(site)
    result = check_pages(site.glossary, pages)
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


def check_site(site: Site) -> list[Diagnostic]:
    """The glossary findings for ``daeyeok build`` (called from :func:`daeyeok.build.prepare`).

    The same findings as :func:`check_site_result`, page by page and memoised per
    (glossary, Korean document, English document) objects, so the preview server
    re-checks only the pages whose text changed.
    """
    glossary = site.glossary
    if glossary is None or KOREAN not in site.config.languages:
        return []
    matcher = matcher_for(glossary)
    diags = list(_GLOSSARY_FINDINGS.get((glossary,), lambda: check_glossary(glossary)))
    for key in site.keys:
        doc = site.docs.get((KOREAN, key))
        if doc is None:
            continue
        source = site.docs.get((ENGLISH, key))

        def page_findings(doc: Document = doc, source: Document | None = source) -> list[Diagnostic]:
            checker = Checker(matcher)
            korean = markdown_page(display_path(doc.source.path), doc.source.text, doc.tokens)
            checker.check_page(korean)
            if source is not None:
                checker.check_missing(korean, markdown_page(display_path(source.source.path), source.source.text, source.tokens))
            return [f.diagnostic for f in checker.findings]

        diags += _PAGE_FINDINGS.get((glossary, doc, source), page_findings)
    return sorted_unique(diags)


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


def load_glossary_file(path: Path) -> tuple[Glossary | None, list[Diagnostic]]:
    text, diag = read_text(path)
    if text is None:
        return None, [diag] if diag else []
    return parse_glossary(path, text)


def check_files(glossary: Glossary, paths: Sequence[Path]) -> tuple[CheckResult, list[Diagnostic]]:
    """Check Korean Markdown and SRT files (directories are searched) against ``glossary``."""
    files, diags = collect_files(paths)
    pages: list[tuple[Page, Page | None]] = []
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
        if f.suffix == ".srt":
            pages.append((srt_page(shown, text), None))
        else:
            english = None
            counterpart = english_counterpart(f)
            if counterpart is not None:
                en_text, en_diag = read_text(counterpart)
                if en_diag:
                    diags.append(en_diag)
                if en_text is not None:
                    english = markdown_page(display_path(counterpart), en_text)
            pages.append((markdown_page(shown, text), english))
        sources[shown] = (f, text)
    result = check_pages(glossary, pages)
    result.sources = sources
    return result, diags
