"""Golden output: the whole built tree of tests/sites/golden compared with expected/ (Pelican-style).

Files the build copies verbatim (the theme's static files, KaTeX's CSS and fonts) are not kept in
expected/: they are compared with their sources instead, so a theme edit needs no second copy.
After an intended change to the output, regenerate and review the diff:
    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path

from daeyeok.build import build
from daeyeok.loader import THEME_DIR
from daeyeok.mathrender import KatexEngine, katex_available

GOLDEN = Path(__file__).parent / "sites" / "golden"


def verbatim_sources() -> dict[str, Path]:
    """Output path -> source of every file the build copies unchanged from daeyeok itself."""
    static = THEME_DIR / "static"
    sources = {p.relative_to(static).as_posix(): p for p in sorted(static.rglob("*")) if p.is_file()}
    if katex_available():
        sources.update(KatexEngine().asset_files())
    return sources


def tree(root: Path, skip: set[str]) -> dict[str, bytes]:
    return {rel: p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file() and (rel := p.relative_to(root).as_posix()) not in skip}


def test_golden_site(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = build(GOLDEN / "site", out, use_cache=False, strict=True)
    assert result.ok(strict=True), [d.format() for d in result.diagnostics]
    expected_dir = GOLDEN / "expected"
    verbatim = verbatim_sources()
    assert katex_available(), "make setup vendors KaTeX"
    for rel, source in verbatim.items():
        assert (out / rel).read_bytes() == source.read_bytes(), f"{rel} is not a verbatim copy of {source}"
    if os.environ.get("UPDATE_GOLDEN"):
        shutil.rmtree(expected_dir, ignore_errors=True)
        for rel, data in tree(out, set(verbatim)).items():
            (expected_dir / rel).parent.mkdir(parents=True, exist_ok=True)
            (expected_dir / rel).write_bytes(data)
    actual, expected = tree(out, set(verbatim)), tree(expected_dir, set())
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
