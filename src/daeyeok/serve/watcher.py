"""File events → one rebuild per burst.

Saving a file is rarely one event: vim renames the original to a backup and
writes a new file, JetBrains IDEs write ``name___jb_tmp___`` and rename it,
VS Code may truncate and write.  The watcher therefore only *triggers*; the
rebuild re-reads the tree and compares contents (see :mod:`.incremental`).
Events are coalesced: a rebuild starts once no relevant event arrived for a
short quiet period, and a deletion waits a little longer, because a deletion
is usually the first half of a rename-over.  Events the rebuild itself causes
(opening files to read them) are ignored, or the server would rebuild forever.
"""

from __future__ import annotations

import contextlib
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from watchdog.events import (
    EVENT_TYPE_CLOSED_NO_WRITE,
    EVENT_TYPE_DELETED,
    EVENT_TYPE_MOVED,
    EVENT_TYPE_OPENED,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch

from ..loader import CONFIG_FILE, CONTENT_DIR, GLOSSARY_FILE, STATIC_DIR, TEMPLATES_DIR

WATCHED_DIRS = (CONTENT_DIR, TEMPLATES_DIR, STATIC_DIR)
WATCHED_FILES = (CONFIG_FILE, GLOSSARY_FILE)
QUIET = 0.008  # seconds without events before a rebuild starts (one save's events arrive within ~1 ms)
SETTLE = 0.08  # the same after a deletion or a rename away: the new file usually follows at once
MAX_DELAY = 0.5  # a steady stream of events still gets a rebuild this often


def editor_noise(name: str) -> bool:
    """Temporary and backup files editors write next to the real one."""
    return (
        name.startswith((".", "#"))  # vim .swp/.swx, emacs .#lock and #autosave#, hidden files
        or name.endswith(("~", ".swp", ".swx", ".tmp", ".bak"))
        or name == "4913"  # vim's probe for whether it may write in the directory
        or "___jb_" in name  # JetBrains safe write
    )


class Rebuilder(threading.Thread):
    """The one thread that rebuilds: waits for :meth:`trigger`, debounces, runs ``rebuild``."""

    def __init__(self, rebuild: Callable[[], None], *, quiet: float = QUIET, settle: float = SETTLE, max_delay: float = MAX_DELAY):
        super().__init__(name="daeyeok-rebuild", daemon=True)
        self._rebuild = rebuild
        self.quiet, self.settle, self.max_delay = quiet, settle, max_delay
        self._cond = threading.Condition()
        self._pending = False
        self._first = 0.0
        self._last = 0.0
        self._wait = quiet
        self._stopped = False
        self.rebuilds = 0

    def trigger(self, *, removal: bool = False) -> None:
        """Note that something changed; safe to call from any thread."""
        now = time.monotonic()
        with self._cond:
            if not self._pending:
                self._first = now
                self._wait = self.quiet
            self._pending = True
            self._last = now
            if removal:
                self._wait = max(self._wait, self.settle)
            self._cond.notify()

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify()

    def run(self) -> None:
        while True:
            with self._cond:
                while not self._pending and not self._stopped:
                    self._cond.wait()
                if self._stopped:
                    return
                while True:  # debounce: until quiet for long enough, or waited too long overall
                    now = time.monotonic()
                    due = min(self._last + self._wait, self._first + self.max_delay)
                    if now >= due or self._stopped:
                        break
                    self._cond.wait(due - now)
                if self._stopped:
                    return
                self._pending = False
            try:
                self._rebuild()
            except Exception:  # a bug in daeyeok, not a user mistake: report it and keep serving
                traceback.print_exc()
            self.rebuilds += 1


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: SiteWatcher):
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in (EVENT_TYPE_OPENED, EVENT_TYPE_CLOSED_NO_WRITE):
            return
        src = _text(event.src_path)
        dest = _text(getattr(event, "dest_path", "") or "")
        if event.is_directory and event.event_type != "modified":
            self.watcher.directory_appeared(dest if dest else src)
        relevant_src = self.watcher.relevant(src)
        relevant_dest = bool(dest) and self.watcher.relevant(dest)
        if not (relevant_src or relevant_dest):
            return
        removal = event.event_type == EVENT_TYPE_DELETED or (event.event_type == EVENT_TYPE_MOVED and not relevant_dest)
        self.watcher.trigger(removal=removal)


def _text(path: str | bytes) -> str:
    return path.decode("utf-8", "surrogateescape") if isinstance(path, bytes) else path


class SiteWatcher:
    """Watches site.yml, glossary.yml and content/, templates/, static/ (not _site/, node_modules/, .git/)."""

    def __init__(self, root: Path, trigger: Callable[..., None]):
        self.root = root.absolute()
        self.trigger = trigger
        self._observer: BaseObserver = Observer()
        self._watches: dict[str, ObservedWatch] = {}
        self._lock = threading.Lock()
        self._handler = _Handler(self)

    def relevant(self, path: str) -> bool:
        try:
            rel = Path(path).relative_to(self.root)
        except ValueError:
            return False
        parts = rel.parts
        if not parts:
            return False
        if len(parts) == 1:
            return parts[0] in WATCHED_FILES or parts[0] in WATCHED_DIRS
        return parts[0] in WATCHED_DIRS and not any(editor_noise(p) for p in parts[1:])

    def start(self) -> None:
        self._observer.schedule(self._handler, str(self.root), recursive=False)
        for name in WATCHED_DIRS:
            self._watch_dir(name)
        self._observer.start()

    def directory_appeared(self, path: str) -> None:
        """content/, templates/ or static/ created (or renamed into place) after the server started."""
        try:
            rel = Path(path).relative_to(self.root)
        except ValueError:
            return
        if len(rel.parts) == 1 and rel.parts[0] in WATCHED_DIRS:
            self._watch_dir(rel.parts[0])

    def _watch_dir(self, name: str) -> None:
        path = self.root / name
        with self._lock:
            old = self._watches.pop(name, None)
            if old is not None:
                with contextlib.suppress(KeyError, OSError):
                    self._observer.unschedule(old)
            if path.is_dir():
                # it may be removed again in the meantime; the root watch sees it come back
                with contextlib.suppress(OSError):
                    self._watches[name] = self._observer.schedule(self._handler, str(path), recursive=True)

    def stop(self) -> None:
        self._observer.stop()
        self._observer.join(timeout=5)
