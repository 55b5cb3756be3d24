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

import contextlib
import importlib.util
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

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


#: how the forked child's own complaints start in the log (the rest of the log is Pagefind's)
_CHILD_SAYS = "daeyeok: "


def _leave(message: str) -> NoReturn:
    """The forked child's exit on failure: say why in the log (its standard error by then), and go."""
    with contextlib.suppress(OSError):
        os.write(2, f"\n{_CHILD_SAYS}{message}\n".encode())
    os._exit(3)


def _write_documents(documents: Sequence[SearchDocument], site_dir: Path) -> None:
    for doc in documents:
        target = site_dir / doc.site_path / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(doc.html, encoding="utf-8")


class PagefindRun:
    """Pagefind indexing the search documents in the background: the build renders pages meanwhile.

    :meth:`bundle` waits for it and returns the bundle as ``pagefind/...`` output files.
    Made either from documents already computed (``PagefindRun(documents)``), or by
    :meth:`forked`, where a child process computes them and then becomes Pagefind.
    """

    def __init__(self, documents: Sequence[SearchDocument] = ()):
        self.expected = len(documents)
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._proc: subprocess.Popen[str] | None = None
        self._child: int | None = None  # a forked child (see forked)
        if not documents:
            return
        self._tmp = tempfile.TemporaryDirectory(prefix="daeyeok-search-")
        site_dir, self._out = Path(self._tmp.name) / "site", Path(self._tmp.name) / "bundle"
        try:
            _write_documents(documents, site_dir)
            self._proc = _start(site_dir, self._out)
        except BaseException:
            self.close()
            raise

    @classmethod
    def forked(cls, documents: Callable[[], Sequence[SearchDocument]]) -> PagefindRun:
        """A forked child computes ``documents()``, writes them out and then execs Pagefind in its place.

        Computing the documents is the build's longest step before the checks
        (7.5 s of a 10,000-page build, 0.5 s of cs231n's), and what the build
        process does meanwhile does not need them.  The exec gives back every page
        the child inherited or copied, so from then on only Pagefind's own memory
        counts.  Pagefind's output, and the child's complaint if it fails before the
        exec, go to a log read by :meth:`bundle`.  Only a caller without threads may
        fork (:func:`daeyeok.forking.can_fork`).
        """
        run = cls()
        run._tmp = tempfile.TemporaryDirectory(prefix="daeyeok-search-")
        tmp = Path(run._tmp.name)
        run._out = tmp / "bundle"
        command = [*pagefind_binary(), "--site", str(tmp / "site"), "--output-path", str(run._out)]
        pid = os.fork()
        if pid == 0:  # the child
            try:
                log = os.open(tmp / "pagefind.log", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                os.dup2(log, 1)
                os.dup2(log, 2)
                docs = documents()
                _write_documents(docs, tmp / "site")
                (tmp / "count").write_text(str(len(docs)), encoding="utf-8")
            except BaseException as exc:
                _leave(f"search documents failed: {type(exc).__name__}: {exc}")
            if not docs:
                os._exit(0)
            try:
                os.execv(command[0], command)
            except OSError as exc:
                _leave(f"could not run Pagefind ({command[0]}): {exc.strerror or exc}")
            _leave("os.execv returned")  # it cannot, but a child must never return into the build
        run._child = pid
        return run

    def bundle(self) -> dict[str, bytes]:
        try:
            if self._child is not None:
                count = self._wait_child()
            elif self._proc is not None:
                count = _wait(self._proc)
            else:
                return {}
            if count != self.expected:
                raise SearchIndexError(f"Pagefind indexed {count} of {self.expected} pages")
            return _read_bundle(self._out) if self.expected else {}
        finally:
            self.close()

    def _wait_child(self) -> int:
        """Wait for the forked child (Pagefind by then); the number of pages Pagefind says it indexed."""
        assert self._child is not None and self._tmp is not None
        deadline = time.monotonic() + INDEX_TIMEOUT_S
        while (done := os.waitpid(self._child, os.WNOHANG))[0] == 0:
            if time.monotonic() > deadline:
                raise SearchIndexError(f"Pagefind took longer than {INDEX_TIMEOUT_S} s")  # close() kills it
            time.sleep(0.005)
        self._child = None
        tmp = Path(self._tmp.name)
        log = (tmp / "pagefind.log").read_text(encoding="utf-8", errors="replace") if (tmp / "pagefind.log").is_file() else ""
        code = os.waitstatus_to_exitcode(done[1])
        if code != 0:
            said = [line[len(_CHILD_SAYS) :] for line in log.splitlines() if line.startswith(_CHILD_SAYS)]
            raise SearchIndexError(said[-1] if said else f"Pagefind exited with {code}: {log.strip()[-500:]}")
        self.expected = int((tmp / "count").read_text(encoding="utf-8"))
        counts = [int(n) for n in _INDEXED.findall(log)]
        return counts[-1] if counts else 0

    def close(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.communicate()
        self._proc = None
        if self._child is not None:
            with contextlib.suppress(OSError):
                os.kill(self._child, signal.SIGKILL)
                os.waitpid(self._child, 0)
            self._child = None
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
