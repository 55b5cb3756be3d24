"""What every verb shares: the site directory option and printing diagnostics."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from ..diagnostics import Diagnostic, has_errors


def add_site_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--site", type=Path, default=Path("."), metavar="DIR", help="the site directory, holding site.yml (default: the current directory)")


def print_diagnostics(diags: Iterable[Diagnostic], stream: TextIO | None = None) -> None:
    stream = stream or sys.stderr
    for d in diags:
        print(d.format(), file=stream)


def exit_code(diags: Iterable[Diagnostic], strict: bool) -> int:
    return 1 if has_errors(diags, strict) else 0
