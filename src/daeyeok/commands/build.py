"""Build the site: load → parse → check → render → write into the output directory.

Nothing is written unless the build succeeds (with --strict, also without
warnings); the previous output then stays as it was.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .common import add_site_argument, exit_code, print_diagnostics


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_site_argument(parser)
    parser.add_argument("--out", type=Path, default=None, metavar="DIR", help="output directory (default: DIR/_site)")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.add_argument("--base-url", default=None, metavar="/PREFIX/", help="serve the site under this path (overrides site.yml base_url)")
    parser.add_argument(
        "--no-cache", action="store_true", help="build from nothing: do not read or write DIR/.daeyeok-cache (formulas, parsed pages, findings, rendered pages)"
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="print only diagnostics")


def run(args: argparse.Namespace) -> int:
    from ..loader import CONTENT_DIR, load_site
    from ..manifest import shortcut
    from ..writer import refuse_reason

    started = time.perf_counter()
    root = args.site.absolute()
    out = (args.out or root / "_site").absolute()
    sources = None
    if not args.no_cache and refuse_reason(out, root, root / CONTENT_DIR) is None:
        # an unchanged site is answered before the renderer and its libraries are imported
        sources = load_site(root)
        _, previous = shortcut(root, out, sources, args.base_url, args.strict)
        if previous is not None:
            diags, stats = previous
            print_diagnostics(diags)
            if not args.quiet:
                print(f"{out} is up to date: nothing changed since the last build ({stats.get('pages', 0)} pages)", file=sys.stderr)
            return exit_code(diags, args.strict)
    from ..build import build

    result = build(args.site, args.out, base_url=args.base_url, strict=args.strict, use_cache=not args.no_cache, sources=sources)
    print_diagnostics(result.diagnostics)
    code = exit_code(result.diagnostics, args.strict)
    if not args.quiet:
        if result.up_to_date:
            print(f"{result.out} is up to date: nothing changed since the last build ({result.stats.get('pages', 0)} pages)", file=sys.stderr)
        elif result.written:
            elapsed = time.perf_counter() - started
            s = result.stats
            print(
                f"built {s['pages']} pages into {result.out} in {elapsed:.2f} s ({s['formulas_rendered']} formulas rendered, {s['formulas_cached']} from cache; "
                f"{s.get('pages_cached', 0)} outputs unchanged)",
                file=sys.stderr,
            )
        else:
            print("build failed; nothing was written" + (" (--strict: warnings count as errors)" if args.strict and code else ""), file=sys.stderr)
    return code
