"""The only module that writes the built site.

Gather everything, then write: the whole site is written into a fresh
temporary directory beside the output and swapped in with renames only when
every file was written.  A failed build (or a full disk) leaves the previous
site exactly as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
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


def write_site(out: Path, files: Mapping[str, bytes], copies: Mapping[str, Path]) -> None:
    """Write ``files`` (path → bytes) and copy ``copies`` (path → source) as the new ``out``."""
    out = out.absolute()
    parent = out.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=parent))
    except OSError as exc:
        raise WriteError(f"cannot create a temporary directory in {parent}: {exc.strerror or exc}") from None
    try:
        for rel in sorted(set(files) | set(copies)):
            target = tmp / _safe_rel(rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            if rel in files:
                with open(target, "wb") as fh:
                    fh.write(files[rel])
            else:
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
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise WriteError(f"cannot write the site to {out}: {exc.strerror or exc}") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
