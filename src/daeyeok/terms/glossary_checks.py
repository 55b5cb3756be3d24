"""Consistency of glossary.yml across entries, reported at ``glossary.yml:line:col``.

:func:`daeyeok.glossary.parse_glossary` validates each entry on its own
(unknown keys, empty forms, types).  What only shows across entries lives
here: the same term twice, a form both accepted and avoided, one Korean form
claimed by two terms (성능 for Accuracy and Performance: readers cannot tell
which is meant, and the checker cannot either), a reading that is not Hangul.
"""

from __future__ import annotations

from pathlib import Path

from ..diagnostics import Diagnostic, display_path, error, warning
from ..korean import is_syllable
from ..model import Glossary, Term
from .findings import GLOSSARY
from .matcher import english_key


def _where(term: Term, key: str) -> tuple[int, int]:
    return term.positions.get(key) or (term.line, term.col)


def _accept_key(term: Term, form: str) -> str:
    return f"accept.{term.accept.index(form)}" if form in term.accept else "ko"


def check_glossary(glossary: Glossary) -> list[Diagnostic]:
    path = display_path(glossary.path) if isinstance(glossary.path, Path) else "glossary.yml"
    diags: list[Diagnostic] = []
    english_seen: dict[tuple[str, ...], tuple[Term, str]] = {}
    korean_owner: dict[str, tuple[Term, str]] = {}
    avoided_by: dict[str, Term] = {}
    for term in glossary.terms:
        for key_name, form in [("en", term.en), *((f"variants.{j}", v) for j, v in enumerate(term.variants))]:
            key = english_key(form, False)
            seen = english_seen.get(key)
            if seen is not None and seen[0] is not term:
                line, col = _where(seen[0], seen[1])
                diags.append(
                    error(path, *_where(term, key_name), GLOSSARY, f"duplicate term '{form}': already defined at {path}:{line}:{col} ('{seen[0].en}')")
                )
            else:
                english_seen.setdefault(key, (term, key_name))
        for form in term.avoid:
            avoided_by.setdefault(form, term)
    for term in glossary.terms:
        own = ([term.ko] if not term.keep_english else []) + list(term.accept)
        for form in own:
            if form in term.avoid:
                diags.append(error(path, *_where(term, f"avoid:{form}"), GLOSSARY, f"'{form}' is both accepted and avoided for '{term.en}'"))
                continue
            other = avoided_by.get(form)
            if other is not None and other is not term:
                diags.append(
                    error(path, *_where(term, _accept_key(term, form)), GLOSSARY, f"'{form}' is accepted for '{term.en}' but avoided for '{other.en}'")
                )
            if not any(is_syllable(ch) for ch in form):
                continue
            owner = korean_owner.get(form)
            if owner is not None and owner[0] is not term:
                line, col = _where(owner[0], owner[1])
                diags.append(
                    warning(
                        path, *_where(term, _accept_key(term, form)), GLOSSARY,
                        f"Korean form '{form}' belongs to both '{owner[0].en}' ({path}:{line}:{col}) and '{term.en}'; readers cannot tell which is meant",
                    )
                )  # fmt: skip
            else:
                korean_owner.setdefault(form, (term, _accept_key(term, form)))
        if term.reading is not None and not is_syllable(term.reading[-1]):
            diags.append(
                error(path, *_where(term, "reading"), GLOSSARY, f"reading '{term.reading}' of '{term.en}' must end in Hangul: it decides the particle")
            )
        for fix in set(term.avoid.values()):
            if fix in term.avoid:
                diags.append(
                    error(path, *_where(term, f"avoid:{fix}"), GLOSSARY, f"'{fix}' is avoided for '{term.en}' and is also the fix of another avoided form")
                )
    return diags
