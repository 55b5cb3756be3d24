"""Golden output: the whole built tree of tests/sites/golden compared with expected/ (Pelican-style).

After an intended change to the output, regenerate and review the diff:
    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path

from daeyeok.build import build

GOLDEN = Path(__file__).parent / "sites" / "golden"


FONTS = "assets/katex/fonts/"


def tree(root: Path) -> dict[str, bytes]:
    """Every output file but KaTeX's binary fonts, which are copied verbatim and checked by count."""
    return {rel: p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file() and not (rel := p.relative_to(root).as_posix()).startswith(FONTS)}


def test_golden_site(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = build(GOLDEN / "site", out, use_cache=False, strict=True)
    assert result.ok(strict=True), [d.format() for d in result.diagnostics]
    expected_dir = GOLDEN / "expected"
    if os.environ.get("UPDATE_GOLDEN"):
        shutil.rmtree(expected_dir, ignore_errors=True)
        shutil.copytree(out, expected_dir, ignore=lambda d, names: names if d.endswith("katex/fonts") else [])
    actual, expected = tree(out), tree(expected_dir)
    assert len(list((out / FONTS).glob("*.woff2"))) == 20, "KaTeX's 20 woff2 fonts are copied"
    assert sorted(actual) == sorted(expected), "the set of output files changed"
    for rel in sorted(expected):
        if actual[rel] != expected[rel]:
            diff = "\n".join(
                difflib.unified_diff(
                    expected[rel].decode("utf-8", "replace").splitlines(),
                    actual[rel].decode("utf-8", "replace").splitlines(),
                    f"expected/{rel}",
                    f"actual/{rel}",
                    lineterm="",
                )
            )
            raise AssertionError(f"{rel} differs from the golden copy:\n{diff[:4000]}")
