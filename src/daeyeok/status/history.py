"""Git history, when there is any, to say since when a block is outdated.

Status never needs git: fingerprints in ``translations.lock`` decide what is
outdated.  When the site is inside a git work tree, the history of the
source file says *when* a block changed: the oldest commit in the unbroken
run of versions that contain the block's current text (or, for a removed
block, the commit that removed it).  Every git call is bounded by a time
limit, and any failure means "no history", never an error.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..align import blocks_from_tokens
from ..markdown import parser

MAX_COMMITS = 100
TIMEOUT = 20.0


@dataclass(frozen=True)
class Change:
    commit: str  # abbreviated; "" for changes not committed yet
    date: str  # YYYY-MM-DD, "" when not committed
    subject: str

    @property
    def uncommitted(self) -> bool:
        return not self.commit

    def describe(self) -> str:
        if self.uncommitted:
            return "not committed yet"
        return f"{self.date} ({self.commit} {self.subject})"


UNCOMMITTED = Change("", "", "working tree")


@lru_cache(maxsize=4096)
def _fingerprints(text: str) -> frozenset[str]:
    return frozenset(b.fingerprint for b in blocks_from_tokens(parser().parse(text, {})))


class GitHistory:
    """Read-only view of a git work tree around a site."""

    def __init__(self, top: Path):
        self.top = top
        self._versions: dict[Path, list[tuple[Change, frozenset[str]]]] = {}

    @classmethod
    def open(cls, root: Path) -> GitHistory | None:
        if shutil.which("git") is None:
            return None
        out = _git(root, "rev-parse", "--show-toplevel")
        if out is None or not out.strip():
            return None
        return cls(Path(out.strip()))

    def _rel(self, path: Path) -> str | None:
        try:
            return path.resolve().relative_to(self.top.resolve()).as_posix()
        except ValueError:
            return None

    def log(self, path: Path) -> list[Change]:
        rel = self._rel(path)
        if rel is None:
            return []
        out = _git(self.top, "log", f"-n{MAX_COMMITS}", "--format=%h%x00%cs%x00%s", "--", rel)
        if out is None:
            return []
        changes = []
        for line in out.splitlines():
            parts = line.split("\x00")
            if len(parts) == 3:
                changes.append(Change(*parts))
        return changes

    def dirty(self, path: Path) -> bool:
        rel = self._rel(path)
        if rel is None:
            return False
        out = _git(self.top, "status", "--porcelain", "--", rel)
        return bool(out and out.strip())

    def last_change(self, path: Path) -> Change | None:
        """The newest change to a file: uncommitted edits first, else its last commit."""
        if self.dirty(path):
            return UNCOMMITTED
        log = self.log(path)
        return log[0] if log else None

    def versions(self, path: Path) -> list[tuple[Change, frozenset[str]]]:
        """Block fingerprints of the file, newest first: the working tree, then each commit."""
        cached = self._versions.get(path)
        if cached is not None:
            return cached
        rel = self._rel(path)
        found: list[tuple[Change, frozenset[str]]] = []
        with contextlib.suppress(OSError, UnicodeDecodeError):
            found.append((UNCOMMITTED, _fingerprints(path.read_text(encoding="utf-8").replace("\r\n", "\n"))))
        if rel is not None:
            for change in self.log(path):
                text = _git(self.top, "show", f"{change.commit}:{rel}")
                if text is None:
                    break
                found.append((change, _fingerprints(text.replace("\r\n", "\n"))))
        self._versions[path] = found
        return found

    def introduced(self, path: Path, fingerprint: str) -> Change | None:
        """When the current text of a block appeared: the oldest version of the newest unbroken run holding it."""
        since: Change | None = None
        for change, fps in self.versions(path):
            if fingerprint not in fps:
                break
            since = change
        return since

    def removed(self, path: Path, fingerprint: str) -> Change | None:
        """When a block's text disappeared: the version just newer than the newest one holding it."""
        newer: Change | None = None
        for change, fps in self.versions(path):
            if fingerprint in fps:
                return newer
            newer = change
        return None


def _git(cwd: Path, *args: str) -> str | None:
    env = dict(os.environ, GIT_OPTIONAL_LOCKS="0", LC_ALL="C")
    try:
        proc = subprocess.run(["git", "-c", "core.quotepath=off", *args], cwd=cwd, capture_output=True, timeout=TIMEOUT, env=env, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode != 0:
        return None
    return proc.stdout.decode("utf-8", errors="replace")
