"""An independent reading of kramdown pages for the import tests: formulas and prose, counted the kramdown way.

Written separately from ``daeyeok.importer.kramdown`` (regular expressions over
blank-line blocks instead of a converter) so that the tests compare two
implementations of kramdown's rules rather than the converter with itself:

* ``$$…$$`` filling a whole block, or a whole list item, is display math; any
  other ``$$…$$`` is inline; a single ``$`` is text;
* ``\\\\(…\\\\)`` is inline math (MathJax reads what kramdown makes of it);
* nothing inside fenced code, inline code or HTML comments counts.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

FRONT = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)
FENCED = re.compile(r"^ {0,3}(```+|~~~+)[^\n]*\n.*?^ {0,3}\1[ \t]*$", re.DOTALL | re.MULTILINE)
COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
CODE_SPAN = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.DOTALL)
DOLLARS = re.compile(r"\$\$(.*?)\$\$", re.DOTALL)
PARENS = re.compile(r"\\\\\((.+?)\\\\\)", re.DOTALL)
ITEM = re.compile(r"^\s*(?:[-*+]|\d+\.)\s+", re.MULTILINE)
TAG = re.compile(r"<[^<>]+>")
ESCAPE = re.compile(r"\\([\\.*_+`<>()\[\]{}#!:|\"'$=-])")
LIQUID = re.compile(r"\{\{\s*site\.baseurl\s*\}\}")


@dataclass
class PageCount:
    inline: int = 0
    display: int = 0
    single_dollar_text: int = 0
    prose: list[str] = field(default_factory=list)  # visible text segments between formulas


def blocks(text: str) -> list[str]:
    text = FRONT.sub("", text)
    text = FENCED.sub("\n", text)
    text = COMMENT.sub(" ", text)
    return [b for b in re.split(r"\n[ \t]*\n", text) if b.strip()]


def _is_block_formula(text: str) -> bool:
    s = text.strip()
    return s.startswith("$$") and s.endswith("$$") and len(s) >= 4 and s.count("$$") == 2


def count(text: str) -> PageCount:
    result = PageCount()
    for raw in blocks(text):
        # code spans: no math inside, but their text is visible (placeholders keep '$' and '\\' out of the math rules)
        block = CODE_SPAN.sub(lambda m: m.group(0).strip("`").replace("$", "\x01").replace("\\", "\x02"), raw)
        starts = [m.start() for m in ITEM.finditer(block)]
        if _is_block_formula(block):
            result.display += 1
            continue
        if starts:
            pieces = [block[: starts[0]]] + [block[a:b] for a, b in zip(starts, starts[1:] + [len(block)], strict=True)]
            rest = []
            for piece in pieces:
                body = ITEM.sub("", piece, count=1) if ITEM.match(piece) else piece
                if ITEM.match(piece) and _is_block_formula(body):
                    result.display += 1
                else:
                    rest.append(piece)
            block = "\n".join(rest)
        result.inline += len(DOLLARS.findall(block)) + len(PARENS.findall(block))
        without_math = PARENS.sub("\0", DOLLARS.sub("\0", block))
        result.single_dollar_text += without_math.count("$")
        result.prose.extend(visible_segments(without_math))
    return result


def visible_segments(block: str) -> list[str]:
    """The text a reader sees, cut at formulas and tags, whitespace and emphasis marks removed."""
    text = LIQUID.sub("", block)
    url = r"\((?:[^()]|\([^()]*\))*\)"  # a link destination, with one level of parentheses inside
    text = re.sub(r"!\[[^\]]*\]" + url, "\0", text)  # images: no visible text
    text = re.sub(r"\[([^\]]*)\]" + url, r"\1", text)
    text = re.sub(r"^\s*(?:#{1,6}|>|[-*+]|\d+\.)\s+", "", text, flags=re.MULTILINE)
    text = TAG.sub("\0", text)
    text = ESCAPE.sub(r"\1", text)
    text = html.unescape(text).replace("\x01", "$").replace("\x02", "\\")
    return [s for s in (normalise(p) for p in text.split("\0")) if sum(ch.isalnum() for ch in s) >= 2]


def normalise(text: str) -> str:
    return re.sub(r"[\s*_`]+", "", text)


# -- the oracle's own tests: kramdown's rules on small inputs ------------------------------------


def test_block_formula_is_display_and_formula_in_text_is_inline() -> None:
    c = count("Text $$a$$ and $$b$$.\n\n$$\nc = d\n$$\n\n$$e$$ then text\n")
    assert (c.inline, c.display) == (3, 1)


def test_list_item_holding_only_a_formula_is_display() -> None:
    c = count("- $$x$$\n- item with $$y$$\n- $$z$$\n")
    assert (c.inline, c.display) == (1, 2)


def test_parenthesis_math_code_and_single_dollars() -> None:
    c = count("An \\\\(x\\_i\\\\) here, `$$not math$$` there, costs $5 or $6.\n\n```\n$$code$$\n```\n")
    assert (c.inline, c.display, c.single_dollar_text) == (1, 0, 2)
    assert any("notmath" in s for s in c.prose), "code text is visible prose"
