"""``daeyeok import jekyll``: a Jekyll/kramdown translation project → a new daeyeok site.

Steps, each a function: read both trees → pair Korean files with English
ones → convert every page (:mod:`.kramdown`) with one link resolver that
knows every old URL → pin heading ids old links rely on, list links that
were already broken → glossary table → navigation → write the new site
(``site.yml``, ``content/<lang>/``, ``glossary.yml``, ``static/``) and the
report in one atomic step through :mod:`daeyeok.writer`.

The sources are only read.  The output directory must not overlap them.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

import yaml

from ..diagnostics import Diagnostic, Severity, display_path, error, info, warning
from ..glossary import parse_glossary
from ..slugs import PINNED_ID
from ..terms.aikorea import convert_glossary_md
from ..urls import key_path
from ..writer import WriteError, write_site
from .jekyll import JEKYLL_ONLY_KEYS, JekyllPage, list_pages, normalise_url_path, read_page
from .kramdown import Converted, LinkResolver, LinkResult, convert_body, has_hangul
from .report import BrokenLink, PageEntry, Report

REPORT_JSON = "import-report.json"
REPORT_TEXT = "import-report.txt"
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*:")
_CODE = re.compile(r"^ {0,3}(`{3,}|~{3,}).*?^ {0,3}\1[ \t]*$|<!--.*?-->", re.DOTALL | re.MULTILINE)


@dataclass
class ImportOptions:
    out: Path
    en: Path | None = None
    ko: Path | None = None
    glossary: Path | None = None
    assets: Path | None = None
    index: Path | None = None
    title: str | None = None
    force: bool = False


@dataclass
class _Page:
    """One source page on its way into the new site."""

    src: JekyllPage
    lang: str
    key: str
    status: str
    pair: _Page | None = None
    conv: Converted = field(default_factory=Converted)
    aliases: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    report: Report
    written: bool
    usage_error: bool = False


def korean_prose(page: JekyllPage) -> bool:
    """Does the page have Hangul outside code and comments?  A file without it is not a translation."""
    return has_hangul(_CODE.sub("", page.body))


def _check_paths(opts: ImportOptions) -> list[Diagnostic]:
    diags: list[Diagnostic] = []
    sources = [p for p in (opts.en, opts.ko, opts.assets) if p is not None]
    files = [p for p in (opts.glossary, opts.index) if p is not None]
    if opts.en is None and opts.ko is None:
        diags.append(error("import", 0, 0, "usage", "give --en DIR and/or --ko DIR: the Jekyll page folders"))
    for p in sources:
        if not p.is_dir():
            diags.append(error(p, 0, 0, "usage", f"{display_path(p)} is not a directory"))
    for p in files:
        if not p.is_file():
            diags.append(error(p, 0, 0, "usage", f"{display_path(p)} is not a file"))
    out = opts.out.absolute().resolve()
    for p in sources + [f.parent for f in files]:
        src = p.absolute().resolve()
        if out == src or out.is_relative_to(src) or src.is_relative_to(out):
            diags.append(
                error(opts.out, 0, 0, "usage", f"the output directory overlaps the source {display_path(p)}; the importer never writes into its sources")
            )
    if opts.out.exists():
        if not opts.out.is_dir():
            diags.append(error(opts.out, 0, 0, "usage", "the output path exists and is not a directory"))
        elif any(opts.out.iterdir()):
            if not opts.force:
                diags.append(
                    error(
                        opts.out, 0, 0, "usage", "the output directory is not empty", fix="choose a new directory, or pass --force to replace an earlier import"
                    )
                )
            elif not (opts.out / REPORT_JSON).is_file():
                diags.append(
                    error(opts.out, 0, 0, "usage", f"--force replaces only an earlier import (a directory with {REPORT_JSON}); refusing to delete this one")
                )
    return diags


def _read_tree(root: Path | None, report: Report) -> list[JekyllPage]:
    pages: list[JekyllPage] = []
    if root is None:
        return pages
    for rel, path in list_pages(root):
        got = read_page(path, rel)
        if isinstance(got, JekyllPage):
            report.diagnostics.extend(got.diagnostics)
            pages.append(got)
        elif got is not None:
            report.diagnostics.append(got)
    return pages


def _key_of(page: JekyllPage) -> str:
    link = page.permalink
    if link is None:
        return page.rel.removesuffix(".md")
    return link or "index"


def _pair(en_pages: list[JekyllPage], ko_pages: list[JekyllPage], report: Report) -> list[_Page]:
    """Which Korean file translates which English one, and under which key each is published."""
    out: list[_Page] = []
    en_by_rel = {p.rel.removesuffix(".md"): p for p in en_pages}
    en_by_link = {p.permalink: p for p in en_pages if p.permalink is not None}
    en_entries: dict[str, _Page] = {}
    for p in en_pages:
        entry = _Page(p, "en", _key_of(p), "original")
        en_entries[p.rel] = entry
        out.append(entry)
    taken = {("en", e.key) for e in out}
    groups: dict[str, list[JekyllPage]] = {}
    alone: list[JekyllPage] = []
    for k in ko_pages:
        target = en_by_rel.get(k.stem) or (en_by_link.get(k.permalink_base) if k.permalink_base is not None else None)
        if target is None and k.permalink is not None:
            target = en_by_link.get(k.permalink)
        if target is None:
            alone.append(k)
        else:
            groups.setdefault(target.rel, []).append(k)
    for en_rel, candidates in sorted(groups.items()):
        original = en_entries[en_rel]
        translated = [k for k in candidates if korean_prose(k)]
        # an explicit translation (name.kr.md, /name-kr/) wins over a same-named copy
        translated.sort(key=lambda k: (not (k.has_lang_suffix or k.permalink != k.permalink_base), k.rel))
        for k in candidates:
            if k not in translated:
                report.untranslated.append({"source": display_path(k.path), "original": display_path(original.src.path)})
                report.diagnostics.append(
                    info(
                        k.path,
                        1,
                        1,
                        "import-untranslated",
                        f"no Korean prose: not imported; the Korean page shows the English original {display_path(original.src.path)} as untranslated",
                    )
                )
        if translated:
            winner = translated[0]
            entry = _Page(winner, "ko", original.key, "translated", pair=original)
            original.pair = entry
            out.append(entry)
            taken.add(("ko", entry.key))
            for extra in translated[1:]:
                alone.append(extra)
                report.diagnostics.append(
                    warning(
                        extra.path,
                        1,
                        1,
                        "import-pairing",
                        f"{display_path(winner.path)} already translates {display_path(original.src.path)}; this file is imported as a page of its own",
                    )
                )
    for k in alone:
        key = _key_of(k)
        if ("ko", key) in taken:
            key = k.rel.removesuffix(".md")
            n = 1
            while ("ko", key) in taken:
                n += 1
                key = f"{k.rel.removesuffix('.md')}-{n}"
            report.diagnostics.append(
                warning(k.path, *k.front_positions.get("permalink", (1, 1)), "import-pairing", f"another page already has this URL; imported as ko/{key}")
            )
        status = "only-korean"
        if not korean_prose(k):
            report.diagnostics.append(
                warning(k.path, 1, 1, "import-untranslated", "no Korean prose and no English original to pair with; imported as a Korean page as it is")
            )
        out.append(_Page(k, "ko", key, status))
        taken.add(("ko", key))
    return out


class _Resolver:
    """Every old URL of the Jekyll site → the new page key or static file."""

    def __init__(self, pages: list[_Page], assets: Path | None):
        self.url_to_key: dict[str, str] = {}
        self.file_to_key: dict[tuple[str, str], str] = {}
        for p in pages:
            link = p.src.permalink
            if link is not None:
                self.url_to_key.setdefault(link, p.key)
            self.url_to_key.setdefault(p.src.rel.removesuffix(".md"), p.key)
            self.file_to_key[(p.lang, p.src.rel)] = p.key
        self.assets: set[str] = set()
        self.asset_prefix = ""
        if assets is not None:
            self.asset_prefix = assets.name
            for path in sorted(assets.rglob("*")):
                if path.is_file() and not any(part.startswith(".") for part in path.relative_to(assets).parts):
                    self.assets.add(f"{assets.name}/{path.relative_to(assets).as_posix()}")

    def add_untranslated(self, src: JekyllPage, key: str) -> None:
        if src.permalink is not None:
            self.url_to_key.setdefault(src.permalink, key)

    def resolve(self, page: _Page, target: str, raw_html: bool) -> LinkResult:
        t = target.strip()
        if not t or _SCHEME.match(t) or t.startswith("//"):
            return LinkResult(target, "external")
        if t.startswith("#"):
            return LinkResult(target, "fragment", key=page.key, fragment=unquote(t[1:]))
        path, hash_, frag = t.partition("#")
        path, qmark, query = path.partition("?")
        suffix = (qmark + query) + (hash_ + frag)
        base = posixpath.dirname(page.src.old_url().rstrip("/") + "/x")
        site_path = posixpath.normpath(posixpath.join(base, unquote(path))).lstrip("/")
        if site_path in self.assets:
            return LinkResult("/" + site_path + suffix, "file")
        if site_path.rstrip("/") + "/index.html" in self.assets and path.endswith("/"):
            return LinkResult("/" + site_path.rstrip("/") + "/" + suffix, "file")
        key = None
        if path.endswith(".md"):
            rel = posixpath.normpath(posixpath.join(posixpath.dirname(page.src.rel), unquote(path)))
            key = self.file_to_key.get((page.lang, rel)) or self.file_to_key.get(("en" if page.lang == "ko" else "ko", rel))
        if key is None:
            norm = normalise_url_path(site_path)
            key = self.url_to_key.get(norm) if norm is not None else None
        if key is None:
            return LinkResult(target, "broken")
        if raw_html:
            new = f"/{page.lang}/{key_path(key)}"
        else:
            here = posixpath.dirname(page.key) or "."
            new = posixpath.relpath(key + ".md", here)
        return LinkResult(new + suffix, "page", key=key, fragment=unquote(frag))


def _front_matter(page: _Page, report: Report) -> tuple[str, str]:
    """The daeyeok front matter text and the page title."""
    src = page.src
    title = src.front.get("title")
    if not isinstance(title, str) or not title.strip():
        if page.conv.headings:
            title = page.conv.headings[0].text
        else:
            title = posixpath.basename(page.key).replace("-", " ").title()
            report.diagnostics.append(info(src.path, 1, 1, "import-title", f"no title and no heading; titled {title!r} after the file name"))
    data: dict[str, object] = {"title": str(title).strip()}
    if page.aliases:
        data["aliases"] = page.aliases
    extra: dict[str, object] = {}
    for key, value in src.front.items():
        if key in ("title", "permalink") or key in JEKYLL_ONLY_KEYS:
            continue
        if key == "description" and isinstance(value, str):
            data["description"] = value
            continue
        extra[key] = value
        line, col = src.front_positions.get(key, (1, 1))
        report.diagnostics.append(info(src.path, line, col, "import-front-matter", f"front matter key {key!r} has no daeyeok meaning; kept under 'extra'"))
    if extra:
        data["extra"] = {"jekyll": extra}
    return "---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000) + "---\n\n", str(title).strip()


def _disambiguate_titles(pages: list[_Page], report: Report) -> None:
    """Titles taken from a first heading ("Setup", "소개") can repeat across pages; add the page path to those."""
    derived: dict[tuple[str, str], list[_Page]] = {}
    for p in pages:
        title = p.src.front.get("title")
        if (not isinstance(title, str) or not title.strip()) and p.conv.headings:
            derived.setdefault((p.lang, p.conv.headings[0].text), []).append(p)
    for (_lang, text), group in derived.items():
        if len(group) < 2:
            continue
        for p in group:
            p.src.front["title"] = f"{text} ({p.key})"
            report.diagnostics.append(
                info(
                    p.src.path,
                    p.conv.headings[0].line,
                    1,
                    "import-title",
                    f"the first heading {text!r} titles {len(group)} pages; this one is titled {text + ' (' + p.key + ')'!r}",
                )
            )


def _anchors_and_pins(pages: list[_Page], report: Report) -> None:
    """Pin heading ids that old links use; list links and anchors that were already broken."""
    by_key = {(p.lang, p.key): p for p in pages}

    def target_page(lang: str, key: str) -> _Page | None:
        return by_key.get((lang, key)) or by_key.get(("en" if lang == "ko" else "ko", key))

    pins: dict[int, dict[int, str]] = {}
    for p in pages:
        for ref in p.conv.links:
            res = ref.result
            where = f"{p.lang}/{p.key}"
            if res.kind == "broken":
                report.broken_links.append(BrokenLink(display_path(p.src.path), ref.line, ref.col, where, ref.target, "no such page or file in the source"))
                report.diagnostics.append(
                    warning(p.src.path, ref.line, ref.col, "import-link", f"link target {ref.target!r} does not exist in the source either; kept as it is")
                )
                continue
            if res.kind not in ("page", "fragment") or not res.fragment:
                continue
            tp = target_page(p.lang, res.key)
            if tp is None:
                continue
            if res.fragment in tp.conv.anchors:
                continue
            heading = next((h for h in tp.conv.headings if h.auto_id == res.fragment), None)
            if heading is not None and PINNED_ID.match(res.fragment):
                pins.setdefault(id(tp), {})[heading.out_index] = res.fragment
                continue
            report.broken_links.append(
                BrokenLink(display_path(p.src.path), ref.line, ref.col, where, ref.target, f"{tp.src.rel} has no anchor '{res.fragment}'")
            )
            report.diagnostics.append(
                warning(
                    p.src.path,
                    ref.line,
                    ref.col,
                    "import-anchor",
                    f"anchor '#{res.fragment}' does not exist in {display_path(tp.src.path)} either; kept as it is",
                )
            )
    for p in pages:
        for index, pinned in pins.get(id(p), {}).items():
            p.conv.lines[index] = p.conv.lines[index].rstrip() + f" {{#{pinned}}}"
            report.pinned_ids += 1


def _untranslated_differences(copy: JekyllPage, original: _Page, report: Report) -> None:
    """Prose of an untranslated Korean copy that its English original lacks (the copy is not published)."""
    conv = convert_body(copy.body, copy.body_line, lambda t, raw: LinkResult(t, "external"))
    known = {key for _, key in original.conv.prose_keys}
    for line, key in conv.prose_keys:
        if key not in known:
            report.diagnostics.append(
                warning(
                    copy.path,
                    line,
                    1,
                    "import-untranslated",
                    f"this paragraph of the untranslated copy differs from the English original {display_path(original.src.path)}, which is what the site shows",
                )
            )


def _nav(pages: list[_Page], index: _Page | None, report: Report) -> list[dict[str, object]]:
    keys = sorted({p.key for p in pages if p.key != "index"})
    if index is None:
        report.diagnostics.append(
            warning(
                "import",
                0,
                0,
                "import-nav",
                "no --index page given: navigation lists the pages alphabetically",
                fix="pass --index FILE (the Jekyll site's index page) to take the order from it",
            )
        )
        return [
            {"title": {"ko": "시작하기", "en": "Start"}, "pages": ["index"]},
            {"title": {"ko": "페이지", "en": "Pages"}, "pages": keys},
        ]
    sections: list[dict[str, object]] = [{"title": {"ko": "시작하기", "en": "Start"}, "pages": ["index"]}]
    seen: set[str] = {"index"}
    headings = sorted(index.conv.headings, key=lambda h: h.line)
    current: list[str] | None = None
    current_heading = -1
    for ref in sorted(index.conv.links, key=lambda r: (r.line, r.col)):
        if ref.result.kind != "page" or ref.result.key in seen:
            continue
        above = [h for h in headings if h.line <= ref.line]
        h_index = len(above) - 1
        if current is None or h_index != current_heading:
            title = above[-1].text if above else ("페이지" if index.lang == "ko" else "Pages")
            current, current_heading = [], h_index
            sections.append({"title": title, "pages": current})
        current.append(ref.result.key)
        seen.add(ref.result.key)
    rest = [k for k in keys if k not in seen]
    if rest:
        sections.append({"title": {"ko": "그 밖의 페이지", "en": "Other pages"}, "pages": rest})
        report.diagnostics.append(
            warning(index.src.path, 1, 1, "import-nav", f"{len(rest)} pages are not linked from the index page; listed under 'Other pages': {', '.join(rest)}")
        )
    return [s for s in sections if s["pages"]]


def _index_body(lang: str, title: str, nav: list[dict[str, object]], titles: dict[tuple[str, str], str]) -> str:
    lines = ["---", yaml.safe_dump({"title": title}, allow_unicode=True, width=1000).strip(), "---", ""]
    intro = "이 사이트는 Jekyll 사이트에서 가져온 강의 노트입니다." if lang == "ko" else "Course notes imported from a Jekyll site."
    lines += [intro, ""]
    for section in nav:
        pages = [k for k in section["pages"] if isinstance(k, str) and k != "index"]  # type: ignore[attr-defined]
        if not pages:
            continue
        sec_title = section["title"]
        name = sec_title.get(lang, "") if isinstance(sec_title, dict) else str(sec_title)
        lines += [f"## {name}", ""]
        for key in pages:
            label = titles.get((lang, key)) or titles.get(("en" if lang == "ko" else "ko", key)) or key
            label = label.replace("[", "\\[").replace("]", "\\]")
            lines.append(f"- [{label}]({key}.md)")
        lines.append("")
    return "\n".join(lines)


def _bound(resolver: _Resolver, page: _Page) -> LinkResolver:
    """The resolver for links written in ``page``."""

    def resolve(target: str, raw_html: bool) -> LinkResult:
        return resolver.resolve(page, target, raw_html)

    return resolve


def _convert_glossary(text: str, path: Path) -> tuple[str, list[Diagnostic]]:
    """The aikorea glossary.md table → glossary.yml, with the glossary checker's own converter."""
    return convert_glossary_md(text, display_path(path))


def import_jekyll(opts: ImportOptions, *, write: bool = True) -> ImportResult:
    report = Report()
    problems = _check_paths(opts)
    if problems:
        report.diagnostics.extend(problems)
        return ImportResult(report, False, usage_error=True)
    en_pages = _read_tree(opts.en, report)
    index_src: JekyllPage | None = None
    excluded = {opts.index.resolve()} if opts.index else set()
    ko_pages = [p for p in _read_tree(opts.ko, report) if p.path.resolve() not in excluded]
    en_pages = [p for p in en_pages if p.path.resolve() not in excluded]
    if opts.index is not None:
        got = read_page(opts.index, opts.index.name)
        if isinstance(got, JekyllPage):
            index_src = got
            report.diagnostics.extend(got.diagnostics)
        elif got is not None:
            report.diagnostics.append(got)

    pages = _pair(en_pages, ko_pages, report)
    index_page: _Page | None = None
    if index_src is not None:
        lang = "ko" if korean_prose(index_src) else "en"
        index_page = _Page(index_src, lang, "index", "index")
        pages = [p for p in pages if not (p.key == "index" and p.lang == lang)] + [index_page]
    resolver = _Resolver(pages, opts.assets)
    en_by_source = {display_path(e.src.path): e for e in pages if e.lang == "en"}
    ko_by_source = {display_path(k.path): k for k in ko_pages}
    # (the untranslated Korean copy, the English page shown in its place)
    copies_shown: list[tuple[JekyllPage, _Page]] = [(ko_by_source[u["source"]], en_by_source[u["original"]]) for u in report.untranslated]
    for copy, orig in copies_shown:
        resolver.add_untranslated(copy, orig.key)

    for page in pages:
        page.conv = convert_body(page.src.body, page.src.body_line, _bound(resolver, page))
        for prob in page.conv.problems:
            report.diagnostics.append(Diagnostic(display_path(page.src.path), prob.line, prob.col, Severity(prob.severity), prob.code, prob.message))
        if page.lang == "ko" and page.status == "translated" and page.conv.prose_blocks and page.conv.hangul_blocks * 10 < page.conv.prose_blocks * 9:
            page.status = "partial"
    for copy, orig in copies_shown:
        _untranslated_differences(copy, orig, report)

    _anchors_and_pins(pages, report)

    # old URLs: on the Korean page when there is one (the translation site's own URLs), else the English one
    by_key: dict[str, list[_Page]] = {}
    for page in pages:
        by_key.setdefault(page.key, []).append(page)
    untranslated_urls: dict[str, list[str]] = {}
    for copy, orig in copies_shown:
        untranslated_urls.setdefault(orig.key, []).append(copy.old_url())
    for key, group in by_key.items():
        holder = next((p for p in group if p.lang == "ko"), group[0])
        urls = [p.src.old_url() for p in sorted(group, key=lambda p: p.lang != "ko")] + untranslated_urls.get(key, [])
        for url in urls:
            if url.strip("/") and url not in holder.aliases and url.strip("/").split("/")[0] not in ("ko", "en"):
                holder.aliases.append(url)

    files: dict[str, bytes] = {}
    titles: dict[tuple[str, str], str] = {}
    _disambiguate_titles(pages, report)
    for p in sorted(pages, key=lambda p: (p.lang, p.key)):
        front, title = _front_matter(p, report)
        titles[(p.lang, p.key)] = title
        out_rel = f"content/{p.lang}/{p.key}.md"
        files[out_rel] = (front + p.conv.text).encode("utf-8")
        pair = p.pair.src.path if p.pair is not None else None
        report.pages.append(
            PageEntry(
                key=p.key,
                lang=p.lang,
                source=display_path(p.src.path),
                output=out_rel,
                status=p.status,
                pair=display_path(pair) if pair else None,
                formulas_inline=p.conv.inline,
                formulas_display=p.conv.display,
                text_dollars=p.conv.text_dollars,
                links_rewritten=p.conv.links_rewritten,
                liquid_removed=p.conv.liquid,
                prose_blocks=p.conv.prose_blocks,
                korean_blocks=p.conv.hangul_blocks,
                aliases=list(p.aliases),
            )
        )

    nav = _nav(pages, index_page, report)
    report.nav = nav
    site_title = opts.title or (opts.en or opts.ko or Path("site")).absolute().parent.name
    for lang in ("ko", "en"):
        if (lang, "index") not in titles and not (index_page is not None and index_page.lang == lang):
            files[f"content/{lang}/index.md"] = _index_body(lang, site_title, nav, titles).encode("utf-8")
            report.pages.append(PageEntry(key="index", lang=lang, source="(generated)", output=f"content/{lang}/index.md", status="generated"))

    config = {
        "title": {"ko": site_title, "en": site_title},
        "description": {"ko": f"{site_title} 강의 노트 (Jekyll 사이트에서 가져옴)", "en": f"{site_title} course notes (imported from Jekyll)"},
        "default_language": "ko",
        "languages": ["ko", "en"],
        "base_url": "/",
        "math": "katex",
        # The translation predates the glossary checks: report its terminology findings as
        # warnings so the site builds, and let `daeyeok check` drive the clean-up.
        "glossary_check": "warning",
        "nav": nav,
    }
    files["site.yml"] = (
        "# Written by `daeyeok import jekyll`; see import-report.txt.\n" + yaml.safe_dump(config, allow_unicode=True, sort_keys=False, width=1000)
    ).encode("utf-8")

    if opts.glossary is not None:
        got = read_page(opts.glossary, opts.glossary.name)
        if isinstance(got, JekyllPage):
            yaml_text, gdiags = _convert_glossary(got.text, opts.glossary)
            report.diagnostics.extend(gdiags)
            glossary, vdiags = parse_glossary(Path("glossary.yml"), yaml_text)
            report.diagnostics.extend(vdiags)
            if glossary is not None:
                report.glossary_terms = len(glossary.terms)
                report.glossary_keep_english = sum(1 for t in glossary.terms if t.keep_english)
            files["glossary.yml"] = yaml_text.encode("utf-8")
        elif got is not None:
            report.diagnostics.append(got)

    copies: dict[str, Path] = {}
    if opts.assets is not None:
        for rel in sorted(resolver.assets):
            copies[f"static/{rel}"] = opts.assets / rel.split("/", 1)[1]
        report.assets_copied = len(copies)

    if not write:
        return ImportResult(report, False)
    files[REPORT_TEXT] = report.to_text().encode("utf-8")
    files[REPORT_JSON] = report.to_json().encode("utf-8")
    try:
        write_site(opts.out, files, copies)
    except WriteError as exc:
        report.diagnostics.append(error(opts.out, 0, 0, "output", str(exc)))
        return ImportResult(report, False)
    return ImportResult(report, True)
