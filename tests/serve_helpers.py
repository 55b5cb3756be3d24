"""Shared plumbing for the preview-server tests: a running PreviewApp, raw HTTP, SSE reading."""

from __future__ import annotations

import io
import json
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from daeyeok.serve.app import PreviewApp

WAIT = 20.0  # generous upper bound for anything asynchronous; tests never assert on speed


@contextmanager
def running(root: Path, **kwargs: Any) -> Iterator[PreviewApp]:
    """A preview on a free loopback port, always stopped afterwards."""
    app = PreviewApp(root, host=kwargs.pop("host", "127.0.0.1"), port=0, use_cache=False, log=io.StringIO(), **kwargs)
    app.start()
    try:
        yield app
    finally:
        app.stop()


def raw(port: int, request: bytes, *, timeout: float = WAIT) -> tuple[int, dict[str, str], bytes]:
    """Send bytes exactly as given (no client-side path normalisation) and read one response."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ")[1])
        headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        length = int(headers.get("content-length", "0"))
        if not request.startswith(b"HEAD"):
            while len(body) < length:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                body += chunk
        return status, headers, body


def get(port: int, path: str, *, method: str = "GET", headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
    host = "" if headers and "Host" in headers else f"Host: 127.0.0.1:{port}\r\n"
    return raw(port, f"{method} {path} HTTP/1.1\r\n{host}{extra}Connection: close\r\n\r\n".encode())


class EventStream:
    """A blocking SSE client that yields the ``state`` payloads of one reload connection."""

    def __init__(self, port: int, page: str):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
        self.sock.sendall(f"GET /__daeyeok/events?path={page} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n\r\n".encode())
        self.buffer = b""
        head = self._until(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200"), head
        assert b"text/event-stream" in head

    def _until(self, marker: bytes) -> bytes:
        while marker not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("stream closed")
            self.buffer += chunk
        part, _, self.buffer = self.buffer.partition(marker)
        return part

    def next_state(self) -> dict[str, Any]:
        while True:
            block = self._until(b"\n\n")
            if block.startswith(b"event: state\n"):
                return dict(json.loads(block.split(b"data: ", 1)[1]))

    def state_after(self, version: int) -> dict[str, Any]:
        while True:
            state = self.next_state()
            if state["version"] > version:
                return state

    def state_where(self, wanted: Any) -> dict[str, Any]:
        """The next state for which ``wanted(state)`` holds: a rebuild may publish the edited page
        first and its parallel view, status pages and glossary findings in a second state."""
        while True:
            state = self.next_state()
            if wanted(state):
                return state

    def close(self) -> None:
        self.sock.close()
