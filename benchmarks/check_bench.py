"""Benchmark: ``daeyeok check`` over the whole cs231n Korean corpus (../shared/corpora/cs231n).

Two glossaries: the team's glossary.md converted (plus tests/labels/cs231n-overlay.yml),
and a synthetic 1,000-term glossary (the real terms plus generated Hangul/English
pairs with avoided forms).  Start-up (imports, reading files) is excluded; each
figure is the median of several runs of: parse every page (Markdown → prose
runs) and run rules 1–6, or the rules alone on already-parsed pages.

    .venv/bin/python benchmarks/check_bench.py [--runs N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

import yaml

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
    glossaries = {"cs231n glossary": load(base), "synthetic 1,000 terms": load(synthetic_glossary_text(base))}
    parsed = parse_all(files)
    parse_time = timed(lambda: parse_all(files), args.runs)
    print(f"corpus: {len(files)} Korean pages ({lines} lines), {sum(1 for _, e in parsed if e)} with an English source")
    print(f"parse (markdown-it + prose runs, both languages): {parse_time * 1000:.0f} ms")
    for name, glossary in glossaries.items():
        rules = timed(lambda g=glossary: check_pages(g, parsed), args.runs)
        findings = len(check_pages(glossary, parsed).findings)
        total = parse_time + rules
        verdict = "within" if total <= 0.3 else "over"
        print(
            f"{name:22} ({len(glossary.terms):4} terms): rules {rules * 1000:4.0f} ms, parse + rules {total * 1000:4.0f} ms ({verdict} the 300 ms target), {findings} findings"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
