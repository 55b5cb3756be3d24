"""Site-wide checks that need every page parsed: navigation, URLs, links, anchors, images.

Broken links, anchors and images are warnings (``--strict`` makes them fail)
at the line and column where the author wrote them.  Each document is checked
once, in its own language; its fallback copies link the same targets.
"""

from __future__ import annotations

from collections import defaultdict

from .diagnostics import Diagnostic, error, warning
from .links import file_for, resolve
from .model import Document
from .site import Site
from .urls import page_path


def check_nav(site: Site) -> list[Diagnostic]:
    """Every nav entry names a page: a content file, or a page the build makes (glossary, status)."""
    from .urls import page_path

    generated = generated_pages(site)
    diags = []
    for section in site.config.nav:
        for key, (line, col) in zip(section.pages, section.positions, strict=True):
            if site.has_key(key) or page_path(site.config.default_language, key) in generated:
                continue
            diags.append(error(site.config.path, line, col, "nav", f"navigation lists '{key}', but there is no content/<lang>/{key}.md"))
    return diags


def check_urls(site: Site) -> list[Diagnostic]:
    """Two sources that would publish at one URL (``a.md`` and ``a/index.md``)."""
    diags = []
    by_url: dict[str, list[Document]] = defaultdict(list)
    for (lang, _key), doc in sorted(site.docs.items()):
        by_url[page_path(lang, doc.key)].append(doc)
    for url, docs in sorted(by_url.items()):
        if len(docs) > 1:
            first = docs[0].source.path
            for doc in docs[1:]:
                diags.append(error(doc.source.path, 1, 1, "url", f"publishes at /{url}, the same URL as {first.name}; rename one of them"))
    return diags


def _page_for_site_path(site: Site, site_path: str) -> Document | None:
    path = site_path.strip("/")
    for lang in site.config.languages:
        if path == lang or path.startswith(lang + "/"):
            rest = path[len(lang) :].strip("/")
            for key in (rest or "index", f"{rest}/index" if rest else "index"):
                page = site.page(lang, key)
                if page is not None:
                    return page.doc
    return None


def generated_pages(site: Site) -> dict[str, frozenset[str] | None]:
    """Pages the build makes itself (site path → their anchors, ``None`` for "any"): the
    glossary pages, with one anchor per term, and the translation status pages."""
    from . import glossary_page
    from .status.web import status_path

    pages: dict[str, frozenset[str] | None] = {}
    if glossary_page.published(site) and site.glossary is not None:
        terms = frozenset(glossary_page.anchors(site.glossary))
        pages.update({glossary_page.glossary_path(lang): terms for lang in site.config.languages})
    if len(site.config.languages) > 1:
        pages.update({status_path(lang): None for lang in site.config.languages if not site.has_key("status")})
    return pages


def check_links(site: Site) -> list[Diagnostic]:
    diags: list[Diagnostic] = []
    base = site.config.base_url
    generated = generated_pages(site)
    for (lang, key), doc in sorted(site.docs.items()):
        here = page_path(lang, key)
        for ref in doc.references:
            target = resolve(ref.target, doc_key=key, lang=lang, base_url=base, page_site_path=here)
            what = "image" if ref.kind == "image" else "link"
            path = doc.source.path
            if target.kind == "external":
                if ref.target.strip().lower().startswith("javascript:"):
                    diags.append(warning(path, ref.line, ref.col, what, "javascript: URL in a link"))
                continue
            if target.kind == "fragment":
                if target.fragment and target.fragment not in doc.anchors:
                    diags.append(warning(path, ref.line, ref.col, "anchor", f"no heading or element with id '{target.fragment}' on this page"))
                continue
            if target.kind == "page":
                page = site.page(target.lang, target.key)
                if page is None:
                    diags.append(warning(path, ref.line, ref.col, what, f"link to a missing page: {ref.target} (no {target.key}.md in content/)"))
                elif target.fragment and target.fragment not in page.doc.anchors:
                    diags.append(warning(path, ref.line, ref.col, "anchor", f"{target.key}.md has no heading or element with id '{target.fragment}'"))
                continue
            # a site path: a static file, an asset, or a page URL
            if (target.site_path.strip("/") and file_for(target.site_path) in site.static_paths) or target.site_path in site.static_paths:
                continue
            made = target.site_path.strip("/") + "/"
            if made in generated:
                anchors = generated[made]
                if target.fragment and anchors is not None and target.fragment not in anchors:
                    diags.append(warning(path, ref.line, ref.col, "anchor", f"the page at {ref.target.partition('#')[0]} has no id '{target.fragment}'"))
                continue
            target_doc = _page_for_site_path(site, target.site_path)
            if target_doc is not None or target.site_path.strip("/") in ("", "."):
                if target_doc is not None and target.fragment and target.fragment not in target_doc.anchors:
                    diags.append(warning(path, ref.line, ref.col, "anchor", f"the page at {ref.target.partition('#')[0]} has no id '{target.fragment}'"))
                continue
            noun = "image" if ref.kind == "image" else "linked file"
            diags.append(warning(path, ref.line, ref.col, what, f"{noun} not found: {ref.target}"))
    return diags


def check_site(site: Site) -> list[Diagnostic]:
    return check_nav(site) + check_urls(site) + check_links(site)
