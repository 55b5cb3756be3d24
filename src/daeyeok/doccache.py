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

import os
from pathlib import Path

from .diagnostics import Diagnostic
from .loader import TextFile
from .model import Document
from .picklecache import PickleCache, content_key

Parsed = tuple[Document | None, list[Diagnostic]]


class DocCache(PickleCache):
    def __init__(self, path: Path | None):
        super().__init__(path, "docs")

    @staticmethod
    def key(source: TextFile, lang: str) -> str:
        return content_key(os.getcwd(), lang, str(source.path), source.rel, source.text)


def cached_parse(cache: DocCache, source: TextFile, lang: str) -> Parsed:
    from .parse import parse_document

    return cache.fetch(cache.key(source, lang), lambda: parse_document(source, lang))
