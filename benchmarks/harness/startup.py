"""Start-up: wall time of ``--help`` commands, and ``python -X importtime`` offenders for ``daeyeok check``."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from .measure import median, run_timed

REPO_PYTHON = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "python"


def help_times(exe: str, runs: int) -> dict[str, dict[str, float]]:
    """``--help`` wall times, and the bare interpreter's start (``python -c pass``) as the floor they stand on."""
    out: dict[str, dict[str, float]] = {}
    python = str(REPO_PYTHON)
    for label, cmd in [("python -c pass (the floor)", [python, "-c", "pass"])] + [
        (" ".join(["daeyeok", *a, "--help"]), [exe, *a, "--help"]) for a in ([], ["build"], ["check"])
    ]:
        times = []
        for _ in range(runs):
            run = run_timed(cmd)
            if run.returncode != 0:
                raise RuntimeError(f"{' '.join(cmd)} exited {run.returncode}: {run.output_tail}")
            times.append(run.seconds)
        out[label] = {"median_ms": median(times) * 1000, "min_ms": min(times) * 1000, "runs": runs}
    return out


@dataclass
class Import:
    name: str
    self_us: int
    cumulative_us: int
    depth: int
    parent: str | None = None


def parse_importtime(stderr: str) -> list[Import]:
    """The ``-X importtime`` lines, with each module's importer (the output is post-order: children first)."""
    entries: list[Import] = []
    stack: list[Import] = []
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "imported package" in line:
            continue
        try:
            self_us, cum, name = line[len("import time:") :].split("|", 2)
            int(self_us), int(cum)
        except ValueError:
            continue
        depth = (len(name) - len(name.lstrip(" ")) - 1) // 2
        entry = Import(name.strip(), int(self_us), int(cum), depth)
        while stack and stack[-1].depth > depth:
            stack.pop().parent = entry.name
        stack.append(entry)
        entries.append(entry)
    return entries


def importtime(python: str, args: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> dict[str, object]:
    proc = subprocess.run([python, "-X", "importtime", "-m", "daeyeok", *args], capture_output=True, text=True, cwd=cwd, env=env)
    entries = parse_importtime(proc.stderr)
    top_level = [e for e in entries if e.depth == 0]
    by_daeyeok = sorted(
        (e for e in entries if e.parent and e.parent.startswith("daeyeok") and not e.name.startswith("daeyeok")), key=lambda e: -e.cumulative_us
    )
    own = sorted((e for e in entries if e.name.startswith("daeyeok")), key=lambda e: -e.self_us)
    return {
        "command": "python -X importtime -m daeyeok " + " ".join(args),
        "exit_code": proc.returncode,
        "total_ms": sum(e.cumulative_us for e in top_level) / 1000,
        "modules": len(entries),
        "third_party_by_importer": [{"module": e.name, "imported_by": e.parent, "cumulative_ms": e.cumulative_us / 1000} for e in by_daeyeok[:15]],
        "daeyeok_modules_self": [{"module": e.name, "self_ms": e.self_us / 1000, "cumulative_ms": e.cumulative_us / 1000} for e in own[:10]],
        "top_level": [{"module": e.name, "cumulative_ms": e.cumulative_us / 1000} for e in sorted(top_level, key=lambda e: -e.cumulative_us)[:10]],
    }
