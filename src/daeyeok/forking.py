"""Work shared with forked children: ``fork`` a child that runs a function and pickles its answer
through a pipe, ``collect`` the answer.

The glossary checks (:mod:`daeyeok.terms.runner`) and the page rendering
(:mod:`daeyeok.build`) are pure CPU over independent pages, and a fork starts
in milliseconds with everything already parsed, where ``multiprocessing``
would pickle the site to each worker.  Only a caller without threads may fork
(a fork copies only the calling thread: a lock held by another one would stay
held in the child), so :func:`can_fork` says whether to.  A child that fails
sends nothing usable and the caller does its share itself: a fork problem
costs time, never a result.
"""

from __future__ import annotations

import os
import pickle
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


def can_fork() -> bool:
    return hasattr(os, "fork") and threading.active_count() == 1


@dataclass(frozen=True)
class Child:
    pid: int
    pipe: int  # read end


def fork(work: Callable[[], Any]) -> Child:
    """A child running ``work()`` and writing its pickled answer to a pipe; it leaves with
    ``os._exit`` (no cleanup of state it shares with this process)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.close(read_end)
            with os.fdopen(write_end, "wb") as out:
                pickle.dump(work(), out, protocol=pickle.HIGHEST_PROTOCOL)
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    return Child(pid, read_end)


def collect(child: Child) -> Any | None:
    """The child's answer, or ``None`` when it failed (it died, or its answer is cut short)."""
    with os.fdopen(child.pipe, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(child.pid, 0)
    if status != 0:
        return None
    try:
        return pickle.loads(data)
    except Exception:  # a truncated answer: the child died while writing
        return None


def deal(sizes: Sequence[int], weights: Sequence[float]) -> list[list[int]]:
    """Indexes of ``sizes`` in one share per weight, each share's total about its weight's part:
    largest first, each to the share furthest below its part."""
    shares: list[list[int]] = [[] for _ in weights]
    totals = [0.0] * len(weights)
    for i in sorted(range(len(sizes)), key=lambda i: -sizes[i]):
        lightest = min(range(len(weights)), key=lambda s: (totals[s] / weights[s], s))
        shares[lightest].append(i)
        totals[lightest] += sizes[i]
    return shares
