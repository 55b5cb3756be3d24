"""Run one command and measure it: wall time, peak memory of its whole process tree.

Memory is measured two ways, because a process pool makes them differ:

- ``tree_peak_mib``: the largest sum of PSS (proportional set size, from
  ``/proc/PID/smaps_rollup``) over the command and all its descendants, sampled
  every ``SAMPLE_SECONDS``. PSS splits pages shared between forked workers, so
  the sum is what the tree really occupies. A spike shorter than one sample can
  be missed.
- ``maxrss_mib``: ``ru_maxrss`` from ``os.wait4``: the largest RSS of any single
  process in the tree (the kernel keeps the maximum, not the sum).

``cpu_seconds`` (user + system, from the same ``wait4``) is reported beside the wall
time: on a machine other people are using, it moves less than the wall time does.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

SAMPLE_SECONDS = 0.05


@dataclass
class Run:
    seconds: float
    tree_peak_mib: float
    maxrss_mib: float
    returncode: int
    output_tail: str
    cpu_seconds: float = 0.0  # user + system time of the command and its waited-for descendants

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        # the command name may contain spaces and parentheses: fields start after the last ')'
        fields = stat[stat.rfind(b")") + 2 :].split()
        if len(fields) > 1:
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    return children


def _pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def tree_pss_kib(root: int) -> int:
    """Sum of PSS over ``root`` and every descendant alive right now."""
    children = _children_map()
    total, stack, seen = 0, [root], set()
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += _pss_kib(pid)
        stack.extend(children.get(pid, ()))
    return total


class _Sampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kib = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            self.peak_kib = max(self.peak_kib, tree_pss_kib(self.pid))
            self.stop.wait(SAMPLE_SECONDS)


def run_timed(cmd: Sequence[str], *, cwd: Path | None = None, env: Mapping[str, str] | None = None) -> Run:
    """Run ``cmd`` to completion; its output goes to a temp file (kept as a tail for error messages)."""
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        proc = subprocess.Popen(list(cmd), cwd=cwd, env=dict(env) if env is not None else None, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        sampler = _Sampler(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        sampler.stop.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    tail = "\n".join(text.strip().splitlines()[-15:])
    return Run(seconds, sampler.peak_kib / 1024, usage.ru_maxrss / 1024, proc.returncode, tail, usage.ru_utime + usage.ru_stime)


def run_checked(cmd: Sequence[str], *, cwd: Path | None = None, env: Mapping[str, str] | None = None) -> Run:
    run = run_timed(cmd, cwd=cwd, env=env)
    if run.returncode != 0:
        raise CommandFailed(cmd, run)
    return run


class CommandFailed(RuntimeError):
    def __init__(self, cmd: Sequence[str], run: Run) -> None:
        super().__init__(f"{' '.join(map(str, cmd))} exited {run.returncode}:\n{run.output_tail}")
        self.run = run


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def load_average() -> tuple[float, float, float]:
    return os.getloadavg()
