"""What the glossary rules produce: diagnostics that may carry a precise edit, and term uses.

A :class:`Finding` is a :class:`~daeyeok.diagnostics.Diagnostic` plus the
edits that would fix it.  Edits exist only when the fix is unambiguous and
every character it touches maps to a known file offset; ``--fix`` applies
exactly those and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..diagnostics import Diagnostic

#: rule codes, one per rule of the glossary issue (used in output, labels and SARIF rule ids)
AVOIDED = "term-avoided"  # rule 1
KEEP_ENGLISH = "term-keep-english"  # rule 2
PARTICLE = "particle"  # rule 3
GLOSS = "term-gloss"  # rule 4
FIRST_USE = "term-first-use"  # rule 5
MISSING = "term-missing"  # rule 6
GLOSSARY = "glossary"  # glossary.yml itself

RULES: dict[str, str] = {
    AVOIDED: "a Korean form the glossary says to avoid",
    KEEP_ENGLISH: "a keep-English term written in Korean",
    PARTICLE: "a particle that does not agree with the word it follows",
    GLOSS: "the English in 한글(English) is not the glossary English of that Korean term",
    FIRST_USE: "the first use of a term on a page should read 한글(English)",
    MISSING: "the English paragraph uses a glossary term that the Korean paragraph does not render",
    GLOSSARY: "a problem in glossary.yml",
}


@dataclass(frozen=True)
class Edit:
    """Replace ``source[start:end]`` with ``text`` (offsets into the file text)."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Finding:
    diagnostic: Diagnostic
    edits: tuple[Edit, ...] = ()

    @property
    def fixable(self) -> bool:
        return bool(self.edits)


@dataclass(frozen=True)
class Use:
    """One use of a glossary term, for the site-wide summary (rule 7)."""

    term: str  # the glossary English headword
    form: str  # as written
    kind: str  # preferred, accepted, avoided, translated, english
    path: str
    line: int
    col: int
