"""The import report: what came in, what was paired, what was counted, what was not converted.

Written twice into the new site: ``import-report.txt`` for people (totals,
a table of pages, then every finding as ``path:line:col: severity code:
message``) and ``import-report.json`` for tests and tools.  Nothing the
importer leaves out is left out of the report.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from ..diagnostics import Diagnostic, Severity, sorted_unique


@dataclass
class PageEntry:
    key: str
    lang: str
    source: str  # the Jekyll file, as the user named it
    output: str  # the daeyeok content file, relative to the new site
    status: str  # "translated", "partial", "original", "only-korean", "index", "generated"
    pair: str | None = None  # the source of the other language's page, if any
    formulas_inline: int = 0
    formulas_display: int = 0
    text_dollars: int = 0  # single '$' kept as text, as kramdown shows them
    links_rewritten: int = 0
    liquid_removed: int = 0
    prose_blocks: int = 0
    korean_blocks: int = 0
    aliases: list[str] = field(default_factory=list)


@dataclass
class BrokenLink:
    source: str
    line: int
    col: int
    page: str  # "<lang>/<key>"
    target: str
    reason: str


@dataclass
class Report:
    pages: list[PageEntry] = field(default_factory=list)
    untranslated: list[dict[str, str]] = field(default_factory=list)  # {"source", "original"}
    broken_links: list[BrokenLink] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    assets_copied: int = 0
    glossary_terms: int = 0
    glossary_keep_english: int = 0
    nav: list[dict[str, Any]] = field(default_factory=list)
    pinned_ids: int = 0

    def totals(self) -> dict[str, int]:
        imported = [p for p in self.pages if p.status != "generated"]
        keys_by_lang: dict[str, set[str]] = {}
        for p in self.pages:
            keys_by_lang.setdefault(p.lang, set()).add(p.key)
        paired = keys_by_lang.get("ko", set()) & keys_by_lang.get("en", set())
        return {
            "pages_imported": len(imported),
            "pages_ko": sum(1 for p in imported if p.lang == "ko"),
            "pages_en": sum(1 for p in imported if p.lang == "en"),
            "pages_generated": len(self.pages) - len(imported),
            "paired": len(paired),
            "untranslated": len(self.untranslated),
            "partial": sum(1 for p in self.pages if p.status == "partial"),
            "formulas_inline": sum(p.formulas_inline for p in self.pages),
            "formulas_display": sum(p.formulas_display for p in self.pages),
            "text_dollars": sum(p.text_dollars for p in self.pages),
            "links_rewritten": sum(p.links_rewritten for p in self.pages),
            "liquid_removed": sum(p.liquid_removed for p in self.pages),
            "broken_links": len(self.broken_links),
            "assets_copied": self.assets_copied,
            "glossary_terms": self.glossary_terms,
            "glossary_keep_english": self.glossary_keep_english,
            "pinned_heading_ids": self.pinned_ids,
            "errors": sum(1 for d in self.diagnostics if d.severity is Severity.ERROR),
            "warnings": sum(1 for d in self.diagnostics if d.severity is Severity.WARNING),
        }

    def to_json(self) -> str:
        data = {
            "totals": self.totals(),
            "pages": [asdict(p) for p in sorted(self.pages, key=lambda p: (p.lang, p.key))],
            "untranslated": self.untranslated,
            "broken_links": [asdict(b) for b in self.broken_links],
            "nav": self.nav,
            "diagnostics": [d.format() for d in sorted_unique(self.diagnostics)],
        }
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"

    def summary(self) -> str:
        t = self.totals()
        return (
            f"imported {t['pages_imported']} pages (ko {t['pages_ko']}, en {t['pages_en']}; {t['pages_generated']} generated), "
            f"{t['paired']} paired, {t['untranslated']} untranslated Korean copies, {t['partial']} partly translated; "
            f"formulas {t['formulas_inline']} inline + {t['formulas_display']} display, {t['text_dollars']} text '$' kept; "
            f"{t['links_rewritten']} links rewritten, {t['broken_links']} already broken in the source; "
            f"{t['assets_copied']} assets; glossary {t['glossary_terms']} terms ({t['glossary_keep_english']} keep English); "
            f"{t['errors']} errors, {t['warnings']} warnings"
        )

    def to_text(self) -> str:
        out = ["# daeyeok import report", "", self.summary(), "", "## Pages", ""]
        out.append(f"{'page':<40} {'status':<12} {'inline':>6} {'display':>7} {'text $':>6} {'links':>5}  source")
        for p in sorted(self.pages, key=lambda p: (p.key, p.lang)):
            out.append(
                f"{p.lang + '/' + p.key:<40} {p.status:<12} {p.formulas_inline:>6} {p.formulas_display:>7} {p.text_dollars:>6} {p.links_rewritten:>5}  {p.source}"
            )
        if self.untranslated:
            out += ["", "## Untranslated Korean copies (not imported; the English original is shown)", ""]
            out += [f"{u['source']} (original: {u['original']})" for u in self.untranslated]
        if self.broken_links:
            out += ["", "## Links already broken in the source", ""]
            out += [f"{b.source}:{b.line}:{b.col}: {b.target} ({b.reason})" for b in self.broken_links]
        out += ["", "## Everything not converted or needing a look", ""]
        out += [d.format() for d in sorted_unique(self.diagnostics)]
        return "\n".join(out) + "\n"
