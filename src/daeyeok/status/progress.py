"""Translation progress of one page, computed from the block alignment.

Progress is the share of the *source's* words whose block has a translated
partner, so a page with its long paragraphs translated and a few headings
left scores high, and English paragraphs pasted into the Korean file (the
usual state of a half-done translation) count as untranslated: their
aligned target block holds no Korean.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..align import PROSE_KINDS, VERBATIM_KINDS, Alignment, Block, is_korean, normalize_space

#: A source block this short, kept identical in the translation, is a name
#: or an acronym ("SVM vs Softmax", "Summary table"), not missing work.
KEPT_AS_IS_WORDS = 3
#: Up to this many words a block is a title or a short item, which keeps English terms more often.
SHORT_BLOCK_WORDS = 6


@dataclass(frozen=True)
class BlockState:
    """How one source block stands in the translation."""

    source: Block
    targets: tuple[Block, ...]
    state: str  # "translated", "kept", "english" (target holds the source language), "missing", "verbatim"

    @property
    def done(self) -> bool:
        return self.state in ("translated", "kept", "verbatim")


@dataclass(frozen=True)
class Progress:
    translated_words: int
    total_words: int
    blocks: tuple[BlockState, ...]

    @property
    def percent(self) -> int:
        """Rounded down, so 100 means every block is done and a page at 99.6 % still shows 99."""
        if self.total_words == 0:
            return 100
        return (100 * self.translated_words) // self.total_words

    @property
    def complete(self) -> bool:
        return self.translated_words >= self.total_words

    @property
    def english_blocks(self) -> int:
        return sum(1 for b in self.blocks if b.state == "english")

    @property
    def missing_blocks(self) -> int:
        return sum(1 for b in self.blocks if b.state == "missing")


def block_state(source: Block, targets: tuple[Block, ...]) -> str:
    if not targets:
        return "missing"
    if source.kind in VERBATIM_KINDS or (source.kind == "figure" and not source.text.strip()):
        return "verbatim"
    text = " ".join(t.text for t in targets)
    if is_korean(text, short=source.words <= SHORT_BLOCK_WORDS):
        return "translated"
    if source.words <= KEPT_AS_IS_WORDS and normalize_space(text) == normalize_space(source.text):
        return "kept"
    return "english"


def counts(block: Block) -> bool:
    """Whether a source block is translation work at all (anchors and empty HTML are not)."""
    if block.kind in VERBATIM_KINDS:
        return True
    if block.kind in PROSE_KINDS:
        return bool(block.text.strip()) or bool(block.images)
    return bool(block.text.strip())


def weight(block: Block) -> int:
    return max(1, block.words)


def page_progress(source: tuple[Block, ...], alignment: Alignment | None) -> Progress:
    """Progress of a translation; ``alignment`` is ``None`` when there is no translation at all."""
    states: list[BlockState] = []
    done = total = 0
    for block in source:
        if not counts(block):
            continue
        targets = alignment.targets_of(block) if alignment is not None else ()
        state = BlockState(block, targets, block_state(block, targets))
        states.append(state)
        w = weight(block)
        total += w
        if state.done:
            done += w
    return Progress(done, total, tuple(states))
