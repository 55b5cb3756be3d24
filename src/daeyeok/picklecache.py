"""A content-keyed store of pickled values in SQLite, for results worth keeping between runs.

Parsed documents (:mod:`daeyeok.doccache`), per-page glossary findings and
alignments (:mod:`daeyeok.terms.runner`, :mod:`daeyeok.align`) and rendered
pages (:mod:`daeyeok.pagecache`) are expensive to compute and cheap to
unpickle.  Keys hash everything the value depends on, daeyeok's own code
included (:func:`code_fingerprint`), so an entry is never stale, only unused.
Values are pickled and compressed (:mod:`daeyeok.compress`: HTML and token streams
shrink six- to eightfold for little time) and written in batches of 4 MB, so a large
site's first build does not hold a second copy of itself in memory.  A cache
that cannot be opened, read or written is skipped: it only ever costs time,
never a result.
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
import sqlite3
import threading
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar, cast

from .compress import pack, unpack

T = TypeVar("T")

_PACKAGE = Path(__file__).parent
#: pending entries are written once they hold this many (compressed) bytes.  Not more: the
#: small compressed entries, kept while the pages they came from are freed around them, pinned
#: about ten times their size of the allocator's heap (1,000 pages rendered in-process: RSS grew
#: 169 MB with 32 MB, 123 MB with 2 MB; a 10,000-page build's peak 1,609/1,627 -> 1,421/1,424 MiB)
_FLUSH_BYTES = 4 << 20


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """daeyeok's own files (code, theme templates and assets, vendored KaTeX) by name, size and
    time: an upgrade or an edit invalidates caches."""
    h = hashlib.blake2b(digest_size=16)
    for code in sorted(p for p in _PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        st = code.stat()
        h.update(f"{code.relative_to(_PACKAGE).as_posix()}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    return h.hexdigest()


def content_key(*parts: str) -> str:
    """A key for a value that depends on ``parts`` and on daeyeok's code."""
    raw = "\0".join((code_fingerprint(), *parts))
    return hashlib.blake2b(raw.encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()


class PickleCache:
    def __init__(self, path: Path | None, table: str):
        self._db: sqlite3.Connection | None = None
        self._table = table
        self._lock = threading.Lock()
        self._pending: list[tuple[str, bytes]] = []
        self._pending_bytes = 0
        self.hits = 0
        self.misses = 0
        self._path = path
        self._inherited: sqlite3.Connection | None = None
        #: keys put since the table was found empty; ``None``: it was not empty (see :meth:`get`)
        self._written: set[str] | None = None
        self._connect()

    def _connect(self) -> None:
        if self._path is None:
            return
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(self._path), check_same_thread=False, timeout=2)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")  # a cache lost to a power cut only costs time
            self._db.execute(f"CREATE TABLE IF NOT EXISTS {self._table} (key TEXT PRIMARY KEY, data BLOB NOT NULL)")
            if self._written is None and self._db.execute(f"SELECT 1 FROM {self._table} LIMIT 1").fetchone() is None:
                self._written = set()
        except (OSError, sqlite3.Error):
            self._db = None

    def reopen_in_child(self) -> None:
        """In a forked child: a connection of its own (an SQLite connection must not be used on
        both sides of a fork).  The inherited one is kept, never used or closed, and what the
        parent had pending stays the parent's to write."""
        self._inherited, self._db = self._db, None
        self._lock = threading.Lock()
        self._pending = []
        self._pending_bytes = 0
        if self._inherited is not None:
            self._connect()

    @property
    def enabled(self) -> bool:
        return self._db is not None

    def get(self, key: str) -> Any | None:
        if self._db is None:
            return None
        if self._written is not None and key not in self._written:
            # the table was empty when opened (a cold build): only this process's own entries
            # can be there, and asking SQLite for each of the others cost the 10,000-page
            # build's main process 28,000 queries; another process's entries of meanwhile
            # only cost time
            self.misses += 1
            return None
        with self._lock:
            try:
                row = self._db.execute(f"SELECT data FROM {self._table} WHERE key = ?", (key,)).fetchone()
            except sqlite3.Error:
                row = None
        if row is None:
            self.misses += 1
            return None
        try:
            value = pickle.loads(unpack(row[0]))
        except Exception:  # a damaged or foreign entry is a miss, not an error
            self.misses += 1
            return None
        self.hits += 1
        return value

    def fetch(self, key: str, compute: Callable[[], T]) -> T:
        """The stored value for ``key``, or ``compute()``'s (then stored)."""
        hit = self.get(key)
        if hit is not None:
            return cast(T, hit)
        value = compute()
        self.put(key, value)
        return value

    def put(self, key: str, value: object) -> None:
        if self._db is None:
            return
        try:
            pickled = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
            return
        self.put_pickled(key, pickled)

    def put_pickled(self, key: str, pickled: bytes) -> None:
        """:meth:`put` for a value already pickled (a forked child's answer)."""
        if self._db is None:
            return
        data = pack(pickled)
        with self._lock:
            if self._written is not None:
                self._written.add(key)
            self._pending.append((key, data))
            self._pending_bytes += len(data)
            if self._pending_bytes > _FLUSH_BYTES:
                self._flush()

    def _flush(self) -> None:
        """Write the pending entries in one transaction (the caller holds the lock)."""
        if self._db is not None and self._pending:
            with contextlib.suppress(sqlite3.Error), self._db:
                self._db.executemany(f"INSERT OR REPLACE INTO {self._table} VALUES (?, ?)", self._pending)
        self._pending = []
        self._pending_bytes = 0

    def retain(self, keys: set[str]) -> None:
        """Drop every entry but ``keys`` (call before :meth:`close`): a cache of whole pages would
        otherwise grow by a site's worth with every template change."""
        if self._db is None:
            return
        with self._lock, contextlib.suppress(sqlite3.Error), self._db:
            self._db.execute("CREATE TEMP TABLE IF NOT EXISTS keep (key TEXT PRIMARY KEY)")
            self._db.execute("DELETE FROM keep")
            self._db.executemany("INSERT OR IGNORE INTO keep VALUES (?)", ((k,) for k in keys))
            self._db.execute(f"DELETE FROM {self._table} WHERE key NOT IN (SELECT key FROM keep)")
            self._pending = [(k, v) for k, v in self._pending if k in keys]
            self._pending_bytes = sum(len(v) for _, v in self._pending)

    def close(self) -> None:
        """Write what is still pending; failing only costs the next run time."""
        if self._db is None:
            return
        with self._lock, contextlib.suppress(sqlite3.Error):
            self._flush()
            self._db.close()
        self._db = None
        self._pending = []
