"""Page-weight and markup budgets of a built site, measured on the build's in-memory output.

    .venv/bin/python benchmarks/budgets.py                 # the sample course (this repository)
    .venv/bin/python benchmarks/budgets.py --cs231n        # also the cs231n corpus, imported into a temp dir
    .venv/bin/python benchmarks/budgets.py --site DIR --json out.json

Budgets (the reader-experience issue):
* HTML + CSS + JS loaded by each page, images and fonts excluded: at most 100 KB as
  transferred (gzip -9, KB = 1000 bytes), which is what a reader downloads from any static
  host that compresses text (GitHub Pages does).  Uncompressed bytes are reported beside it:
  KaTeX's HTML+MathML output makes math-heavy pages large before compression.
  Only what the page loads by itself counts; the search module and Pagefind load when a
  reader opens search and are reported on their own line.
* No render-blocking script: every external ``<script src>`` has ``defer``, ``async`` or
  ``type="module"``.  Inline scripts in ``<head>`` are listed (the theme has one of about
  150 bytes that applies the saved colour theme before first paint, on purpose).
* Every ``<img>`` has ``width`` and ``height``.

Exit status 1 when any page breaks a budget.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from daeyeok.build import build  # noqa: E402

BUDGET = 100_000
CORPUS = REPO.parent / "shared" / "corpora" / "cs231n"


class _Scan(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stylesheets: list[str] = []
        self.scripts: list[str] = []
        self.blocking: list[str] = []
        self.inline_head_scripts = 0
        self.images = 0
        self.unsized: list[str] = []
        self.in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "head":
            self.in_head = True
        elif tag == "body":
            self.in_head = False
        elif tag == "link" and "stylesheet" in a.get("rel", "").split():
            self.stylesheets.append(a.get("href", ""))
        elif tag == "script":
            if "src" in a:
                self.scripts.append(a["src"])
                if "defer" not in a and "async" not in a and a.get("type") != "module":
                    self.blocking.append(a["src"])
            elif self.in_head:
                self.inline_head_scripts += 1
        elif tag == "img":
            self.images += 1
            if "width" not in a or "height" not in a:
                self.unsized.append(a.get("src", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self.in_head = False


@dataclass
class PageWeight:
    page: str
    html: int
    css: int
    js: int
    total: int
    total_gzip: int
    blocking_scripts: list[str] = field(default_factory=list)
    unsized_images: list[str] = field(default_factory=list)
    images: int = 0


def _reader(files: dict[str, bytes], copies: dict[str, Path], base: str):  # type: ignore[no-untyped-def]
    def read(url: str) -> bytes:
        rel = unquote(url[len(base) :] if url.startswith(base) else url.lstrip("/"))
        if rel in files:
            return files[rel]
        if rel in copies:
            return copies[rel].read_bytes()
        raise FileNotFoundError(url)

    return read


def measure(files: dict[str, bytes], copies: dict[str, Path], base: str) -> tuple[list[PageWeight], dict[str, int]]:
    read = _reader(files, copies, base)
    pages: list[PageWeight] = []
    for rel in sorted(files):
        if not rel.endswith(".html"):
            continue
        html = files[rel]
        if b'http-equiv="refresh"' in html[:400]:
            continue  # alias redirects are not pages
        scan = _Scan()
        scan.feed(html.decode("utf-8"))
        css = [read(u) for u in scan.stylesheets]
        js = [read(u) for u in scan.scripts]
        everything = html + b"".join(css) + b"".join(js)
        gz = len(gzip.compress(html, 9, mtime=0)) + sum(len(gzip.compress(b, 9, mtime=0)) for b in css + js)
        pages.append(PageWeight(rel, len(html), sum(map(len, css)), sum(map(len, js)), len(everything), gz, scan.blocking, scan.unsized, scan.images))
    on_demand = {
        name: len(data) for name, data in files.items() if name == "assets/daeyeok-search.js" or (name.startswith("pagefind/") and "/" not in name[9:])
    }
    return pages, on_demand


def report(name: str, pages: list[PageWeight], on_demand: dict[str, int]) -> bool:
    totals = [p.total for p in pages]
    print(f"\n## {name}: {len(pages)} pages")
    gz = [p.total_gzip for p in pages]
    print(f"HTML+CSS+JS per page, gzip: max {max(gz) / 1000:.1f} KB, median {statistics.median(gz) / 1000:.1f} KB (budget {BUDGET / 1000:.0f} KB)")
    print(f"uncompressed: max {max(totals) / 1000:.1f} KB, median {statistics.median(totals) / 1000:.1f} KB")
    heaviest = sorted(pages, key=lambda p: -p.total_gzip)[:3]
    print(
        "heaviest: "
        + "; ".join(
            f"{p.page} {p.total_gzip / 1000:.1f} KB gzip ({p.total / 1000:.1f} raw: html {p.html / 1000:.1f}, css {p.css / 1000:.1f}, js {p.js / 1000:.1f})"
            for p in heaviest
        )
    )
    over = [p for p in pages if p.total_gzip > BUDGET]
    blocking = [p for p in pages if p.blocking_scripts]
    unsized = [p for p in pages if p.unsized_images]
    print(
        f"over budget: {len(over)}; render-blocking scripts: {len(blocking)}; images {sum(p.images for p in pages)}, without width/height: {sum(len(p.unsized_images) for p in pages)}"
    )
    for p in over:
        print(f"  OVER {p.page}: {p.total_gzip / 1000:.1f} KB gzip")
    for p in unsized[:10]:
        print(f"  UNSIZED {p.page}: {', '.join(p.unsized_images[:3])}")
    print("loaded on demand (search): " + ", ".join(f"{k} {v / 1000:.1f} KB" for k, v in sorted(on_demand.items())))
    return not over and not blocking and not unsized


def build_in_memory(site: Path) -> tuple[dict[str, bytes], dict[str, Path], str]:
    result = build(site, write=False)
    if not result.files:
        raise SystemExit(f"{site}: nothing built: " + "; ".join(d.format() for d in result.diagnostics[:5]))
    base = "/"
    cfg = (site / "site.yml").read_text(encoding="utf-8")
    for line in cfg.splitlines():
        if line.startswith("base_url:"):
            base = line.split(":", 1)[1].strip().split()[0] or "/"
    return result.files, result.copies, base


def import_cs231n(into: Path) -> Path:
    from daeyeok.cli import main as cli

    out = into / "cs231n"
    args = [
        "import",
        "jekyll",
        "--en",
        str(CORPUS / "en"),
        "--ko",
        str(CORPUS / "ko"),
        "--glossary",
        str(CORPUS / "ko" / "glossary.md"),
        "--assets",
        str(CORPUS / "assets"),
        "--out",
        str(out),
        "--quiet",
    ]
    cli(args)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--site", type=Path, default=REPO, help="site directory (default: the sample course)")
    ap.add_argument("--cs231n", action="store_true", help="also import and measure the cs231n corpus (../shared/corpora/cs231n)")
    ap.add_argument("--json", type=Path, help="write every page's figures here")
    args = ap.parse_args(argv)
    sites = [("sample course" if args.site == REPO else str(args.site), args.site)]
    ok = True
    results: dict[str, list[dict[str, object]]] = {}
    with tempfile.TemporaryDirectory(prefix="daeyeok-budgets-") as tmp:
        if args.cs231n:
            sites.append(("cs231n (imported)", import_cs231n(Path(tmp))))
        for name, site in sites:
            files, copies, base = build_in_memory(site)
            pages, on_demand = measure(files, copies, base)
            ok = report(name, pages, on_demand) and ok
            results[name] = [asdict(p) for p in pages]
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
