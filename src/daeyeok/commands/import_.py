"""Import a Jekyll/kramdown translation project as a new daeyeok site.

    daeyeok import jekyll --en EN_DIR --ko KO_DIR [--glossary glossary.md]
                          [--assets ASSETS_DIR] [--index index.md] --out NEW_SITE

Korean files are paired with the English files they translate; kramdown math,
Liquid links and front matter are converted; the sources are never written.
Findings are printed as diagnostics and written, with the totals, to
NEW_SITE/import-report.txt and import-report.json.  Then: daeyeok build --site NEW_SITE
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .common import exit_code, print_diagnostics


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("format", choices=["jekyll"], help="the kind of site to import")
    parser.add_argument("--en", type=Path, metavar="DIR", help="folder of the English Jekyll pages")
    parser.add_argument("--ko", type=Path, metavar="DIR", help="folder of the Korean Jekyll pages")
    parser.add_argument("--glossary", type=Path, metavar="FILE", help="the team's glossary page (an HTML table) to convert into glossary.yml")
    parser.add_argument("--assets", type=Path, metavar="DIR", help="the Jekyll site's assets folder, copied to static/")
    parser.add_argument("--index", type=Path, metavar="FILE", help="the Jekyll index page; its links give the navigation order")
    parser.add_argument("--title", metavar="TEXT", help="the site title (default: the name of the folder holding --en)")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="the new site directory (must be new or empty)")
    parser.add_argument("--force", action="store_true", help="replace DIR if it holds an earlier import")
    parser.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    parser.add_argument("--quiet", "-q", action="store_true", help="print only diagnostics")


def run(args: argparse.Namespace) -> int:
    from ..importer.run import ImportOptions, import_jekyll

    started = time.perf_counter()
    opts = ImportOptions(out=args.out, en=args.en, ko=args.ko, glossary=args.glossary, assets=args.assets, index=args.index, title=args.title, force=args.force)
    result = import_jekyll(opts)
    print_diagnostics(sorted(set(result.report.diagnostics), key=lambda d: d.sort_key()))
    if result.usage_error:
        return 2
    code = exit_code(result.report.diagnostics, args.strict)
    if not args.quiet:
        elapsed = time.perf_counter() - started
        if result.written:
            print(
                f"{result.report.summary()}\nwrote {args.out} in {elapsed:.2f} s; report: {args.out / 'import-report.txt'}; next: daeyeok build --site {args.out}",
                file=sys.stderr,
            )
        else:
            print("import failed; nothing was written", file=sys.stderr)
    return code
