"""Pages → HTML files: Markdown bodies through :mod:`htmlrender`, then Jinja templates.

Templates run with ``StrictUndefined`` and autoescape; a template error is a
diagnostic at the template's ``file:line``, never a traceback.  Everything is
rendered into memory (path → bytes); only :mod:`daeyeok.writer` touches the
output directory.
"""

from __future__ import annotations

import dataclasses
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote
from xml.sax.saxutils import escape as xml_escape

import jinja2
from markupsafe import Markup

from . import glossary_page, i18n
from .align import Alignment
from .diagnostics import Diagnostic, display_path, error
from .htmlrender import RenderContext, RenderedBody, render_body
from .imagesize import image_size
from .links import resolve
from .loader import TextFile
from .markdown import parser
from .mathrender import MathRenderer, formulas_in
from .memo import IdentityMemo
from .model import LANGUAGE_NAMES, Page
from .parallel import PARALLEL_DIR, alignment_for, marking_hook, rows, rows_html, split_marked, strip_marks
from .plugins.glossary_terms import GlossaryTermsOptions, wrap_terms
from .plugins.math import MATH_DISPLAY_TYPES
from .site import Site
from .status import web as status_web
from .status.strings import strings as status_strings
from .urls import absolute, href, output_file, page_path

if TYPE_CHECKING:
    from .status.report import SiteStatus


_WRAPPED = IdentityMemo(1024)  # (document, glossary) -> tokens with glossary terms linked


class _SourcesLoader(jinja2.BaseLoader):
    """Templates from the loader's already-read files; filenames stay real paths for error lines."""

    def __init__(self, templates: Mapping[str, TextFile]):
        self.templates = templates

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str | None, Callable[[], bool] | None]:
        tf = self.templates.get(template)
        if tf is None:
            raise jinja2.TemplateNotFound(template)
        return tf.text, display_path(tf.path), lambda: True

    def list_templates(self) -> list[str]:
        return sorted(self.templates)


def make_environment(templates: Mapping[str, TextFile]) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=_SourcesLoader(templates),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def template_diagnostic(exc: Exception, templates: Mapping[str, TextFile], what: str) -> Diagnostic:
    """Where in which template an exception happened, as a diagnostic."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        # A syntax error is the template's alone: report it once, whatever page hit it.
        path = exc.filename or (display_path(templates[exc.name].path) if exc.name and exc.name in templates else exc.name or "templates")
        return error(path, exc.lineno or 0, 1, "template", str(exc.message))
    if isinstance(exc, jinja2.TemplateNotFound):
        return error("templates", 0, 0, "template", f"template not found: {exc.name} (while rendering {what})")
    known = {display_path(tf.path) for tf in templates.values()}
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename in known]
    if frames:
        frame = frames[-1]
        return error(frame.filename, frame.lineno or 0, 1, "template", f"{exc} (while rendering {what})")
    return error("templates", 0, 0, "template", f"{type(exc).__name__}: {exc} (while rendering {what})")


@dataclass(frozen=True)
class NavItem:
    title: str
    url: str
    current: bool
    translated: bool
    lang: str  # the language of the title shown (the original's, for an untranslated page)
    progress: int | None = None  # translation progress in percent, in a translation's navigation


@dataclass(frozen=True)
class NavGroup:
    title: str
    items: tuple[NavItem, ...]


class SiteRenderer:
    """Renders pages of one :class:`Site`; the preview server keeps one and re-renders pages."""

    def __init__(self, site: Site, templates: Mapping[str, TextFile], math: MathRenderer, stylesheets: list[str], scripts: list[str]):
        self.site = site
        self.templates = templates
        self.math = math
        self.env = make_environment(templates)
        self.stylesheets = stylesheets
        self.scripts = scripts
        #: rendered bodies until :meth:`done_with`: the page's, and (for a page with a parallel
        #: view, or the original of one) the same HTML with its top-level blocks marked
        self._bodies: dict[tuple[str, str, str], tuple[RenderedBody, str | None]] = {}
        self._in_parallel: frozenset[tuple[str, str]] | None = None
        self.status: SiteStatus | None = None  # translation status (daeyeok.status), set by the build
        self.last_updated: Mapping[Path, str] = {}  # source file -> YYYY-MM-DD of its last commit (daeyeok.lastmod)
        self.static_files: Mapping[str, Path] = {}  # output path -> file, for image sizes (set by the build)
        self._image_sizes: dict[str, tuple[int, int] | None] = {}
        self._glossary_terms: GlossaryTermsOptions | None = None
        self._navs: dict[str, tuple[SiteStatus | None, list[tuple[str, list[tuple[str, NavItem]]]]]] = {}

    # -- pieces of the page context -------------------------------------------------
    def _render_context(self, page: Page, marked: bool = False) -> RenderContext:
        cfg = self.site.config
        here = page_path(page.lang, page.key)
        hook = status_web.block_hook(self.status, self.site, page)
        return RenderContext(
            path=page.doc.source.path,
            math=self.math,
            resolve=lambda target: resolve(target, doc_key=page.key, lang=page.lang, base_url=cfg.base_url, page_site_path=here),
            raw_html=cfg.raw_html,
            block_hook=marking_hook(page.doc.tokens, hook) if marked else hook,
            image_size=self.image_size,
        )

    def image_size(self, url: str) -> tuple[int, int] | None:
        """Intrinsic size of a site image by its URL (``/base/figures/a.svg``), measured once per build."""
        base = self.site.config.base_url
        if not url.startswith(base):
            return None
        rel = unquote(url[len(base) :].split("#")[0].split("?")[0])
        if rel not in self._image_sizes:
            path = self.static_files.get(rel)
            self._image_sizes[rel] = image_size(path) if path is not None else None
        return self._image_sizes[rel]

    def glossary_url(self, lang: str) -> str | None:
        """The URL of ``lang``'s glossary page, or ``None`` when the site publishes none."""
        return href(self.site.config.base_url, glossary_page.glossary_path(lang)) if glossary_page.published(self.site) else None

    def body_tokens(self, page: Page) -> Sequence[Any]:
        """The tokens to render: on a Korean page's own Korean text, with glossary terms linked
        (:mod:`daeyeok.plugins.glossary_terms`); the parsed document is never changed."""
        glossary = self.site.glossary
        if page.lang != "ko" or page.doc.lang != "ko" or glossary is None or not glossary.terms:
            return page.doc.tokens
        url = self.glossary_url("ko")
        if self._glossary_terms is None:
            from .terms.runner import matcher_for

            self._glossary_terms = GlossaryTermsOptions(matcher_for(glossary), glossary_page.term_hrefs(glossary, url))
        options = self._glossary_terms
        # the page and its parallel view, and the preview server's rebuilds, share one wrapping
        return _WRAPPED.get((page.doc, glossary), lambda: wrap_terms(page.doc.tokens, options), token=url)

    def body(self, page: Page) -> RenderedBody:
        return self._body(page)[0]

    def marked_html(self, page: Page) -> str:
        """The body's HTML with top-level blocks marked (:func:`daeyeok.parallel.marking_hook`), for parallel views."""
        marked = self._body(page)[1]
        if marked is None:  # a page outside every parallel view (the preview server asks anyway)
            marked = render_body(parser(), self.body_tokens(page), self._render_context(page, marked=True)).html
        return marked

    def _body(self, page: Page) -> tuple[RenderedBody, str | None]:
        """A page's body rendered once for the page and any parallel view showing it: marked where
        a parallel view will cut it into blocks, the page itself getting the marks removed (the
        same bytes as rendering it unmarked; a 1,000-page site rendered every body twice)."""
        key = (page.lang, page.key, page.doc.lang)
        cached = self._bodies.get(key)
        if cached is not None:
            return cached
        marked = (page.lang, page.key) in self.parallel_members()
        self.math.typeset_ahead(formulas_in(page.doc.tokens, MATH_DISPLAY_TYPES))
        body = render_body(parser(), self.body_tokens(page), self._render_context(page, marked=marked))
        entry = (dataclasses.replace(body, html=strip_marks(body.html)), body.html) if marked else (body, None)
        self._bodies[key] = entry
        return entry

    def parallel_members(self) -> frozenset[tuple[str, str]]:
        """(lang, key) of every page a parallel view shows: translations and their originals."""
        if self._in_parallel is None:
            members: set[tuple[str, str]] = set()
            for page in self.site.pages():
                other = self.parallel_page(page)
                if other is not None:
                    members.update([(page.lang, page.key), (other.lang, other.key)])
            self._in_parallel = frozenset(members)
        return self._in_parallel

    def done_with(self, page: Page) -> None:
        """Forget ``page``'s rendered body once the page and its parallel view are rendered."""
        self._bodies.pop((page.lang, page.key, page.doc.lang), None)

    def parallel_page(self, page: Page) -> Page | None:
        """The page in the original's language when ``page`` is a translation that has one (see :mod:`daeyeok.parallel`)."""
        if page.is_fallback or page.translation is None:
            return None
        source_lang = self.status.source_lang if self.status is not None else "en"
        if page.lang == source_lang or page.translation.lang != source_lang:
            return None
        other = self.site.page(source_lang, page.key)
        return other if other is not None and not other.is_fallback else None

    def nav(self, lang: str, current: str) -> list[NavGroup]:
        """The navigation of ``lang`` with ``current`` marked; built once per language and status."""
        cached = self._navs.get(lang)
        if cached is None or cached[0] is not self.status:
            cached = self._navs[lang] = (self.status, self._nav(lang))
        return [
            NavGroup(title, tuple(dataclasses.replace(item, current=True) if key == current else item for key, item in items)) for title, items in cached[1]
        ]

    def _nav(self, lang: str) -> list[tuple[str, list[tuple[str, NavItem]]]]:
        current = ""
        groups: list[tuple[str, list[tuple[str, NavItem]]]] = []
        for section in self.site.config.nav:
            items: list[tuple[str, NavItem]] = []
            for key in section.pages:
                made = self.generated_nav_item(lang, key, current)
                if made is not None:
                    items.append((key, made))
                    continue
                page = self.site.page(lang, key)
                if page is None:
                    continue
                item = NavItem(
                    page.doc.front.title,
                    self.site.url(lang, key),
                    False,
                    not page.is_fallback,
                    page.doc.lang,
                    status_web.nav_progress(self.status, lang, key),
                )
                items.append((key, item))
            groups.append((section.title.get(lang, ""), items))
        listed = any(glossary_page.GLOSSARY_KEY in section.pages for section in self.site.config.nav)
        glossary_item = self.generated_nav_item(lang, glossary_page.GLOSSARY_KEY, current)
        if glossary_item is not None and not listed:  # unless site.yml places it: a last, untitled group
            groups.append(("", [(glossary_page.GLOSSARY_KEY, glossary_item)]))
        return groups

    def generated_nav_item(self, lang: str, key: str, current: str) -> NavItem | None:
        """The nav entry of a page the build makes (``glossary``, ``status``), when it is published."""
        if self.site.has_key(key):
            return None  # a content page of that name wins
        if key == glossary_page.GLOSSARY_KEY and (url := self.glossary_url(lang)) is not None:
            return NavItem(i18n.strings(lang)["glossary"], url, current == key, True, lang)
        if key == status_web.STATUS_KEY and self.status is not None and self.status.targets:
            url = href(self.site.config.base_url, status_web.status_path(lang))
            return NavItem(status_strings(lang)["status_title"], url, current == key, True, lang)
        return None

    def neighbours(self, lang: str, key: str) -> tuple[dict[str, str] | None, dict[str, str] | None]:
        order = self.site.nav_keys
        if key not in order:
            return None, None
        i = order.index(key)

        def link(k: str) -> dict[str, str]:
            page = self.site.page(lang, k)
            return {"title": self.site.title(lang, k), "url": self.site.url(lang, k), "lang": page.doc.lang if page else lang}

        return (link(order[i - 1]) if i > 0 else None, link(order[i + 1]) if i + 1 < len(order) else None)

    def common(self, lang: str) -> dict[str, Any]:
        cfg = self.site.config
        return {
            "site": {
                "title": cfg.title[lang],
                "description": cfg.description.get(lang, ""),
                "base_url": cfg.base_url,
                "home_url": self.site.url(lang, "index"),
                "root_url": href(cfg.base_url, ""),
                "languages": cfg.languages,
                "default_language": cfg.default_language,
                "repository": cfg.repository,
            },
            "lang": lang,
            "t": i18n.strings(lang),
            "stylesheets": [href(cfg.base_url, s) for s in self.stylesheets],
            "scripts": [href(cfg.base_url, s) for s in self.scripts],
            "language_names": LANGUAGE_NAMES,
        }

    def alternates(self, key: str) -> list[dict[str, str]]:
        cfg = self.site.config
        alts = [{"hreflang": lang, "href": absolute(cfg.url, cfg.base_url, page_path(lang, key))} for lang in cfg.languages]
        alts.append({"hreflang": "x-default", "href": absolute(cfg.url, cfg.base_url, page_path(cfg.default_language, key))})
        return alts

    def switch(self, lang: str, url_for: Callable[[str], str]) -> list[dict[str, str]]:
        """The language switch of a page shown in ``lang``: the same page in every other language."""
        return [
            {"lang": other, "name": LANGUAGE_NAMES[other], "url": url_for(other), "label": i18n.strings(other)["switch_to"]}
            for other in self.site.config.languages
            if other != lang
        ]

    def page_context(self, page: Page) -> dict[str, Any]:
        ctx = self.page_frame(page)
        body = self.body(page)
        ctx["page"]["body"] = Markup(body.html)
        ctx["page"]["toc"] = [{"level": e.level, "id": e.id, "html": Markup(e.html)} for e in body.toc]
        return ctx

    def page_frame(self, page: Page) -> dict[str, Any]:
        """The page template's context without the rendered body: what the page shows around it."""
        cfg = self.site.config
        prev, nxt = self.neighbours(page.lang, page.key)
        switch = self.switch(page.lang, lambda lang: self.site.url(lang, page.key))
        edit_url = None
        if cfg.repository:
            edit_url = f"{cfg.repository.rstrip('/')}/edit/{cfg.edit_branch}/content/{page.doc.lang}/{page.doc.source.rel}"
        ctx = self.common(page.lang)
        ctx["switch"] = switch
        ctx["page"] = {
            "key": page.key,
            "lang": page.lang,
            "content_lang": page.content_lang,
            "title": page.doc.front.title,
            "description": page.doc.front.description,
            "extra": page.doc.front.extra,
            "body": None,
            "toc": [],
            "is_fallback": page.is_fallback,
            "noindex": page.is_fallback,
            "url": self.site.url(page.lang, page.key),
            "canonical": absolute(cfg.url, cfg.base_url, page_path(page.lang, page.key)),
            "alternates": self.alternates(page.key),
            "original_url": self.site.url(page.doc.lang, page.key),
            "prev": prev,
            "next": nxt,
            "edit_url": edit_url,
            "translation_status": status_web.page_banner(self.status, self.site, page),
            "last_updated": self.last_updated.get(page.doc.source.path),
            "parallel": None,
        }
        other = self.parallel_page(page)
        if other is not None:
            ctx["page"]["parallel"] = {
                "on": False,
                "url": href(cfg.base_url, page_path(page.lang, page.key) + PARALLEL_DIR),
                "page_url": self.site.url(page.lang, page.key),
                "parallel_url": href(cfg.base_url, page_path(page.lang, page.key) + PARALLEL_DIR),
                "lang": other.lang,
            }
        ctx["nav"] = self.nav(page.lang, page.key)
        return ctx

    # -- whole files ----------------------------------------------------------------
    def render_template(self, name: str, context: dict[str, Any], what: str) -> tuple[bytes | None, Diagnostic | None]:
        try:
            html = self.env.get_template(name).render(context)
        except Exception as exc:  # any Jinja or filter error is the template author's mistake
            return None, template_diagnostic(exc, self.templates, what)
        return html.encode("utf-8"), None

    def render_page(self, page: Page) -> tuple[str, bytes | None, list[Diagnostic]]:
        out = output_file(page_path(page.lang, page.key))
        try:
            context = self.page_context(page)
        except Exception as exc:
            return out, None, [template_diagnostic(exc, self.templates, f"page {page.doc.source.rel}")]
        data, diag = self.render_template("page.html", context, f"{page.lang}/{page.doc.source.rel}")
        body = self.body(page)
        diags = list(body.diagnostics)
        if diag:
            diags.append(diag)
        return out, data, diags

    def status_alignment(self, page: Page, other: Page) -> Alignment | None:
        """The translation status's alignment of ``other`` (the original) with ``page``: the
        status aligned every page already, and on a large site the memo of alignments
        (:func:`daeyeok.align.align_documents`) no longer holds the first ones."""
        found = self.status.page(page.lang, page.key) if self.status is not None else None
        if found is None or found.alignment is None or found.source is not other.doc or found.target is not page.doc:
            return None
        return found.alignment

    def render_parallel(self, page: Page) -> tuple[str, bytes | None, list[Diagnostic]] | None:
        """The no-JavaScript parallel page of a translation (``<page>/parallel/``), or ``None`` when it has no original."""
        other = self.parallel_page(page)
        if other is None:
            return None
        out = output_file(page_path(page.lang, page.key) + PARALLEL_DIR)
        try:
            context = self.page_context(page)
            main_html = self.marked_html(page)
            other_html = self.marked_html(other)
            main_blocks, other_blocks, alignment = alignment_for(page.doc, other.doc, self.status_alignment(page, other))
            parallel_rows = rows(
                split_marked(main_html, page.doc.tokens), split_marked(other_html, other.doc.tokens), main_blocks, other_blocks, alignment, other.lang
            )
            info = context["page"]
            info["body"] = Markup(rows_html(parallel_rows, page.lang, other.lang, LANGUAGE_NAMES.get(other.lang, other.lang)))
            info["noindex"] = True
            info["alternates"] = []  # canonical points at the page itself; hreflang pairs belong there
            info["parallel"] = dict(info["parallel"], on=True, url=info["parallel"]["page_url"])
        except Exception as exc:
            return out, None, [template_diagnostic(exc, self.templates, f"parallel view of {page.doc.source.rel}")]
        data, diag = self.render_template("page.html", context, f"{page.lang}/{page.doc.source.rel} (parallel view)")
        return out, data, [diag] if diag else []

    def render_landing(self) -> tuple[bytes | None, Diagnostic | None]:
        cfg = self.site.config
        lang = cfg.default_language
        ctx = self.common(lang)
        ctx["landing"] = {
            "lang": lang,
            "title": cfg.title[lang],
            "description": cfg.description.get(lang, ""),
            "canonical": absolute(cfg.url, cfg.base_url, ""),
            "alternates": [{"hreflang": a["hreflang"], "href": a["href"]} for a in self.alternates("index")[:-1]]
            + [{"hreflang": "x-default", "href": absolute(cfg.url, cfg.base_url, "")}],
            "languages": [
                {
                    "lang": other,
                    "name": LANGUAGE_NAMES[other],
                    "title": cfg.title[other],
                    "url": self.site.url(other, "index"),
                    "offer": i18n.strings(other)["landing_offer"],
                }
                for other in cfg.languages
            ],
        }
        ctx["nav"] = self.nav(lang, "")
        return self.render_template("landing.html", ctx, "the landing page /")

    def render_status(self, lang: str) -> tuple[bytes | None, Diagnostic | None]:
        """The translation status page of one interface language (``/<lang>/status/``)."""
        assert self.status is not None
        cfg = self.site.config
        ctx = self.common(lang)
        ctx["lang"] = lang
        ctx["status"] = status_web.status_context(self.status, self.site, lang)
        ctx["switch"] = self.switch(lang, lambda other: href(cfg.base_url, status_web.status_path(other)))
        ctx["nav"] = self.nav(lang, status_web.STATUS_KEY)
        return self.render_template("status.html", ctx, f"the status page /{status_web.status_path(lang)}")

    def render_glossary(self, lang: str) -> tuple[bytes | None, Diagnostic | None]:
        """The glossary page of one language (``/<lang>/glossary/``): every term, in that language's order."""
        cfg = self.site.config
        glossary = self.site.glossary
        assert glossary is not None
        key = glossary_page.GLOSSARY_KEY
        ctx = self.common(lang)
        ctx["glossary"] = {
            "groups": glossary_page.groups(glossary, lang),
            "count": len(glossary.terms),
            "canonical": absolute(cfg.url, cfg.base_url, glossary_page.glossary_path(lang)),
            "alternates": self.alternates(key),
        }
        ctx["switch"] = self.switch(lang, lambda other: href(cfg.base_url, glossary_page.glossary_path(other)))
        ctx["nav"] = self.nav(lang, key)
        return self.render_template("glossary.html", ctx, f"the glossary page /{glossary_page.glossary_path(lang)}")

    def render_404(self) -> tuple[bytes | None, Diagnostic | None]:
        cfg = self.site.config
        ctx = self.common(cfg.default_language)
        ctx["homes"] = [{"lang": lang, "url": self.site.url(lang, "index"), "t": i18n.strings(lang), "title": cfg.title[lang]} for lang in cfg.languages]
        return self.render_template("404.html", ctx, "404.html")

    def render_redirect(self, target_url: str) -> bytes:
        t = xml_escape(target_url, {'"': "&quot;"})
        return (
            '<!doctype html>\n<html><head><meta charset="utf-8"><title>Redirecting…</title>'
            f'<meta http-equiv="refresh" content="0; url={t}"><link rel="canonical" href="{t}">'
            f'<meta name="robots" content="noindex"></head><body><a href="{t}">{t}</a></body></html>\n'
        ).encode()

    def sitemap(self) -> bytes:
        cfg = self.site.config
        lines = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">',
        ]
        for page in self.site.pages():
            if page.is_fallback:
                continue  # noindex pages do not belong in a sitemap
            lines.append("  <url>")
            lines.append(f"    <loc>{xml_escape(absolute(cfg.url, cfg.base_url, page_path(page.lang, page.key)))}</loc>")
            for alt in self.alternates(page.key):
                lines.append(f'    <xhtml:link rel="alternate" hreflang="{alt["hreflang"]}" href="{xml_escape(alt["href"])}"/>')
            lines.append("  </url>")
        for lang in cfg.languages if glossary_page.published(self.site) else ():
            lines.append("  <url>")
            lines.append(f"    <loc>{xml_escape(absolute(cfg.url, cfg.base_url, glossary_page.glossary_path(lang)))}</loc>")
            for alt in self.alternates(glossary_page.GLOSSARY_KEY):
                lines.append(f'    <xhtml:link rel="alternate" hreflang="{alt["hreflang"]}" href="{xml_escape(alt["href"])}"/>')
            lines.append("  </url>")
        lines.append("</urlset>")
        return ("\n".join(lines) + "\n").encode("utf-8")


def robots_txt(site: Site) -> bytes:
    cfg = site.config
    return f"User-agent: *\nAllow: /\nSitemap: {absolute(cfg.url, cfg.base_url, 'sitemap.xml')}\n".encode()
