"""Markdown → HTML fixtures in markdown-it's fixture-file format (title, input, ``.``, expected, ``.``).

Math is rendered by a transparent stand-in engine here, so these fixtures pin
down parsing and our render rules; KaTeX itself is tested in test_math.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it.utils import read_fixture_file

from daeyeok.htmlrender import RenderContext, render_body
from daeyeok.links import resolve
from daeyeok.markdown import parser
from daeyeok.mathrender import MathCache, MathRenderer, MathResult

FIXTURES = Path(__file__).parent / "fixtures"


class EchoEngine:
    name = "echo"
    version = "1"

    def render(self, tex: str, display: bool) -> MathResult:
        if "\\bad" in tex:
            return MathResult("", "bad command")
        return MathResult(f'<m display="{int(display)}">{tex}</m>')

    def asset_files(self) -> dict[str, Path]:
        return {}

    def stylesheets(self) -> list[str]:
        return []


def render(text: str, key: str = "lectures/page", lang: str = "ko") -> tuple[str, list[str]]:
    md = parser()
    tokens = md.parse(text, {})
    ctx = RenderContext(
        path=Path("content/ko/x.md"),
        math=MathRenderer(EchoEngine(), MathCache(None)),
        resolve=lambda t: resolve(t, doc_key=key, lang=lang, base_url="/base/", page_site_path=f"{lang}/{key}/"),
    )
    body = render_body(md, tokens, ctx)
    return body.html, [d.format() for d in body.diagnostics]


@pytest.mark.parametrize(
    ("line", "title", "text", "expected"),
    read_fixture_file(FIXTURES / "render.md"),
    ids=[f"{f[0]}-{f[1]}" for f in read_fixture_file(FIXTURES / "render.md")],
)
def test_render_fixture(line: int, title: str, text: str, expected: str) -> None:
    html, _ = render(text)
    assert html.rstrip() == expected.rstrip()


def test_math_error_is_reported_at_its_position() -> None:
    html, diags = render("첫 줄\n\n둘째 줄 $x$ 와 $\\bad$.\n")
    assert diags == ["content/ko/x.md:3:12: error math: bad command"]
    assert '<span class="math-error" title="bad command"><code>\\bad</code></span>' in html
