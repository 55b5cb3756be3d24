"""Benchmark ``daeyeok serve``: how long from saving a Markdown file to (a) the rebuilt page being served
and (b) the open browser tab's ``load`` event.

For each site the benchmark copies it into a temporary directory (the real
sources are never touched), starts ``daeyeok serve`` as its own process on a
free loopback port, opens one page in Debian's Chromium, and makes N edits to
that page's Markdown, one at a time.  For each edit it records:

(a) edit → rebuilt page written: the server's ``built_at`` (wall clock, sent
    on the reload stream with the snapshot that holds the new bytes) minus the
    moment before the file was written;
(b) edit → browser ``load``: ``Date.now()`` in the page's load handler minus
    the same moment.

Both processes read the same system clock.  Sites: ``sample`` (the course in
this repository), ``synthetic`` (N pages with formulas, generated), ``cs231n``
(``daeyeok import jekyll`` of ../shared/corpora/cs231n).

    .venv/bin/python benchmarks/serve.py                 # sample + synthetic + cs231n (if the corpus is there)
    .venv/bin/python benchmarks/serve.py --sites sample --edits 20 --json benchmarks/results/serve.json
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpora" / "cs231n"
PYTHON = sys.executable
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-gpu"]
WAIT = 60.0


@dataclass
class Result:
    site: str
    pages: int
    page: str
    written_ms: list[float] = field(default_factory=list)
    load_ms: list[float] = field(default_factory=list)
    rebuild_ms: list[float] = field(default_factory=list)
    prepare_ms: list[float] = field(default_factory=list)  # load + parse + site-wide checks
    render_ms: list[float] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        def stats(values: list[float]) -> dict[str, float]:
            s = sorted(values)
            return {"median": round(statistics.median(s), 1), "p90": round(s[int(0.9 * (len(s) - 1))], 1), "min": round(s[0], 1), "max": round(s[-1], 1)}

        return {
            "site": self.site,
            "pages": self.pages,
            "edited": self.page,
            "edits": len(self.written_ms),
            "edit_to_written_ms": stats(self.written_ms),
            "edit_to_load_ms": stats(self.load_ms),
            "server_rebuild_ms": stats(self.rebuild_ms),
            "server_prepare_ms": stats(self.prepare_ms),
            "server_render_ms": stats(self.render_ms),
        }


# -- sites ---------------------------------------------------------------------------------
def copy_sample(dest: Path) -> tuple[Path, str, str]:
    for name in ("site.yml", "glossary.yml", "content", "static", "templates"):
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, dest / name)
        elif src.exists():
            shutil.copy2(src, dest / name)
    return dest, "content/en/lectures/backprop.md", "en/lectures/backprop/"


def make_synthetic(dest: Path, pages: int = 50) -> tuple[Path, str, str]:
    """``pages`` lectures per language, each with headings, prose, inline and display formulas and code."""
    nav = "\n".join(f"      - lectures/l{i:02d}" for i in range(pages))
    (dest / "site.yml").write_text(
        "title: {ko: 합성 벤치마크, en: Synthetic benchmark}\ndefault_language: en\nlanguages: [en, ko]\nurl: https://example.org\n"
        f"nav:\n  - title: {{ko: 강의, en: Lectures}}\n    pages:\n      - index\n{nav}\n",
        encoding="utf-8",
    )
    for lang, word in (("en", "Lecture"), ("ko", "강의")):
        (dest / "content" / lang / "lectures").mkdir(parents=True)
        (dest / "content" / lang / "index.md").write_text(f"---\ntitle: {word}\n---\n\nHome.\n", encoding="utf-8")
        for i in range(pages):
            sections = []
            for s in range(6):
                sections.append(
                    f"## Section {s} {{#s{s}}}\n\nText about $w_{{{s}}} x + b_{i}$ and $\\sum_{{j=1}}^{{{s + 2}}} \\alpha_j^{i}$ in lecture {i}.\n\n"
                    f"$$\n\\frac{{\\partial L_{{{i}}}}}{{\\partial w_{{{s}}}}} = \\sum_{{k}} \\delta_k x_{{k,{s}}}\n$$\n\n"
                    f"```python\ndef f{s}(x):\n    return {i} * x + {s}\n```\n"
                )
            (dest / "content" / lang / "lectures" / f"l{i:02d}.md").write_text(f"---\ntitle: {word} {i}\n---\n\n" + "\n".join(sections), encoding="utf-8")
    return dest, "content/en/lectures/l25.md", "en/lectures/l25/"


def import_cs231n(dest: Path) -> tuple[Path, str, str]:
    if not CORPUS.is_dir():
        raise SystemExit(f"no cs231n corpus at {CORPUS}")
    site = dest / "cs231n"
    cmd = [
        PYTHON,
        "-m",
        "daeyeok",
        "import",
        "jekyll",
        "--en",
        str(CORPUS / "en"),
        "--ko",
        str(CORPUS / "ko"),
        "--assets",
        str(CORPUS / "assets"),
        "--out",
        str(site),
        "-q",
    ]
    if (CORPUS / "ko" / "glossary.md").is_file():
        cmd += ["--glossary", str(CORPUS / "ko" / "glossary.md")]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return site, "content/ko/neural-networks-1.md", "ko/neural-networks-1/"


SITES = {"sample": copy_sample, "synthetic": make_synthetic, "cs231n": import_cs231n}


# -- measuring -----------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ReloadStream(threading.Thread):
    """Reads the server's reload stream for one page; keeps every state event."""

    def __init__(self, port: int, page: str):
        super().__init__(daemon=True)
        self.port, self.page = port, page
        self.states: list[dict[str, Any]] = []
        self.cond = threading.Condition()

    def run(self) -> None:
        sock = socket.create_connection(("127.0.0.1", self.port))
        sock.sendall(f"GET /__daeyeok/events?path=/{self.page} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n\r\n".encode())
        buf = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return
            buf += chunk
            while b"\n\n" in buf:
                block, buf = buf.split(b"\n\n", 1)
                if block.startswith(b"event: state"):
                    with self.cond:
                        self.states.append(json.loads(block.split(b"data: ", 1)[1]))
                        self.cond.notify_all()

    def wait_new_digest(self, since: int, digest: str, timeout: float) -> dict[str, Any]:
        """The first state after the ``since``-th whose fingerprint differs from ``digest``."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for state in self.states[since:]:
                    if state["digest"] != digest:
                        return state
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("the page was not rebuilt")
                self.cond.wait(left)


def measure(name: str, edits: int, workdir: Path, pages: int) -> Result:
    from playwright.sync_api import sync_playwright

    site, rel, url_path = make_synthetic(workdir, pages) if name == "synthetic" else SITES[name](workdir)
    port = free_port()
    proc = subprocess.Popen(
        [PYTHON, "-m", "daeyeok", "serve", "--site", str(site), "--port", str(port), "-q"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        assert proc.stderr is not None
        for line in proc.stderr:
            if line.startswith("serving "):
                break
        else:
            raise SystemExit(f"daeyeok serve did not start for {name}")
        threading.Thread(target=lambda: [None for _ in proc.stderr], daemon=True).start()  # type: ignore[union-attr]
        n_pages = sum(1 for _ in (site / "content").rglob("*.md"))
        result = Result(name, n_pages, rel)
        stream = ReloadStream(port, url_path)
        stream.start()
        path = site / rel
        original = path.read_text(encoding="utf-8")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            tab = browser.new_page()
            tab.add_init_script("window.addEventListener('load', () => { window.__loadAt = Date.now(); });")
            tab.goto(f"http://127.0.0.1:{port}/{url_path}")
            tab.wait_for_function("() => window.__loadAt !== undefined")
            for i in range(edits + 1):  # the first edit warms up (first formula render, template caches)
                digest = tab.evaluate("document.querySelector('script[data-daeyeok-digest]').dataset.daeyeokDigest")
                marker = f"Benchmark edit number {i} saved."
                with stream.cond:
                    since = len(stream.states)
                t0 = time.time()
                path.write_text(original + f"\n\n{marker}\n", encoding="utf-8")
                state = stream.wait_new_digest(since, digest, WAIT)
                tab.wait_for_function(
                    f"() => window.__loadAt !== undefined && document.body && document.body.innerText.includes({json.dumps(marker)})", timeout=WAIT * 1000
                )
                load_at = tab.evaluate("window.__loadAt") / 1000.0
                if i == 0:
                    continue
                result.written_ms.append((state["built_at"] - t0) * 1000)
                result.load_ms.append((load_at - t0) * 1000)
                result.rebuild_ms.append(float(state["rebuild_ms"]))
                result.prepare_ms.append(float(state["phases_ms"].get("prepare", 0.0)))
                result.render_ms.append(float(state["phases_ms"].get("render", 0.0)))
                time.sleep(0.05)  # let the reload settle before the next edit, as a person would
            browser.close()
        return result
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main() -> int:
    global CORPUS
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sites", default="sample,synthetic,cs231n", help="comma-separated: sample, synthetic, cs231n")
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--synthetic-pages", type=int, default=50, help="pages per language for the synthetic site")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument("--corpus", type=Path, default=None, help=f"the cs231n corpus (default: {CORPUS})")
    args = parser.parse_args()
    if args.corpus is not None:
        CORPUS = args.corpus.absolute()
    names = [s.strip() for s in args.sites.split(",") if s.strip()]
    if "cs231n" in names and not CORPUS.is_dir():
        print(f"skipping cs231n: no corpus at {CORPUS}", file=sys.stderr)
        names.remove("cs231n")
    results = []
    for name in names:
        with tempfile.TemporaryDirectory(prefix=f"daeyeok-bench-{name}-") as tmp:
            os.chdir(tmp)
            result = measure(name, args.edits, Path(tmp), args.synthetic_pages)
            os.chdir(REPO)
        s = result.summary()
        results.append(s)
        print(
            f"{name:10s} {s['pages']:4d} md files, {s['edits']} edits of {s['edited']}: "
            f"(a) edit→written median {s['edit_to_written_ms']['median']:.1f} ms (p90 {s['edit_to_written_ms']['p90']:.1f}); "
            f"(b) edit→load median {s['edit_to_load_ms']['median']:.1f} ms (p90 {s['edit_to_load_ms']['p90']:.1f}); "
            f"server rebuild median {s['server_rebuild_ms']['median']:.1f} ms "
            f"(prepare: load+parse+checks {s['server_prepare_ms']['median']:.1f}, render {s['server_render_ms']['median']:.1f})"
        )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"machine": os.uname().nodename, "cpus": os.cpu_count(), "results": results}, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
