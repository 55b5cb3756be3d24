"""Compression of what daeyeok keeps in caches and in memory: Zstandard at level 1.

Every cold build compresses what it caches: rendered pages (about as many bytes
as the site itself), parsed pages, alignments and the formulas the KaTeX workers
send back.  zlib at its fastest level was the largest single cost of the
10,000-page build's main process (3.9 s of 66 under cProfile).  On this
project's pages Zstandard level 1 compresses 3.3-3.8 times faster than zlib
level 1 and smaller (cs231n's pages 6.1 times instead of 5.2, the synthetic
site's 7.9 instead of 6.9), and decompresses faster too.  ``zstandard`` is
python-zstandard, the binding CPython's own ``compression.zstd`` (3.14) grew out
of.  Compressor objects are not safe to share between threads (the preview
server renders in one while it serves from others), so each thread has its own.
"""

from __future__ import annotations

import threading
from typing import Any

LEVEL = 1

_local = threading.local()


def _codecs() -> tuple[Any, Any]:
    codecs = getattr(_local, "codecs", None)
    if codecs is None:
        import zstandard  # imported on first use: `daeyeok check --help` need not pay for it

        codecs = _local.codecs = (zstandard.ZstdCompressor(level=LEVEL), zstandard.ZstdDecompressor())
    return codecs


def pack(data: bytes) -> bytes:
    return bytes(_codecs()[0].compress(data))


def unpack(data: bytes) -> bytes:
    """The bytes :func:`pack` was given; raises ``zstandard.ZstdError`` for anything else
    (an entry of an older daeyeok, written with zlib: callers treat it as a miss)."""
    return bytes(_codecs()[1].decompress(data))
