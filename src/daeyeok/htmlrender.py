"""Markdown tokens → HTML body, with math, code, links and headings done our way.

The render rules are registered once on the shared parser
(:func:`render_rules_plugin`) and take everything page-specific from
``env["ctx"]``, a :class:`RenderContext`: the math renderer, how to resolve a
link for this page, where to report problems.  Math errors become
diagnostics at the formula's ``file:line:col`` and a visible marker in the
page; the build decides whether that fails.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from .diagnostics import Diagnostic, error, warning
from .highlight import highlight_code
from .links import Target
from .mathrender import MathRenderer
from .plugins.math import MATH_DISPLAY_TYPES
from .plugins.positions import token_position


@dataclass
class RenderContext:
    path: Path
    math: MathRenderer
    resolve: Callable[[str], Target]
    raw_html: str = "allow"
    diagnostics: list[Diagnostic] = field(default_factory=list)
    block_line: int = 0
    #: HTML to insert before the token at an index (outdated-translation markers, block anchors)
    block_hook: Callable[[int], str] | None = None
    #: intrinsic (width, height) of an image by its final URL, so <img> reserves its box (no layout shift)
    image_size: Callable[[str], tuple[int, int] | None] | None = None


def _ctx(env: EnvType) -> RenderContext:
    ctx = env["ctx"]
    assert isinstance(ctx, RenderContext)
    return ctx


def _render_math(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    tok = tokens[idx]
    ctx = _ctx(env)
    display = tok.type in MATH_DISPLAY_TYPES
    result = ctx.math.render(tok.content, display)
    line, col = token_position(tok, ctx.block_line)
    if tok.type in ("math_block", "math_block_label", "amsmath") and tok.map:
        line, col = tok.map[0] + 1, 1
    if result.error:
        message = result.error.replace("\n", " ")
        ctx.diagnostics.append(error(ctx.path, line, col, "math", message))
        tag = "div" if display else "span"
        return f'<{tag} class="math-error" title="{escape(message)}"><code>{escape(tok.content.strip())}</code></{tag}>'
    for w in result.warnings:
        ctx.diagnostics.append(warning(ctx.path, line, col, "math", w))
    if tok.type == "math_inline":
        return result.html
    label = ""
    if tok.type == "math_block_label":
        label = f' id="{escape(tok.info)}"'
    return f'<div class="math-display"{label}>{result.html}</div>\n'


def _render_fence(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    tok = tokens[idx]
    return highlight_code(tok.content, tok.info if tok.type == "fence" else "")


def _rewrite(attr_value: str, ctx: RenderContext) -> str:
    return ctx.resolve(attr_value).url


_ATTR = re.compile(r"""(?P<name>\b(?:href|src|data)\s*=\s*)(?P<q>["'])(?P<value>.*?)(?P=q)""", re.IGNORECASE | re.DOTALL)
_SCRIPT = re.compile(r"<script\b.*?(?:</script\s*>|$)", re.IGNORECASE | re.DOTALL)


def _rewrite_html(fragment: str, ctx: RenderContext, line: int) -> str:
    if ctx.raw_html == "escape":
        return escape(fragment)
    if ctx.raw_html == "no-script" and _SCRIPT.search(fragment):
        ctx.diagnostics.append(warning(ctx.path, line, 1, "raw-html", "<script> in Markdown removed (site.yml raw_html: no-script)"))
        fragment = _SCRIPT.sub("", fragment)

    def sub(match: re.Match[str]) -> str:
        value = match.group("value")
        if value.startswith("/") and not value.startswith("//"):
            value = escape(_rewrite(value, ctx), quote=True)
        return f"{match.group('name')}{match.group('q')}{value}{match.group('q')}"

    return _size_images(_ATTR.sub(sub, fragment), ctx)


_IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE | re.DOTALL)
_SRC = re.compile(r"""\bsrc\s*=\s*(["'])(.*?)\1""", re.IGNORECASE | re.DOTALL)
_DIM_ATTR = re.compile(r"""\s(width|height)\s*=\s*(["']?)([^"'\s>]*)\2""", re.IGNORECASE)
_STYLE_ATTR = re.compile(r"""(\sstyle\s*=\s*)(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL)


def _size_images(fragment: str, ctx: RenderContext) -> str:
    """Raw-HTML ``<img>`` tags get both width and height, so the browser reserves their box.

    Missing both: the file's intrinsic size.  One given in pixels: the other from the
    file's aspect ratio.  A percentage width (``width="49%"``, common in Jekyll
    translations): the intrinsic size goes into the attributes and the percentage into
    ``style`` (``width:49%;height:auto``), so the layout is exactly the author's.
    """
    if ctx.image_size is None or "<img" not in fragment.lower():
        return fragment
    measure = ctx.image_size

    def sub(match: re.Match[str]) -> str:
        tag = match.group()
        src = _SRC.search(tag)
        if src is None:
            return tag
        given = {m.group(1).lower(): m.group(3).strip() for m in _DIM_ATTR.finditer(tag)}
        width, height = given.get("width"), given.get("height")
        if width is not None and height is not None:
            return tag
        size = measure(src.group(2))
        if size is None or not size[0] or not size[1]:
            return tag
        w, h = size
        style = ""
        if width is not None and width.isdigit():
            w, h = int(width), max(1, round(int(width) * size[1] / size[0]))
        elif height is not None and height.isdigit():
            w, h = max(1, round(int(height) * size[0] / size[1])), int(height)
        elif width is not None or height is not None:
            style = f"width:{width};height:auto" if width is not None else f"height:{height};width:auto"
        tag = _DIM_ATTR.sub("", tag)
        end = len(tag) - (2 if tag.endswith("/>") else 1)
        extra = f' width="{w}" height="{h}"'
        if style:
            if _STYLE_ATTR.search(tag):
                tag = _STYLE_ATTR.sub(lambda m: f"{m.group(1)}{m.group(2)}{style};{m.group(3)}{m.group(2)}", tag, count=1)
                end = len(tag) - (2 if tag.endswith("/>") else 1)
            else:
                extra += f' style="{style}"'
        return f"{tag[:end].rstrip()}{extra}{tag[end:]}"

    return _IMG_TAG.sub(sub, fragment)


def _render_html_block(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    tok = tokens[idx]
    return _rewrite_html(tok.content, _ctx(env), (tok.map[0] + 1) if tok.map else 0)


def _render_html_inline(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    tok = tokens[idx]
    ctx = _ctx(env)
    return _rewrite_html(tok.content, ctx, token_position(tok, ctx.block_line)[0])


def _render_link_open(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    tok = tokens[idx]
    target = _ctx(env).resolve(str(tok.attrGet("href") or ""))
    attrs = dict(tok.attrs)
    attrs["href"] = target.url
    if target.kind == "external" and str(attrs["href"]).startswith(("http://", "https://")):
        attrs["rel"] = "noopener"
    return "<a" + "".join(f' {k}="{escape(str(v))}"' for k, v in attrs.items()) + ">"


def _render_image(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    tok = tokens[idx]
    ctx = _ctx(env)
    attrs = dict(tok.attrs)
    attrs["src"] = ctx.resolve(str(tok.attrGet("src") or "")).url
    attrs["alt"] = self.renderInlineAsText(tok.children or [], options, env)
    attrs.setdefault("loading", "lazy")
    if ctx.image_size is not None and "width" not in attrs and "height" not in attrs:
        size = ctx.image_size(str(attrs["src"]))
        if size is not None:
            attrs["width"], attrs["height"] = str(size[0]), str(size[1])
    attrs.setdefault("decoding", "async")
    ordered = ["src", "alt"] + sorted(k for k in attrs if k not in ("src", "alt"))
    return "<img" + "".join(f' {k}="{escape(str(attrs[k]))}"' for k in ordered) + ">"


def _render_heading_close(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    tok = tokens[idx]
    opening = tokens[idx - 2]
    anchor = opening.attrGet("id")
    link = f'<a class="anchor" href="#{escape(str(anchor))}" aria-hidden="true" tabindex="-1">#</a>' if anchor else ""
    return f"{link}</{tok.tag}>\n"


def _render_table_open(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    return '<div class="table-wrap">\n' + str(self.renderToken(tokens, idx, options, env))


def _render_table_close(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    return str(self.renderToken(tokens, idx, options, env)) + "</div>\n"


def render_rules_plugin(md: MarkdownIt) -> None:
    for name in ("math_inline", *MATH_DISPLAY_TYPES):
        md.add_render_rule(name, _render_math)
    md.add_render_rule("fence", _render_fence)
    md.add_render_rule("code_block", _render_fence)
    md.add_render_rule("html_block", _render_html_block)
    md.add_render_rule("html_inline", _render_html_inline)
    md.add_render_rule("link_open", _render_link_open)
    md.add_render_rule("image", _render_image)
    md.add_render_rule("heading_close", _render_heading_close)
    md.add_render_rule("table_open", _render_table_open)
    md.add_render_rule("table_close", _render_table_close)
    md.add_render_rule("front_matter", lambda *args: "")


@dataclass(frozen=True)
class TocEntry:
    level: int
    id: str
    html: str


@dataclass(frozen=True)
class RenderedBody:
    html: str
    toc: tuple[TocEntry, ...]
    diagnostics: tuple[Diagnostic, ...]


def render_body(md: MarkdownIt, tokens: Sequence[Token], ctx: RenderContext, footnote_env: dict[str, Any] | None = None) -> RenderedBody:
    """Render a document's tokens; the TOC holds h2/h3 with their inline HTML (math included)."""
    env: dict[str, Any] = dict(footnote_env or {})
    env["ctx"] = ctx
    parts: list[str] = []
    toc: list[TocEntry] = []
    tokens = list(tokens)
    renderer: Any = md.renderer  # RendererHTML; its protocol type omits the methods used here
    options = md.options
    # Render block by block so that inline tokens know their block's line for diagnostics.
    for i, tok in enumerate(tokens):
        if ctx.block_hook is not None:
            parts.append(ctx.block_hook(i))
        if tok.map:
            ctx.block_line = tok.map[0] + 1
        if tok.type == "inline":
            html = renderer.renderInline(tok.children or [], options, env)
            parts.append(html)
            if i > 0 and tokens[i - 1].type == "heading_open" and tokens[i - 1].tag in ("h2", "h3"):
                toc.append(TocEntry(int(tokens[i - 1].tag[1]), str(tokens[i - 1].attrGet("id")), _strip_links(html)))
        elif tok.type in renderer.rules:
            parts.append(renderer.rules[tok.type](tokens, i, options, env))
        else:
            parts.append(renderer.renderToken(tokens, i, options, env))
    return RenderedBody("".join(parts), tuple(toc), tuple(ctx.diagnostics))


_LINK_TAG = re.compile(r"</?a\b[^>]*>", re.IGNORECASE)


def _strip_links(html: str) -> str:
    return _LINK_TAG.sub("", html)
