"""The preview as one object: builder, rebuild thread, file watcher and HTTP server, started and stopped together.

The command line and the tests both use :class:`PreviewApp`, so what the
tests exercise is what translators run.  The event loop runs on its own
thread; :meth:`PreviewApp.start` returns once the address is bound and the
first build is served, and raises :class:`ServeError` with a diagnostic when
the port is taken or the directory is not a site.
"""

from __future__ import annotations

import asyncio
import errno
import sys
import threading
import time
import traceback
from collections.abc import Callable, Coroutine
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TextIO

from ..config import base_url_problem, normalise_base_url
from ..diagnostics import Diagnostic, Severity, error
from ..loader import CONFIG_FILE
from .incremental import IncrementalBuilder, Snapshot
from .server import PreviewServer
from .watcher import QUIET, Rebuilder, SiteWatcher

ALL_INTERFACES = ("0.0.0.0", "::", "")


class ServeError(Exception):
    """The preview cannot start; carries the diagnostics to print."""

    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__("\n".join(d.format() for d in diagnostics))
        self.diagnostics = diagnostics


class PreviewApp:
    def __init__(
        self,
        root: Path,
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        base_url: str | None = None,
        use_cache: bool = True,
        quiet: float = QUIET,
        log: TextIO | None = None,
        verbose: bool = True,
    ):
        self.root = root.absolute()
        self.host = host
        self.port = port
        self.base_url = base_url
        self.log = log or sys.stderr
        self.verbose = verbose
        self.builder = IncrementalBuilder(self.root, base_url, use_cache=use_cache)
        self.server = PreviewServer(host, port, check_host=host not in ALL_INTERFACES)
        self.rebuilder = Rebuilder(self._rebuild, quiet=quiet)
        self.watcher = SiteWatcher(self.root, self.rebuilder.trigger)
        self.loop = asyncio.new_event_loop()
        self._loop_thread = threading.Thread(target=self._run_loop, name="daeyeok-serve", daemon=True)
        self._published = threading.Condition()
        self.on_publish: list[Callable[[Snapshot], None]] = []
        self._started = False

    # -- lifecycle ----------------------------------------------------------------------
    def start(self) -> None:
        problems = self._startup_problems()
        if problems:
            raise ServeError(problems)
        self._loop_thread.start()
        try:
            self._call(self.server.start())
        except OSError as exc:
            self._stop_loop()
            raise ServeError([self._bind_error(exc)]) from None
        self._started = True
        self.watcher.start()  # before the first build, so an edit made during it is not lost
        self._rebuild()
        self.rebuilder.start()

    def stop(self) -> None:
        """Stop watching, close every connection, commit the formula cache; safe to call twice."""
        if not self._started:
            return
        self._started = False
        self.watcher.stop()
        self.rebuilder.stop()
        self.rebuilder.join(timeout=10)
        self._call(self.server.stop())
        self._stop_loop()
        self.builder.close()

    @property
    def url(self) -> str:
        host = self.host if self.host not in ALL_INTERFACES else "127.0.0.1"
        if ":" in host:
            host = f"[{host}]"
        base = self.builder.snapshot.base_url if self.builder.snapshot else "/"
        return f"http://{host}:{self.server.port}{base}"

    def wait_for_version(self, version: int, timeout: float) -> Snapshot | None:
        """Block until a snapshot at least this new is served (tests and benchmarks use it)."""
        with self._published:
            self._published.wait_for(lambda: self.builder.snapshot is not None and self.builder.snapshot.version >= version, timeout)
        snap = self.builder.snapshot
        return snap if snap is not None and snap.version >= version else None

    # -- internals ----------------------------------------------------------------------
    def _startup_problems(self) -> list[Diagnostic]:
        problems = []
        if not (self.root / CONFIG_FILE).is_file():
            problems.append(error(str(self.root / CONFIG_FILE), 0, 0, "config", f"no {CONFIG_FILE} in {self.root}; is this a daeyeok site? (use --site DIR)"))
        if self.base_url is not None:
            problem = base_url_problem(self.base_url)
            if problem:
                problems.append(error("--base-url", 0, 0, "usage", problem))
            else:
                self.base_url = normalise_base_url(self.base_url)
                self.builder.base_url = self.base_url
        if not 0 <= self.port <= 65535:
            problems.append(error("--port", 0, 0, "usage", f"port {self.port} is not between 0 and 65535"))
        return problems

    def _bind_error(self, exc: OSError) -> Diagnostic:
        where = f"{self.host}:{self.port}"
        if exc.errno == errno.EADDRINUSE:
            return error("--port", 0, 0, "serve", f"{where} is already in use (another `daeyeok serve`?); stop it or choose another port with --port")
        if exc.errno in (errno.EACCES, errno.EPERM):
            return error("--port", 0, 0, "serve", f"not allowed to listen on {where}; ports below 1024 need privileges, choose another with --port")
        if exc.errno == errno.EADDRNOTAVAIL or exc.errno is None or isinstance(exc, __import__("socket").gaierror):
            return error("--host", 0, 0, "serve", f"cannot listen on {where}: {exc.strerror or exc}; is --host an address of this machine?")
        return error("--host", 0, 0, "serve", f"cannot listen on {where}: {exc.strerror or exc}")

    def _run_loop(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def _call(self, coro: Coroutine[Any, Any, None]) -> None:
        future: Future[None] = asyncio.run_coroutine_threadsafe(coro, self.loop)
        future.result(timeout=30)

    def _stop_loop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._loop_thread.join(timeout=10)
        if not self.loop.is_running():
            self.loop.close()

    def _rebuild(self) -> None:
        previous = self.builder.snapshot
        started = time.perf_counter()
        try:
            # pages first; glossary findings, parallel views and status pages follow at once
            snapshot = self.builder.rebuild(defer=True)
        except Exception as exc:  # a bug in daeyeok: keep serving, show it in the overlay and the terminal
            traceback.print_exc(file=self.log)
            snapshot = self.builder.internal_error(exc, started)
        self._publish(previous, snapshot)
        try:
            findings = self.builder.finish()
        except Exception as exc:
            traceback.print_exc(file=self.log)
            findings = self.builder.internal_error(exc, started)
        if findings is not None:
            self._publish(snapshot, findings, summary=False)  # the same pages: only new diagnostics to print

    def _publish(self, previous: Snapshot | None, snapshot: Snapshot, summary: bool = True) -> None:
        done = threading.Event()

        def publish() -> None:
            self.server.publish(snapshot)
            done.set()

        self.loop.call_soon_threadsafe(publish)
        done.wait(timeout=10)
        with self._published:
            self._published.notify_all()
        for callback in self.on_publish:
            callback(snapshot)
        self._report(previous, snapshot, summary)

    def _report(self, previous: Snapshot | None, snapshot: Snapshot, summary: bool = True) -> None:
        """Print what is new since the last rebuild: diagnostics once, not on every keystroke."""
        before = set(previous.diagnostics) if previous else set()
        for d in snapshot.diagnostics:
            if d not in before:
                print(d.format(), file=self.log)
        if not self.verbose or not summary:
            return
        ms = snapshot.elapsed * 1000
        pages = sum(1 for rel in snapshot.rendered if rel.endswith(".html"))
        errors = sum(1 for d in snapshot.diagnostics if d.severity is Severity.ERROR)
        state = f"; {errors} error{'s' if errors != 1 else ''}, showing the last good pages" if errors else ""
        if previous is None:
            print(f"built {pages} pages in {ms:.0f} ms{state}", file=self.log)
        elif snapshot.changed or errors or (previous.errors and not errors):
            print(f"rebuilt {pages} page{'s' if pages != 1 else ''} in {ms:.0f} ms{state}", file=self.log)
        self.log.flush()
