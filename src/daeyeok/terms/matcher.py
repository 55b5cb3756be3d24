"""Finding glossary terms in prose: Korean forms with their particles, English forms as words.

Korean: a form matches at the start of a word (not after another Hangul
syllable) and only when what follows in the same word is nothing, 들, a
particle or an ending (:func:`daeyeok.korean.suffix_is_inflection`), so
이미지 does not match inside 이미지넷.  At one position the longest form wins
(배치 정규화 before 배치), and matching resumes after it.  A form to avoid of
three or more syllables is also found at the start of a compound (웨이트값,
손실함수값): the glossary author listed it as a string never to write.  Forms are indexed
by their first character, so the cost per character is the handful of forms
starting with it, not the glossary size.

English: words are tokenised once and looked up as word sequences (up to the
longest term's length), case-folded unless the term is ``case_sensitive``;
hyphens and spaces are the same separator, and regular plurals are added.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from ..korean import is_syllable, suffix_is_inflection
from ..model import Glossary, Term

#: how a Korean form relates to its term
PREFERRED, ACCEPTED, AVOIDED, TRANSLATED = "preferred", "accepted", "avoided", "translated"

_VERB_ENDING = "하다"
#: an avoided form this long (in syllables) is also found at the start of a compound (웨이트값)
_COMPOUND_MIN = 3
#: where a Hangul word starts (not after another syllable): the only places a Korean form may begin
_HANGUL_WORD = re.compile("(?<![\uac00-\ud7a3])[\uac00-\ud7a3]")
_HANGUL_RUN = re.compile("[\uac00-\ud7a3]*")
#: how many distinct texts a matcher remembers the matches of (a 10,000-page site has ~1M)
_MEMO_TEXTS = 200_000
#: difflib's default: below this ratio no glossary term is offered as the closest
_CLOSE_CUTOFF = 0.6
_WORD = re.compile(r"[A-Za-z0-9]+(?:[.'][A-Za-z0-9]+)*")


@dataclass(frozen=True)
class KoForm:
    text: str  # as written in the glossary (구현하다)
    stem: str  # what is matched in prose (구현)
    term: int  # index into Glossary.terms
    kind: str
    fix: str | None  # for an avoided form, what replaces it
    verb: bool


@dataclass(frozen=True)
class KoMatch:
    start: int
    end: int  # end of the stem in the run text
    suffix: str  # the rest of the word: particles, endings
    forms: tuple[KoForm, ...]  # every glossary form with this stem (two terms may share one)

    @property
    def written(self) -> str:
        return self.forms[0].stem


@dataclass(frozen=True)
class EnMatch:
    start: int
    end: int
    text: str
    terms: tuple[int, ...]


def english_key(text: str, case_sensitive: bool) -> tuple[str, ...]:
    words = tuple(w for w in re.split(r"[\s\-‐–]+", text.strip()) if w)
    return words if case_sensitive else tuple(w.lower() for w in words)


def plural_forms(text: str) -> list[str]:
    """Regular English plural and singular of the last word; irregular ones belong in ``variants``."""
    head, _, last = text.rpartition(" ")
    prefix = head + " " if head else ""
    out: list[str] = []
    low = last.lower()
    if not last or not last[-1].isalpha():
        return out
    if last.isupper() and len(last) > 1:
        out.append(prefix + last + "s")
    elif re.search(r"(s|x|z|ch|sh)$", low):
        out.append(prefix + last + "es")
    elif re.search(r"[^aeiou]y$", low):
        out.append(prefix + last[:-1] + "ies")
    else:
        out.append(prefix + last + "s")
    if low.endswith("s") and not re.search(r"(ss|us|is)$", low) and len(low) > 3:
        out.append(prefix + last[:-1])
    return out


def english_forms(term: Term) -> list[str]:
    forms: list[str] = []
    for base in (term.en, *term.variants):
        for form in (base, *plural_forms(base)):
            if form not in forms:
                forms.append(form)
    return forms


def korean_forms(term: Term, index: int) -> list[KoForm]:
    forms: list[KoForm] = []

    def add(text: str, kind: str, fix: str | None = None) -> None:
        if not any(is_syllable(ch) for ch in text):
            return  # a Latin "Korean" form (keep-English ko: ReLU) is matched as English
        verb = text.endswith(_VERB_ENDING) and len(text) > len(_VERB_ENDING)
        stem = text[: -len(_VERB_ENDING)] if verb else text
        forms.append(KoForm(text, stem, index, kind, fix, verb))

    if term.keep_english:
        if term.reading:
            add(term.reading, TRANSLATED)
        for text in term.translations:
            add(text, TRANSLATED)
    else:
        add(term.ko, PREFERRED)
    for text in term.accept:
        add(text, ACCEPTED)
    for text, fix in term.avoid.items():
        add(text, AVOIDED, fix)
    return forms


class Matcher:
    """A glossary compiled for matching; build once per check run."""

    def __init__(self, glossary: Glossary):
        self.glossary = glossary
        self.terms = glossary.terms
        by_stem: dict[str, list[KoForm]] = {}
        for i, term in enumerate(self.terms):
            for form in korean_forms(term, i):
                by_stem.setdefault(form.stem, []).append(form)
        self.ko_by_stem = {stem: tuple(forms) for stem, forms in by_stem.items()}
        first: dict[str, list[str]] = {}
        for stem in self.ko_by_stem:
            first.setdefault(stem[0], []).append(stem)
        self.ko_first = {ch: sorted(stems, key=len, reverse=True) for ch, stems in first.items()}
        self.en_folded: dict[tuple[str, ...], list[int]] = {}
        self.en_exact: dict[tuple[str, ...], list[int]] = {}
        self.en_forms: list[list[str]] = []
        self.max_words = 1
        for i, term in enumerate(self.terms):
            en_list = english_forms(term)
            self.en_forms.append(en_list)
            table = self.en_exact if term.case_sensitive else self.en_folded
            for en_form in en_list:
                key = english_key(en_form, term.case_sensitive)
                if key and i not in table.setdefault(key, []):
                    table[key].append(i)
                    self.max_words = max(self.max_words, len(key))
        #: first words of every English form (folded and exact), to skip most words at once
        self.en_starts = {key[0] for key in self.en_folded} | {key[0] for key in self.en_exact}
        #: the most words a form starting with a given word has: 'neural' starts a three-word
        #: term, 'layer' only itself, so most lookups try one size instead of max_words
        self.en_longest: dict[str, int] = {}
        for key in [*self.en_folded, *self.en_exact]:
            self.en_longest[key[0]] = max(self.en_longest.get(key[0], 0), len(key))
        self._closest: dict[str, int | None] = {}
        self._choices: _Choices | None = None
        self._korean_found: dict[str, tuple[KoMatch, ...]] = {}
        self._english_found: dict[str, tuple[EnMatch, ...]] = {}

    def korean_in(self, text: str) -> tuple[KoMatch, ...]:
        """:meth:`korean` as a tuple, memoised by text: the rules, the term links of the
        rendered page and the preview server's next rebuild read the same paragraphs."""
        return _remembered(self._korean_found, text, self.korean)

    def english_in(self, text: str) -> tuple[EnMatch, ...]:
        """:meth:`english` as a tuple, memoised by text (see :meth:`korean_in`)."""
        return _remembered(self._english_found, text, self.english)

    # -- Korean ------------------------------------------------------------------------
    def korean(self, text: str) -> Iterator[KoMatch]:
        """Korean term uses in ``text``, left to right, longest first, never overlapping."""
        first = self.ko_first
        resume = 0
        for word in _HANGUL_WORD.finditer(text):
            i = word.start()
            if i < resume:
                continue  # inside the previous match (배치 정규화 spans two words)
            stems = first.get(text[i])
            if stems is None:
                continue
            for stem in stems:
                if not text.startswith(stem, i):
                    continue
                end = i + len(stem)
                suffix = _HANGUL_RUN.match(text, end).group()  # type: ignore[union-attr]
                forms = self.ko_by_stem[stem]
                if suffix_is_inflection(suffix):
                    yield KoMatch(i, end, suffix, forms)
                    resume = end + len(suffix)
                    break
                if all(f.kind == AVOIDED for f in forms) and sum(map(is_syllable, stem)) >= _COMPOUND_MIN:
                    yield KoMatch(i, end, "", forms)  # 손실함수값: a form to avoid stays one inside a compound
                    resume = end
                    break

    # -- English -----------------------------------------------------------------------
    def english(self, text: str) -> Iterator[EnMatch]:
        """English term uses in ``text``: whole words, longest word sequence first.

        Words are looked at one by one and only a word that starts some form
        costs more than a set lookup: the words after it are read then, so a
        paragraph with few terms costs one regex scan.
        """
        starts = self.en_starts
        longest = self.en_longest
        resume = 0
        for word in _WORD.finditer(text):
            if word.start() < resume:
                continue
            w = word.group()
            low = w.lower()
            if low not in starts and w not in starts:
                continue
            size = max(longest.get(low, 0), longest.get(w, 0))
            span = [(word.start(), word.end(), w)]
            at = word.end()
            while len(span) < size and text[at : at + 1] in _JOINERS:
                following = _WORD.match(text, at + 1)  # one space or hyphen, then the next word
                if following is None:
                    break
                span.append((following.start(), following.end(), following.group()))
                at = following.end()
            best: EnMatch | None = None
            for n in range(len(span), 0, -1):
                plain = tuple(x[2] for x in span[:n])
                hits = self.en_exact.get(plain, []) + self.en_folded.get(tuple(x.lower() for x in plain), [])
                if hits:
                    first, last = span[0][0], span[n - 1][1]
                    best = EnMatch(first, last, text[first:last], tuple(dict.fromkeys(hits)))
                    break
            if best is not None:
                yield best
                resume = best.end

    def closest_term(self, english: str) -> int | None:
        """The glossary term whose English is nearest to ``english`` (for a misspelt gloss).

        The answer of :func:`difflib.get_close_matches` (``n=1``, cutoff 0.6), found
        without scoring every form: a form's shared-letter count bounds its ratio from
        above (difflib's ``quick_ratio``), so forms are scored best bound first and the
        search stops when no remaining bound can beat the best ratio.  With a
        1,000-term glossary this is ~30 times fewer full comparisons.
        """
        key = " ".join(english_key(english, False))
        if key not in self._closest:
            self._closest[key] = self._closest_uncached(key)
        return self._closest[key]

    def _closest_uncached(self, key: str) -> int | None:
        import difflib

        names, terms, lengths, by_letter = self._closest_choices()
        shared = [0] * len(names)
        for ch in set(key):  # letters in common, summed per form through the letter index
            n = key.count(ch)
            for j, count in by_letter.get(ch, ()):
                shared[j] += count if count < n else n
        bounded: list[tuple[float, str, int]] = []
        for j, common in enumerate(shared):
            bound = 2.0 * common / (len(key) + lengths[j]) if common else 0.0
            if bound >= _CLOSE_CUTOFF:
                bounded.append((bound, names[j], terms[j]))
        bounded.sort(reverse=True)
        best: tuple[float, str, int] | None = None
        matcher = difflib.SequenceMatcher()
        matcher.set_seq2(key)
        for bound, choice, term in bounded:
            if best is not None and bound < best[0]:
                break
            matcher.set_seq1(choice)
            ratio = matcher.ratio()
            if ratio >= _CLOSE_CUTOFF and (best is None or (ratio, choice) > best[:2]):
                best = (ratio, choice, term)
        return best[2] if best else None

    def _closest_choices(self) -> _Choices:
        """Every English form folded (the first term naming it wins, as in difflib's dict), its
        length, and for each letter the forms holding it with how often."""
        if self._choices is None:
            owner: dict[str, int] = {}
            for i, forms in enumerate(self.en_forms):
                for form in forms:
                    owner.setdefault(" ".join(english_key(form, False)), i)
            names = list(owner)
            by_letter: dict[str, list[tuple[int, int]]] = {}
            for j, name in enumerate(names):
                for ch in set(name):  # str.count per distinct letter: a Counter per form cost ~35 ms for 1,000 terms
                    by_letter.setdefault(ch, []).append((j, name.count(ch)))
            self._choices = (names, [owner[n] for n in names], [len(n) for n in names], by_letter)
        return self._choices


#: (forms, their terms, their lengths, letter -> [(form index, count)])
_Choices = tuple[list[str], list[int], list[int], dict[str, list[tuple[int, int]]]]


M = TypeVar("M")


def _remembered(table: dict[str, tuple[M, ...]], text: str, find: Callable[[str], Iterator[M]]) -> tuple[M, ...]:
    found = table.get(text)
    if found is None:
        if len(table) > _MEMO_TEXTS:
            table.clear()
        found = table[text] = tuple(find(text))
    return found


#: two words belong to one term only when separated by one of these
_JOINERS = frozenset(" -‐–")
