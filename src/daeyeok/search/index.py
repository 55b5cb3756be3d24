"""Run Pagefind over the search documents and return its bundle as output files (path → bytes).

Pagefind runs as its own binary (shipped in the ``pagefind[extended]`` wheel),
through its command line: the documents are written to a private temporary
directory and Pagefind indexes it once per language (:func:`index_script`).
Its Python API was tried first: its reader polls the binary's replies every
0.1 s, one reply per poll (a 100-page site took 10 s longer), and it answered
"written" before the files were flushed.  The bundle is read back into memory
so that :mod:`daeyeok.writer` still writes the whole site in one swap.

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
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from .documents import SearchDocument

#: Where the bundle is published, under the base URL.
BUNDLE_DIR = "pagefind"
#: Bundle files daeyeok does not use: Pagefind's own UIs (search.js is smaller and Korean-aware) and its highlighter.
UNUSED_PREFIXES = ("pagefind-ui.", "pagefind-modular-ui.", "pagefind-component-ui.", "pagefind-highlight.", "playground/")


class SearchIndexError(Exception):
    """Pagefind could not be run or failed; the build reports it as a warning and goes on without search."""


_INDEXED = re.compile(r"Indexed (\d+) pages?\b")
ENTRY = "pagefind-entry.json"
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


#: below this many search documents the per-language Pagefind runs go side by side, not one after the other
SIDE_BY_SIDE_MAX = int(os.environ.get("DAEYEOK_PAGEFIND_SIDE_BY_SIDE_MAX", "2000"))


def index_script(site_dir: Path, out_dir: Path, languages: Sequence[str], *, side_by_side: bool = False) -> str:
    """A shell command running Pagefind once per language, each into ``out_dir/<lang>``: one after
    the other, or with ``side_by_side`` all at once.

    Pagefind builds a separate index for each language anyway, and holds the
    whole site in memory while it does (938 MiB of a 10,000-page build's peak);
    one language at a time holds half.  On a small site memory does not matter
    and the runs go side by side: the English run before the Korean one was the
    last step of cs231n's build (cold, 7 interleaved pairs twice: 1.547 → 1.482 s
    and 1.597 → 1.512 s); the script fails when any run fails.  The runs give
    the same files as one run over every language, apart from ``pagefind-entry.json``, which
    :func:`_read_bundle` merges.  Pagefind's command line exits only when every
    bundle file is written (its asyncio API answered "written" while files were
    still being flushed, and under load the build read an empty entry file).

    The documents are removed once Pagefind is done with them, keeping its exit
    status: removing 10,000 of them took the build process 2 s at its very end
    (:meth:`PagefindRun.close`), where nothing else runs beside it.
    """
    runs = [[*pagefind_binary(), "--site", str(site_dir), "--glob", f"{lang}/**/*.{{html}}", "--output-path", str(out_dir / lang)] for lang in languages]
    if side_by_side and len(runs) > 1:
        started = " ".join(f"{shlex.join(run)} & run{i}=$!;" for i, run in enumerate(runs))
        waited = " ".join(f"wait $run{i} || failed=1;" for i in range(len(runs)))
        indexing = f"failed=0; {started} {waited} [ $failed = 0 ]"
    else:
        indexing = " && ".join(shlex.join(run) for run in runs) or "true"
    return f"{{ {indexing}; }}; status=$?; rm -rf -- {shlex.quote(str(site_dir))}; exit $status"


def _script_for(tmp: Path, languages: Sequence[str], documents: int) -> str:
    """:func:`index_script` for a run's temporary directory (documents in ``site/``, bundles to
    ``bundle/``), side by side when there are few documents."""
    return index_script(tmp / "site", tmp / "bundle", languages, side_by_side=documents < SIDE_BY_SIDE_MAX)


def _start(script: str) -> subprocess.Popen[str]:
    """Run ``script`` in a process group of its own, so that :meth:`PagefindRun.close` stops every Pagefind in it."""
    try:
        return subprocess.Popen(["/bin/sh", "-c", script], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, process_group=0)
    except OSError as exc:
        raise SearchIndexError(f"could not run Pagefind: {exc}") from exc


def _wait(proc: subprocess.Popen[str]) -> int:
    """Wait for the in-process run; the number of pages Pagefind says it indexed."""
    try:
        log, _ = proc.communicate(timeout=INDEX_TIMEOUT_S)
    except subprocess.TimeoutExpired as exc:
        raise SearchIndexError(f"Pagefind took longer than {INDEX_TIMEOUT_S} s") from exc  # close() kills it
    if proc.returncode != 0:
        raise SearchIndexError(f"Pagefind exited with {proc.returncode}: {(log or '').strip()[-500:]}")
    return _indexed(log or "")


def _indexed(log: str) -> int:
    """Pages indexed, by what each Pagefind run printed."""
    return sum(int(n) for n in _INDEXED.findall(log))


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


def _write_documents(documents: Sequence[SearchDocument], site_dir: Path) -> list[str]:
    """Each document as ``site_dir/<site path>/index.html``; the languages written, in order."""
    for doc in documents:
        if not doc.site_path.startswith(f"{doc.lang}/"):
            raise SearchIndexError(f"search document {doc.site_path} is not under its language {doc.lang}/")
        target = site_dir / doc.site_path / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(doc.html, encoding="utf-8")
    return sorted({doc.lang for doc in documents})


class PagefindRun:
    """Pagefind indexing the search documents in the background: the build renders pages meanwhile.

    :meth:`bundle` waits for it and returns the bundle as ``pagefind/...`` output files.
    Made either from documents already computed (``PagefindRun(documents)``), or by
    :meth:`forked`, where a child process computes them and then becomes Pagefind.
    Either way Pagefind runs once per language (:func:`index_script`).
    """

    def __init__(self, documents: Sequence[SearchDocument] = ()):
        self.expected = len(documents)
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._proc: subprocess.Popen[str] | None = None
        self._child: int | None = None  # a forked child (see forked)
        self._child_status: int | None = None  # its wait status, once reaped
        self._languages: list[str] = []
        if not documents:
            return
        tmp = self._make_tmp()
        try:
            self._languages = _write_documents(documents, tmp / "site")
            self._proc = _start(_script_for(tmp, self._languages, len(documents)))
        except BaseException:
            self.close()
            raise

    def _make_tmp(self) -> Path:
        self._tmp = tempfile.TemporaryDirectory(prefix="daeyeok-search-")
        return Path(self._tmp.name)

    @classmethod
    def forked(cls, documents: Callable[[], Sequence[SearchDocument]]) -> PagefindRun:
        """A forked child computes ``documents()``, writes them out and then execs Pagefind in its place.

        Computing the documents is the build's longest step before the checks
        (7.5 s of a 10,000-page build, 0.5 s of cs231n's), and what the build
        process does meanwhile does not need them.  The exec gives back every page
        the child inherited or copied, so from then on only Pagefind's own memory
        counts.  The child writes the languages it found to a file and its
        complaints, if it fails before the exec, to the log that also gets
        Pagefind's output; :meth:`bundle` reads both.  Only a caller without
        threads may fork (:func:`daeyeok.forking.can_fork`).
        """
        run = cls()
        tmp = run._make_tmp()
        pid = os.fork()
        if pid == 0:  # the child
            try:
                os.setpgid(0, 0)  # a process group of its own, as _start gives the in-process run
                log = os.open(tmp / "pagefind.log", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                os.dup2(log, 1)
                os.dup2(log, 2)
                docs = documents()
                languages = _write_documents(docs, tmp / "site")
                (tmp / "count").write_text(f"{len(docs)} {' '.join(languages)}", encoding="utf-8")
                script = _script_for(tmp, languages, len(docs))
            except BaseException as exc:
                _leave(f"search documents failed: {type(exc).__name__}: {exc}")
            if not docs:
                os._exit(0)
            try:
                os.execv("/bin/sh", ["/bin/sh", "-c", script])
            except OSError as exc:
                _leave(f"could not run /bin/sh for Pagefind: {exc.strerror or exc}")
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
            if not self.expected or self._tmp is None:
                return {}
            return _read_bundle(Path(self._tmp.name) / "bundle", self._languages)
        finally:
            self.close()

    def running(self) -> bool:
        """Whether Pagefind, or the child that becomes it, still runs."""
        if self._proc is not None:
            return self._proc.poll() is None
        if self._child is None or self._child_status is not None:
            return False
        pid, status = os.waitpid(self._child, os.WNOHANG)
        if pid == 0:
            return True
        self._child_status = status
        return False

    def _wait_child(self) -> int:
        """Wait for the forked child (Pagefind by then); the number of pages Pagefind says it indexed."""
        assert self._child is not None and self._tmp is not None
        deadline = time.monotonic() + INDEX_TIMEOUT_S
        while self.running():
            if time.monotonic() > deadline:
                raise SearchIndexError(f"Pagefind took longer than {INDEX_TIMEOUT_S} s")  # close() kills it
            time.sleep(0.005)
        assert self._child_status is not None
        status, self._child = self._child_status, None
        tmp = Path(self._tmp.name)
        log = (tmp / "pagefind.log").read_text(encoding="utf-8", errors="replace") if (tmp / "pagefind.log").is_file() else ""
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            said = [line[len(_CHILD_SAYS) :] for line in log.splitlines() if line.startswith(_CHILD_SAYS)]
            raise SearchIndexError(said[-1] if said else f"Pagefind exited with {code}: {log.strip()[-500:]}")
        count, *self._languages = (tmp / "count").read_text(encoding="utf-8").split()
        self.expected = int(count)
        return _indexed(log)

    def close(self) -> None:
        """Stop whatever still runs (every Pagefind of the process group) and remove the temporary directory."""
        # only a group whose leader is not reaped yet: a reaped leader's number may be another's by now
        live = [self._proc.pid] if self._proc is not None and self._proc.poll() is None else []
        live += [self._child] if self._child is not None and self._child_status is None else []
        for group in live:
            with contextlib.suppress(OSError):
                os.killpg(group, signal.SIGKILL)
        if self._proc is not None:
            self._proc.communicate()
            self._proc = None
        if self._child is not None and self._child_status is None:
            with contextlib.suppress(OSError):
                os.waitpid(self._child, 0)
        self._child = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None


def _read_bundle(out_dir: Path, languages: Sequence[str]) -> dict[str, bytes]:
    """The per-language runs' files as one bundle: their ``pagefind-entry.json`` merged, every other file the same or unique."""
    files: dict[str, bytes] = {}
    entry: dict[str, Any] = {}
    for lang in languages:
        for path in sorted((out_dir / lang).rglob("*")):
            rel = path.relative_to(out_dir / lang).as_posix()
            if not path.is_file() or rel.startswith(UNUSED_PREFIXES):
                continue
            data = path.read_bytes()
            if rel == ENTRY:
                entry = _merge_entry(entry, data)
                continue
            name = f"{BUNDLE_DIR}/{rel}"
            if files.setdefault(name, data) != data:
                raise SearchIndexError(f"Pagefind's runs for {', '.join(languages)} wrote different {rel} files")
    if entry:
        files[f"{BUNDLE_DIR}/{ENTRY}"] = normalise_entry(json.dumps(entry).encode("utf-8"))
    return dict(sorted(files.items()))


def _merge_entry(merged: dict[str, Any], data: bytes) -> dict[str, Any]:
    """One run's ``pagefind-entry.json`` added to the others': its ``languages``, the rest alike in every run."""
    try:
        entry = json.loads(data)
        languages = {**merged.get("languages", {}), **entry["languages"]}
    except (ValueError, KeyError, TypeError) as exc:  # seen once under heavy load: never a crash, at worst no search
        raise SearchIndexError(f"Pagefind wrote an unreadable {ENTRY}: {exc}") from exc
    rest = {k: v for k, v in entry.items() if k != "languages"}
    if merged and rest != {k: v for k, v in merged.items() if k != "languages"}:
        raise SearchIndexError(f"Pagefind's runs wrote {ENTRY} files that differ beyond their languages")
    return {**rest, "languages": languages}
