"""Rule 7: for each glossary term, which forms the site uses, how often and where.

Drift is easiest to see side by side: "weights: 가중치 ×75, 웨이트 ×14,
파라미터 값 ×9" tells a team lead more than 14 separate errors.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .findings import Use


@dataclass(frozen=True)
class FormCount:
    form: str
    kind: str
    count: int
    places: tuple[str, ...]  # "path:line:col", in order


@dataclass(frozen=True)
class TermSummary:
    term: str
    total: int
    forms: tuple[FormCount, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "term": self.term,
            "total": self.total,
            "forms": [{"form": f.form, "kind": f.kind, "count": f.count, "places": list(f.places)} for f in self.forms],
        }


def summarise(uses: Sequence[Use]) -> list[TermSummary]:
    by_term: dict[str, dict[tuple[str, str], list[str]]] = {}
    for u in uses:
        by_term.setdefault(u.term, {}).setdefault((u.form, u.kind), []).append(f"{u.path}:{u.line}:{u.col}")
    out = []
    for term in sorted(by_term, key=str.lower):
        forms = by_term[term]
        counts = Counter({k: len(v) for k, v in forms.items()})
        rows = tuple(FormCount(form, kind, n, tuple(forms[(form, kind)])) for (form, kind), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
        out.append(TermSummary(term, sum(counts.values()), rows))
    return out


def as_text(summary: Sequence[TermSummary], places: int = 3) -> str:
    """One line per term, forms by frequency, with the first few places of each non-preferred form."""
    lines = []
    for s in summary:
        parts = []
        for f in s.forms:
            where = ""
            if f.kind not in ("preferred", "english") and f.places:
                shown = ", ".join(f.places[:places]) + (", …" if len(f.places) > places else "")
                where = f" [{shown}]"
            parts.append(f"{f.form} ×{f.count} ({f.kind}){where}")
        lines.append(f"{s.term} ({s.total}): " + "; ".join(parts))
    return "".join(line + "\n" for line in lines)
