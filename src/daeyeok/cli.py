"""The ``daeyeok`` command line: one module per verb under :mod:`daeyeok.commands`.

Exit codes: 0 clean, 1 errors (or warnings with ``--strict``), 2 usage
errors.  Verb modules are imported only when chosen, so ``--help`` is fast.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import gc
import importlib
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from . import __version__

VERBS = {
    "build": "build the site into _site/",
    "serve": "preview the site with live reload while you edit",
    "check": "check Korean pages against glossary.yml (terms, particles, glosses); --fix",
    "status": "translation progress, outdated blocks and structure checks; --accept PAGE after review",
    "import": "import a Jekyll/kramdown translation project as a new site (import jekyll --en … --ko … --out DIR)",
}
#: verbs whose module name differs (``import`` is a Python keyword)
MODULES = {"import": "import_"}


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="daeyeok",
        description="daeyeok (대역): build a Korean/English bilingual course-notes site.",
    )
    parser.add_argument("--version", action="version", version=f"daeyeok {__version__}")
    sub = parser.add_subparsers(dest="verb", metavar="COMMAND")
    for verb, help_text in VERBS.items():
        module = importlib.import_module(f".commands.{MODULES.get(verb, verb)}", __package__)
        sp = sub.add_parser(verb, help=help_text, description=module.__doc__)
        module.add_arguments(sp)
    return parser


#: generation thresholds for Python's cycle collector; see :func:`main`
GC_THRESHOLDS = (50_000, 20, 20)


def main(argv: Sequence[str] | None = None) -> int:
    # Parsing allocates millions of small, mostly acyclic objects (tokens, runs, matches) that
    # live until the command ends; with the default threshold (700) the collector rescans them
    # thousands of times, ~15% of a cold `daeyeok check` (benchmarks/check_bench.py: 1,000-term
    # glossary 330 -> 285 ms).  Cycles are still collected, only less often.
    gc.set_threshold(*GC_THRESHOLDS)
    parser = make_parser()
    args = parser.parse_args(argv)
    if not args.verb:
        parser.print_help()
        return 2
    module = importlib.import_module(f".commands.{MODULES.get(args.verb, args.verb)}", __package__)
    try:
        return int(module.run(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        # User mistakes are diagnostics; reaching here is a daeyeok bug. Say so briefly, and
        # show the traceback only when asked, so a translator is not handed a wall of Python.
        if os.environ.get("DAEYEOK_DEBUG"):
            raise
        where = traceback.extract_tb(exc.__traceback__)[-1]
        print(
            f"daeyeok: internal error (a bug in daeyeok, please report it): {type(exc).__name__}: {exc} [{Path(where.filename).name}:{where.lineno}]; set DAEYEOK_DEBUG=1 for details",
            file=sys.stderr,
        )
        return 70


def entry() -> None:
    """The console script (and ``python -m daeyeok``): :func:`main`, then exit without tearing the heap down.

    A large build ends holding millions of objects (every page's tokens); letting the
    interpreter free them one by one on the way out cost 5.6 s of a 57 s 10,000-page
    build, after the "built" line was printed.  Everything an orderly exit does beyond
    that is done here: ``atexit`` handlers (which also run pending ``weakref.finalize``
    clean-ups such as temporary directories) and flushing the standard streams.  Under a
    profiler or a coverage tracer the exit is the ordinary one, so they can write their
    reports.  Tests call :func:`main`, which returns normally.
    """
    code = main()
    if sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(code)  # under a profiler or coverage, which write their reports on the way out
    try:
        atexit._run_exitfuncs()
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):  # a closed pipe (`daeyeok check | head`): nothing left to say
                stream.flush()
        os._exit(code)
