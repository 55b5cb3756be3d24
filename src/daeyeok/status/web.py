"""What the rendered site shows of the translation status.

Kept apart from :mod:`daeyeok.render` so the renderer only asks three
questions: the progress of a page for its navigation bar, the HTML to put
before a block (an outdated marker on a translation, an anchor on the
source so the marker can link to the exact block), and the context of the
``/<lang>/status/`` page.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from ..model import LANGUAGE_NAMES, Page
from ..site import Site
from ..urls import href, page_path
from .report import SiteStatus, Totals
from .strings import strings

STATUS_KEY = "status"


def status_path(lang: str) -> str:
    """Site path of a language's status page, e.g. ``ko/status/``."""
    return page_path(lang, STATUS_KEY)


def status_output_files(languages: tuple[str, ...]) -> list[str]:
    return [status_path(lang) + "index.html" for lang in languages]


def nav_progress(status: SiteStatus | None, lang: str, key: str) -> int | None:
    """Percent for the navigation bar, in a translation language's navigation only."""
    if status is None:
        return None
    ps = status.page(lang, key)
    return ps.percent if ps is not None else None


def block_hook(status: SiteStatus | None, site: Site, page: Page) -> Callable[[int], str] | None:
    """HTML to insert before the block opened at a token index, or ``None`` when the page needs none."""
    if status is None or page.is_fallback:
        return None
    inserts: dict[int, str] = {}
    if page.lang in status.targets:
        ps = status.page(page.lang, page.key)
        if ps is None or not ps.sync.outdated:
            return None
        s = strings(page.lang)
        source_url = site.url(status.source_lang, page.key)
        for o in ps.sync.outdated:
            if o.source is not None:
                link = f"{source_url}#{o.source.id}"
                text = s["outdated_marker"]
            else:
                link = f"{source_url}#{o.target.section}" if o.target.section != "top" else source_url
                text = s["outdated_removed"]
            inserts[o.target.token_index] = (
                f'<p class="outdated-marker" role="note" data-source-block="{escape(o.was.id)}">'
                f'<span class="outdated-marker__icon" aria-hidden="true">⚠</span> {escape(text)} · '
                f'<a href="{escape(link)}" hreflang="{escape(status.source_lang)}">{escape(s["read_source"])}</a></p>\n'
            )
    elif page.lang == status.source_lang:
        for lang in status.targets:
            ps = status.page(lang, page.key)
            if ps is None:
                continue
            for o in ps.sync.outdated:
                if o.source is not None and o.source.kind != "heading":
                    inserts[o.source.token_index] = f'<span class="block-anchor" id="{escape(o.source.id)}"></span>'
    if not inserts:
        return None
    return lambda index: inserts.get(index, "")


def page_banner(status: SiteStatus | None, site: Site, page: Page) -> dict[str, Any] | None:
    """The note at the top of a partly translated page (or one with outdated blocks)."""
    if status is None or page.is_fallback or page.lang not in status.targets:
        return None
    ps = status.page(page.lang, page.key)
    if ps is None or (ps.state == "complete" and not ps.sync.outdated):
        return None
    s = strings(page.lang)
    return {
        "percent": ps.percent,
        "partial": ps.state != "complete",
        "partial_text": s["partial_banner"].format(percent=ps.percent),
        "outdated": len(ps.sync.outdated),
        "outdated_text": s["outdated_banner"].format(count=len(ps.sync.outdated)),
        "status_url": href(site.config.base_url, status_path(page.lang)),
        "status_label": s["see_status"],
    }


def _totals(t: Totals, s: Any) -> dict[str, Any]:
    return {
        "percent": t.percent,
        "translated_words": t.translated_words,
        "total_words": t.total_words,
        "pages": t.pages,
        "complete_pages": t.complete_pages,
        "outdated": t.outdated_blocks,
        "findings": t.findings,
        "pages_label": s["pages_complete"].format(complete=t.complete_pages, pages=t.pages),
    }


def status_context(status: SiteStatus, site: Site, lang: str) -> dict[str, Any]:
    """Context of ``status.html`` for the interface language ``lang``: every translation language's figures."""
    s = strings(lang)
    languages = []
    for target in status.targets:
        sections = []
        for section in status.sections:
            rows = []
            for key in section.keys:
                ps = status.page(target, key)
                if ps is None:
                    continue
                rows.append(
                    {
                        "key": key,
                        "title": site.title(target, key),
                        "url": site.url(target, key),
                        "percent": ps.percent,
                        "state": ps.state,
                        "state_label": s[ps.state],
                        "translated_words": ps.progress.translated_words if ps.target is not None else 0,
                        "total_words": ps.progress.total_words,
                        "outdated": len(ps.sync.outdated),
                        "findings": len(ps.findings),
                        "synced": ps.sync.synced,
                    }
                )
            sections.append(
                {"title": section.title.get(lang) or section.title.get(target, ""), "rows": rows, "totals": _totals(status.totals(target, section.keys), s)}
            )
        languages.append({"lang": target, "name": LANGUAGE_NAMES.get(target, target), "sections": sections, "totals": _totals(status.totals(target), s)})
    return {
        "s": s,
        "intro": s["status_intro"].format(lang=LANGUAGE_NAMES.get(status.targets[0], "") if status.targets else ""),
        "languages": languages,
        "source_lang": status.source_lang,
        "url": href(site.config.base_url, status_path(lang)),
    }
