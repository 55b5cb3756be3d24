"""``glossary.yml``: the EN→KO term list, loaded and validated (schema in docs/glossary.md).

This module only turns the file into :class:`Glossary`; the consistency
checks that read pages against it live in :mod:`daeyeok.checks_glossary`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import yamlpos
from .diagnostics import Diagnostic, error
from .model import Glossary, Term

TERM_KEYS = {
    "en": "English headword",
    "variants": "other English forms",
    "ko": "preferred Korean form",
    "accept": "accepted Korean alternatives",
    "avoid": "Korean forms to avoid (list, or mapping form → fix)",
    "keep_english": "the term stays in English in Korean text",
    "reading": "Hangul reading of a keep-English term",
    "note": "a short note shown to readers",
    "gloss_first": "first use on a page must be 한글(English)",
    "case_sensitive": "match the English case-sensitively",
    "translations": "Korean renderings of a keep-English term, reported when used",
}


def parse_glossary(path: Path, text: str) -> tuple[Glossary | None, list[Diagnostic]]:
    try:
        doc = yamlpos.load(text)
    except yamlpos.YamlError as exc:
        return None, [error(path, exc.line, exc.col, "glossary", exc.message)]
    data = doc.value
    if data is None:
        return Glossary((), path), []
    if not isinstance(data, list):
        line, col = doc.pos(())
        return None, [error(path, line, col, "glossary", "glossary.yml must be a list of terms (- en: …, ko: …)")]
    diags: list[Diagnostic] = []
    terms: list[Term] = []

    def err(key: tuple[Any, ...], message: str, at_key: bool = False) -> None:
        line, col = doc.key_pos(key) if at_key else doc.pos(key)
        diags.append(error(path, line, col, "glossary", message))

    def text_list(key: tuple[Any, ...], value: Any) -> list[str]:
        if value is None:
            return []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            err(key, f"'{key[-1]}' must be a list of strings")
            return []
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                err(key + (i,), f"'{key[-1]}' has an empty or non-string form")
                continue
            out.append(item.strip())
        return out

    for i, entry in enumerate(data):
        if not isinstance(entry, dict):
            err((i,), "a glossary entry must be a mapping with at least 'en' and 'ko'")
            continue
        for key in entry:
            if key not in TERM_KEYS:
                err((i, key), f"unknown key {key!r} (known keys: {', '.join(sorted(TERM_KEYS))})", at_key=True)
        en, ko = entry.get("en"), entry.get("ko")
        if not isinstance(en, str) or not en.strip():
            err((i, "en") if "en" in entry else (i,), "'en' must be a non-empty string")
            continue
        if not isinstance(ko, str) or not ko.strip():
            err((i, "ko") if "ko" in entry else (i,), f"'{en}': 'ko' must be a non-empty string")
            continue
        raw_avoid = entry.get("avoid")
        avoid: dict[str, str] = {}
        if isinstance(raw_avoid, dict):
            for form, fix in raw_avoid.items():
                if not isinstance(form, str) or not form.strip() or not isinstance(fix, str) or not fix.strip():
                    err((i, "avoid", form), "'avoid' maps a non-empty form to a non-empty fix")
                    continue
                avoid[form.strip()] = fix.strip()
        else:
            avoid = {form: ko.strip() for form in text_list((i, "avoid"), raw_avoid)}
        flags = {}
        for flag in ("keep_english", "gloss_first", "case_sensitive"):
            value = entry.get(flag, False)
            if not isinstance(value, bool):
                err((i, flag), f"'{flag}' must be true or false")
                value = False
            flags[flag] = value
        reading = entry.get("reading")
        if reading is not None and (not isinstance(reading, str) or not reading.strip()):
            err((i, "reading"), "'reading' must be a non-empty Hangul string")
            reading = None
        if flags["keep_english"] and reading is None:
            err((i,), f"'{en}' is keep_english but has no 'reading' (the Hangul reading decides particles: ReLU → 렐루)")
        note = entry.get("note", "")
        if not isinstance(note, str):
            err((i, "note"), "'note' must be a string")
            note = ""
        positions = {k: doc.pos((i, k)) for k in entry if isinstance(k, str)}
        for list_key in ("accept", "variants", "translations"):
            for j, _ in enumerate(entry.get(list_key) or []):
                positions[f"{list_key}.{j}"] = doc.pos((i, list_key, j))
        for form in avoid:
            positions[f"avoid:{form}"] = doc.key_pos((i, "avoid", form)) if isinstance(raw_avoid, dict) else doc.pos((i, "avoid", list(avoid).index(form)))
        line, col = doc.pos((i,))
        terms.append(
            Term(
                en=en.strip(),
                variants=tuple(text_list((i, "variants"), entry.get("variants"))),
                ko=ko.strip(),
                accept=tuple(text_list((i, "accept"), entry.get("accept"))),
                avoid=avoid,
                keep_english=flags["keep_english"],
                reading=reading.strip() if isinstance(reading, str) else None,
                note=note.strip(),
                gloss_first=flags["gloss_first"],
                case_sensitive=flags["case_sensitive"],
                line=line,
                col=col,
                positions=positions,
                translations=tuple(text_list((i, "translations"), entry.get("translations"))),
            )
        )
    if any(True for _ in diags):
        return None, diags
    return Glossary(tuple(terms), path), []
