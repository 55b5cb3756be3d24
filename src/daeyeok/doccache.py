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
import pickle
from collections.abc import Sequence
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


#: pages the cache lacks are parsed half here and half in a forked child from this many on
#: (cs231n's 54 pages, cold, interleaved runs: 1.70 -> 1.61 s; the sample's 12 gain nothing)
FORK_MIN_PAGES = int(os.environ.get("DAEYEOK_PARSE_FORK_MIN", "32"))


def parse_shared(cache: DocCache, items: Sequence[tuple[TextFile, str]]) -> list[Parsed]:
    """Each page from the cache, or parsed (and then cached); with many to parse and no threads
    running, a forked child parses half of them (:mod:`daeyeok.forking`).

    Parsing is the first step of a cold build and nothing else runs beside it, so the second
    core would idle.  The child sends each page back pickled: unpickling costs this process
    about half of parsing it, and the same bytes go into the cache without pickling again.
    A child that fails costs time: its pages are parsed here.
    """
    from . import forking
    from .parse import parse_document

    keys = [cache.key(source, lang) if cache.enabled else "" for source, lang in items]
    results: list[Parsed | None] = [unpickled(cache.get(key)) if cache.enabled else None for key in keys]
    todo = [i for i, found in enumerate(results) if found is None]

    def parse_here(indexes: Sequence[int]) -> None:
        for i in indexes:
            parsed = parse_document(*items[i])
            cache.put(keys[i], parsed)
            results[i] = parsed

    if len(todo) < FORK_MIN_PAGES or not forking.can_fork():
        parse_here(todo)
    else:
        mine, theirs = ([todo[j] for j in share] for share in forking.deal([len(items[i][0].text) for i in todo], [1.0, 1.0]))
        child = forking.fork(lambda: [(i, pickle.dumps(parse_document(*items[i]), protocol=pickle.HIGHEST_PROTOCOL)) for i in theirs])
        parse_here(mine)
        answer: list[tuple[int, bytes]] | None = forking.collect(child)
        if answer is None:
            parse_here(theirs)
        else:
            for i, data in answer:
                results[i] = unpickled(pickle.loads(data))
                cache.put_pickled(keys[i], data)
    return [parsed for parsed in results if parsed is not None]


def unpickled(parsed: Parsed | None) -> Parsed | None:
    """A parse read back from the cache or a child, its tokens' empty dicts shared again
    (:class:`daeyeok.parse.SharedEmpty`)."""
    from .parse import share_empty_dicts

    if parsed is not None and parsed[0] is not None:
        share_empty_dicts(parsed[0].tokens)
    return parsed
