"""Math syntax: ``$…$``, ``$$…$$``, ``\\(…\\)``, ``\\[…\\]`` and bare ``\\begin{align}…``.

Parsing only; every form becomes a ``math_inline``/``math_block``-style token
and the renderer typesets them all the same way at build time.  The rules come
from mdit-py-plugins (dollarmath, texmath's bracket rules, amsmath).
"""

from __future__ import annotations

from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from mdit_py_plugins.amsmath import amsmath_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.texmath.index import make_block_func, make_inline_func, rules

MATH_DISPLAY_TYPES = ("math_inline_double", "math_block", "math_block_label", "amsmath")


def math_plugin(md: MarkdownIt) -> None:
    dollarmath_plugin(md, allow_digits=False, allow_space=True, double_inline=True, allow_blank_lines=False)
    brackets = rules["brackets"]
    md.inline.ruler.before("escape", "math_inline_paren", make_inline_func(brackets["inline"][0]))
    # the plain \[…\] rule (the first one is the numbered variant, which we do not offer)
    md.block.ruler.before("fence", "math_block_bracket", _with_map(make_block_func(brackets["block"][1])))
    amsmath_plugin(md)


BlockRule = Callable[[StateBlock, int, int, bool], bool]


def _with_map(rule: BlockRule) -> BlockRule:
    """texmath's block rule leaves ``token.map`` empty; positions need it."""

    def wrapped(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        count = len(state.tokens)
        matched = rule(state, start, end, silent)
        if matched and not silent and len(state.tokens) > count:
            state.tokens[-1].map = [start, state.line]
        return matched

    return wrapped
