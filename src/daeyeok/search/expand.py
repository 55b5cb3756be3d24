"""Helper tokens that make Pagefind find Korean the way readers type it.

Measured with Pagefind 1.5.2 (``../shared/notes/pagefind-korean*.md``):
Korean is split on spaces only, there is no Korean stemmer, and every query
word matches as a *prefix* of an indexed word.  So ``신경망`` already finds
``신경망은``, but nothing finds a word in the middle of a longer one
(``인공신경망``), a compound written without its space (``손실함수`` against
``손실 함수``), or a synonym or the other language's term.

Rather than replacing Pagefind, each block of a page is indexed together with
a short, low-weight list of extra words (see :mod:`daeyeok.search.documents`):

* **joined compounds**: two Hangul words in a row of two syllables or more,
  the first without a particle, also as one word (``손실 함수를`` → ``손실함수를``);
* **word endings**: the tails of long Hangul nouns that are words of their
  own somewhere on the site or in the glossary (``인공신경망`` → ``신경망``),
  so a prefix match can start inside a compound; tails that are no word
  (``클래스`` → ``래스``) would only add noise, so they are left out;
* **glossary forms**: when a block uses any form of a glossary term
  (Korean, accepted, avoided, English, variants) every other form is added,
  in both languages and with and without spaces.

The query side (``search.js``) strips particles from Hangul query words with
the same particle list (:func:`query_rules`), so ``신경망을`` searches
``신경망``, which the prefix match then extends to every inflected form.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable, Set
from dataclasses import dataclass

from ..korean import ALTERNATIONS, INVARIANT_PARTICLES, is_syllable, leading_particle
from ..model import Glossary, Term

#: Prefix of every helper word in the indexed text: Pagefind keeps it in the stored content (so
#: search.js can remove helper words from excerpts) and indexes the word without it.
MARK = "⟦"

_HANGUL_RUN = re.compile(r"[가-힣]+")
_TOKEN = re.compile(r"\S+")
_LATIN_WORD = re.compile(r"[A-Za-z0-9]+")
#: Last syllables that mark a verb, adjective or adverb form rather than a bare noun
#: (계산한, 쓰며, 크게, 같이): such a word neither starts a compound nor gets word endings.
_NOT_NOUN_ENDINGS = frozenset("다고며면서한된는은을를의에가와과로도만게지여해할될인던운린진적히이야요죠니록")
#: Long Hangul words get their tails indexed from this many syllables on.
MIN_ENDINGS_WORD = 3
MIN_ENDING = 2
MAX_COMPOUND_HEAD = 5


def particles() -> tuple[str, ...]:
    """Every particle form :mod:`daeyeok.korean` knows, longest first (the query side uses the same list)."""
    forms = {form for alt in ALTERNATIONS for form in (alt.after_consonant, alt.after_vowel)} | set(INVARIANT_PARTICLES)
    return tuple(sorted(forms, key=lambda f: (-len(f), f)))


def is_particle_chain(suffix: str) -> bool:
    """Whether ``suffix`` is one to three particles, optionally after the plural 들 (에서는, 들을, 과의)."""
    if suffix.startswith("들"):
        suffix = suffix[1:]
        if not suffix:
            return True
    for _ in range(3):
        particle = leading_particle(suffix)
        if particle is None:
            return False
        suffix = particle.rest
        if not suffix:
            return True
    return False


@functools.lru_cache(maxsize=65536)
def strip_particles(word: str) -> str:
    """``word`` without trailing particles, keeping at least two syllables (신경망에서는 → 신경망).

    The shortest stem whose remainder is a particle chain wins, so a noun
    ending in a particle-like syllable is cut too (고양이 → 고양); that only
    widens a prefix search, it never hides a page.  Two-syllable words are
    left alone: 나이, 정도 and 차이 are nouns, not 나 + 이.
    """
    if len(word) <= 2 or not all(is_syllable(ch) for ch in word):
        return word
    for cut in range(2, len(word)):
        if is_particle_chain(word[cut:]):
            return word[:cut]
    return word


def _nounish(stem: str) -> bool:
    return bool(stem) and stem[-1] not in _NOT_NOUN_ENDINGS


def word_endings(word: str, vocabulary: Set[str]) -> list[str]:
    """Tails of a long Hangul noun that are words in ``vocabulary``, longest first (인공신경망 → 신경망)."""
    stem = strip_particles(word)
    if len(stem) < MIN_ENDINGS_WORD or not _nounish(stem):
        return []
    return [tail for k in range(1, len(stem) - MIN_ENDING + 1) if (tail := stem[k:]) in vocabulary]


def vocabulary(texts: Iterable[str], glossary_words: Iterable[str] = ()) -> frozenset[str]:
    """Every Hangul word stem of ``texts`` (particles stripped) and the glossary's Korean words."""
    return vocabulary_of([text_stems(texts)], glossary_words)


def text_stems(texts: Iterable[str]) -> frozenset[str]:
    """The Hangul word stems of ``texts`` (one page's part of :func:`vocabulary`)."""
    stems: set[str] = set()
    for text in texts:
        stems.update(map(strip_particles, _HANGUL_RUN.findall(text)))
    return frozenset(stems)


def vocabulary_of(stem_sets: Iterable[Set[str]], glossary_words: Iterable[str] = ()) -> frozenset[str]:
    """:func:`vocabulary` from the stems of each page (:func:`text_stems`) and the glossary's Korean words."""
    words: set[str] = set().union(*stem_sets)
    for form in glossary_words:
        words.update(m.group() for m in _HANGUL_RUN.finditer(form))
        words.add(form.replace(" ", ""))
    return frozenset(w for w in words if len(w) >= MIN_ENDING)


def ending_candidates(texts: Iterable[str]) -> frozenset[str]:
    """Every tail :func:`word_endings` may look up for the words of ``texts``: what a text's helper
    words depend on in the vocabulary (a cached search document is reused while the vocabulary
    answers the same for each of them)."""
    tails: set[str] = set()
    words: set[str] = set()
    for text in texts:
        words.update(_HANGUL_RUN.findall(text))
    for stem in set(map(strip_particles, words)):  # a word's tails depend on its stem alone
        if len(stem) >= MIN_ENDINGS_WORD and _nounish(stem):
            tails.update(stem[k:] for k in range(1, len(stem) - MIN_ENDING + 1))
    return frozenset(tails)


@functools.lru_cache(maxsize=65536)
def _compound_head(word: str) -> bool:
    """Whether ``word`` may start a compound: a bare Hangul noun of two to five syllables."""
    return bool(_HANGUL_RUN.fullmatch(word)) and 2 <= len(word) <= MAX_COMPOUND_HEAD and strip_particles(word) == word and _nounish(word)


def joined_compounds(text: str) -> list[str]:
    """Adjacent Hangul words as one word when the first is a bare noun (손실 함수를 → 손실함수를)."""
    out: list[str] = []
    tokens = _TOKEN.findall(text)
    for first, second in itertools.pairwise(tokens):
        if not _compound_head(first):
            continue
        head = _HANGUL_RUN.match(second)
        if head is None or len(head.group()) < 2:
            continue
        out.append(first + head.group())
    return out


@dataclass(frozen=True)
class TermForms:
    """One glossary term: the forms that reveal it in a text, and every form it is searchable under."""

    korean: tuple[str, ...]
    english: tuple[str, ...]
    case_sensitive: bool
    forms: tuple[str, ...]


def term_forms(term: Term) -> TermForms:
    korean = tuple(dict.fromkeys(f for f in (term.ko, *term.accept, *term.avoid, *term.translations) if f and _HANGUL_RUN.search(f)))
    english = tuple(dict.fromkeys(f for f in (term.en, *term.variants) if f))
    forms: list[str] = []
    for f in (*english, *korean):
        forms.append(f)
        if " " in f and _HANGUL_RUN.search(f):
            forms.append(f.replace(" ", ""))
    return TermForms(korean, english, term.case_sensitive, tuple(dict.fromkeys(forms)))


class Expander:
    """Helper tokens for blocks of text, with a site's glossary compiled once."""

    def __init__(self, glossary: Glossary | None, words: Set[str] = frozenset()):
        self.terms = [term_forms(t) for t in glossary.terms] if glossary else []
        self.words = words  # known Korean words (:func:`vocabulary`) that word endings may produce
        # All English forms in two alternations (case-insensitive and case-sensitive terms), so a
        # block is scanned twice in all rather than once per term: form -> the terms it names.
        self._english: list[tuple[re.Pattern[str], dict[str, list[int]], bool]] = []
        for sensitive in (False, True):
            owners: dict[str, list[int]] = {}
            for i, t in enumerate(self.terms):
                if t.case_sensitive is sensitive:
                    for f in t.english:
                        owners.setdefault(f if sensitive else f.lower(), []).append(i)
            if owners:
                # the boundary checks once per position, outside the alternation: the regex engine
                # otherwise retries a look-behind for each of the ~70 forms at every character
                forms = "|".join(re.escape(f) for f in sorted(owners, key=len, reverse=True))
                pattern = rf"(?<![A-Za-z0-9])(?=[A-Za-z0-9])(?:{forms})(?![A-Za-z0-9])"
                self._english.append((re.compile(pattern, 0 if sensitive else re.IGNORECASE), owners, sensitive))
        # each Korean form as written and without spaces; a form can only occur in a text that
        # holds its first syllable, which rules out most terms for most blocks at once
        self._korean = [tuple((k, k.replace(" ", "")) for k in t.korean if len(k.replace(" ", "")) >= 2) for t in self.terms]
        #: terms by the first syllable of their Korean forms: a block is tested only against the
        #: terms whose first syllable it holds, not against the whole glossary
        self._by_first: dict[str, list[int]] = {}
        for i, korean in enumerate(self._korean):
            for first in dict.fromkeys(tight[0] for _, tight in korean):
                self._by_first.setdefault(first, []).append(i)
        self._firsts = frozenset(self._by_first)
        #: word_endings by word: a site repeats its words, and a block's words are looked up one by one
        self._endings: dict[str, list[str]] = {}

    def glossary_tokens(self, text: str) -> list[str]:
        """Every form of every glossary term the text uses (Korean forms of two syllables or more, by substring)."""
        hits: set[int] = set()
        for pattern, owners, sensitive in self._english:
            for m in pattern.finditer(text):
                hits.update(owners.get(m.group() if sensitive else m.group().lower(), ()))
        squeezed = text.replace(" ", "")
        present = set(squeezed)
        candidates = set(hits)
        for ch in present & self._firsts:
            candidates.update(self._by_first[ch])
        out: list[str] = []
        for i in sorted(candidates):
            if i in hits or any(tight[0] in present and (form in text or tight in squeezed) for form, tight in self._korean[i]):
                out.extend(self.terms[i].forms)
        return out

    def tokens(self, text: str, lang: str) -> list[str]:
        """The helper words for one block: new words only, in a stable order, no duplicates."""
        present = set(_TOKEN.findall(text)) | {w.lower() for w in _LATIN_WORD.findall(text)}
        found: list[str] = []
        if lang == "ko":
            found += joined_compounds(text)
            endings = self._endings
            for word in _HANGUL_RUN.findall(text):
                if (tails := endings.get(word)) is None:
                    tails = endings[word] = word_endings(word, self.words)
                found += tails
        found += self.glossary_tokens(text)
        out: list[str] = []
        for tok in dict.fromkeys(found):
            if tok not in present and tok.lower() not in present:
                out.append(tok)
        return out


def query_rules() -> dict[str, object]:
    """What search.js needs to strip particles exactly as :func:`strip_particles` does."""
    return {"particles": list(particles()), "minStem": 2, "mark": MARK}
