"""Long fuzz run of the Markdown pipeline properties (fuzz/properties.py).

    .venv/bin/python fuzz/run.py --minutes 10

Runs Hypothesis in rounds until the time is up and prints how many inputs
were tried and any failure (with the smallest failing example Hypothesis
found). The result of the last recorded run is in RELIABILITY.md.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))
from properties import ALPHABET, check_markdown, check_yaml

COUNTS = {"markdown": 0, "unicode": 0, "yaml": 0}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--examples-per-round", type=int, default=2000)
    args = ap.parse_args()
    cfg = settings(max_examples=args.examples_per_round, deadline=None, suppress_health_check=list(HealthCheck), database=None)

    @cfg
    @given(st.text(alphabet=ALPHABET, max_size=2000))
    def markdown(text: str) -> None:
        COUNTS["markdown"] += 1
        check_markdown(text)

    @cfg
    @given(st.text(max_size=1000))
    def unicode(text: str) -> None:
        COUNTS["unicode"] += 1
        check_markdown(text)

    @cfg
    @given(st.text(alphabet="abc: -[]{}&*!|>'\"\n#?,%@`", max_size=500))
    def yaml(text: str) -> None:
        COUNTS["yaml"] += 1
        check_yaml(text)

    started = time.monotonic()
    deadline = started + args.minutes * 60
    rounds = 0
    failures = 0
    while time.monotonic() < deadline:
        for prop in (markdown, unicode, yaml):
            try:
                prop()
            except Exception as exc:  # a property failed: report it and keep fuzzing the others
                failures += 1
                print(f"FAILURE in {prop.__name__}: {type(exc).__name__}: {str(exc)[:2000]}", flush=True)
        rounds += 1
        elapsed = time.monotonic() - started
        print(f"round {rounds}: {elapsed:.0f} s, inputs so far {COUNTS}", flush=True)
    total = sum(COUNTS.values())
    print(f"done: {time.monotonic() - started:.0f} s, {total} inputs ({COUNTS}), {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
