"""The only module that writes the built site.

Gather everything, then write: the whole site is written into a fresh
temporary directory beside the output and swapped in with renames only when
every file was written.  A failed build (or a full disk) leaves the previous
site exactly as it was.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from pathlib import Path


class WriteError(Exception):
    pass


def refuse_reason(out: Path, site_root: Path, content: Path) -> str | None:
    """Why ``out`` must not be the output directory, or ``None``."""
    o, root, cont = out.resolve(), site_root.resolve(), content.resolve()
    for protected, name in ((root, "the site directory"), (cont, "content/")):
        if o == protected:
            return f"the output directory {out} is {name}"
        if protected.is_relative_to(o):
            return f"the output directory {out} contains {name}; it would be deleted"
    if o.is_relative_to(cont):
        return f"the output directory {out} is inside content/"
    return None


def _safe_rel(rel: str) -> str:
    parts = [p for p in rel.split("/") if p not in ("", ".")]
    if not parts or any(p == ".." for p in parts):
        raise WriteError(f"refusing to write outside the output directory: {rel!r}")
    return "/".join(parts)


def _staging_dir(out: Path) -> Path:
    parent = out.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=parent))
    except OSError as exc:
        raise WriteError(f"cannot create a temporary directory in {parent}: {exc.strerror or exc}") from None


def _make_parent(target: Path, made: set[Path]) -> None:
    if target.parent not in made:
        target.parent.mkdir(parents=True, exist_ok=True)
        made.add(target.parent)


def _put(tmp: Path, rel: str, data: bytes, made: set[Path]) -> None:
    """Write one file; ``made`` holds the directories already created (a mkdir per file was
    ~10% of writing a 1,000-page site)."""
    target = tmp / _safe_rel(rel)
    _make_parent(target, made)
    with open(target, "wb") as fh:
        fh.write(data)


@contextlib.contextmanager
def _removed_on_failure(tmp: Path, out: Path) -> Iterator[None]:
    """Remove the staging directory ``tmp`` when the block fails; an OS error becomes a
    :class:`WriteError` naming ``out``."""
    try:
        yield
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise WriteError(f"cannot write the site to {out}: {exc.strerror or exc}") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _swap(tmp: Path, out: Path, copies: Mapping[str, Path], written: Mapping[str, object]) -> None:
    """Copy ``copies`` (those not written) into ``tmp`` and swap it in as ``out``; ``tmp`` is removed on failure."""
    parent = out.parent
    made: set[Path] = set()
    with _removed_on_failure(tmp, out):
        for rel in sorted(copies):
            if rel in written:
                continue
            target = tmp / _safe_rel(rel)
            _make_parent(target, made)
            shutil.copyfile(copies[rel], target)
        os.chmod(tmp, 0o755)
        old = None
        if out.exists() or out.is_symlink():
            if not out.is_dir() or out.is_symlink():
                raise WriteError(f"{out} exists and is not a directory")
            old = parent / f".{out.name}.old-{os.getpid()}"
            if old.exists():
                shutil.rmtree(old)
            out.rename(old)
        try:
            tmp.rename(out)
        except OSError:
            if old is not None:
                old.rename(out)  # put the previous site back
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


class StagedFiles(MutableMapping[str, bytes]):
    """Output files written into a staging directory beside ``out`` as the build makes them.

    A 10,000-page site is about 800 MB of HTML; holding it in memory until the
    end made the build's peak that much higher.  The staging directory is the
    temporary directory :func:`write_site` fills; :meth:`commit` swaps it in
    the same way and :meth:`discard` removes it, so a failed build still leaves
    the previous output exactly as it was and nothing appears at ``out`` before
    the swap.  Only the names stay in memory; a file read back comes from disk
    (from ``out`` once committed).
    """

    def __init__(self, out: Path):
        self.out = out.absolute()
        self._dir: Path | None = _staging_dir(self.out)
        self._names: dict[str, None] = {}
        self._made: set[Path] = set()

    def _where(self, rel: str) -> Path:
        return (self._dir if self._dir is not None else self.out) / _safe_rel(rel)

    def __setitem__(self, rel: str, data: bytes) -> None:
        if self._dir is None:
            raise WriteError(f"{self.out} was already written")
        try:
            _put(self._dir, rel, data, self._made)
        except OSError as exc:
            raise WriteError(f"cannot write the site to {self.out}: {exc.strerror or exc}") from None
        self._names[rel] = None

    def adopt(self, names: Iterable[str]) -> None:
        """Files another process (a forked renderer, :mod:`daeyeok.pagerender`) wrote into the staging directory."""
        for rel in names:
            self._names[rel] = None

    def __getitem__(self, rel: str) -> bytes:
        if rel not in self._names:
            raise KeyError(rel)
        return self._where(rel).read_bytes()

    def __delitem__(self, rel: str) -> None:
        del self._names[rel]
        self._where(rel).unlink(missing_ok=True)

    def __contains__(self, rel: object) -> bool:
        return rel in self._names

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def commit(self, copies: Mapping[str, Path]) -> None:
        if self._dir is None:
            raise WriteError(f"{self.out} was already written")
        tmp, self._dir = self._dir, None
        try:
            _swap(tmp, self.out, copies, self._names)
        except BaseException:
            self._names = {}
            raise

    def discard(self) -> None:
        """Remove what was staged; the output directory is untouched."""
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None
            self._names = {}


def write_site(out: Path, files: Mapping[str, bytes], copies: Mapping[str, Path]) -> None:
    """Write ``files`` (path → bytes) and copy ``copies`` (path → source) as the new ``out``.

    ``files`` may be :class:`StagedFiles` for ``out``, already on disk: then only the copies are
    added and the directory swapped in.
    """
    out = out.absolute()
    if isinstance(files, StagedFiles) and files.out == out:
        files.commit(copies)
        return
    tmp = _staging_dir(out)
    made: set[Path] = set()
    with _removed_on_failure(tmp, out):
        for rel in sorted(files):
            _put(tmp, rel, files[rel], made)
    _swap(tmp, out, copies, files)
