"""Hypothesis properties of the Markdown pipeline (fuzz/properties.py; the long run is fuzz/run.py)."""

from __future__ import annotations

import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "fuzz"))
from properties import ALPHABET, check_markdown, check_yaml, well_formed_problems

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.text(alphabet=ALPHABET, max_size=300))
def test_markdown_never_crashes_and_stays_well_formed(text: str) -> None:
    check_markdown(text)


@SETTINGS
@given(st.text(max_size=200))
def test_any_unicode_text_renders(text: str) -> None:
    check_markdown(text)


@SETTINGS
@given(st.text(alphabet="abc: -[]{}&*!|>'\"\n#?,", max_size=200))
def test_yaml_errors_are_diagnostics(text: str) -> None:
    check_yaml(text)


def test_balance_checker_can_fail() -> None:
    assert well_formed_problems("<p><em>x</p>") == ["</p> closes ['em']", "<p> never closed", "<em> never closed"]
    assert well_formed_problems("<p>x<br></p>") == []
