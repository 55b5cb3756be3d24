"""Emphasis that works in Korean: ``**손실(loss)**을`` is bold, as translators expect.

CommonMark lets ``**`` close only when it is "right-flanking": after
punctuation such as ``)`` it must be followed by a space or punctuation.
English puts a space after a word; Korean attaches a particle (은, 을, 에), so
``**최적화(optimization)**에`` stays literal asterisks in every CommonMark
parser, while kramdown (the aikorea translation's Jekyll) made it bold.  The
same happens on the opening side (``은**(a)**``).

This follows the CJK-friendly amendment (npm ``markdown-it-cjk-friendly``,
which has no Python port): a CJK character on the outer side of a delimiter
run counts like whitespace for the punctuation exception.  Text without CJK
characters next to ``*``/``_`` parses exactly as CommonMark says.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace
from markdown_it.rules_inline.state_inline import Delimiter, StateInline


def is_cjk(ch: str) -> bool:
    code = ord(ch)
    return (
        0xAC00 <= code <= 0xD7A3  # Hangul syllables
        or 0x1100 <= code <= 0x11FF  # Hangul jamo
        or 0x3130 <= code <= 0x318F  # Hangul compatibility jamo
        or 0x3040 <= code <= 0x30FF  # kana
        or 0x3400 <= code <= 0x4DBF  # CJK extension A
        or 0x4E00 <= code <= 0x9FFF  # CJK unified ideographs
        or 0xF900 <= code <= 0xFAFF  # CJK compatibility ideographs
    )


def scan_delims(state: StateInline, start: int, can_split_word: bool) -> tuple[bool, bool, int]:
    """markdown-it's ``StateInline.scanDelims`` with the CJK amendment; ``(can_open, can_close, length)``."""
    src, maximum = state.src, state.posMax
    marker = src[start]
    last = src[start - 1] if start > 0 else " "
    pos = start
    while pos < maximum and src[pos] == marker:
        pos += 1
    following = src[pos] if pos < maximum else " "
    last_punct = isMdAsciiPunct(ord(last)) or isPunctChar(last)
    next_punct = isMdAsciiPunct(ord(following)) or isPunctChar(following)
    last_space, next_space = isWhiteSpace(ord(last)), isWhiteSpace(ord(following))
    left_flanking = not (next_space or (next_punct and not (last_space or last_punct or is_cjk(last))))
    right_flanking = not (last_space or (last_punct and not (next_space or next_punct or is_cjk(following))))
    can_open = left_flanking and (can_split_word or not right_flanking or last_punct)
    can_close = right_flanking and (can_split_word or not left_flanking or next_punct)
    return can_open, can_close, pos - start


def _emphasis(state: StateInline, silent: bool) -> bool:
    """markdown-it's emphasis tokenizer, calling :func:`scan_delims`."""
    start = state.pos
    marker = state.src[start]
    if silent or marker not in ("_", "*"):
        return False
    can_open, can_close, length = scan_delims(state, start, marker == "*")
    for _ in range(length):
        token = state.push("text", "", 0)
        token.content = marker
        state.delimiters.append(Delimiter(marker=ord(marker), length=length, token=len(state.tokens) - 1, end=-1, open=can_open, close=can_close))
    state.pos += length
    return True


def cjk_emphasis_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.at("emphasis", _emphasis)
