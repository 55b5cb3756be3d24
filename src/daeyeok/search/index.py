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

import asyncio
import json
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path

from .documents import SearchDocument

#: Where the bundle is published, under the base URL.
BUNDLE_DIR = "pagefind"
#: Bundle files daeyeok does not use: Pagefind's own UIs (search.js is smaller and Korean-aware) and its highlighter.
UNUSED_PREFIXES = ("pagefind-ui.", "pagefind-modular-ui.", "pagefind-component-ui.", "pagefind-highlight.", "playground/")


class SearchIndexError(Exception):
    """Pagefind could not be run or failed; the build reports it as a warning and goes on without search."""


async def _index(site_dir: Path, out_dir: Path) -> int:
    from pagefind.index import PagefindIndex

    async with PagefindIndex(config={"output_path": str(out_dir)}) as index:
        result = await index.add_directory(str(site_dir))
        return int(result.get("page_count", 0))


def _run(coro_dir: Path, out_dir: Path) -> int:
    """Run the indexer on a fresh event loop, in a thread when the caller already runs one (the preview server)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(_index(coro_dir, out_dir))
    box: dict[str, int | BaseException] = {}

    def target() -> None:
        try:
            box["count"] = asyncio.run(_index(coro_dir, out_dir))
        except BaseException as exc:  # re-raised in the caller's thread
            box["error"] = exc

    worker = threading.Thread(target=target, name="daeyeok-pagefind")
    worker.start()
    worker.join()
    error = box.get("error")
    if isinstance(error, BaseException):
        raise error
    count = box["count"]
    assert isinstance(count, int)
    return count


def normalise_entry(data: bytes) -> bytes:
    """``pagefind-entry.json`` with its keys sorted: the only bundle file whose bytes vary between runs."""
    return json.dumps(json.loads(data), sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def pagefind_bundle(documents: Sequence[SearchDocument]) -> dict[str, bytes]:
    """Index ``documents`` and return the bundle as ``pagefind/...`` output files."""
    if not documents:
        return {}
    with tempfile.TemporaryDirectory(prefix="daeyeok-search-") as tmp:
        site_dir, out_dir = Path(tmp) / "site", Path(tmp) / "bundle"
        for doc in documents:
            target = site_dir / doc.site_path / "index.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(doc.html, encoding="utf-8")
        try:
            count = _run(site_dir, out_dir)
        except Exception as exc:  # a missing binary, a crash, a protocol error: all mean "no search"
            raise SearchIndexError(f"{type(exc).__name__}: {exc}") from exc
        if count != len(documents):
            raise SearchIndexError(f"Pagefind indexed {count} of {len(documents)} pages")
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
