"""Problems found while building or checking, collected instead of raised.

Every stage returns its findings as :class:`Diagnostic` values so that one run
reports everything at once, the way a compiler does, and the CLI decides the
exit code in one place.  Paths are kept as the user should see them.
"""

from __future__ import annotations

import enum
import functools
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


@dataclass(frozen=True, order=False)
class Diagnostic:
    """One finding at ``path:line:col`` (1-based; 0 means "unknown")."""

    path: str
    line: int
    col: int
    severity: Severity
    code: str
    message: str
    fix: str | None = None

    def format(self) -> str:
        text = f"{self.path}:{self.line}:{self.col}: {self.severity.value} {self.code}: {self.message}"
        if self.fix is not None:
            text += f" (fix: {self.fix})"
        return text

    def sort_key(self) -> tuple[str, int, int, int, str, str]:
        return (self.path, self.line, self.col, self.severity.rank, self.code, self.message)


def display_path(path: Path | str) -> str:
    """The path as a user wants to read it: relative to the working directory when inside it."""
    return _display_path(str(path), os.getcwd())


@functools.lru_cache(maxsize=65536)
def _display_path(path: str, cwd: str) -> str:
    """Memoised per (path, working directory): every page's diagnostics and memo keys ask."""
    p = Path(path)
    try:
        rel = os.path.relpath(p if p.is_absolute() else Path(cwd) / p, cwd)
    except ValueError:  # another drive on Windows
        return str(p)
    return str(p) if rel.startswith("..") and p.is_absolute() else rel


def error(path: Path | str, line: int, col: int, code: str, message: str, fix: str | None = None) -> Diagnostic:
    return Diagnostic(_as_str(path), line, col, Severity.ERROR, code, message, fix)


def warning(path: Path | str, line: int, col: int, code: str, message: str, fix: str | None = None) -> Diagnostic:
    return Diagnostic(_as_str(path), line, col, Severity.WARNING, code, message, fix)


def info(path: Path | str, line: int, col: int, code: str, message: str, fix: str | None = None) -> Diagnostic:
    return Diagnostic(_as_str(path), line, col, Severity.INFO, code, message, fix)


def _as_str(path: Path | str) -> str:
    return display_path(path) if isinstance(path, Path) else path


def has_errors(diags: Iterable[Diagnostic], strict: bool = False) -> bool:
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    return any(d.severity in failing for d in diags)


def sorted_unique(diags: Iterable[Diagnostic]) -> list[Diagnostic]:
    return sorted(set(diags), key=Diagnostic.sort_key)


class DiagnosticError(Exception):
    """Raised by a stage that cannot go on; carries the findings so far."""

    def __init__(self, diagnostics: Iterable[Diagnostic]):
        self.diagnostics = list(diagnostics)
        super().__init__("\n".join(d.format() for d in self.diagnostics))
