"""Benchmark: ``daeyeok check`` over the whole cs231n Korean corpus (../shared/corpora/cs231n).

Two glossaries: the team's glossary.md converted (plus tests/labels/cs231n-overlay.yml),
and a synthetic 1,000-term glossary (the real terms plus generated Hangul/English
pairs with avoided forms).

Whole runs: ``daeyeok check --glossary G ko/`` called in-process (so Python's
start-up and imports, ~0.2 s, are not counted; ``check --help`` start-up is
measured by benchmarks/run), on a scratch copy of the corpus's Markdown in a
temporary directory (the corpus itself is never written to):

* cold: ``--no-cache``: every page read, parsed (markdown-it, both languages) and checked;
* warm: the findings cache (.daeyeok-cache/terms.sqlite) kept, nothing changed;
* one page edited: warm, after appending a sentence to the largest Korean page.

Then the parts of a cold run: parsing every page (Markdown → prose runs) and
rules 1–6 alone on already-parsed pages.  Medians of ``--runs`` runs.

    .venv/bin/python benchmarks/check_bench.py [--runs N]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

from daeyeok.cli import main as daeyeok
from daeyeok.glossary import parse_glossary
from daeyeok.model import Glossary
from daeyeok.terms.aikorea import apply_overlay, convert_glossary_md
from daeyeok.terms.prose import Page, markdown_page
from daeyeok.terms.runner import check_pages, english_counterpart, path_says_korean

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpora" / "cs231n"


def corpus_glossary_text() -> str:
    converted, _ = convert_glossary_md((CORPUS / "ko" / "glossary.md").read_text(encoding="utf-8"))
    return apply_overlay(converted, (REPO / "tests" / "labels" / "cs231n-overlay.yml").read_text(encoding="utf-8"))


def synthetic_glossary_text(base: str, size: int = 1000) -> str:
    rng = random.Random(231)
    entries = yaml.safe_load(base)
    seen_en = {e["en"].lower() for e in entries}
    seen_ko: set[str] = set()
    for e in entries:
        seen_ko.update([e["ko"], *e.get("accept", []), *e.get("avoid", {})])
    while len(entries) < size:
        ko = "".join(chr(0xAC00 + rng.randrange(11172)) for _ in range(rng.randint(2, 4)))
        en = " ".join("".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(4, 9))) for _ in range(rng.randint(1, 3)))
        avoid = "".join(chr(0xAC00 + rng.randrange(11172)) for _ in range(3))
        if en in seen_en or ko in seen_ko or avoid in seen_ko:
            continue
        seen_en.add(en)
        seen_ko.update([ko, avoid])
        entries.append({"en": en, "ko": ko, "avoid": [avoid]})
    return yaml.safe_dump(entries, allow_unicode=True, sort_keys=False)


def load(text: str) -> Glossary:
    glossary, diags = parse_glossary(Path("glossary.yml"), text)
    if glossary is None:
        raise SystemExit("\n".join(d.format() for d in diags))
    return glossary


def read_corpus() -> list[tuple[str, str, str | None, str | None]]:
    out = []
    for path in sorted((CORPUS / "ko").rglob("*.md")):
        if not path_says_korean(path):
            continue
        en = english_counterpart(path)
        out.append((str(path), path.read_text(encoding="utf-8"), str(en) if en else None, en.read_text(encoding="utf-8") if en else None))
    return out


def parse_all(files: list[tuple[str, str, str | None, str | None]]) -> list[tuple[Page, Page | None]]:
    return [(markdown_page(p, t), markdown_page(ep, et) if ep and et else None) for p, t, ep, et in files]


def timed(fn, runs: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def whole_runs(glossary_text: str, runs: int) -> tuple[float, float, float, int]:
    """Medians of cold, warm and one-page-edited ``daeyeok check`` runs, and the finding count."""
    work = Path(tempfile.mkdtemp(prefix="daeyeok-check-bench-"))
    here = Path.cwd()
    try:
        for lang in ("en", "ko"):
            for src in (CORPUS / lang).rglob("*.md"):
                dest = work / lang / src.relative_to(CORPUS / lang)
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, dest)
        (work / "glossary.yml").write_text(glossary_text, encoding="utf-8")
        largest = max((work / "ko").rglob("*.md"), key=lambda p: p.stat().st_size)
        os.chdir(work)

        def check(*extra: str) -> tuple[float, str]:
            out = io.StringIO()
            start = time.perf_counter()
            with contextlib.redirect_stdout(out):
                daeyeok(["check", "--glossary", "glossary.yml", *extra, "ko"])
            return time.perf_counter() - start, out.getvalue()

        cold = [check("--no-cache")[0] for _ in range(runs)]
        _, report = check()  # fills the cache
        warm = [check()[0] for _ in range(runs)]
        edited = []
        for i in range(runs):
            with largest.open("a", encoding="utf-8") as f:
                f.write(f"\n손실(loss)를 줄인다 {i}.\n")
            edited.append(check()[0])
        return statistics.median(cold), statistics.median(warm), statistics.median(edited), report.count("\n")
    finally:
        os.chdir(here)
        shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    if not (CORPUS / "ko" / "glossary.md").is_file():
        print(f"the cs231n corpus is not at {CORPUS}; nothing to measure", file=sys.stderr)
        return 2
    files = read_corpus()
    lines = sum(t.count("\n") for _, t, _, _ in files)
    base = corpus_glossary_text()
    texts = {"cs231n glossary": base, "synthetic 1,000 terms": synthetic_glossary_text(base)}
    glossaries = {name: load(text) for name, text in texts.items()}
    parsed = parse_all(files)
    print(f"corpus: {len(files)} Korean pages ({lines} lines), {sum(1 for _, e in parsed if e)} with an English source")
    print("whole `daeyeok check` runs after start-up (target 300 ms):")
    for name, text in texts.items():
        cold, warm, edited, findings = whole_runs(text, args.runs)
        print(
            f"  {name:22} ({len(glossaries[name].terms):4} terms): cold {cold * 1000:4.0f} ms, warm {warm * 1000:4.0f} ms, "
            f"one page edited {edited * 1000:4.0f} ms, {findings} findings"
        )
    parse_time = timed(lambda: parse_all(files), args.runs)
    print("parts of a cold run:")
    print(f"  parse (markdown-it + prose runs, both languages): {parse_time * 1000:.0f} ms")
    for name, glossary in glossaries.items():
        rules = timed(lambda g=glossary: check_pages(g, parsed), args.runs)
        print(f"  rules 1-6, {name:22}: {rules * 1000:4.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
