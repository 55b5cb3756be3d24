"""Run Pagefind over the search documents and return its bundle as output files (path → bytes).

Pagefind runs as its own binary (shipped in the ``pagefind[extended]``
wheel) behind the ``pagefind.index`` Python API.  The documents are written
to a private temporary directory and indexed with one ``add_directory``
call rather than one ``add_html_file`` per page: the API's reader polls the
binary's replies every 0.1 s, one reply per poll, which made a 100-page site
take 10 s longer.  The bundle is read back into memory so that
:mod:`daeyeok.writer` still writes the whole site in one swap.

Determinism: two runs over the same documents give byte-identical index,
fragment, meta and wasm files (their names are content hashes).  The one
exception is ``pagefind-entry.json``, whose ``languages`` object comes out
of a Rust ``HashMap`` in a different order from run to run; it is parsed
and written back with sorted keys, which the browser side does not mind
(it looks languages up by name).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from .documents import SearchDocument

#: Where the bundle is published, under the base URL.
BUNDLE_DIR = "pagefind"
#: Bundle files daeyeok does not use: Pagefind's own UIs (search.js is smaller and Korean-aware) and its highlighter.
UNUSED_PREFIXES = ("pagefind-ui.", "pagefind-modular-ui.", "pagefind-component-ui.", "pagefind-highlight.", "playground/")


class SearchIndexError(Exception):
    """Pagefind could not be run or failed; the build reports it as a warning and goes on without search."""


_INDEXED = re.compile(r"Indexed (\d+) pages?\b")
INDEX_TIMEOUT_S = 900


def pagefind_binary() -> list[str]:
    """The command that runs Pagefind: the binary of the ``pagefind[extended]`` wheel, found without importing anything.

    ``python -m pagefind`` finds the same binary and execs it, but first starts an
    interpreter and imports asyncio: ~0.1 s of CPU on every build.  The order is
    that of ``pagefind.service.get_executable``: ``PAGEFIND_BINARY_PATH``, the
    extended wheel, the plain wheel, then ``python -m pagefind`` as the fallback.
    """
    if explicit := os.environ.get("PAGEFIND_BINARY_PATH"):
        return [explicit]
    for package, name in (("pagefind_bin_extended", "pagefind_extended"), ("pagefind_bin", "pagefind")):
        spec = importlib.util.find_spec(package)
        if spec is not None and spec.origin is not None and os.access(binary := Path(spec.origin).parent / name, os.X_OK):
            return [str(binary)]
    return [sys.executable, "-m", "pagefind"]


def _start(site_dir: Path, out_dir: Path) -> subprocess.Popen[str]:
    """Start Pagefind's own command line (the binary its wheel ships) over ``site_dir``.

    The command exits only when every bundle file is written.  Pagefind's asyncio API
    answered "written" while files were still being flushed, and under load the build
    read an empty ``pagefind-entry.json`` (an intermittent JSONDecodeError).
    """
    command = [*pagefind_binary(), "--site", str(site_dir), "--output-path", str(out_dir)]
    try:
        return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except OSError as exc:
        raise SearchIndexError(f"could not run Pagefind: {exc}") from exc


def _wait(proc: subprocess.Popen[str]) -> int:
    try:
        stdout, stderr = proc.communicate(timeout=INDEX_TIMEOUT_S)
    except subprocess.TimeoutExpired as exc:
        proc.kill()
        proc.communicate()
        raise SearchIndexError(f"Pagefind took longer than {INDEX_TIMEOUT_S} s") from exc
    if proc.returncode != 0:
        raise SearchIndexError(f"Pagefind exited with {proc.returncode}: {(stderr or stdout).strip()[-500:]}")
    counts = [int(n) for n in _INDEXED.findall(stdout)]
    return counts[-1] if counts else 0


def normalise_entry(data: bytes) -> bytes:
    """``pagefind-entry.json`` with its keys sorted: the only bundle file whose bytes vary between runs."""
    return json.dumps(json.loads(data), sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class PagefindRun:
    """Pagefind indexing ``documents`` in the background: the build renders pages meanwhile.

    :meth:`bundle` waits for it and returns the bundle as ``pagefind/...`` output files.
    """

    def __init__(self, documents: Sequence[SearchDocument]):
        self.expected = len(documents)
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._proc: subprocess.Popen[str] | None = None
        if not documents:
            return
        self._tmp = tempfile.TemporaryDirectory(prefix="daeyeok-search-")
        site_dir, self._out = Path(self._tmp.name) / "site", Path(self._tmp.name) / "bundle"
        try:
            for doc in documents:
                target = site_dir / doc.site_path / "index.html"
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(doc.html, encoding="utf-8")
            self._proc = _start(site_dir, self._out)
        except BaseException:
            self.close()
            raise

    def bundle(self) -> dict[str, bytes]:
        try:
            if self._proc is None:
                return {}
            count = _wait(self._proc)
            if count != self.expected:
                raise SearchIndexError(f"Pagefind indexed {count} of {self.expected} pages")
            return _read_bundle(self._out)
        finally:
            self.close()

    def close(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.communicate()
        self._proc = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None


def _read_bundle(out_dir: Path) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for path in sorted(out_dir.rglob("*")):
        rel = path.relative_to(out_dir).as_posix()
        if not path.is_file() or rel.startswith(UNUSED_PREFIXES):
            continue
        data = path.read_bytes()
        if rel == "pagefind-entry.json":
            try:
                data = normalise_entry(data)
            except ValueError as exc:  # seen once under heavy load: never a crash, at worst no search
                raise SearchIndexError(f"Pagefind wrote an unreadable {rel}: {exc}") from exc
        files[f"{BUNDLE_DIR}/{rel}"] = data
    return files
