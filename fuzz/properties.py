"""Properties of the Markdown → HTML pipeline, shared by the test suite and the long fuzz run.

- parsing and rendering never raise, whatever the text;
- without raw HTML in the input, the output is well-formed: every element closed, in order;
- rendering is deterministic;
- front matter YAML of any shape yields a diagnostic or a value, never an exception.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from daeyeok import yamlpos
from daeyeok.htmlrender import RenderContext, render_body
from daeyeok.links import resolve
from daeyeok.loader import TextFile
from daeyeok.markdown import parser
from daeyeok.mathrender import MathCache, MathRenderer, MathResult
from daeyeok.parse import parse_document

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "path", "rect", "line", "circle"}

# Markdown-significant characters, Hangul, TeX and whitespace, but no "<": raw HTML is passed
# through by design, so only text without it must come out well-formed.
ALPHABET = "abcxyz 가나다한국어은는을를\n\n\t*_`~$\\#[](){}|-+=!:>.,'\"&;^%0123456789"


class EchoMath:
    """A stand-in math engine: the property is about our pipeline, not KaTeX's output."""

    name = "echo"
    version = "1"

    def render(self, tex: str, display: bool) -> MathResult:
        from html import escape

        return MathResult(f"<span class=m>{escape(tex)}</span>")

    def asset_files(self) -> dict[str, Path]:
        return {}

    def stylesheets(self) -> list[str]:
        return []


class _Balance(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()


def well_formed_problems(html: str) -> list[str]:
    checker = _Balance()
    checker.feed(html)
    checker.close()
    return checker.problems + [f"<{t}> never closed" for t in checker.stack]


def render_markdown(text: str) -> str:
    md = parser()
    ctx = RenderContext(
        path=Path("content/ko/p.md"),
        math=MathRenderer(EchoMath(), MathCache(None)),
        resolve=lambda t: resolve(t, doc_key="p", lang="ko", base_url="/", page_site_path="ko/p/"),
    )
    return render_body(md, md.parse(text, {}), ctx).html


def check_markdown(text: str) -> None:
    html = render_markdown(text)
    assert render_markdown(text) == html, "rendering is deterministic"
    if "<" not in text:
        problems = well_formed_problems(html)
        assert not problems, (problems, text, html)
    doc, diags = parse_document(TextFile(Path("content/ko/p.md"), "p.md", "---\ntitle: t\n---\n" + text), "ko")
    assert doc is not None or diags


def check_yaml(text: str) -> None:
    try:
        yamlpos.load(text)
    except yamlpos.YamlError as exc:
        assert exc.line >= 1 and exc.col >= 1
