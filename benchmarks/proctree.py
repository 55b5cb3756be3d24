"""Where a command's memory and CPU go, process by process.

    .venv/bin/python benchmarks/proctree.py [--interval 0.2] -- daeyeok build -q

Runs the command and samples its process tree from /proc every ``--interval``
seconds: the sum of PSS (proportional set size: shared pages split between
the processes sharing them), and each process's CPU time (utime + stime, as
last seen alive).  Prints the wall time, the peak PSS of the tree with each
process's share at that moment, and the CPU seconds per process.  The
benchmark harness (benchmarks/run) reports only the tree's peak; this says
which process holds it (for the 10,000-page site: Pagefind and the build
process about half each, see BENCHMARKS.md).  Linux only.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time


def children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                found += [int(x) for x in f.read().split()]
    except OSError:
        pass
    return found


def tree(pid: int) -> list[int]:
    seen = [pid]
    i = 0
    while i < len(seen):
        seen += children(seen[i])
        i += 1
    return seen


def pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def command_line(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline") as f:
            return f.read().replace("\0", " ").strip()[:70] or "?"
    except OSError:
        return "?"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interval", type=float, default=0.2)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command to run")
    start = time.monotonic()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak: tuple[int, list[tuple[int, str]], float] = (0, [], 0.0)
    cpu: dict[int, tuple[float, str]] = {}
    while proc.poll() is None:
        pids = tree(proc.pid)
        for pid in pids:
            seconds = cpu_seconds(pid)
            if seconds is not None:
                cpu[pid] = (seconds, cpu[pid][1] if pid in cpu else command_line(pid))
        shares = [(pss_kib(pid), command_line(pid)) for pid in pids]
        total = sum(kib for kib, _ in shares)
        if total > peak[0]:
            peak = (total, shares, time.monotonic() - start)
        time.sleep(args.interval)
    print(f"exit {proc.returncode}; wall {time.monotonic() - start:.1f} s; peak tree PSS {peak[0] / 1024:.0f} MiB at {peak[2]:.1f} s")
    for kib, name in sorted(peak[1], reverse=True):
        print(f"  {kib / 1024:7.0f} MiB  {name}")
    print("CPU seconds by process (as last seen alive):")
    for seconds, name in sorted(cpu.values(), reverse=True):
        print(f"  {seconds:7.1f} s  {name}")
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
