"""Converting the aikorea/cs231n ``glossary.md`` (an HTML table) into glossary.yml.

The team's table has an English cell and a Korean cell per row; the Korean
cell is ``(영어 그대로)`` for keep-English terms, or comma-separated forms
(the first is taken as preferred, the rest as accepted), with an optional
parenthesised remark that becomes the note.  What the table leaves implicit
and this converter makes explicit:

- ``Loss (function)`` means "loss function", also said "loss": a
  lower-case parenthesis is an optional continuation, an upper-case one
  (``Recurrent neural network (RNN)``) an abbreviation; both become variants;
- Latin forms in the Korean cell (``회귀신경망, RNN``) are English variants;
- a spaced Korean form (손실 함수) gets its unspaced spelling as an avoided
  form, since the table's point is one spelling per term;
- keep-English terms need a Hangul reading for particles: known ML terms
  have one here, acronyms are read letter by letter; any other is reported.

The importer (daeyeok.importer) calls :func:`convert_glossary_md`;
:func:`apply_overlay` lets a team keep its own additions (avoided forms,
notes) in a separate file on top of a converted glossary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import yaml

from ..diagnostics import Diagnostic, warning
from ..korean import is_syllable, latin_reading

KEEP_ENGLISH_MARK = "영어 그대로"

#: Hangul readings of keep-English terms common in ML course notes (the particle follows these).
READINGS = {
    "backpropagation": "백프로퍼게이션",
    "bias": "바이어스",
    "cross entropy": "크로스 엔트로피",
    "dropout": "드롭아웃",
    "forward propagation": "포워드 프로퍼게이션",
    "fully-connected": "풀리 커넥티드",
    "hyperparameter": "하이퍼파라미터",
    "nearest neighbor": "니어리스트 네이버",
    "overfitting": "오버피팅",
    "receptive field": "리셉티브 필드",
    "regularization": "레귤러라이제이션",
    "relu": "렐루",
    "sigmoid": "시그모이드",
    "softmax": "소프트맥스",
    "tanh": "탠에이치",
    "batch normalization": "배치 노멀라이제이션",
    "momentum": "모멘텀",
    "adam": "아담",
    "epoch": "에폭",
}


@dataclass
class _Row:
    line: int
    cells: list[str] = field(default_factory=list)


class _TableReader(HTMLParser):
    """``<tr><td>…</td><td>…</td></tr>`` rows of the body, with their source lines; comments are skipped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[_Row] = []
        self._row: _Row | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self._row = _Row(self.getpos()[0])
        elif tag == "td" and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._row is not None and self._cell is not None:
            self._row.cells.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._row.cells:
                self.rows.append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _headword(text: str) -> str:
    """Sentence case to the term's own case: "Accuracy" → "accuracy", "ReLU" and "GRU" kept."""
    if text[:1].isupper() and text[1:] == text[1:].lower():
        return text[:1].lower() + text[1:]
    words = text.split(" ")
    if words and words[0][:1].isupper() and words[0][1:] == words[0][1:].lower() and all(w == w.lower() for w in words[1:]):
        return text[:1].lower() + text[1:]
    return text


def _split_english(cell: str) -> tuple[str, list[str]]:
    match = re.fullmatch(r"(.+?)\s*\(([^)]+)\)", cell)
    if not match:
        return _headword(cell), []
    base, inner = match.group(1).strip(), match.group(2).strip()
    if inner.isupper():
        return _headword(base), [inner]
    return _headword(f"{base} {inner}"), [_headword(base)]


def _split_korean(cell: str) -> tuple[list[str], str]:
    """Forms and a remark: "파라미터 값, 가중치 (문맥상 …)" → (["파라미터 값", "가중치"], "문맥상 …")."""
    note = ""
    match = re.search(r"\(([^)]*)\)\s*$", cell)
    if match and KEEP_ENGLISH_MARK not in match.group(1):
        note = match.group(1).strip()
        cell = cell[: match.start()].strip()
    forms = [f.strip() for f in cell.split(",") if f.strip()]
    return forms, note


def convert_glossary_md(text: str, path: str = "glossary.md") -> tuple[str, list[Diagnostic]]:
    """The aikorea glossary table as glossary.yml text, and what needs a human (as diagnostics)."""
    reader = _TableReader()
    reader.feed(re.sub(r"<!--.*?-->", lambda m: "\n" * m.group().count("\n"), text, flags=re.DOTALL))
    reader.close()
    entries: list[dict[str, Any]] = []
    problems: list[Diagnostic] = []
    for row in reader.rows:
        if len(row.cells) < 2 or not row.cells[0] or not row.cells[1]:
            problems.append(warning(path, row.line, 1, "import", "a glossary row without both an English and a Korean cell; skipped"))
            continue
        en, variants = _split_english(row.cells[0])
        entry: dict[str, Any] = {"en": en}
        korean_cell = row.cells[1]
        if KEEP_ENGLISH_MARK in korean_cell:
            entry["ko"] = en
            entry["keep_english"] = True
            reading = READINGS.get(en.lower()) or latin_reading(en)
            if reading is None:
                problems.append(
                    warning(path, row.line, 1, "import", f"'{en}' stays in English but its Hangul reading is unknown; add 'reading:' (it decides the particle)")
                )
            else:
                entry["reading"] = reading
        else:
            forms, note = _split_korean(korean_cell)
            prefix = [f for f in forms if f.endswith("~")]
            forms = [f.rstrip("~").strip() for f in forms]
            latin = [f for f in forms if not any(is_syllable(c) for c in f)]
            hangul = [f for f in forms if f not in latin]
            variants += [f for f in latin if f not in variants]
            if not hangul:
                problems.append(warning(path, row.line, 1, "import", f"'{en}' has no Korean form in '{korean_cell}'; skipped"))
                continue
            entry["ko"] = hangul[0]
            if hangul[1:]:
                entry["accept"] = hangul[1:]
            avoid = {f.replace(" ", ""): f for f in hangul if " " in f and f.replace(" ", "") not in hangul}
            if avoid:
                entry["avoid"] = avoid
            if prefix:
                note = (note + "; " if note else "") + f"{hangul[0]}~: 합성어의 앞부분으로 쓴다"
            if note:
                entry["note"] = note
        if variants:
            entry = {"en": entry.pop("en"), "variants": variants, **entry}
        entries.append(entry)
    header = "# glossary.yml converted from the aikorea/cs231n glossary.md by daeyeok (see docs/glossary.md)\n"
    body = yaml.safe_dump(entries, allow_unicode=True, sort_keys=False, width=1000) if entries else "[]\n"
    return header + body, problems


_MERGED = ("avoid",)


def apply_overlay(yaml_text: str, overlay_text: str) -> str:
    """A glossary with a team's overlay applied: entries matched by ``en`` (case-insensitively).

    Keys the overlay gives replace the converted ones, except ``avoid``,
    whose forms are added; entries with a new ``en`` are appended.
    """
    base = yaml.safe_load(yaml_text) or []
    overlay = yaml.safe_load(overlay_text) or []
    if not isinstance(base, list) or not isinstance(overlay, list):
        raise ValueError("a glossary and its overlay are YAML lists of entries")
    index = {str(e.get("en", "")).lower(): e for e in base if isinstance(e, dict)}
    for extra in overlay:
        if not isinstance(extra, dict) or "en" not in extra:
            raise ValueError(f"an overlay entry needs 'en': {extra!r}")
        target = index.get(str(extra["en"]).lower())
        if target is None:
            base.append(dict(extra))
            index[str(extra["en"]).lower()] = base[-1]
            continue
        for key, value in extra.items():
            if key == "en":
                continue  # the converted headword keeps its case
            if key in _MERGED and isinstance(target.get(key), dict) and isinstance(value, dict):
                target[key] = {**target[key], **value}
            elif key in _MERGED and isinstance(value, dict):
                old = target.get(key) or []
                target[key] = {**{f: target.get("ko", "") for f in old}, **value}
            else:
                target[key] = value
    return yaml.safe_dump(base, allow_unicode=True, sort_keys=False, width=1000)
