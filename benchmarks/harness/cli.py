"""``benchmarks/run``: prepare the corpora, build each with every tool cold, warm and after a one-page edit."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from . import report
from .corpora import REPO, Corpus, prepare_cs231n, prepare_korean_copies, prepare_sample, prepare_synth
from .measure import Run, load_average, median, run_timed
from .startup import help_times, importtime
from .tools import DOES, Daeyeok, Hugo, Jekyll, MkDocs, Tool, count_html, tool_env

CORPORA = ("sample", "cs231n", "ko20x", "synth", "startup")
DAEYEOK_STATS = re.compile(r"built (\d+) pages .*\((\d+) formulas rendered, (\d+) from cache(?:; (\d+) outputs unchanged)?\)")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="benchmarks/run", description=__doc__)
    ap.add_argument("--runs", type=int, default=5, help="measured runs per tool, corpus and mode; the median is reported (default 5)")
    ap.add_argument("--synth-runs", type=int, default=None, help="runs for the synthetic corpora (default: --runs)")
    ap.add_argument("--quick", action="store_true", help="1 run, 2 copies of the Korean site, a 200-page synthetic site, 3 start-up runs")
    ap.add_argument("--only", default=",".join(CORPORA), help=f"comma-separated subset of {', '.join(CORPORA)} (default: all)")
    ap.add_argument("--copies", type=int, default=20, help="copies of the Korean cs231n site (default 20)")
    ap.add_argument("--synth-sizes", default="1000,4000,10000", help="synthetic site sizes in pages (default 1000,4000,10000)")
    ap.add_argument("--peers", default="jekyll,hugo,mkdocs", help="peers to measure where installed ('' for none)")
    ap.add_argument("--peers-on-synth", action="store_true", help="also build the synthetic sites with the peers")
    ap.add_argument("--no-install", action="store_true", help="do not pip-install mkdocs into the cache directory")
    ap.add_argument(
        "--cache", type=Path, default=Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "daeyeok-bench", help="where the mkdocs venv lives"
    )
    ap.add_argument(
        "--daeyeok",
        default=None,
        help="the daeyeok executable to measure (default: a snapshot of src/daeyeok taken at the start, run by .venv/bin/python, "
        "so edits to the checkout during the run change neither the code measured nor, through its fingerprint, the warm builds)",
    )
    ap.add_argument("--scratch", type=Path, default=None, help="work directory (default: a new temporary directory, removed afterwards)")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("--results-dir", type=Path, default=REPO / "benchmarks" / "results")
    ap.add_argument(
        "--write-md",
        nargs="?",
        const="",
        default=None,
        metavar="RESULTS_JSON",
        help="regenerate the marked section of BENCHMARKS.md (from this JSON, or from this run)",
    )
    ap.add_argument("--md", type=Path, default=REPO / "BENCHMARKS.md")
    args = ap.parse_args(argv)
    if args.quick:
        args.runs, args.copies, args.synth_sizes = 1, 2, "200"
    args.synth_runs = args.synth_runs or args.runs
    args.only = {x.strip() for x in args.only.split(",") if x.strip()}
    unknown = args.only - set(CORPORA)
    if unknown:
        ap.error(f"--only: unknown {', '.join(sorted(unknown))} (choose from {', '.join(CORPORA)})")
    return args


def log(msg: str) -> None:
    print(msg, flush=True)


def _mode(runs: list[Run]) -> dict[str, Any]:
    secs = [r.seconds for r in runs]
    return {
        "median_s": median(secs),
        "min_s": min(secs),
        "max_s": max(secs),
        "cpu_median_s": median([r.cpu_seconds for r in runs]),
        "tree_peak_mib": max(r.tree_peak_mib for r in runs),
        "maxrss_mib": max(r.maxrss_mib for r in runs),
        "runs": [r.as_dict() | {"output_tail": r.output_tail[-400:]} for r in runs],
        "load_after": list(load_average()),
    }


def edit_page(path: Path, n: int) -> None:
    """A one-page edit: a new paragraph at the end (each run adds a different one)."""
    with path.open("a", encoding="utf-8") as f:
        f.write(f"\n\n편집 {n}: 벤치마크가 덧붙인 문단이다 (edit number {n}).\n")


def bench(tool: Tool, corpus: Corpus, work: Path, runs: int) -> dict[str, Any]:
    """Cold (caches and output removed before each run), warm (nothing changed), edit (one page changed before each run)."""
    env = tool_env()
    site = tool.setup(corpus, work)
    result: dict[str, Any] = {"version": tool.version(), "does": DOES[tool.name], "modes": {}}
    edits = iter(range(1, runs + 1))
    plan = [("cold", tool.clean), ("warm", None), ("edit", lambda s: edit_page(tool.page_file(s, *corpus.edit), next(edits)))]
    for mode, before in plan:
        done: list[Run] = []
        for i in range(runs):
            if before is not None:
                before(site)
            run = run_timed(tool.command(site), env=env)
            if run.returncode != 0:
                result["error"] = f"{mode} run {i + 1} exited {run.returncode}: {run.output_tail[-1500:]}"
                log(f"    {tool.name} {mode}: FAILED\n{run.output_tail}")
                return result
            done.append(run)
            log(
                f"    {tool.name:8} {mode:5} run {i + 1}/{runs}: {run.seconds:7.3f} s  cpu {run.cpu_seconds:7.2f} s  peak {run.tree_peak_mib:6.0f} MiB  load {load_average()[0]:.2f}"
            )
        result["modes"][mode] = _mode(done)
    result["html_files"] = count_html(tool.output(site))
    if tool.name == "daeyeok":
        stats = {}
        for mode in ("cold", "warm", "edit"):
            m = DAEYEOK_STATS.search(result["modes"][mode]["runs"][-1]["output_tail"])
            if m:
                stats[mode] = (
                    f"{m.group(1)} pages, {m.group(2)} formulas rendered, {m.group(3)} from cache, {m.group(4) or 0} pages and parallel views from the page cache"
                )
        result["stats"] = "; ".join(f"{k}: {v}" for k, v in stats.items()) + f"; {result['html_files']} HTML files"
    else:
        result["stats"] = f"{result['html_files']} HTML files"
    return result


def run_corpus(corpus: Corpus, tools: list[Tool], skipped: dict[str, str], work: Path, runs: int) -> dict[str, Any]:
    entry: dict[str, Any] = corpus.as_dict() | {"tools": {}, "load_before": list(load_average())}
    if corpus.unavailable:
        log(f"  {corpus.name}: UNAVAILABLE: {corpus.unavailable}")
        return entry
    log(f"  {corpus.name}: {corpus.page_count} pages, {entry['formulas']} formulas; load average {load_average()[0]:.2f}")
    for note in corpus.notes:
        log(f"    · {note}")
    for tool in tools:
        if tool.name != "daeyeok" and not corpus.peers:
            continue
        if tool.name in skipped:
            entry["tools"][tool.name] = {"skipped": skipped[tool.name]}
            continue
        entry["tools"][tool.name] = bench(tool, corpus, work, runs)
    return entry


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.write_md is not None and args.write_md != "":
        results = json.loads(Path(args.write_md).read_text(encoding="utf-8"))
        report.write_markdown(args.md, results)
        print(f"wrote the results section of {args.md} from {args.write_md}")
        return 0
    scratch = args.scratch or Path(tempfile.mkdtemp(prefix="daeyeok-bench-"))
    scratch.mkdir(parents=True, exist_ok=True)
    if REPO in scratch.resolve().parents or scratch.resolve() == REPO:
        print("--scratch must be outside the repository", file=sys.stderr)
        return 2
    if args.daeyeok is None:
        args.daeyeok = str(snapshot_daeyeok(scratch))
    if not Path(args.daeyeok).exists():
        print(f"daeyeok not found at {args.daeyeok} (make setup, or pass --daeyeok)", file=sys.stderr)
        return 2
    started = time.strftime("%Y-%m-%d %H:%M:%S")
    results: dict[str, Any] = {
        "started": started,
        "command": "benchmarks/run " + " ".join(argv if argv is not None else sys.argv[1:]),
        "settings": {"runs": args.runs, "synth_runs": args.synth_runs, "copies": args.copies, "synth_sizes": args.synth_sizes, "only": sorted(args.only)},
        "environment": {"cpus": os.cpu_count(), "load_before": [round(x, 2) for x in load_average()], "scratch": str(scratch)},
        "corpora": [],
    }
    log(f"benchmarks in {scratch}; load average {load_average()[0]:.2f} on {os.cpu_count()} cores")
    args.results_dir.mkdir(parents=True, exist_ok=True)
    out = args.results_dir / f"results-{started.replace(' ', 'T').replace(':', '')}.json"

    def add(entry: dict[str, Any]) -> None:
        """Keep each corpus's results on disk as soon as it is done (``partial`` until the run ends)."""
        results["corpora"].append(entry)
        out.write_text(json.dumps(results | {"partial": True}, ensure_ascii=False, indent=1), encoding="utf-8")

    try:
        daeyeok = Daeyeok(args.daeyeok)
        tools: list[Tool] = [daeyeok]
        skipped: dict[str, str] = {}
        peers = {x.strip() for x in args.peers.split(",") if x.strip()}
        if args.only & {"cs231n", "ko20x"} or (args.peers_on_synth and "synth" in args.only):
            for peer in (Jekyll(), Hugo(), MkDocs(args.cache, install=not args.no_install)):
                if peer.name not in peers:
                    continue
                reason = peer.unavailable()
                if reason:
                    skipped[peer.name] = reason
                    log(f"  skipping {peer.name}: {reason}")
                tools.append(peer)
        results["versions"] = {t.name: t.version() for t in tools if t.name not in skipped}
        results["skipped"] = skipped
        if "startup" in args.only:
            results["startup"] = measure_startup(args, scratch)
            log(report.startup_text(results))
        if "sample" in args.only:
            c = prepare_sample(scratch)
            c.peers = False
            add(run_corpus(c, tools, skipped, scratch, args.runs))
        if args.only & {"cs231n", "ko20x"}:
            cs = prepare_cs231n(scratch, args.daeyeok)
            if "cs231n" in args.only:
                add(run_corpus(cs, tools, skipped, scratch, args.runs))
            if "ko20x" in args.only:
                many = prepare_korean_copies(scratch, cs, args.copies, args.daeyeok)
                add(run_corpus(many, tools, skipped, scratch, args.runs))
        if "synth" in args.only:
            for size in sorted(int(s) for s in args.synth_sizes.split(",") if s.strip()):
                c = prepare_synth(scratch, size, args.peers_on_synth)
                add(run_corpus(c, tools, skipped, scratch, args.synth_runs))
                shutil.rmtree(c.site or scratch / "none", ignore_errors=True)
    finally:
        if not args.keep and args.scratch is None:
            shutil.rmtree(scratch, ignore_errors=True)
    results["environment"]["load_after"] = [round(x, 2) for x in load_average()]
    results["finished"] = time.strftime("%Y-%m-%d %H:%M:%S")
    out.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    (args.results_dir / "latest.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    log("\n" + report.table(results))
    log("\nTargets:\n" + report.targets_text(results))
    log("\nCorpora:\n" + report.corpora_text(results))
    if results.get("startup"):
        log("\nStart-up:\n" + report.startup_text(results))
    log(f"\nresults: {out}")
    if args.write_md is not None:
        report.write_markdown(args.md, results)
        log(f"wrote the results section of {args.md}")
    return 0


def snapshot_daeyeok(scratch: Path) -> Path:
    """Copy src/daeyeok (working tree, vendored KaTeX included) and return a launcher that runs that copy."""
    python = REPO / ".venv" / "bin" / "python"
    src = scratch / "daeyeok-snapshot"
    shutil.copytree(REPO / "src" / "daeyeok", src / "daeyeok", ignore=shutil.ignore_patterns("__pycache__"))
    launcher = scratch / "bin" / "daeyeok"
    launcher.parent.mkdir(parents=True, exist_ok=True)
    launcher.write_text(f'#!/bin/sh\nPYTHONPATH="{src}" exec "{python}" -m daeyeok "$@"\n', encoding="utf-8")
    launcher.chmod(0o755)
    return launcher


def measure_startup(args: argparse.Namespace, scratch: Path) -> dict[str, Any]:
    runs = 3 if args.quick else 10
    log(f"  start-up: --help commands, median of {runs}")
    out: dict[str, Any] = {"help": help_times(args.daeyeok, runs)}
    site = scratch / "startup-sample"
    if not site.exists():
        c = prepare_sample(scratch / "startup")
        site = c.site or site
    python = str(REPO / ".venv" / "bin" / "python")
    check = [args.daeyeok, "check", "--site", str(site)]
    times = [run_timed(check).seconds for _ in range(3 if args.quick else 5)]
    out["check_run"] = {"command": "daeyeok check --site <sample course>", "median_ms": median(times) * 1000, "runs": len(times)}
    snapshot = scratch / "daeyeok-snapshot"
    env = dict(os.environ, PYTHONPATH=str(snapshot)) if snapshot.is_dir() else None
    out["importtime"] = importtime(python, ["check", "--site", str(site)], env=env)
    return out
