"""Markdown text → :class:`Document`: front matter, tokens, headings, references.

Front matter errors point at the real line of the Markdown file (the YAML
line plus the offset of the ``---`` fence), never at "line 1 of the YAML".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, NoReturn

from markdown_it.token import Token

from . import yamlpos
from .diagnostics import Diagnostic, Severity, display_path, error
from .htmlrefs import scan
from .loader import TextFile
from .markdown import parser
from .model import Document, FrontMatter, Heading, Reference, SourceFile
from .plugins.heading_ids import heading_text
from .plugins.positions import token_position

FRONT_MATTER_KEYS = {
    "title": "the page title (required)",
    "description": "one sentence for search engines and link previews",
    "order": "an integer that orders pages",
    "aliases": "old URLs that redirect here",
    "extra": "a mapping of anything else, for custom templates",
}
_SAFE_ALIAS = re.compile(r"^/?([\w\-.~가-힣]+/)*[\w\-.~가-힣]*$")


def _front_matter(source: TextFile, token: Token | None) -> tuple[FrontMatter | None, list[Diagnostic]]:
    path = source.path
    if token is None:
        return None, [error(path, 1, 1, "front-matter", "missing front matter: start the file with '---', a line 'title: …' and '---'")]
    fence_line = token.map[0] if token.map else 0
    n_lines = (token.map[1] - token.map[0]) if token.map else 0
    try:
        doc = yamlpos.load(token.content)
    except yamlpos.YamlError as exc:
        return None, [error(path, fence_line + exc.line + 1, exc.col, "front-matter", exc.message)]

    def at(key: tuple[Any, ...], keypos: bool = False) -> tuple[int, int]:
        line, col = doc.key_pos(key) if keypos else doc.pos(key)
        return fence_line + line + 1, col

    data = doc.value
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return None, [error(path, *at(()), "front-matter", "front matter must be a mapping of keys to values")]
    diags: list[Diagnostic] = []
    for key in data:
        if key not in FRONT_MATTER_KEYS:
            known = ", ".join(sorted(FRONT_MATTER_KEYS))
            diags.append(error(path, *at((key,), True), "front-matter", f"unknown key {key!r} (known keys: {known}; put custom data under 'extra')"))
    title = data.get("title")
    if "title" not in data:
        diags.append(error(path, fence_line + 1, 1, "front-matter", "missing required key 'title'"))
    elif not isinstance(title, str) or not title.strip():
        diags.append(error(path, *at(("title",)), "front-matter", f"'title' must be a non-empty string, not {type(title).__name__}"))
    description = data.get("description", "")
    if not isinstance(description, str):
        diags.append(error(path, *at(("description",)), "front-matter", "'description' must be a string"))
    order = data.get("order")
    if order is not None and (not isinstance(order, int) or isinstance(order, bool)):
        diags.append(error(path, *at(("order",)), "front-matter", "'order' must be an integer"))
    aliases = data.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        diags.append(error(path, *at(("aliases",)), "front-matter", "'aliases' must be a list of paths"))
    else:
        for i, alias in enumerate(aliases):
            if ".." in alias.split("/") or not _SAFE_ALIAS.match(alias) or not alias.strip("/"):
                diags.append(error(path, *at(("aliases", i)), "front-matter", f"alias {alias!r} is not a safe site path (no '..', no scheme)"))
    extra = data.get("extra", {})
    if not isinstance(extra, dict):
        diags.append(error(path, *at(("extra",)), "front-matter", "'extra' must be a mapping"))
    if any(d.severity is Severity.ERROR for d in diags):
        return None, diags
    front = FrontMatter(
        title=str(title).strip(),
        description=str(description).strip(),
        order=order,
        extra={"aliases": tuple(aliases), **extra},
        lines=n_lines,
    )
    return front, diags


def _references(tokens: list[Token]) -> tuple[list[Reference], list[str], list[tuple[int, int, str]]]:
    """Links and images (Markdown and raw HTML), extra anchor ids, raw tags with positions."""
    refs: list[Reference] = []
    ids: list[str] = []
    tags: list[tuple[int, int, str]] = []

    def html(fragment: str, line: int, col: int) -> None:
        found, found_ids, found_tags = scan(fragment)
        ids.extend(found_ids)
        for ref in found:
            before = fragment[: ref.offset]
            ref_line = line + before.count("\n")
            ref_col = (ref.offset - before.rfind("\n")) if "\n" in before else col + ref.offset
            if ref.attr == "srcset":
                continue
            refs.append(Reference("image" if ref.tag in ("img", "source", "video", "audio") else "link", ref.value, ref_line, ref_col))
        tags.extend((line, col, t) for t in found_tags)

    for block in tokens:
        block_line = (block.map[0] + 1) if block.map else 0
        if block.type == "html_block":
            html(block.content, block_line, 1)
        for child in block.children or []:
            line, col = token_position(child, block_line)
            if child.type == "link_open":
                refs.append(Reference("link", str(child.attrGet("href") or ""), line, col))
            elif child.type == "image":
                refs.append(Reference("image", str(child.attrGet("src") or ""), line, col))
            elif child.type == "html_inline":
                html(child.content, line, col)
            elif child.attrGet("id"):
                ids.append(str(child.attrGet("id")))
        if block.attrGet("id") and block.type != "heading_open":
            ids.append(str(block.attrGet("id")))
    return refs, ids, tags


class SharedEmpty(dict[Any, Any]):
    """The one empty ``attrs`` and ``meta`` of every parsed token that has none.

    markdown-it gives each token two dicts of its own; 95% of them stay empty,
    and at 64 bytes each they were a sixth of a parsed site's memory (about
    100 MiB at 10,000 pages, copied again by every forked child that reads
    the pages).  Parsed tokens are only read from then on; a change to the shared
    dict would change every token, so it refuses any.  It pickles as a plain
    ``{}`` (the caches and the forked parser's answers), and
    :func:`share_empty_dicts` shares it again after unpickling.
    """

    __slots__ = ()

    def _refuse(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("parsed tokens share one empty attrs/meta dict: give the token a dict of its own instead")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = __ior__ = _refuse

    def __reduce__(self) -> tuple[type[dict[Any, Any]], tuple[()]]:
        return (dict, ())


EMPTY: dict[Any, Any] = SharedEmpty()


def share_empty_dicts(tokens: Sequence[Token]) -> None:
    """Every empty ``attrs`` and ``meta`` of ``tokens`` and their children replaced by :data:`EMPTY`."""
    for tok in tokens:
        if not tok.attrs:
            tok.attrs = EMPTY
        if not tok.meta:
            tok.meta = EMPTY
        if tok.children:
            share_empty_dicts(tok.children)


def parse_document(source: TextFile, lang: str) -> tuple[Document | None, list[Diagnostic]]:
    """Parse one page; ``None`` when its front matter is unusable."""
    md = parser()
    env: dict[str, Any] = {}
    tokens = md.parse(source.text, env)
    fm_token = tokens[0] if tokens and tokens[0].type == "front_matter" else None
    front, diags = _front_matter(source, fm_token)
    for line, col, severity, code, message in env.get("problems", []):
        diags.append(Diagnostic(display_path(source.path), line, col, Severity(severity), code, message))
    headings = []
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            headings.append(
                Heading(int(tok.tag[1]), heading_text(tokens[i + 1]), str(tok.attrGet("id")), (tok.map[0] + 1) if tok.map else 0, bool(tok.meta.get("pinned")))
            )
    refs, ids, _tags = _references(tokens)
    if front is None:
        return None, diags
    key = source.rel.removesuffix(".md")
    share_empty_dicts(tokens)
    anchors = frozenset([h.id for h in headings] + ids + _footnote_ids(env))
    doc = Document(
        lang=lang,
        key=key,
        source=SourceFile(source.path, source.rel, source.text),
        front=front,
        tokens=tuple(tokens),
        headings=tuple(headings),
        references=tuple(refs),
        anchors=anchors,
    )
    return doc, diags


def _footnote_ids(env: dict[str, Any]) -> list[str]:
    notes = env.get("footnotes", {}).get("list", {})
    ids = []
    for i in range(len(notes)):
        ids.append(f"fn{i + 1}")
        ids.append(f"fnref{i + 1}")
    return ids
