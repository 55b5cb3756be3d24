"""Hangul arithmetic and Korean particles (조사), the ground truth for the glossary checks.

Why hand-written: which particle follows a word depends only on the last
syllable's final consonant (받침), which is Unicode arithmetic on the
precomposed syllable block (U+AC00 + (initial*21 + medial)*28 + final).
The josa libraries on PyPI (josa, korean-josa, hangeul, tossi's ports)
either cover fewer alternations than the glossary needs (으로서/로서,
이랑/랑, 이라/라), or cannot decide a Latin word at all; a Latin term is
decided here by its Hangul *reading* (ReLU → 렐루 → ``ReLU를``), which the
glossary supplies, with letter names for acronyms as the fallback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FIRST = 0xAC00
_LAST = 0xD7A3
_RIEUL = 8  # index of ㄹ among the 28 finals (0 = none)


def is_syllable(ch: str) -> bool:
    """A precomposed Hangul syllable (가–힣); jamo and compatibility jamo are not."""
    return len(ch) == 1 and _FIRST <= ord(ch) <= _LAST


def final_index(ch: str) -> int:
    """The 받침 of a syllable as an index 0–27 (0: none, 8: ㄹ); -1 for a non-syllable."""
    if not is_syllable(ch):
        return -1
    return (ord(ch) - _FIRST) % 28


def has_batchim(word: str) -> bool | None:
    """Whether ``word`` ends in a consonant; ``None`` when its last character is not Hangul."""
    if not word:
        return None
    index = final_index(word[-1])
    return None if index < 0 else index != 0


def ends_in_rieul(word: str) -> bool:
    return bool(word) and final_index(word[-1]) == _RIEUL


@dataclass(frozen=True)
class Alternation:
    """A particle whose form depends on the preceding sound: ``after_consonant`` / ``after_vowel``.

    ``rieul_as_vowel``: the 으로 family treats a final ㄹ like a vowel (레이블로, not 레이블으로).
    ``vowel_form_only_wrong``: for 이나/나 and 이라/라 the consonant form after a vowel
    is still grammatical (it is the copula 이 + ending: 필터이라고), so only the
    vowel form after a consonant is a mistake.
    """

    after_consonant: str
    after_vowel: str
    rieul_as_vowel: bool = False
    vowel_form_only_wrong: bool = False

    def expected(self, reading: str) -> str | None:
        final = has_batchim(reading)
        if final is None:
            return None
        if not final or (self.rieul_as_vowel and ends_in_rieul(reading)):
            return self.after_vowel
        return self.after_consonant


#: The alternating particles the checker knows, longest forms first when scanning.
ALTERNATIONS: tuple[Alternation, ...] = (
    Alternation("은", "는"),
    Alternation("이", "가"),
    Alternation("을", "를"),
    Alternation("과", "와"),
    Alternation("으로", "로", rieul_as_vowel=True),
    Alternation("으로서", "로서", rieul_as_vowel=True),
    Alternation("으로써", "로써", rieul_as_vowel=True),
    Alternation("으로부터", "로부터", rieul_as_vowel=True),
    Alternation("이나", "나", vowel_form_only_wrong=True),
    Alternation("이랑", "랑"),
    Alternation("아", "야"),
    Alternation("이라", "라", vowel_form_only_wrong=True),
    Alternation("이란", "란", vowel_form_only_wrong=True),
    Alternation("이라고", "라고", vowel_form_only_wrong=True),
    Alternation("이라는", "라는", vowel_form_only_wrong=True),
    Alternation("이며", "며", vowel_form_only_wrong=True),
)

#: Particles that never alternate; they may follow a term and each other (에서는, 과의).
INVARIANT_PARTICLES: tuple[str, ...] = (
    "의", "에", "에서", "에게", "께", "도", "만", "까지", "부터", "보다", "처럼", "같이", "마다",
    "조차", "마저", "밖에", "뿐", "대로", "만큼", "이나마", "나마", "한테", "께서", "이든지", "든지",
    "이든", "든", "요", "씩",
)  # fmt: skip

#: Copula and light-verb endings that may follow a noun term (신경망이다, 구현한다, 초기화된).
ENDING_STARTS: tuple[str, ...] = (
    "이다", "입니다", "입니까", "이에요", "이었", "였", "이고", "이지", "인", "일", "임", "이므로", "이면",
    "이어", "이기", "이자", "이죠", "이니", "이니까", "이거나", "이라서", "이라면", "이지만",
    "다", "고", "지", "죠", "면", "므로", "니까", "거나", "라서", "라면", "지만", "예요", "야",
    "하", "한", "할", "함", "합", "해", "했", "되", "된", "될", "됨", "됩", "돼", "됐", "시키", "시킨", "시켜",
    "적", "상", "별", "간", "용", "화",
)  # fmt: skip

_SUFFIXES: list[tuple[str, Alternation | None]] = sorted(
    [(form, alt) for alt in ALTERNATIONS for form in (alt.after_consonant, alt.after_vowel)] + [(p, None) for p in INVARIANT_PARTICLES],
    key=lambda item: -len(item[0]),
)


@dataclass(frozen=True)
class Particle:
    """The particle found at the start of a word's suffix."""

    form: str
    alternation: Alternation | None
    rest: str  # what follows the particle inside the same word


_BY_FIRST: dict[str, list[tuple[str, Alternation | None]]] = {}
for _form, _alt in _SUFFIXES:
    _BY_FIRST.setdefault(_form[0], []).append((_form, _alt))


def leading_particle(suffix: str) -> Particle | None:
    """The longest known particle at the start of ``suffix`` (a word's remainder after a noun)."""
    for form, alt in _BY_FIRST.get(suffix[:1], ()):
        if suffix.startswith(form):
            return Particle(form, alt, suffix[len(form) :])
    return None


def suffix_is_inflection(suffix: str) -> bool:
    """Whether ``suffix`` can follow a noun inside one word: nothing, 들, particles, copula or 하다 endings.

    This is what keeps 이미지 from matching inside 이미지넷: 넷 is none of these.
    """
    if suffix.startswith("들"):
        suffix = suffix[1:]
    if not suffix:
        return True
    for _ in range(3):  # at most three stacked particles: 에서만은
        particle = leading_particle(suffix)
        if particle is None:
            break
        suffix = particle.rest
        if not suffix:
            return True
    return any(suffix.startswith(e) for e in ENDING_STARTS)


def particle_problem(reading: str, suffix: str) -> tuple[str, str] | None:
    """``(wrong, right)`` when the particle opening ``suffix`` disagrees with ``reading``, else ``None``.

    ``reading`` is the Hangul the particle attaches to (with 들 already added
    when the suffix starts with it).  Only a particle that ends the word or
    is followed by another particle counts: 신경망이론 is not "신경망 + 이".
    """
    particle = leading_particle(suffix)
    if particle is None or particle.alternation is None:
        return None
    if particle.rest and not suffix_is_inflection(particle.rest):
        return None
    alt = particle.alternation
    expected = alt.expected(reading)
    if expected is None or expected == particle.form:
        return None
    if alt.vowel_form_only_wrong and particle.form == alt.after_consonant:
        return None
    if particle.form == "이" and particle.rest:
        return None  # 필터이다, 필터인: the copula, not the subject particle
    if particle.form == "아" and particle.rest:
        return None
    return particle.form, expected


_LETTER_NAMES = {
    "a": "에이", "b": "비", "c": "씨", "d": "디", "e": "이", "f": "에프", "g": "지", "h": "에이치", "i": "아이",
    "j": "제이", "k": "케이", "l": "엘", "m": "엠", "n": "엔", "o": "오", "p": "피", "q": "큐", "r": "알",
    "s": "에스", "t": "티", "u": "유", "v": "브이", "w": "더블유", "x": "엑스", "y": "와이", "z": "지",
}  # fmt: skip
_DIGITS = {"0": "영", "1": "일", "2": "이", "3": "삼", "4": "사", "5": "오", "6": "육", "7": "칠", "8": "팔", "9": "구"}


def latin_reading(word: str) -> str | None:
    """A Hangul reading for an acronym or number (RNN → 알엔엔, 10 → 일영), ``None`` when unsure.

    Ordinary English words are not guessed: "loss" may be read 로스 or 로쓰 and
    the final sound of an English word is not decidable from spelling alone,
    so those need a ``reading`` in the glossary.
    """
    core = word.strip().rstrip(".")
    if not core:
        return None
    if core.isdigit():
        return "".join(_DIGITS[d] for d in core)
    if core.isascii() and core.isalpha() and core.isupper() and len(core) <= 6:
        return "".join(_LETTER_NAMES[c.lower()] for c in core)
    return None


def is_hangul_text(text: str, threshold: float = 0.3) -> bool:
    """Whether at least ``threshold`` of the letters are Hangul: a page still in English is not Korean."""
    hangul = len(_SYLLABLES.findall(text))
    letters = len(_LETTERS.findall(text))
    return letters > 0 and hangul / letters >= threshold


_SYLLABLES = re.compile("[\uac00-\ud7a3]")
_LETTERS = re.compile(r"[^\W\d_]")
