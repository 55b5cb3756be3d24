"""Tables, ratios and targets from a results dictionary; the marked section of BENCHMARKS.md."""

from __future__ import annotations

from pathlib import Path
from typing import Any

MD_BEGIN = "<!-- benchmarks/run results: begin (generated; regenerate with benchmarks/run --write-md) -->"
MD_END = "<!-- benchmarks/run results: end -->"
MODES = ("cold", "warm", "edit")
# Reference figures from the performance issue (this machine, 2 cores), used only when the peer was not measured.
REFERENCE = {("cs231n", "hugo"): 0.26, ("ko20x", "hugo"): 1.47, ("ko20x", "jekyll"): 6.1, ("ko20x", "mkdocs"): 12.6, ("cs231n", "mkdocs"): 1.30}


def _fmt(x: float | None, digits: int = 2) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def rows(results: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per corpus × tool × mode, with the daeyeok/tool ratio of the same corpus and mode."""
    out: list[dict[str, Any]] = []
    for corpus in results.get("corpora", []):
        if corpus.get("unavailable"):
            continue
        tools = corpus.get("tools", {})
        ours = tools.get("daeyeok", {}).get("modes", {})
        for name, tool in tools.items():
            for mode in MODES:
                m = tool.get("modes", {}).get(mode)
                if not m or m.get("median_s") is None:
                    continue
                ratio = None
                if name != "daeyeok" and ours.get(mode, {}).get("median_s"):
                    ratio = ours[mode]["median_s"] / m["median_s"]
                out.append(
                    {
                        "corpus": corpus["name"],
                        "pages": corpus["pages"],
                        "tool": name,
                        "mode": mode,
                        "median_s": m["median_s"],
                        "min_s": m["min_s"],
                        "max_s": m["max_s"],
                        "runs": len(m["runs"]),
                        "cpu_s": m.get("cpu_median_s"),
                        "peak_mib": max(m["tree_peak_mib"], m["maxrss_mib"]),
                        "maxrss_mib": m["maxrss_mib"],
                        "pages_per_s": corpus["pages"] / m["median_s"],
                        "s_per_1000": m["median_s"] * 1000 / corpus["pages"],
                        "ratio": ratio,
                    }
                )
    return out


def table(results: dict[str, Any], markdown: bool = False) -> str:
    head = ["corpus", "pages", "tool", "mode", "median s", "min–max s", "runs", "cpu s", "peak MiB", "pages/s", "s/1000 pages", "daeyeok/tool"]
    body = [
        [
            r["corpus"],
            str(r["pages"]),
            r["tool"],
            r["mode"],
            _fmt(r["median_s"], 3),
            f"{r['min_s']:.2f}–{r['max_s']:.2f}",
            str(r["runs"]),
            _fmt(r["cpu_s"], 2),
            f"{r['peak_mib']:.0f}",
            f"{r['pages_per_s']:.0f}",
            _fmt(r["s_per_1000"], 2),
            "" if r["ratio"] is None else f"{r['ratio']:.2f}×",
        ]
        for r in rows(results)
    ]
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---:" if i in (1, 4, 6, 7, 8, 9, 10, 11) else "---" for i in range(len(head))) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in body]
        return "\n".join(lines)
    widths = [max(len(h), *(len(row[i]) for row in body)) if body else len(h) for i, h in enumerate(head)]
    fmt = "  ".join(f"{{:{'>' if i in (1, 4, 6, 7, 8, 9, 10, 11) else '<'}{w}}}" for i, w in enumerate(widths))
    return "\n".join([fmt.format(*head), fmt.format(*("-" * w for w in widths)), *(fmt.format(*row) for row in body)])


def _median(results: dict[str, Any], corpus: str, tool: str, mode: str) -> float | None:
    for c in results.get("corpora", []):
        if c["name"] == corpus and not c.get("unavailable"):
            m = c.get("tools", {}).get(tool, {}).get("modes", {}).get(mode)
            return m.get("median_s") if m else None
    return None


def _peak(results: dict[str, Any], corpus: str, tool: str, mode: str) -> float | None:
    for c in results.get("corpora", []):
        if c["name"] == corpus and not c.get("unavailable"):
            m = c.get("tools", {}).get(tool, {}).get("modes", {}).get(mode)
            return m.get("tree_peak_mib") if m else None
    return None


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """The issue's targets, each with the figures it was judged on; ``met`` is None when not measured."""
    out: list[dict[str, Any]] = []
    copies = results.get("settings", {}).get("copies", 20)
    many = f"ko{copies}x"

    def hugo(corpus: str, mode: str) -> tuple[float | None, str]:
        measured = _median(results, corpus, "hugo", mode)
        if measured is not None:
            return measured, f"Hugo {mode} measured {measured:.3f} s"
        ref = REFERENCE.get((corpus.replace(many, "ko20x"), "hugo")) if copies == 20 else None
        return ref, (f"Hugo reference figure {ref} s (not measured in this run)" if ref else "Hugo not measured")

    ours, (theirs, how) = _median(results, "cs231n", "daeyeok", "warm"), hugo("cs231n", "warm")
    out.append(_target("warm full build of cs231n ≤ Hugo's time", ours, theirs, 1.0, f"daeyeok warm {_fmt(ours, 3)} s; {how}"))
    ours, (theirs, how) = _median(results, "cs231n", "daeyeok", "cold"), hugo("cs231n", "cold")
    out.append(_target("cold build of cs231n ≤ 2× Hugo", ours, theirs, 2.0, f"daeyeok cold {_fmt(ours, 3)} s; {how}"))
    ours, (theirs, how) = _median(results, many, "daeyeok", "cold"), hugo(many, "cold")
    out.append(_target(f"{copies}× Korean ≤ Hugo's {copies}× (cold vs cold)", ours, theirs, 1.0, f"daeyeok cold {_fmt(ours, 3)} s; {how}"))
    ours_w, (theirs_w, how_w) = _median(results, many, "daeyeok", "warm"), hugo(many, "warm")
    out.append(
        _target(f"{copies}× Korean ≤ Hugo's {copies}× (warm vs warm, for information)", ours_w, theirs_w, 1.0, f"daeyeok warm {_fmt(ours_w, 3)} s; {how_w}")
    )
    synths = sorted((c for c in results.get("corpora", []) if c["name"].startswith("synth") and not c.get("unavailable")), key=lambda c: c["pages"])
    big = next((c for c in synths if c["pages"] >= 10000), None)
    if big is not None:
        cold, peak = _median(results, big["name"], "daeyeok", "cold"), _peak(results, big["name"], "daeyeok", "cold")
        met = None if cold is None or peak is None else cold <= 30 and peak <= 1024
        out.append(
            {
                "target": f"{big['pages']:,} pages ≤ 30 s cold with ≤ 1 GiB peak memory",
                "met": met,
                "detail": f"cold {_fmt(cold)} s, peak {_fmt(peak, 0)} MiB (process tree PSS)",
            }
        )
    else:
        out.append({"target": "10,000 pages ≤ 30 s cold with ≤ 1 GiB peak memory", "met": None, "detail": "no 10,000-page corpus in this run"})
    per_k = [(c["pages"], _median(results, c["name"], "daeyeok", "cold")) for c in synths]
    per_k = [(n, s * 1000 / n) for n, s in per_k if s is not None]
    if len(per_k) >= 2:
        growth = per_k[-1][1] / per_k[0][1]
        detail = ", ".join(f"{n:,} pages: {s:.2f} s/1000" for n, s in per_k) + f"; largest/smallest = {growth:.2f} (linear or better: ≤ 1.20)"
        out.append({"target": "cost linear in pages (cold s per 1,000 pages)", "met": growth <= 1.20, "detail": detail})
    else:
        out.append({"target": "cost linear in pages (cold s per 1,000 pages)", "met": None, "detail": "needs two synthetic sizes"})
    startup = results.get("startup", {}).get("help", {})
    for cmd in ("daeyeok build --help", "daeyeok check --help"):
        ms = startup.get(cmd, {}).get("median_ms")
        out.append({"target": f"`{cmd}` starts in ≤ 150 ms", "met": None if ms is None else ms <= 150, "detail": f"median {_fmt(ms, 1)} ms"})
    return out


def _target(name: str, ours: float | None, theirs: float | None, factor: float, detail: str) -> dict[str, Any]:
    met = None if ours is None or theirs is None else ours <= factor * theirs
    return {"target": name, "met": met, "detail": detail + ("" if met is None else f"; ratio {ours / theirs:.2f}" if ours and theirs else "")}


def targets_text(results: dict[str, Any], markdown: bool = False) -> str:
    lines = []
    for t in targets(results):
        mark = {True: "MET", False: "NOT MET", None: "not measured"}[t["met"]]
        lines.append(f"- **{mark}**: {t['target']} ({t['detail']})" if markdown else f"  [{mark:^12}] {t['target']}: {t['detail']}")
    return "\n".join(lines)


def startup_text(results: dict[str, Any], markdown: bool = False) -> str:
    s = results.get("startup")
    if not s:
        return "start-up not measured in this run"
    lines = []
    bullet = "- " if markdown else "  "
    for cmd, v in s.get("help", {}).items():
        lines.append(f"{bullet}`{cmd}`: median {v['median_ms']:.0f} ms (min {v['min_ms']:.0f} ms, {v['runs']} runs)")
    if "check_run" in s:
        v = s["check_run"]
        lines.append(f"{bullet}`{v['command']}`: median {v['median_ms']:.0f} ms ({v['runs']} runs)")
    it = s.get("importtime", {})
    if it:
        lines.append(
            f"{bullet}`{it['command']}`: {it['total_ms']:.0f} ms of imports, {it['modules']} modules. Heaviest imports made by daeyeok modules (cumulative):"
        )
        for e in it["third_party_by_importer"][:12]:
            lines.append(f"    {e['module']:<28} {e['cumulative_ms']:7.1f} ms  ← {e['imported_by']}")
        lines.append(f"{bullet}daeyeok modules by own import time:")
        for e in it["daeyeok_modules_self"][:8]:
            lines.append(f"    {e['module']:<28} {e['self_ms']:7.1f} ms self, {e['cumulative_ms']:.1f} ms cumulative")
    return "\n".join(lines)


def corpora_text(results: dict[str, Any], markdown: bool = False) -> str:
    lines = []
    bullet = "- " if markdown else "  "
    for c in results.get("corpora", []):
        if c.get("unavailable"):
            lines.append(f"{bullet}{c['name']}: UNAVAILABLE: {c['unavailable']}")
            continue
        lines.append(
            f"{bullet}{c['name']}: {c.get('description', '')}; {c['pages']} pages {c.get('pages_by_language', '')}, {c.get('formulas', '?')} formula occurrences in the Markdown, one-page edit: {c.get('edit', '?')}"
        )
        for note in c.get("notes", []):
            lines.append(f"    - {note}" if markdown else f"      · {note}")
        for name, tool in c.get("tools", {}).items():
            if tool.get("skipped") or tool.get("error"):
                lines.append(
                    f"    - {name}: {tool.get('skipped') or 'FAILED: ' + str(tool.get('error'))}"
                    if markdown
                    else f"      {name}: {tool.get('skipped') or 'FAILED: ' + str(tool.get('error'))}"
                )
            elif tool.get("stats"):
                lines.append(("    - " if markdown else "      ") + f"{name}: {tool['stats']}")
    return "\n".join(lines)


def markdown_section(results: dict[str, Any]) -> str:
    env = results.get("environment", {})
    parts = [
        MD_BEGIN,
        "",
        f"Run of {results.get('started', '?')}: `{results.get('command', '')}` on {env.get('cpus', '?')} cores, "
        f"load average {env.get('load_before', '?')} before and {env.get('load_after', '?')} after "
        "(other engineers were working on the machine; figures are medians, see min–max)."
        + (" PARTIAL: the run did not finish; only the corpora below were measured." if results.get("partial") else ""),
        "",
        "Versions: " + "; ".join(f"{k} {v}" for k, v in results.get("versions", {}).items()),
        "",
        table(results, markdown=True),
        "",
        "Targets:",
        "",
        targets_text(results, markdown=True),
        "",
        "Corpora and adjustments:",
        "",
        corpora_text(results, markdown=True),
        "",
        "Start-up:",
        "",
        startup_text(results, markdown=True),
        "",
        MD_END,
    ]
    return "\n".join(parts)


def write_markdown(path: Path, results: dict[str, Any]) -> None:
    section = markdown_section(results)
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n\n"
    if MD_BEGIN in text and MD_END in text:
        before, rest = text.split(MD_BEGIN, 1)
        after = rest.split(MD_END, 1)[1]
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")
