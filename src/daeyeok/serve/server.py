"""The preview HTTP server: one asyncio event loop serving the current in-memory snapshot.

Why asyncio rather than ``ThreadingHTTPServer``: a reload connection stays
open as long as its tab, and a thread per connection would let a few hundred
tabs (or a misbehaving client) exhaust threads.  Here every connection is a
coroutine; the only threads are the event loop, the rebuild thread, the file
watcher and the default executor's bounded pool for reading large static
files.  Rebuilds run on their own thread and hand over a finished
:class:`~daeyeok.serve.incremental.Snapshot` with one reference swap, so a
request never sees a half-built site and never waits for a rebuild.

What is served is only what the snapshot names: request paths are looked up
as keys, never joined onto a directory, and copied files must still resolve
inside the directories they were listed from (a symlink swapped in after the
listing is refused).  Requests are bounded (head size, idle time, number of
connections and of reload streams).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import mimetypes
import os
import posixpath
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from .incremental import Snapshot
from .live import EVENTS_PATH, LIVE_JS, LIVE_PREFIX, SCRIPT_PATH, inject

MAX_HEAD = 16 * 1024  # request line + headers
IDLE_TIMEOUT = 15.0  # seconds a keep-alive connection may sit without a request (also bounds a slow head)
WRITE_TIMEOUT = 10.0  # seconds a client may take to accept a response or an event
HEARTBEAT = 15.0  # seconds between comments on an idle reload stream, to notice dead clients
MAX_CACHED_FILE = 8 * 1024 * 1024
MAX_CACHE_TOTAL = 128 * 1024 * 1024

TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".pdf": "application/pdf",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".wasm": "application/wasm",
}

REASONS = {
    200: "OK",
    301: "Moved Permanently",
    302: "Found",
    304: "Not Modified",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    421: "Misdirected Request",
    431: "Request Header Fields Too Large",
    500: "Internal Server Error",
    503: "Service Unavailable",
    505: "HTTP Version Not Supported",
}

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]", "::1")


def content_type(rel: str) -> str:
    ext = posixpath.splitext(rel)[1].lower()
    if ext in TYPES:
        return TYPES[ext]
    guessed, _ = mimetypes.guess_type(rel, strict=True)
    if guessed is None:
        return "application/octet-stream"
    return guessed + ("; charset=utf-8" if guessed.startswith("text/") else "")


def decode_path(target: str) -> str | None:
    """The decoded URL path of a request target, or ``None`` when it must be refused.

    Refused: anything not starting with ``/``, encoded slashes or backslashes
    (a path segment must not smuggle a separator), NUL, invalid UTF-8, and any
    ``.`` or ``..`` segment whether written plainly or percent-encoded.
    """
    if not target.startswith("/") or target.startswith("//"):
        return None
    raw = target.split("?", 1)[0].split("#", 1)[0]
    lowered = raw.lower()
    if "\\" in raw or "%2f" in lowered or "%5c" in lowered or "%00" in lowered:
        return None
    try:
        path = unquote(raw, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        return None
    if "\x00" in path or "\\" in path:
        return None
    if any(seg in (".", "..") for seg in path.split("/")):
        return None
    return path


@dataclass(frozen=True)
class Resolved:
    status: int  # 200, 301 or 404
    rel: str | None  # the output file to send (the 404 page for 404), if any
    location: str | None = None


def resolve(snapshot: Snapshot, path: str) -> Resolved:
    """Which output file answers the decoded URL ``path`` under the snapshot's base URL."""
    base = snapshot.base_url
    if path + "/" == base:
        return Resolved(301, None, base)
    if not path.startswith(base):
        return Resolved(404, "404.html" if "404.html" in snapshot.files else None)
    rel = path[len(base) :]
    candidate = rel + "index.html" if rel == "" or rel.endswith("/") else rel
    if snapshot.has(candidate):
        return Resolved(200, candidate)
    if not rel.endswith("/") and snapshot.has(rel + "/index.html"):
        return Resolved(301, None, path + "/")
    return Resolved(404, "404.html" if "404.html" in snapshot.files else None)


def page_digest(snapshot: Snapshot, path: str) -> str:
    """The fingerprint a tab showing ``path`` compares: what is served there, and the site's assets."""
    found = resolve(snapshot, path)
    if found.rel is None:
        return f"{found.status}:{found.location}"
    return f"{found.status}:{snapshot.digest(found.rel)}:{snapshot.assets_digest()}"


def inside(path: Path, roots: tuple[Path, ...]) -> str | None:
    """The real path of ``path`` when it resolves inside one of ``roots``, else ``None``."""
    real = os.path.realpath(path)
    for root in roots:
        if real == str(root) or real.startswith(str(root) + os.sep):
            return real
    return None


class _FileCache:
    """Bytes of copied files by (real path, size, mtime): fonts and figures are read once."""

    def __init__(self) -> None:
        self._data: dict[str, tuple[tuple[int, int, int], bytes]] = {}
        self._total = 0

    def read(self, real: str) -> bytes | None:
        try:
            st = os.stat(real)
        except OSError:
            return None
        key = (st.st_size, st.st_mtime_ns, st.st_ino)
        hit = self._data.get(real)
        if hit is not None and hit[0] == key:
            return hit[1]
        try:
            with open(real, "rb") as fh:
                data = fh.read()
        except OSError:
            return None
        if len(data) <= MAX_CACHED_FILE:
            if hit is not None:
                self._total -= len(hit[1])
            if self._total + len(data) > MAX_CACHE_TOTAL:
                self._data.clear()
                self._total = 0
            self._data[real] = (key, data)
            self._total += len(data)
        return data


class _BadRequest(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


class PreviewServer:
    """Serves :attr:`snapshot`; :meth:`publish` (on the loop's thread) swaps it and wakes reload streams."""

    def __init__(self, host: str, port: int, *, max_connections: int = 2048, max_streams: int = 1024, check_host: bool = True):
        self.host = host
        self.port = port
        self.max_connections = max_connections
        self.max_streams = max_streams
        self.check_host = check_host
        self.snapshot: Snapshot | None = None
        self.connections = 0
        self.streams = 0
        self.requests = 0
        self._changed = asyncio.Event()
        self._stopping = asyncio.Event()
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._files = _FileCache()
        self.on_stream: Callable[[int], None] | None = None  # tests watch the number of open streams

    async def start(self) -> None:
        """Bind and listen; raises :class:`OSError` (e.g. ``EADDRINUSE``) when the address is taken."""
        self._server = await asyncio.start_server(self._handle, self.host, self.port, limit=MAX_HEAD, backlog=1024)
        sock = self._server.sockets[0]
        self.port = int(sock.getsockname()[1])

    def publish(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        woken, self._changed = self._changed, asyncio.Event()
        woken.set()

    async def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.close()
        for writer in list(self._writers):
            writer.close()
        if self._server is not None:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._server.wait_closed(), 2.0)

    # -- connections ------------------------------------------------------------------
    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.connections >= self.max_connections or self._stopping.is_set():
            with contextlib.suppress(OSError, asyncio.TimeoutError):
                await self._simple(writer, 503, "too many connections\n", keep_alive=False, extra={"Retry-After": "1"})
            writer.close()
            return
        self.connections += 1
        self._writers.add(writer)
        try:
            await self._serve_connection(reader, writer)
        except (TimeoutError, OSError, asyncio.IncompleteReadError):
            pass  # the client went away or stalled; nothing to tell anyone
        finally:
            self.connections -= 1
            self._writers.discard(writer)
            writer.close()

    async def _serve_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while not self._stopping.is_set():
            try:
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), IDLE_TIMEOUT)
            except asyncio.IncompleteReadError:
                return  # closed between requests
            except asyncio.LimitOverrunError:
                await self._simple(writer, 431, "request head too large\n", keep_alive=False)
                return
            except ValueError:  # the head did not fit into the reader's buffer limit
                await self._simple(writer, 431, "request head too large\n", keep_alive=False)
                return
            try:
                method, target, keep_alive, headers = self._parse_head(head)
            except _BadRequest as exc:
                await self._simple(writer, exc.status, f"{exc}\n", keep_alive=False)
                return
            self.requests += 1
            if not await self._respond(method, target, headers, keep_alive, reader, writer):
                return
            if not keep_alive:
                return

    def _parse_head(self, head: bytes) -> tuple[str, str, bool, dict[str, str]]:
        try:
            text = head.decode("latin-1")
        except UnicodeDecodeError:  # pragma: no cover - latin-1 decodes every byte
            raise _BadRequest(400, "bad request") from None
        lines = text.split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3:
            raise _BadRequest(400, "malformed request line")
        method, target, version = parts
        if version not in ("HTTP/1.1", "HTTP/1.0"):
            raise _BadRequest(505, "only HTTP/1.0 and HTTP/1.1 are served")
        headers: dict[str, str] = {}
        for line in lines[1:]:
            if not line:
                continue
            name, sep, value = line.partition(":")
            if not sep or not name or name != name.strip():
                raise _BadRequest(400, "malformed header line")
            headers[name.lower()] = value.strip()
        if headers.get("content-length", "0") != "0" or "transfer-encoding" in headers:
            raise _BadRequest(400, "request bodies are not accepted")
        if self.check_host and not _loopback_host(headers.get("host", "")):
            # a page elsewhere could otherwise read the preview through DNS rebinding
            raise _BadRequest(421, "this preview server answers only to localhost")
        connection = headers.get("connection", "").lower()
        keep_alive = ("close" not in connection) if version == "HTTP/1.1" else ("keep-alive" in connection)
        if target.startswith(("http://", "https://")):
            target = urlsplit(target).path or "/"  # absolute-form
        return method, target, keep_alive, headers

    async def _respond(
        self, method: str, target: str, headers: dict[str, str], keep_alive: bool, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> bool:
        """Answer one request; ``False`` when the connection must end."""
        if method not in ("GET", "HEAD"):
            await self._simple(writer, 405, "only GET and HEAD\n", keep_alive, extra={"Allow": "GET, HEAD"})
            return True
        path = decode_path(target)
        if path is None:
            await self._simple(writer, 400, "bad path\n", keep_alive)
            return True
        head_only = method == "HEAD"
        if path.startswith(LIVE_PREFIX):
            if path == SCRIPT_PATH:
                await self._send(writer, 200, "text/javascript; charset=utf-8", LIVE_JS.encode(), keep_alive, head_only, cache="no-cache")
                return True
            if path == EVENTS_PATH and not head_only:
                query = parse_qs(target.partition("?")[2])
                page = decode_path(query.get("path", ["/"])[0]) or "/"
                await self._stream(page, reader, writer)
                return False
            await self._simple(writer, 404, "not found\n", keep_alive)
            return True
        snapshot = self.snapshot
        if snapshot is None:
            await self._simple(writer, 503, "the site is still being built\n", keep_alive, extra={"Retry-After": "1"})
            return True
        found = resolve(snapshot, path)
        if found.location is not None:
            await self._send(writer, found.status, "text/plain; charset=utf-8", b"", keep_alive, head_only, extra={"Location": found.location})
            return True
        if found.rel is None:
            await self._simple(writer, 404, "not found\n", keep_alive)
            return True
        ctype = content_type(found.rel)
        if found.rel in snapshot.files:
            data = snapshot.files[found.rel]
        else:
            read = await self._read_copy(snapshot.copies[found.rel], snapshot.copy_roots)
            if read is None:
                await self._simple(writer, 404, "not found\n", keep_alive)
                return True
            data = read
        if ctype.startswith("text/html"):
            digest = page_digest(snapshot, path)
            data = inject(data, digest)
            etag = f'"{digest}"'
        else:
            etag = f'"{snapshot.digest(found.rel)}"'
        if found.status == 200 and headers.get("if-none-match") == etag:
            await self._send(writer, 304, ctype, b"", keep_alive, True, extra={"ETag": etag})
            return True
        await self._send(writer, found.status, ctype, data, keep_alive, head_only, extra={"ETag": etag} if found.status == 200 else None)
        return True

    async def _read_copy(self, source: Path, roots: tuple[Path, ...]) -> bytes | None:
        real = inside(source, roots)
        if real is None:
            return None
        try:
            size = os.path.getsize(real)
        except OSError:
            return None
        if size <= MAX_CACHED_FILE:
            return self._files.read(real)
        return await asyncio.to_thread(_read_bytes, real)  # the default executor's pool is bounded

    # -- reload streams -------------------------------------------------------------------
    async def _stream(self, page: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.streams >= self.max_streams:
            await self._simple(writer, 503, "too many reload connections\n", keep_alive=False, extra={"Retry-After": "5"})
            return
        self.streams += 1
        if self.on_stream:
            self.on_stream(self.streams)
        gone = asyncio.ensure_future(reader.read(1))  # a reload client never sends; EOF means it left
        try:
            head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: keep-alive\r\n\r\nretry: 500\n\n"
            writer.write(head.encode())
            sent: int | None = None
            while True:
                changed, snapshot = self._changed, self.snapshot
                if snapshot is not None and snapshot.version != sent:
                    writer.write(_state_event(snapshot, page))
                    sent = snapshot.version
                else:
                    writer.write(b": ping\n\n")
                await asyncio.wait_for(writer.drain(), WRITE_TIMEOUT)
                waiter = asyncio.ensure_future(changed.wait())
                stopper = asyncio.ensure_future(self._stopping.wait())
                done, _ = await asyncio.wait({waiter, stopper, gone}, timeout=HEARTBEAT, return_when=asyncio.FIRST_COMPLETED)
                waiter.cancel()
                stopper.cancel()
                if gone in done or stopper in done:
                    return
        finally:
            gone.cancel()
            self.streams -= 1
            if self.on_stream:
                self.on_stream(self.streams)

    # -- writing ----------------------------------------------------------------------------
    async def _send(
        self,
        writer: asyncio.StreamWriter,
        status: int,
        ctype: str,
        body: bytes,
        keep_alive: bool,
        head_only: bool,
        *,
        cache: str = "no-cache",
        extra: dict[str, str] | None = None,
    ) -> None:
        lines = [
            f"HTTP/1.1 {status} {REASONS.get(status, 'Status')}",
            f"Content-Type: {ctype}",
            f"Content-Length: {len(body)}",
            f"Cache-Control: {cache}",
            "X-Content-Type-Options: nosniff",
            "Connection: " + ("keep-alive" if keep_alive else "close"),
        ]
        for name, value in (extra or {}).items():
            lines.append(f"{name}: {value}")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        if not head_only and status != 304:
            writer.write(body)
        await asyncio.wait_for(writer.drain(), WRITE_TIMEOUT)

    async def _simple(self, writer: asyncio.StreamWriter, status: int, message: str, keep_alive: bool, extra: dict[str, str] | None = None) -> None:
        """A short plain-text answer; a 404 under the site uses the site's own 404 page."""
        snapshot = self.snapshot
        if status == 404 and snapshot is not None and "404.html" in snapshot.files:
            body = inject(snapshot.files["404.html"], page_digest(snapshot, "/__missing__"))
            await self._send(writer, 404, TYPES[".html"], body, keep_alive, False, extra=extra)
            return
        await self._send(writer, status, "text/plain; charset=utf-8", message.encode(), keep_alive, False, extra=extra)


def _read_bytes(path: str) -> bytes | None:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError:
        return None


def _loopback_host(value: str) -> bool:
    host = value.strip().lower()
    if host.startswith("["):
        host = host[: host.find("]") + 1] if "]" in host else host
    else:
        host = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return host in LOOPBACK_NAMES


def _state_event(snapshot: Snapshot, page: str) -> bytes:
    """One ``state`` event: this page's fingerprint, the errors, and when the snapshot was built."""
    payload = {
        "version": snapshot.version,
        "digest": page_digest(snapshot, page),
        "errors": [e.as_json() for e in snapshot.errors[:50]],
        "built_at": snapshot.built_at,
        "rebuild_ms": round(snapshot.elapsed * 1000, 2),
        "phases_ms": {name: round(seconds * 1000, 2) for name, seconds in snapshot.phases.items()},
        "sent_at": time.time(),
    }
    return b"event: state\ndata: " + json.dumps(payload, ensure_ascii=False).encode("utf-8") + b"\n\n"
