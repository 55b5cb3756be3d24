"""KaTeX in worker processes (daeyeok.mathpool): the same site, byte for byte, as typesetting in the build."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

import daeyeok.mathpool as mathpool
from conftest import page
from daeyeok.build import build
from daeyeok.mathrender import KatexEngine, MathCache, MathRenderer, katex_available, katex_dir, prepare_tex

pytestmark = pytest.mark.skipif(not katex_available(), reason="KaTeX assets not vendored (make setup)")

BODY = "".join(f"식 $x_{{{i}}}^2 + \\frac{{a}}{{{i + 1}}}$ 과\n\n$$\\sum_{{k={i}}}^n k \\\\ y_{i}$$\n\n" for i in range(12)) + "틀린 식 $\\frac{{1}$.\n"


def site(make_site) -> Path:  # type: ignore[no-untyped-def]
    return make_site({"content/ko/a.md": page("수식", BODY), "content/en/a.md": page("Math", BODY.replace("식", "Formula"))})


def built(root: Path) -> tuple[dict[str, bytes], list[str], dict[str, object]]:
    result = build(root, write=False, use_cache=False)
    return result.files, [d.format() for d in result.diagnostics], dict(result.stats)


def test_pool_typesets_what_the_build_would(make_site, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    root = site(make_site)
    serial = built(root)
    started: list[int] = []
    real = mathpool.MathPool.__init__

    def spy(self, formulas, assets, workers=None):  # type: ignore[no-untyped-def]
        started.append(len(formulas))
        real(self, formulas, assets, workers)

    monkeypatch.setattr(mathpool, "MIN_FORMULAS", 1)
    monkeypatch.setattr(mathpool.MathPool, "__init__", spy)
    pooled = built(root)
    assert started == [25]  # 12 inline + 12 display + 1 invalid; the English page repeats them
    assert pooled == serial
    assert any("error math" in d for d in pooled[1])  # the invalid formula is reported the same way


def test_a_failing_worker_costs_time_not_results(make_site, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    root = site(make_site)
    serial = built(root)
    monkeypatch.setattr(mathpool, "MIN_FORMULAS", 1)
    monkeypatch.setattr(mathpool, "worker_command", lambda assets: ["/bin/false"])
    assert built(root) == serial


def test_pool_results_go_through_the_formula_cache(make_site, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """With a cache, what the workers typeset is stored there rather than held in memory; the
    pages and the counts are the same (every formula rendered once, none from an earlier build)."""
    root = site(make_site)
    serial = built(root)
    monkeypatch.setattr(mathpool, "MIN_FORMULAS", 1)
    result = build(root, write=False)
    assert result.files == serial[0] and [d.format() for d in result.diagnostics] == serial[1]
    assert (result.stats["formulas_rendered"], result.stats["formulas_cached"]) == (serial[2]["formulas_rendered"], 0)


def test_a_worker_cut_off_mid_answer_keeps_what_arrived_whole(make_site, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Answers stream one line per formula; a worker whose output stops inside a line (killed,
    out of memory) contributes the lines before it, and the build typesets the rest itself."""
    import shlex
    import sys

    root = site(make_site)
    serial = built(root)
    monkeypatch.setattr(mathpool, "MIN_FORMULAS", 1)
    monkeypatch.setattr(
        mathpool, "worker_command", lambda assets: ["sh", "-c", f"{shlex.quote(sys.executable)} -m daeyeok.mathpool {shlex.quote(str(assets))} | head -c 5000"]
    )
    kept: list[int] = []
    real = mathpool.MathPool.results

    def spy(self):  # type: ignore[no-untyped-def]
        found = real(self)
        kept.append(len(found))
        return found

    monkeypatch.setattr(mathpool.MathPool, "results", spy)
    assert built(root) == serial
    assert kept and 0 < kept[0] < 25  # some answers arrived whole, not all


FORMULAS = [(f"x_{{{i}}}^2 + \\frac{{a}}{{{i + 1}}}", i % 3 == 0) for i in range(140)] + [("\\frac{1", False), ("é + 1", False), ("\\sum_{k=1}^n k", True)]


def test_batches_typeset_as_one_formula_per_call_does() -> None:
    """KatexEngine.render_many (one call into V8 per batch) against render (one call per formula),
    with an error and a strict-mode warning among them."""
    engine = KatexEngine()
    singly = [engine.render(tex, display) for tex, display in FORMULAS]
    assert engine.render_many(FORMULAS) == singly
    assert singly[140].error and singly[141].warnings and not singly[142].error


class _BatchesTimeOut:
    """A V8 context whose batch calls always exceed the time limit."""

    def __init__(self, real: object):
        self.real = real

    def call(self, name: str, *args: object, **kwargs: object) -> object:
        from py_mini_racer import JSTimeoutException

        if name == "daeyeokRenderMany":
            raise JSTimeoutException()
        return self.real.call(name, *args, **kwargs)  # type: ignore[attr-defined]


def test_a_batch_over_the_time_limit_is_typeset_one_formula_at_a_time() -> None:
    engine = KatexEngine()
    singly = [engine.render(tex, display) for tex, display in FORMULAS[:5]]
    engine._ctx = _BatchesTimeOut(engine._context())
    assert engine.render_many(FORMULAS[:5]) == singly


def test_a_worker_answers_every_formula_across_batches() -> None:
    """The worker process typesets in batches of mathpool.BATCH; 143 formulas cross two batch boundaries."""
    assert len(FORMULAS) > 2 * mathpool.BATCH
    answer = subprocess.run(mathpool.worker_command(katex_dir()), input=json.dumps(FORMULAS), capture_output=True, text=True, check=True)
    lines = [json.loads(line) for line in answer.stdout.splitlines()]
    engine = KatexEngine()
    expected = [
        [tex, display, r.html, r.error, list(r.warnings)] for (tex, display), r in zip(FORMULAS, (engine.render(t, d) for t, d in FORMULAS), strict=True)
    ]
    assert lines == expected


def test_a_pages_formulas_are_typeset_in_one_call_before_its_body(tmp_path: Path) -> None:
    """MathRenderer.typeset_ahead: what the renderer would typeset one call at a time goes to V8 in
    one batch; the body then finds every formula remembered, and the counts are those of one by one."""
    engine = KatexEngine()
    calls: list[tuple[str, int]] = []
    real_render, real_many = engine.render, engine.render_many
    engine.render = lambda tex, display: (calls.append(("one", 1)), real_render(tex, display))[1]  # type: ignore[method-assign]
    engine.render_many = lambda formulas: (calls.append(("many", len(formulas))), real_many(formulas))[1]  # type: ignore[method-assign]
    cache = MathCache(tmp_path / "math.sqlite")
    cached = MathRenderer(engine, cache)
    cached.render("y^2", False)  # in the cache from an earlier page
    calls.clear()
    math = MathRenderer(engine, cache)
    page = [("x_1 + 1", False), ("\\sum_k k", True), ("x_1 + 1", False), ("y^2", False), ("\\frac{1", False)]
    math.typeset_ahead(formulas_in_tokens(page))
    assert calls == [("many", 3)]  # each new formula once; y^2 comes from the cache
    singly = MathRenderer(KatexEngine(), MathCache(None))
    for tex, display in page:
        assert math.render(tex, display) == singly.render(tex, display)
    assert calls == [("many", 3)], "the body found them all remembered"
    assert (math.rendered, math.cached) == (3, 1)


def formulas_in_tokens(formulas: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """The formulas as :func:`daeyeok.mathrender.formulas_in` yields them from a page's tokens (prepared)."""
    return [(prepare_tex(tex, display), display) for tex, display in formulas]
