"""A translation team's hand-written HTML glossary table → daeyeok ``glossary.yml``.

The aikorea cs231n glossary is a two-column ``<table>`` (English, 한글) in a
Jekyll page.  Cell conventions, as the team used them:

* ``(영어 그대로)`` — keep the English term in Korean text.  daeyeok then
  needs a Hangul ``reading`` (it decides particles: ReLU는 vs ReLU은), so
  known readings are filled in and the others are flagged for a person.
* ``정확도, 성능`` — the first form is preferred, the rest are accepted.
* ``가중치 (문맥상 …)`` — the parenthesis is a usage note.
* ``Loss (function)`` / ``Recurrent neural network (RNN)`` — an optional
  word, or an abbreviation: the full form is the headword, the short one a
  variant.

The table is read with :mod:`html.parser`, which skips comments, so the
older commented-out Markdown table is ignored as the team intended.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import yaml

from ..diagnostics import Diagnostic, info, warning

KEEP_ENGLISH = "(영어 그대로)"

#: Hangul readings of English terms Korean ML texts keep in English (lower-case keys)
KNOWN_READINGS = {
    "backpropagation": "백프로파게이션",
    "bias": "바이어스",
    "cross entropy": "크로스 엔트로피",
    "dropout": "드롭아웃",
    "forward propagation": "포워드 프로파게이션",
    "fully-connected": "풀리 커넥티드",
    "hyperparameter": "하이퍼파라미터",
    "nearest neighbor": "니어리스트 네이버",
    "overfitting": "오버피팅",
    "receptive field": "리셉티브 필드",
    "regularization": "레귤러라이제이션",
    "relu": "렐루",
    "leaky relu": "리키 렐루",
    "sigmoid": "시그모이드",
    "softmax": "소프트맥스",
    "momentum": "모멘텀",
    "epoch": "에포크",
    "batch": "배치",
    "kernel": "커널",
    "stride": "스트라이드",
    "padding": "패딩",
    "pooling": "풀링",
    "max pooling": "맥스 풀링",
    "embedding": "임베딩",
    "tensor": "텐서",
    "gradient": "그라디언트",
    "perceptron": "퍼셉트론",
    "adam": "아담",
    "adagrad": "아다그라드",
    "rmsprop": "알엠에스프롭",
    "maxout": "맥스아웃",
    "convnet": "컨브넷",
    "numpy": "넘파이",
    "python": "파이썬",
    "ipython": "아이파이썬",
    "jupyter": "주피터",
    "underfitting": "언더피팅",
    "fine-tuning": "파인 튜닝",
    "transfer learning": "트랜스퍼 러닝",
    "hinge loss": "힌지 로스",
    "logistic regression": "로지스틱 회귀",
    "tanh": "탠에이치",
}
#: how Korean reads Latin letters, for all-capital abbreviations (LSTM → 엘에스티엠)
LETTER_NAMES = dict(
    zip(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        [
            "에이",
            "비",
            "씨",
            "디",
            "이",
            "에프",
            "지",
            "에이치",
            "아이",
            "제이",
            "케이",
            "엘",
            "엠",
            "엔",
            "오",
            "피",
            "큐",
            "알",
            "에스",
            "티",
            "유",
            "브이",
            "더블유",
            "엑스",
            "와이",
            "지",
        ],
        strict=True,
    )
)
_ABBREVIATION = re.compile(r"^[A-Z]{2,6}$")
_NOTE = re.compile(r"\s*\(([^()]*)\)\s*$")


class _TableReader(HTMLParser):
    """Rows of ``<td>`` cells with the source line of each row; ``<th>`` rows are headers."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[tuple[int, int, list[str]]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._row_pos = (0, 0)
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._depth += 1
        elif tag == "tr" and self._depth:
            self._row, self._row_pos = [], self.getpos()
        elif tag == "td" and self._row is not None:
            self._cell = []
        elif tag == "th":
            self._row = None  # a header row

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._row is not None and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append((self._row_pos[0], self._row_pos[1] + 1, self._row))
            self._row = None
        elif tag == "table":
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def reading_for(term: str) -> str | None:
    """A Hangul reading we are sure of, or None."""
    known = KNOWN_READINGS.get(term.lower())
    if known:
        return known
    if _ABBREVIATION.match(term):
        return "".join(LETTER_NAMES[c] for c in term)
    return None


def _headword(cell: str) -> tuple[str, list[str]]:
    """``Loss (function)`` → ("loss function", ["loss"]); ``Recurrent neural network (RNN)`` → (…, ["RNN"])."""
    variants: list[str] = []
    m = _NOTE.search(cell)
    if m:
        inner, outer = m.group(1).strip(), cell[: m.start()].strip()
        if _ABBREVIATION.match(inner):
            cell, variants = outer, [inner]
        else:
            cell, variants = f"{outer} {inner}", [outer]
    words = cell.split()
    # lower-case ordinary words; keep ReLU, LSTM and other deliberate capitals
    words = [w.lower() if w[1:] == w[1:].lower() else w for w in words]
    return " ".join(words), [v.lower() if v[1:] == v[1:].lower() and not _ABBREVIATION.match(v) else v for v in variants]


def convert_glossary_md(text: str, path: Path | str = "glossary.md", line_offset: int = 0) -> tuple[str, list[Diagnostic]]:
    """The glossary page's HTML table as ``glossary.yml`` text, and what needs a person's eye.

    ``line_offset`` is added to table line numbers (for a table inside a page body).
    """
    reader = _TableReader()
    reader.feed(text)
    reader.close()
    diags: list[Diagnostic] = []
    entries: list[dict[str, object]] = []
    seen: dict[str, int] = {}
    if not reader.rows:
        diags.append(warning(path, 1, 1, "import-glossary", "no <table> rows with <td> cells found; glossary.yml is empty"))
    for line, col, cells in reader.rows:
        line += line_offset
        if len(cells) < 2 or not cells[0] or not cells[1]:
            diags.append(
                warning(path, line, col, "import-glossary", f"row with {len(cells)} non-empty cells skipped (expected English and 한글): {' | '.join(cells)!r}")
            )
            continue
        en, variants = _headword(cells[0])
        if en.lower() in seen:
            diags.append(warning(path, line, col, "import-glossary", f"'{en}' is listed twice (first at line {seen[en.lower()]}); this row is skipped"))
            continue
        seen[en.lower()] = line
        entry: dict[str, object] = {"en": en}
        if variants:
            entry["variants"] = variants
        ko_cell = cells[1]
        note = ""
        if ko_cell == KEEP_ENGLISH:
            entry["ko"] = en
            entry["keep_english"] = True
            reading = reading_for(en)
            if reading is None:
                reading = en
                diags.append(
                    warning(
                        path,
                        line,
                        col,
                        "import-glossary",
                        f"'{en}' is kept in English but its Hangul reading is unknown; glossary.yml has reading: {en!r} for now (fix: write the reading, e.g. 렐루 for ReLU)",
                    )
                )
            entry["reading"] = reading
        else:
            m = _NOTE.search(ko_cell)
            if m and re.search(r"[\uac00-\ud7a3]", m.group(1)):
                note, ko_cell = m.group(1).strip(), ko_cell[: m.start()].strip()
            forms = [f.strip() for f in ko_cell.split(",") if f.strip()]
            if any(f.endswith("~") for f in forms):
                diags.append(info(path, line, col, "import-glossary", f"'{ko_cell}': '~' marks a prefix form; written without it, with a note"))
                note = "; ".join(x for x in (note, f"원문 표기: {ko_cell} (뒤에 다른 말이 붙는 형태)") if x)
                forms = [f.rstrip("~").strip() for f in forms]
            entry["ko"] = forms[0]
            if forms[1:]:
                entry["accept"] = forms[1:]
        if note:
            entry["note"] = note
        entries.append(entry)
    header = "# Converted from the translation team's glossary table by `daeyeok import jekyll`.\n"
    body = yaml.safe_dump(entries, allow_unicode=True, sort_keys=False, width=1000) if entries else "[]\n"
    return header + body, diags
