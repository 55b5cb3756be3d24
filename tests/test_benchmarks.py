"""The benchmark harness works end to end (no timing thresholds: only that it measures and reports)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

from harness import report  # noqa: E402
from harness.corpora import Page, count_formulas, weave  # noqa: E402
from harness.startup import parse_importtime  # noqa: E402


def test_run_quick_sample_prints_a_table_with_numbers(tmp_path: Path) -> None:
    proc = subprocess.run(
        [str(REPO / "benchmarks" / "run"), "--quick", "--only", "sample", "--results-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("corpus") and "median s" in line and "pages/s" in line)
    rows = [line.split() for line in lines[header + 2 :] if line.startswith("sample")]
    assert {row[3] for row in rows} == {"cold", "warm", "edit"}
    for row in rows:
        assert row[2] == "daeyeok"
        assert float(row[4]) > 0  # median seconds
        assert float(row[8]) > 0  # peak MiB
    results = json.loads((tmp_path / "latest.json").read_text(encoding="utf-8"))
    assert results["corpora"][0]["name"] == "sample"
    assert len(results["corpora"][0]["tools"]["daeyeok"]["modes"]["cold"]["runs"]) == 1


def test_weave_makes_every_formula_and_line_unique_per_copy() -> None:
    body = "\n".join(
        [
            "## 절 {#s1}",
            "",
            "가중치 \\(w_i\\)를 쓴다. 또 \\[x^2\\] 도.",
            "",
            "$$",
            "L = \\sum_i L_i",
            "$$",
            "",
            "- 항목 $$a+b$$",
            "",
            "```python",
            "x = 1",
            "```",
            "",
            "| a | b |",
        ]
    )
    one, two = weave(Page("ko", "k", "제목", body), 1), weave(Page("ko", "k", "제목", body), 2)
    assert one.title != two.title
    assert "## 절 {#s1}" in one.body  # headings (and their pinned ids) untouched
    assert "| a | b |" in one.body
    diff = [(a, b) for a, b in zip(one.body.splitlines(), two.body.splitlines(), strict=True) if a != b]
    assert len(diff) == 4  # the prose line with its formulas, the $$ block, the list item, the code block
    assert "\\(w_i \\phantom{1}\\)" in one.body and "\\(w_i \\phantom{2}\\)" in two.body
    assert count_formulas([Page("ko", "k", "t", body)]) == count_formulas([one]) == 4


def test_importtime_parser_finds_importers() -> None:
    stderr = "\n".join(
        [
            "import time: self [us] | cumulative | imported package",
            "import time:       100 |        100 |     jinja2.utils",
            "import time:       200 |        300 |   jinja2",
            "import time:        50 |        350 | daeyeok.render",
        ]
    )
    entries = {e.name: e for e in parse_importtime(stderr)}
    assert entries["jinja2"].parent == "daeyeok.render"
    assert entries["jinja2.utils"].parent == "jinja2"
    assert entries["daeyeok.render"].depth == 0 and entries["daeyeok.render"].cumulative_us == 350


def test_markdown_section_is_replaced_in_place(tmp_path: Path) -> None:
    md = tmp_path / "BENCHMARKS.md"
    md.write_text(f"# B\n\nintro\n\n{report.MD_BEGIN}\nOLD-SECTION\n{report.MD_END}\n\nhow to reproduce\n", encoding="utf-8")
    mode = {"median_s": 2.0, "min_s": 1.9, "max_s": 2.5, "tree_peak_mib": 100.0, "maxrss_mib": 90.0, "runs": [{}] * 5}
    results = {
        "corpora": [
            {"name": "cs231n", "pages": 50, "tools": {"daeyeok": {"modes": {"cold": mode}}, "hugo": {"modes": {"cold": mode | {"median_s": 0.5}}}}},
        ]
    }
    report.write_markdown(md, results)
    text = md.read_text(encoding="utf-8")
    assert "OLD-SECTION" not in text and text.startswith("# B\n\nintro") and text.rstrip().endswith("how to reproduce")
    assert re.search(r"\| cs231n \| 50 \| hugo \| cold \| 0\.500 .*\| 4\.00× \|", text)
    assert "NOT MET**: cold build of cs231n ≤ 2× Hugo" in text
