"""Bounded load test of ``daeyeok serve`` while it rebuilds (loopback only).

    .venv/bin/python benchmarks/loadtest.py [--seconds 10] [--connections 200] [--streams 100] [--slow 50]

Copies the sample course into a temporary directory, starts ``daeyeok serve``
on a free 127.0.0.1 port, and then, at the same time, for ``--seconds``:
- Debian's ``wrk`` (``apt-get install wrk``) hammers a page with ``--connections``
  keep-alive connections;
- ``--streams`` live-reload streams stay open;
- ``--slow`` idle "slowloris" connections send half a request head and wait;
- the page's Markdown is edited every 0.3 s, so rebuilds run throughout.
Afterwards it checks that the server still answers, that every page serves its
own content (no wrong file), that the last edit is visible, and that the
half-sent requests of the slow connections did not hold anything up (the server drops them after its 15 s idle limit).
Prints requests per second, wrk's error counts and the number of rebuilds.
"""

from __future__ import annotations

import argparse
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PAGE = "content/en/lectures/backprop.md"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.status, r.read()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--connections", type=int, default=200)
    ap.add_argument("--streams", type=int, default=100)
    ap.add_argument("--slow", type=int, default=50)
    args = ap.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install wrk); nothing measured", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="daeyeok-load-") as tmp:
        site = Path(tmp) / "site"
        shutil.copytree(
            REPO, site, ignore=shutil.ignore_patterns(".git", ".venv", "node_modules", "_site", ".daeyeok-cache", "test-results", "tests", "benchmarks")
        )
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [sys.executable, "-m", "daeyeok", "serve", "--site", str(site), "--port", str(port), "--quiet"], stderr=subprocess.PIPE, text=True
        )
        try:
            for _ in range(600):
                try:
                    if get(base + "/ko/")[0] == 200:
                        break
                except OSError:
                    time.sleep(0.1)
            else:
                print("the server did not come up", file=sys.stderr)
                return 1
            streams = []
            for _ in range(args.streams):
                s = socket.create_connection(("127.0.0.1", port))
                s.sendall(b"GET /__daeyeok/events?path=/ko/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
                streams.append(s)
            slow = []
            for _ in range(args.slow):
                s = socket.create_connection(("127.0.0.1", port))
                s.sendall(b"GET /ko/ HTTP/1.1\r\nHost: 127.0.")  # never finished
                slow.append(s)
            stop = threading.Event()
            edits = 0

            def edit() -> None:
                nonlocal edits
                page = site / PAGE
                text = page.read_text(encoding="utf-8")
                while not stop.is_set():
                    edits += 1
                    page.write_text(text.replace("Backpropagation", f"Backpropagation (edit {edits})", 1), encoding="utf-8")
                    stop.wait(0.3)

            editor = threading.Thread(target=edit)
            editor.start()
            done = subprocess.run(
                ["wrk", "-t2", f"-c{args.connections}", f"-d{args.seconds}s", "--latency", base + "/en/lectures/linear-classify/"],
                capture_output=True,
                text=True,
                check=False,
                timeout=args.seconds + 60,
            )
            stop.set()
            editor.join()
            time.sleep(1.0)
            out = done.stdout
            rps = re.search(r"Requests/sec:\s*([0-9.]+)", out)
            total = re.search(r"(\d+) requests in", out)
            errors = re.search(r"Socket errors: (.*)", out)
            non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
            print(out.strip())
            # no wrong file: every page still serves itself, and the last edit is live
            checks = {"/ko/": "딥러닝 기초", "/en/lectures/linear-classify/": "Linear classification", "/ko/lectures/backprop/": "역전파"}
            wrong = [path for path, needle in checks.items() if needle not in get(base + path)[1].decode("utf-8")]
            _, edited = get(base + "/en/lectures/backprop/")
            last_edit_live = f"(edit {edits})" in edited.decode("utf-8")
            for s in slow:
                s.close()
            for s in streams:
                s.close()
            alive = get(base + "/ko/")[0] == 200
            print(
                f"\nsummary: {rps.group(1) if rps else '?'} requests/s, {total.group(1) if total else '?'} requests in {args.seconds} s, "
                f"socket errors: {errors.group(1) if errors else 'none'}, non-2xx: {non2xx.group(1) if non2xx else 0}, "
                f"{edits} edits during the run, {args.streams} reload streams and {args.slow} slow connections open, "
                f"wrong pages: {wrong or 'none'}, last edit live: {last_edit_live}, server alive: {alive}"
            )
            return 0 if alive and not wrong and last_edit_live and not errors and not non2xx else 1
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()


if __name__ == "__main__":
    sys.exit(main())
