"""Parsed documents cached on disk by content, so unchanged pages are not parsed again.

markdown-it-py parses a long cs231n page in about 15 ms; unpickling the same
:class:`Document` takes a fraction of that.  Entries are keyed by everything
parsing depends on: the text, the file's path and language, the working
directory (diagnostic paths are shown relative to it) and daeyeok's own code,
so a changed parser never serves stale tokens.  The cache lives in
``.daeyeok-cache/`` beside the formula cache, is written only by the process
that owns it, and is skipped entirely when it cannot be opened.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sqlite3
import threading
from functools import lru_cache
from pathlib import Path

from .diagnostics import Diagnostic
from .loader import TextFile
from .model import Document

_PACKAGE = Path(__file__).parent
Parsed = tuple[Document | None, list[Diagnostic]]


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """daeyeok's own source files by name, size and time: an upgrade or an edit invalidates caches."""
    h = hashlib.blake2b(digest_size=16)
    for code in sorted(_PACKAGE.rglob("*.py")):
        st = code.stat()
        h.update(f"{code.relative_to(_PACKAGE).as_posix()}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    return h.hexdigest()


class DocCache:
    def __init__(self, path: Path | None):
        self._db: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self._pending: list[tuple[str, bytes]] = []
        self.hits = 0
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(path), check_same_thread=False, timeout=2)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("CREATE TABLE IF NOT EXISTS docs (key TEXT PRIMARY KEY, data BLOB NOT NULL)")
        except (OSError, sqlite3.Error):
            self._db = None

    @staticmethod
    def key(source: TextFile, lang: str) -> str:
        raw = "\0".join((code_fingerprint(), os.getcwd(), lang, str(source.path), source.rel, source.text))
        return hashlib.blake2b(raw.encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()

    def get(self, key: str) -> Parsed | None:
        if self._db is None:
            return None
        with self._lock:
            try:
                row = self._db.execute("SELECT data FROM docs WHERE key = ?", (key,)).fetchone()
            except sqlite3.Error:
                return None
        if row is None:
            return None
        try:
            doc, diags = pickle.loads(row[0])
        except Exception:  # a damaged or foreign entry is a miss, not an error
            return None
        self.hits += 1
        return doc, diags

    def put(self, key: str, parsed: Parsed) -> None:
        if self._db is None:
            return
        try:
            data = pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
            return
        self._pending.append((key, data))

    def close(self) -> None:
        """Write what was parsed this run in one transaction; failing only costs the next run time."""
        if self._db is None:
            return
        with self._lock, contextlib.suppress(sqlite3.Error):
            if self._pending:
                with self._db:
                    self._db.executemany("INSERT OR REPLACE INTO docs VALUES (?, ?)", self._pending)
            self._db.close()
        self._db = None
        self._pending = []


def cached_parse(cache: DocCache, source: TextFile, lang: str) -> Parsed:
    from .parse import parse_document

    key = cache.key(source, lang)
    hit = cache.get(key)
    if hit is not None:
        return hit
    parsed = parse_document(source, lang)
    cache.put(key, parsed)
    return parsed
