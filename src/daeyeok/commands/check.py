"""Check the site (or the named Markdown and SRT files) against glossary.yml, without building.

Reports avoided and translated terms, particles that do not agree
(손실(loss)를 → 손실(loss)을), glosses that name the wrong English term,
first uses without a gloss and source terms the translation dropped, plus
problems in glossary.yml itself.  Without PATH it checks the whole site the
way `daeyeok build` does (links, anchors and the rest included).
--fix applies the unambiguous fixes in place; --diff shows them as a patch.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..diagnostics import Diagnostic, DiagnosticError, error, has_errors, sorted_unique
from .common import add_site_argument

if TYPE_CHECKING:
    from ..picklecache import PickleCache

#: the output formats of daeyeok.terms.formats, named here so that building the command line
#: (which every `daeyeok` invocation does) does not import the glossary checker (~85 ms)
FORMATS = ("text", "json", "sarif", "github")
#: pages the cache lacks are checked in this many forked processes (daeyeok.terms.runner.check_many)
WORKERS = os.cpu_count() or 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_site_argument(parser)
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="Korean .md or .srt files or directories to check (default: the whole site)")
    parser.add_argument("--glossary", type=Path, default=None, metavar="FILE", help="the glossary to check against (default: DIR/glossary.yml)")
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    parser.add_argument("--fix", action="store_true", help="apply unambiguous fixes in place and list what changed")
    parser.add_argument("--diff", action="store_true", help="print the fixes as a unified diff; write nothing")
    parser.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    parser.add_argument("--no-cache", action="store_true", help="check every page again instead of reusing unchanged pages' findings from DIR/.daeyeok-cache")
    parser.add_argument("--summary", action="store_true", help="also print, per term, which forms are used, how often and where")


def _run_check(args: argparse.Namespace) -> tuple[list[Diagnostic], object | None]:
    """All diagnostics, and the glossary result (for fixes and the summary) when there is one."""
    from ..build import results_cache

    cache = None if args.no_cache else results_cache(args.site)
    try:
        return _check_with(args, cache)
    finally:
        if cache is not None:
            cache.close()


def _check_with(args: argparse.Namespace, cache: PickleCache | None) -> tuple[list[Diagnostic], object | None]:
    from ..diagnostics import display_path
    from ..terms.runner import PageText, check_files, check_texts, load_glossary_file, path_says_korean, read_text

    site_root: Path = args.site
    if not args.paths:
        from ..build import prepare
        from ..terms.runner import check_site_result

        try:
            # the glossary checks run just below, unfiltered; structure findings are `status`'s and `build`'s
            prepared = prepare(site_root, terms=False, with_status=False, use_cache=not args.no_cache)
        except DiagnosticError as exc:
            return sorted_unique(exc.diagnostics), None
        result = check_site_result(prepared.site, cache, workers=WORKERS)
        diags = list(prepared.diagnostics) + result.diagnostics
        captions = sorted(p for p in (site_root / "captions").rglob("*.srt") if path_says_korean(p)) if (site_root / "captions").is_dir() else []
        if captions and prepared.site.glossary is not None:
            pages: list[tuple[PageText, PageText | None]] = []
            for path in captions:
                text, diag = read_text(path)
                if diag:
                    diags.append(diag)
                if text is not None:
                    pages.append((PageText(display_path(path), text, srt=True), None))
                    result.sources[display_path(path)] = (path, text)
            extra = check_texts(prepared.site.glossary, pages, cache, validate=False)
            result.findings.extend(extra.findings)
            result.uses.extend(extra.uses)
            diags += extra.diagnostics
        return sorted_unique(diags), result
    glossary_path = args.glossary or site_root / "glossary.yml"
    if not glossary_path.is_file():
        return [error(str(glossary_path), 0, 0, "usage", "no glossary to check against; pass --glossary FILE")], None
    glossary, diags = load_glossary_file(glossary_path, cache)
    if glossary is None:
        return sorted_unique(diags), None
    files_result, found = check_files(glossary, args.paths, cache, workers=WORKERS)
    return sorted_unique(diags + found + files_result.diagnostics), files_result


def run(args: argparse.Namespace) -> int:
    from ..terms import fixer, formats, summary
    from ..terms.runner import CheckResult

    if args.fix and args.diff:
        print("daeyeok check: --fix and --diff exclude each other (--diff writes nothing)", file=sys.stderr)
        return 2
    diags, result = _run_check(args)
    if any(d.code == "usage" for d in diags):
        for d in diags:
            print(d.format(), file=sys.stderr)
        return 2
    if isinstance(result, CheckResult) and (args.fix or args.diff):
        plans, problems = fixer.plan(result.findings, result.sources)
        if args.diff:
            sys.stdout.write("".join(p.diff() for p in plans))
            for d in problems:
                print(d.format(), file=sys.stderr)
            return 1 if has_errors(diags, args.strict) else 0
        problems += fixer.apply(plans)
        for p in plans:
            for f in p.applied:
                print(f"fixed {f.diagnostic.format()}", file=sys.stderr)
            for f in p.skipped:
                print(f"not fixed (overlaps another fix; run --fix again): {f.diagnostic.format()}", file=sys.stderr)
        for d in problems:
            print(d.format(), file=sys.stderr)
        if plans:
            print(f"fixed {sum(len(p.applied) for p in plans)} findings in {len(plans)} files", file=sys.stderr)
            diags, result = _run_check(args)
        diags = sorted_unique(diags + problems)
    out = sys.stdout
    terms_summary = summary.summarise(result.uses) if isinstance(result, CheckResult) and args.summary else None
    if args.format == "json":
        out.write(formats.as_json(diags, terms_summary))
    elif args.format == "sarif":
        out.write(formats.as_sarif(diags))
    elif args.format == "github":
        out.write(formats.as_github(diags))
    else:
        out.write(formats.as_text(diags))
        if terms_summary is not None:
            out.write(summary.as_text(terms_summary))
    return 1 if has_errors(diags, args.strict) else 0
