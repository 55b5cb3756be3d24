"""Last-updated dates of the site's pages, from git: one ``git log`` for the whole build.

Why git and not file times: checkouts and copies reset mtimes, so a date from
the file system would change with every clone and break reproducible builds;
a commit date changes only when the page does.

Only when the site directory is the top of a git work tree: that is also
where "edit this page" links assume ``content/`` lives, and it keeps a test
site inside another repository (``tests/sites/golden``) from taking dates
from its host's history.  No git, no repository or a failing git: no dates.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable
from pathlib import Path

GIT_TIMEOUT = 30.0


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, timeout=GIT_TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.decode("utf-8", "replace")


def parse_log(output: str) -> dict[str, str]:
    """Newest date per path from ``git log --format=%x00%cs --name-only`` output (newest commit first)."""
    dates: dict[str, str] = {}
    date = ""
    for line in output.splitlines():
        if line.startswith("\x00"):
            date = line[1:].strip()
        elif line.strip() and date:
            dates.setdefault(line.strip(), date)
    return dates


def last_updated(root: Path, files: Iterable[Path]) -> dict[Path, str]:
    """``YYYY-MM-DD`` of the last commit that touched each of ``files`` (those git knows), or nothing.

    Memoised on the repository's reflog (``.git/logs/HEAD`` changes with every
    commit, checkout and reset), so the preview server's rebuilds do not run git
    for every save.
    """
    root = root.absolute()
    if not (root / ".git").exists():
        return {}  # not the top of a work tree (or a worktree's .git file): no dates, no subprocess
    wanted_files = tuple(sorted(p.absolute() for p in files))
    try:
        st = (root / ".git" / "logs" / "HEAD").stat()
        state: tuple[object, ...] | None = (str(root), wanted_files, st.st_mtime_ns, st.st_size)
    except OSError:
        state = None
    if state is not None and state in _MEMO:
        return dict(_MEMO[state])
    found = _last_updated(root, wanted_files)
    if state is not None:
        _MEMO.clear()
        _MEMO[state] = found
    return dict(found)


#: the last answer, keyed by the repository state it was read in
_MEMO: dict[tuple[object, ...], dict[Path, str]] = {}


def _last_updated(root: Path, files: Iterable[Path]) -> dict[Path, str]:
    top = _git(root, "rev-parse", "--show-toplevel")
    if top is None or Path(top.strip()).resolve() != root.resolve():
        return {}
    wanted = {p.absolute(): p.absolute().relative_to(root).as_posix() for p in files if p.absolute().is_relative_to(root)}
    if not wanted:
        return {}
    output = _git(root, "-c", "core.quotepath=off", "log", "--format=%x00%cs", "--name-only", "--no-renames", "--", "content")
    if output is None:
        return {}
    dates = parse_log(output)
    return {path: dates[rel] for path, rel in sorted(wanted.items()) if rel in dates}
