"""``--fix`` and ``--diff``: apply the findings' edits, atomically per file, or show them as a patch.

Only findings that carry edits are touched (the rules attach edits only to
unambiguous fixes with exact offsets).  A finding is applied whole or not at
all: if any of its edits overlaps an edit already taken, it is skipped and
reported, and a second run picks it up.  The file is re-read first and left
alone if it changed since it was checked; a BOM and CRLF line ends (which the
loader normalised away before checking) are put back on writing.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..atomicfile import write_text_atomic
from ..diagnostics import Diagnostic, error
from .findings import Edit, Finding


@dataclass
class FileFix:
    path: str
    file: Path
    before: str
    after: str
    applied: list[Finding] = field(default_factory=list)
    skipped: list[Finding] = field(default_factory=list)
    bom: bool = False  # written back as it was read: BOM and CRLF line ends are kept
    crlf: bool = False

    def file_text(self) -> str:
        return ("\ufeff" if self.bom else "") + (self.after.replace("\n", "\r\n") if self.crlf else self.after)

    def diff(self) -> str:
        lines = difflib.unified_diff(
            self.before.splitlines(keepends=True), self.after.splitlines(keepends=True), f"a/{self.path.lstrip('/')}", f"b/{self.path.lstrip('/')}"
        )
        return "".join(lines)


def plan(findings: Sequence[Finding], sources: Mapping[str, tuple[Path, str]]) -> tuple[list[FileFix], list[Diagnostic]]:
    """What ``--fix`` would do, file by file, without writing anything."""
    by_path: dict[str, list[Finding]] = {}
    for f in findings:
        if f.edits:
            by_path.setdefault(f.diagnostic.path, []).append(f)
    fixes: list[FileFix] = []
    problems: list[Diagnostic] = []
    for path in sorted(by_path):
        if path not in sources:
            continue
        file, text = sources[path]
        try:
            on_disk = file.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(error(path, 0, 0, "fix", f"cannot re-read the file to fix it: {exc}"))
            continue
        bom = on_disk.startswith("\ufeff")
        body = on_disk[1:] if bom else on_disk
        crlf = "\r\n" in body
        if body.replace("\r\n", "\n") != text or (crlf and body.count("\r\n") != body.count("\n")):
            problems.append(error(path, 0, 0, "fix", "not fixed: the file changed since it was checked (or mixes line ends)"))
            continue
        taken: list[Edit] = []
        fix = FileFix(path, file, text, text, bom=bom, crlf=crlf)
        for finding in sorted(by_path[path], key=lambda f: (f.edits[0].start, f.diagnostic.sort_key())):
            if any(_overlaps(e, t) for e in finding.edits for t in taken):
                fix.skipped.append(finding)
                continue
            taken.extend(finding.edits)
            fix.applied.append(finding)
        out = text
        for edit in sorted(taken, key=lambda e: e.start, reverse=True):
            out = out[: edit.start] + edit.text + out[edit.end :]
        fix.after = out
        if out != text:
            fixes.append(fix)
    return fixes, problems


def _overlaps(a: Edit, b: Edit) -> bool:
    return (a.start < b.end and b.start < a.end) or (a.start == b.start and a.end == b.end)


def apply(fixes: Sequence[FileFix]) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    for fix in fixes:
        try:
            write_text_atomic(fix.file, fix.file_text())
        except OSError as exc:
            problems.append(error(fix.path, 0, 0, "fix", f"could not write the fixed file: {exc.strerror or exc}"))
    return problems
