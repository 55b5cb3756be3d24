"""The preview server over real sockets: paths, types, base URL, 404, safety limits, reload streams, concurrency."""

from __future__ import annotations

import asyncio
import os
import re
import socket
import threading
import time
from pathlib import Path

import pytest

from daeyeok.build import build
from daeyeok.serve.incremental import IncrementalBuilder
from daeyeok.serve.server import PreviewServer, decode_path
from serve_helpers import WAIT, EventStream, get, raw, running

SECRET = b"root:x:0:0"
SCRIPT = re.compile(rb'<script src="/__daeyeok/live\.js" data-daeyeok-digest="([^"]+)"></script>')


@pytest.fixture
def site(make_site, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_bytes(SECRET)
    root: Path = make_site({"static/figures/dot.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>", "static/style.css": "p{}"})
    return root


TRAVERSALS = [
    b"/../../../../etc/passwd",
    b"/ko/../../../etc/passwd",
    b"/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    b"/%2E%2E/%2E%2E/etc/passwd",
    b"/ko/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    b"/..%2f..%2f..%2fetc%2fpasswd",
    b"/..%5c..%5cetc%5cpasswd",
    b"/..\\..\\etc\\passwd",
    b"/.%2e/.%2e/etc/passwd",
    b"//etc/passwd",
    b"/%00/etc/passwd",
    b"/etc/passwd%00.html",
    b"/%c0%ae%c0%ae/etc/passwd",  # overlong UTF-8 dots
    b"http://127.0.0.1/../../etc/passwd",
]


@pytest.mark.parametrize("target", TRAVERSALS)
def test_path_traversal_is_refused(site: Path, target: bytes) -> None:
    with running(site) as app:
        status, _, body = raw(app.server.port, b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    assert status in (400, 404)
    assert SECRET not in body


def test_double_encoded_dots_are_just_a_missing_file(site: Path) -> None:
    with running(site) as app:
        status, _, body = get(app.server.port, "/%252e%252e/%252e%252e/etc/passwd")
    assert status == 404 and SECRET not in body


def test_decode_path_rules() -> None:
    assert decode_path("/ko/lectures/%EC%97%AD%EC%A0%84%ED%8C%8C/") == "/ko/lectures/역전파/"
    assert decode_path("/a/b?x=../..#..") == "/a/b"
    for bad in ("/a/../b", "/a/%2e%2e/b", "/a%2fb", "/a%5Cb", "a/b", "//host/x", "/%ff", "/a/./b"):
        assert decode_path(bad) is None, bad


def test_symlinks_out_of_static_are_not_served(site: Path, tmp_path: Path) -> None:
    (site / "static" / "leak.txt").symlink_to(tmp_path / "outside" / "secret.txt")
    (site / "static" / "leakdir").symlink_to(tmp_path / "outside", target_is_directory=True)
    with running(site) as app:
        port = app.server.port
        for path in ("/leak.txt", "/leakdir/secret.txt"):
            status, _, body = get(port, path)
            assert status == 404 and SECRET not in body, path
        snap = app.builder.snapshot
        assert snap is not None
        assert {e.code for e in snap.errors} == {"symlink"}  # and the overlay says why


def test_a_file_swapped_for_a_symlink_after_listing_is_refused(site: Path, tmp_path: Path) -> None:
    """Between a rebuild and the next, a listed static file replaced by a symlink out must not leak."""
    snap = IncrementalBuilder(site, use_cache=False).rebuild()
    target = site / "static" / "style.css"
    assert snap.copies["style.css"] == target
    target.unlink()
    target.symlink_to(tmp_path / "outside" / "secret.txt")

    async def scenario() -> tuple[int, bytes]:
        server = PreviewServer("127.0.0.1", 0)
        await server.start()
        server.publish(snap)
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(b"GET /style.css HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        data = await asyncio.wait_for(reader.read(), WAIT)
        writer.close()
        await server.stop()
        return int(data.split(b" ")[1]), data

    status, data = asyncio.run(scenario())
    assert status == 404 and SECRET not in data


def test_types_charset_and_the_sites_404_page(site: Path) -> None:
    with running(site) as app:
        port = app.server.port
        expected = {
            "/ko/a/": "text/html; charset=utf-8",
            "/assets/daeyeok.css": "text/css; charset=utf-8",
            "/assets/daeyeok.js": "text/javascript; charset=utf-8",
            "/figures/dot.svg": "image/svg+xml",
            "/sitemap.xml": "application/xml; charset=utf-8",
            "/robots.txt": "text/plain; charset=utf-8",
            "/assets/katex/fonts/KaTeX_Main-Regular.woff2": "font/woff2",
        }
        for path, ctype in expected.items():
            status, headers, body = get(port, path)
            assert (status, headers["content-type"]) == (200, ctype), path
            assert headers["x-content-type-options"] == "nosniff"
            assert int(headers["content-length"]) == len(body)
        status, headers, body = get(port, "/ko/a/")
        assert "가 페이지" in body.decode("utf-8")
        status, headers, body = get(port, "/no/such/page/")
        assert status == 404 and headers["content-type"] == "text/html; charset=utf-8"
        snap = app.builder.snapshot
        assert snap is not None
        assert body.startswith(snap.files["404.html"][:200]) and SCRIPT.search(body)
        status, headers, _ = get(port, "/ko/a")
        assert (status, headers["location"]) == (301, "/ko/a/")


def test_reload_script_only_while_serving(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert build(site, out, use_cache=False).written
    for html in out.rglob("*.html"):
        assert b"__daeyeok" not in html.read_bytes(), html
    with running(site) as app:
        _, _, body = get(app.server.port, "/ko/a/")
        snap = app.builder.snapshot
        assert snap is not None
    assert len(SCRIPT.findall(body)) == 1
    assert b"__daeyeok" not in snap.files["ko/a/index.html"]  # injected into the response, not the snapshot
    assert body.index(b"/__daeyeok/live.js") < body.rindex(b"</body>")


def test_base_url(site: Path) -> None:
    with running(site, base_url="/course/") as app:
        port = app.server.port
        assert app.url.endswith("/course/")
        status, _, body = get(port, "/course/ko/a/")
        assert status == 200 and b'href="/course/ko/"' in body
        assert get(port, "/ko/a/")[0] == 404
        status, headers, _ = get(port, "/course")
        assert (status, headers["location"]) == (301, "/course/")


def test_methods_conditional_requests_and_limits(site: Path) -> None:
    with running(site) as app:
        port = app.server.port
        status, headers, body = get(port, "/ko/a/", method="HEAD")
        assert status == 200 and body == b"" and int(headers["content-length"]) > 0
        status, headers, _ = get(port, "/ko/a/", method="POST")
        assert status == 405 and headers["allow"] == "GET, HEAD"
        etag = get(port, "/assets/daeyeok.css")[1]["etag"]
        assert get(port, "/assets/daeyeok.css", headers={"If-None-Match": etag})[0] == 304
        assert get(port, "/ko/a/", headers={"Host": "attacker.example"})[0] == 421  # DNS rebinding
        status, _, _ = raw(port, b"GET /ko/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 40000 + b"\r\n\r\n")
        assert status == 431
        assert raw(port, b"GET /ko/ HTTP/2.0\r\nHost: 127.0.0.1\r\n\r\n")[0] == 505
        assert raw(port, b"GET /ko/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\r\nhello")[0] == 400


def test_keep_alive_serves_several_requests_on_one_connection(site: Path) -> None:
    with running(site) as app, socket.create_connection(("127.0.0.1", app.server.port), timeout=WAIT) as sock:
        request = b"GET /robots.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        sock.sendall(request * 3)
        data = b""
        while data.count(b"HTTP/1.1 200 OK") < 3:
            chunk = sock.recv(65536)
            assert chunk, data
            data += chunk


def test_reload_stream_tells_each_tab_whether_its_page_changed(site: Path) -> None:
    with running(site) as app:
        port = app.server.port
        digest_ko = SCRIPT.search(get(port, "/ko/a/")[2])
        digest_en = SCRIPT.search(get(port, "/en/a/")[2])
        assert digest_ko and digest_en
        ko, en = EventStream(port, "/ko/a/"), EventStream(port, "/en/a/")
        try:
            first_ko, first_en = ko.next_state(), en.next_state()
            assert first_ko["digest"] == digest_ko.group(1).decode()
            assert first_en["digest"] == digest_en.group(1).decode()
            path = site / "content/en/a.md"
            path.write_text(path.read_text(encoding="utf-8").replace("Math $x^2$.", "Changed text."), encoding="utf-8")
            new_en = en.state_after(first_en["version"])
            new_ko = ko.state_after(first_ko["version"])
            assert new_en["digest"] != first_en["digest"]  # that tab reloads
            assert new_ko["digest"] == first_ko["digest"]  # this one does not
            assert b"Changed text." in get(port, "/en/a/")[2]
            # a broken page: the errors travel with the state, the served page stays
            path.write_text("---\ntitle: [broken\n---\n", encoding="utf-8")
            broken = en.state_where(lambda state: state["errors"])
            assert broken["digest"] == new_en["digest"]
            [err] = broken["errors"]
            assert err["line"] == 2 and err["code"] == "front-matter" and err["text"].startswith(f"{err['path']}:2:")
        finally:
            ko.close()
            en.close()


def test_many_requests_and_reload_streams_during_rebuilds(site: Path) -> None:
    """300 concurrent page requests and 200 open reload streams while the site rebuilds.

    Every request must succeed, every stream must hear about the new version,
    and the server must not grow a thread per connection.
    """
    n_streams, n_requests = 200, 300
    with running(site) as app:
        port = app.server.port
        start_version = app.builder.snapshot.version if app.builder.snapshot else 0
        threads_before = threading.active_count()
        page = site / "content/en/a.md"

        async def stream(ready: asyncio.Queue[int]) -> int:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(f"GET /__daeyeok/events?path=/en/a/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
            await ready.put(1)
            version = 0
            try:
                while version <= start_version:
                    block = await asyncio.wait_for(reader.readuntil(b"\n\n"), WAIT)
                    if b"event: state" in block:
                        version = int(re.search(rb'"version": (\d+)', block).group(1))  # type: ignore[union-attr]
            finally:
                writer.close()
            return version

        async def request(path: str) -> tuple[int, int]:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode())
            data = await asyncio.wait_for(reader.read(), WAIT)
            writer.close()
            head, _, body = data.partition(b"\r\n\r\n")
            length = int(re.search(rb"Content-Length: (\d+)", head).group(1))  # type: ignore[union-attr]
            return int(head.split(b" ")[1]), len(body) - length

        async def main() -> tuple[list[int], list[tuple[int, int]], int]:
            ready: asyncio.Queue[int] = asyncio.Queue()
            streams = [asyncio.create_task(stream(ready)) for _ in range(n_streams)]
            for _ in range(n_streams):
                await ready.get()
            deadline = time.monotonic() + WAIT
            while app.server.streams < n_streams and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
            peak_threads = threading.active_count()
            assert app.server.streams == n_streams
            page.write_text(page.read_text(encoding="utf-8") + "\nEdited under load.\n", encoding="utf-8")
            paths = ["/en/a/", "/ko/", "/assets/daeyeok.css", "/assets/katex/fonts/KaTeX_Main-Regular.woff2", "/nope"]
            answers = await asyncio.gather(*(request(paths[i % len(paths)]) for i in range(n_requests)))
            versions = await asyncio.wait_for(asyncio.gather(*streams), WAIT)
            return versions, list(answers), peak_threads

        versions, answers, peak_threads = asyncio.run(main())
    assert all(v > start_version for v in versions)
    assert sorted({status for status, _ in answers}) == [200, 404]
    assert [a for a in answers if a[1] != 0] == []  # every body complete
    assert sum(1 for status, _ in answers if status == 404) == n_requests // 5
    assert peak_threads - threads_before < 10  # connections are coroutines, not threads


def test_connection_limit_answers_503(site: Path) -> None:
    with running(site) as app:
        app.server.max_streams = 2
        port = app.server.port
        a, b = EventStream(port, "/ko/"), EventStream(port, "/ko/")
        try:
            status, _, _ = raw(port, f"GET /__daeyeok/events?path=/ko/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
            assert status == 503
            assert get(port, "/ko/")[0] == 200  # pages are still served
        finally:
            a.close()
            b.close()


def test_port_in_use_is_a_clear_error(site: Path) -> None:
    from daeyeok.serve.app import PreviewApp, ServeError

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        app = PreviewApp(site, port=port, use_cache=False)
        with pytest.raises(ServeError) as info:
            app.start()
    [diag] = info.value.diagnostics
    assert (
        diag.format() == f"--port:0:0: error serve: 127.0.0.1:{port} is already in use (another `daeyeok serve`?); stop it or choose another port with --port"
    )


def test_not_a_site(tmp_path: Path) -> None:
    from daeyeok.serve.app import PreviewApp, ServeError

    with pytest.raises(ServeError) as info:
        PreviewApp(tmp_path, port=0).start()
    assert "is this a daeyeok site?" in str(info.value)
    assert not os.listdir(tmp_path)  # nothing written
