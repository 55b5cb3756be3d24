"""Time ``daeyeok import jekyll`` on the cs231n corpus, then building the imported site cold and warm.

    .venv/bin/python benchmarks/import_build.py [--runs 5] [--corpus ../shared/corpora/cs231n] [--no-glossary]

* import: a fresh output directory per run;
* cold build: the formula cache (.daeyeok-cache/) deleted first, so every formula goes through KaTeX;
* warm build: the cache from the previous build kept, as a translator's second build.

Medians of ``--runs`` runs, wall-clock.  The corpus is read where it lives and
never copied.  ``--no-glossary`` removes the converted glossary.yml before
building, to time a build that also writes (the glossary checker rejects the
translators' particle slips, and a build with errors renders but writes nothing).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpora" / "cs231n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-glossary", action="store_true", help="build without the converted glossary.yml (so the build writes)")
    args = ap.parse_args()
    corpus: Path = args.corpus
    if not (corpus / "en").is_dir():
        print(f"skipped: the cs231n corpus is not at {corpus} (it lives beside the checkout in ../shared)", file=sys.stderr)
        return 0
    sys.path.insert(0, str(REPO / "src"))
    from daeyeok.build import build
    from daeyeok.diagnostics import Severity
    from daeyeok.importer.run import ImportOptions, import_jekyll
    from daeyeok.loader import CACHE_DIR

    work = Path(tempfile.mkdtemp(prefix="daeyeok-import-bench-"))
    try:
        import_times, cold, warm = [], [], []
        site = work / "site-0"
        for i in range(args.runs):
            site = work / f"site-{i}"
            opts = ImportOptions(out=site, en=corpus / "en", ko=corpus / "ko", glossary=corpus / "ko" / "glossary.md", assets=corpus / "assets")
            t0 = time.perf_counter()
            result = import_jekyll(opts)
            import_times.append(time.perf_counter() - t0)
            if not result.written:
                print("import failed:", *[d.format() for d in result.report.diagnostics if d.severity is Severity.ERROR], sep="\n", file=sys.stderr)
                return 1
        if args.no_glossary:
            (site / "glossary.yml").unlink()
        from daeyeok import manifest

        last = None
        unchanged: list[float] = []
        warm_stats: dict[str, int] = {}
        for _ in range(args.runs):
            shutil.rmtree(site / CACHE_DIR, ignore_errors=True)
            t0 = time.perf_counter()
            last = build(site, site / "_site")
            cold.append(time.perf_counter() - t0)
            manifest.forget(site / CACHE_DIR)  # a full build again, with the formula and page caches kept
            t0 = time.perf_counter()
            warm_result = build(site, site / "_site")
            warm.append(time.perf_counter() - t0)
            warm_stats = warm_result.stats
            t0 = time.perf_counter()
            last = build(site, site / "_site")  # nothing changed: the manifest says the output stands
            unchanged.append(time.perf_counter() - t0)
        assert last is not None
        errors = sum(1 for d in last.diagnostics if d.severity is Severity.ERROR)
        totals = result.report.totals()
        print(
            f"corpus: {corpus} ({totals['pages_imported']} pages imported, {totals['formulas_inline'] + totals['formulas_display']} formulas, {totals['assets_copied']} assets)"
        )
        print(f"import:      median {statistics.median(import_times):.3f} s  (min {min(import_times):.3f}, runs {args.runs})")
        print(f"build cold:  median {statistics.median(cold):.3f} s  (min {min(cold):.3f}; {last.stats.get('pages', 0)} pages, cache emptied before each run)")
        print(
            f"build warm:  median {statistics.median(warm):.3f} s  (min {min(warm):.3f}; a full build with the caches kept: "
            f"{warm_stats.get('formulas_cached', 0)} formulas from the cache, {warm_stats.get('formulas_rendered', 0)} rendered)"
        )
        print(f"unchanged:   median {statistics.median(unchanged):.3f} s  (min {min(unchanged):.3f}; nothing changed, the previous output stands)")
        print(f"last build: {errors} errors, up to date: {last.up_to_date}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
