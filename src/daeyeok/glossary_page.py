"""The glossary as readers see it: ``/<lang>/glossary/``, and where each term's entry is.

Kept apart from :mod:`daeyeok.render` so the renderer asks only a few
questions: is there a glossary page (a site with terms, and no content page
of its own at ``glossary``), the entries of one language's page in that
language's order, and the link to each term's entry for
:mod:`daeyeok.plugins.glossary_terms`.

Anchors are the slug of the English headword (``#weight``,
``#loss-function``), the same on both language pages and stable while the
headword is: links into the glossary survive reordering and new terms.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from .korean import is_syllable
from .model import Glossary, Term
from .site import Site
from .slugs import SlugRegistry, slugify
from .terms.matcher import plural_forms
from .urls import page_path

GLOSSARY_KEY = "glossary"
#: ids the page templates use; a term's anchor never takes one of them
TEMPLATE_IDS = frozenset({"content", "sidebar", "search-results", "glossary-filter", "glossary-list", "glossary-count"})

#: the 19 initial consonants in 가나다 order, by (syllable - 가) // 588
_INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_LATIN_GROUP = "A–Z"


def published(site: Site) -> bool:
    """A site publishes its glossary when it has terms and no page of its own at ``glossary``."""
    return site.glossary is not None and bool(site.glossary.terms) and not site.has_key(GLOSSARY_KEY)


def glossary_path(lang: str) -> str:
    """Site path of a language's glossary page, e.g. ``ko/glossary/``."""
    return page_path(lang, GLOSSARY_KEY)


def anchors(glossary: Glossary) -> tuple[str, ...]:
    """One id per term, in glossary order: the English headword's slug, made unique (``x``, ``x-1``)."""
    registry = SlugRegistry(set(TEMPLATE_IDS))
    return tuple(registry.claim(slugify(term.en, fallback="term")) for term in glossary.terms)


def _compact(text: str) -> str:
    """For sorting: NFC, case-folded, without spaces and hyphens (배치 정규화 files as 배치정규화,
    cross-entropy as crossentropy), as dictionaries file words letter by letter."""
    return "".join(ch for ch in unicodedata.normalize("NFC", text).casefold() if ch.isalnum())


def _latin_base(text: str) -> str:
    """Accents removed for A–Z filing (é → e)."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def korean_heading(term: Term) -> str | None:
    """The Hangul a Korean reader files the term under: its ``ko``, or for a Latin ``ko`` (keep-English
    ReLU) its reading (렐루); ``None`` when it has neither."""
    ko = unicodedata.normalize("NFC", term.ko)
    if ko and is_syllable(ko[0]):
        return ko
    if term.reading:
        return unicodedata.normalize("NFC", term.reading)
    return None


def korean_sort_key(term: Term) -> tuple[int, str, str, str]:
    """가나다 order for the Korean page.

    Python compares strings by code point, and the precomposed syllables
    U+AC00–U+D7A3 are laid out as (initial × 21 + medial) × 28 + final, so
    code-point order of NFC text *is* 가나다 order (ㄱ < ㄲ < ㄴ …, then by vowel
    and final), the order of the 표준국어대사전.  Spaces are ignored as in
    Korean dictionaries.  Mixed entries: a keep-English term written in Latin
    (ReLU, SGD) is filed under its Hangul reading (렐루 under ㄹ, 에스지디 under
    ㅇ), where a reader who says the word aloud looks for it, and the page
    shows the reading next to it; a Latin form without a reading goes after
    all Hangul entries, A–Z.  The written form and the English break ties, so
    the order never depends on the file's order.
    """
    heading = korean_heading(term)
    if heading is not None:
        return (0, _compact(heading), term.ko, term.en)
    return (1, _compact(_latin_base(term.ko)), term.ko, term.en)


def english_sort_key(term: Term) -> tuple[str, str]:
    """A–Z for the English page: case-insensitive, letter by letter (hyphens and spaces ignored), accents
    folded; the headword as written breaks ties (CIFAR-10 and cifar-10 keep a fixed order)."""
    return (_compact(_latin_base(term.en)), term.en)


def korean_group(term: Term) -> str:
    heading = korean_heading(term)
    if heading is None:
        return _LATIN_GROUP
    return _INITIALS[(ord(heading[0]) - 0xAC00) // 588]


def english_group(term: Term) -> str:
    first = _compact(_latin_base(term.en))[:1].upper()
    return first if "A" <= first <= "Z" else "#"


def text_lang(text: str) -> str:
    """``ko`` when most letters are Hangul, else ``en``: a note's language, for its ``lang`` attribute."""
    hangul = sum(1 for ch in text if is_syllable(ch))
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    return "ko" if hangul >= latin else "en"


def filter_key(text: str) -> str:
    """What the filter box compares: lower-case, no spaces or hyphens (손실함수 finds 손실 함수).

    daeyeok.js normalises the typed query the same way (NFC, ``toLowerCase``,
    whitespace and hyphens removed).
    """
    return "".join(ch for ch in unicodedata.normalize("NFC", text).lower() if not ch.isspace() and ch not in "-‐–")


@dataclass(frozen=True)
class Entry:
    anchor: str
    en: str
    ko: str
    variants: tuple[str, ...]
    accept: tuple[str, ...]
    avoid: tuple[tuple[str, str | None], ...]  # form, and its fix when that is not the preferred form
    keep_english: bool
    reading: str | None
    note: str
    note_lang: str
    filter: str  # every form, normalised by :func:`filter_key`, space-separated


@dataclass(frozen=True)
class Group:
    label: str
    id: str
    entries: tuple[Entry, ...]


def _entry(term: Term, anchor: str) -> Entry:
    avoid = tuple((form, fix if fix != term.ko else None) for form, fix in term.avoid.items())
    avoid += tuple((form, None) for form in term.translations if form not in term.avoid)
    # a regular plural (weights for weight) says nothing a reader needs; the matcher adds it anyway
    regular = {f.lower() for f in plural_forms(term.en)}
    forms = [term.en, *term.variants, term.ko, *term.accept, *term.avoid, *term.translations, *([term.reading] if term.reading else [])]
    return Entry(
        anchor=anchor,
        en=term.en,
        ko=term.ko,
        variants=tuple(v for v in term.variants if v.lower() not in regular),
        accept=term.accept,
        avoid=avoid,
        keep_english=term.keep_english,
        reading=term.reading,
        note=term.note,
        note_lang=text_lang(term.note),
        filter=" ".join(dict.fromkeys(filter_key(f) for f in forms)),
    )


def groups(glossary: Glossary, lang: str) -> tuple[Group, ...]:
    """The entries of ``lang``'s page, grouped by first letter (A–Z) or initial consonant (ㄱ–ㅎ), in order."""
    ids = anchors(glossary)
    korean = lang == "ko"
    order = sorted(range(len(glossary.terms)), key=lambda i: korean_sort_key(glossary.terms[i]) if korean else english_sort_key(glossary.terms[i]))
    registry = SlugRegistry(set(TEMPLATE_IDS) | set(ids))  # group ids never take a term's anchor
    out: list[Group] = []
    current: str | None = None
    bucket: list[Entry] = []
    for i in order:
        term = glossary.terms[i]
        label = korean_group(term) if korean else english_group(term)
        if label != current and bucket:
            out.append(Group(current or "", registry.claim(f"letter-{slugify(current or '', fallback='other')}"), tuple(bucket)))
            bucket = []
        current = label
        bucket.append(_entry(term, ids[i]))
    if bucket:
        out.append(Group(current or "", registry.claim(f"letter-{slugify(current or '', fallback='other')}"), tuple(bucket)))
    return tuple(out)


def term_hrefs(glossary: Glossary, page_url: str | None) -> Sequence[str | None]:
    """The URL of each term's entry on a glossary page at ``page_url`` (``None`` each without a page)."""
    return [f"{page_url}#{anchor}" if page_url is not None else None for anchor in anchors(glossary)]
