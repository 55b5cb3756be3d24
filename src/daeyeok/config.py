"""``site.yml``: a declarative schema, validated with positions.

Unknown keys and wrong types are errors at ``site.yml:line:col`` (as in Zola),
and every error is reported in one run rather than stopping at the first.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import yamlpos
from .diagnostics import Diagnostic, error
from .model import NavSection, SiteConfig

KNOWN_LANGUAGES = ("ko", "en")
MATH_ENGINES = ("katex", "mathml")
RAW_HTML_POLICIES = ("allow", "no-script", "escape")
GLOSSARY_CHECK_LEVELS = ("error", "warning", "off")

_KEYS = {
    "title": "a string, or a mapping language → string",
    "description": "a string, or a mapping language → string",
    "default_language": "a language code (ko or en)",
    "languages": "a list of language codes",
    "base_url": "a path such as / or /cs231n/",
    "url": "the site's origin, such as https://example.org",
    "repository": "the source repository URL, for 'edit this page' links",
    "edit_branch": "the branch 'edit this page' links point at",
    "math": "katex or mathml",
    "raw_html": "allow, no-script or escape",
    "glossary_check": "how `build` treats glossary findings: error (as found), warning (never fail the build) or off",
    "nav": "a list of sections, each with title and pages",
}


def normalise_base_url(value: str) -> str:
    value = value.strip()
    if not value.startswith("/"):
        value = "/" + value
    if not value.endswith("/"):
        value += "/"
    return re.sub(r"/{2,}", "/", value)


def base_url_problem(value: str) -> str | None:
    if re.search(r"[\s?#\\\"'<>]|://|(^|/)\.\.?(/|$)", value):
        return f"base URL {value!r} must be a plain path such as /cs231n/"
    return None


class _Validator:
    def __init__(self, path: Path, doc: yamlpos.Located):
        self.path = path
        self.doc = doc
        self.diags: list[Diagnostic] = []

    def err(self, key: tuple[Any, ...], message: str, at_key: bool = False) -> None:
        line, col = self.doc.key_pos(key) if at_key else self.doc.pos(key)
        self.diags.append(error(self.path, line, col, "config", message))

    def text(self, key: tuple[Any, ...], value: Any) -> str | None:
        if isinstance(value, str) and value.strip():
            return value.strip()
        self.err(key, f"'{'.'.join(map(str, key))}' must be a non-empty string")
        return None

    def per_language(self, key: tuple[Any, ...], value: Any, languages: tuple[str, ...]) -> dict[str, str]:
        if isinstance(value, str):
            return {lang: value for lang in languages}
        if not isinstance(value, dict):
            self.err(key, f"'{key[-1]}' must be a string or a mapping of language to string")
            return {}
        out: dict[str, str] = {}
        for lang, text in value.items():
            if lang not in languages:
                self.err(key + (lang,), f"unknown language {lang!r} (languages: {', '.join(languages)})", at_key=True)
            elif (t := self.text(key + (lang,), text)) is not None:
                out[lang] = t
        for lang in languages:
            if lang not in value:
                self.err(key, f"'{key[-1]}' has no text for language {lang!r}")
        return out


def parse_config(path: Path, text: str) -> tuple[SiteConfig | None, list[Diagnostic]]:
    """Validate ``site.yml``; on any error the config is ``None`` and the errors say why."""
    try:
        doc = yamlpos.load(text)
    except yamlpos.YamlError as exc:
        return None, [error(path, exc.line, exc.col, "config", exc.message)]
    v = _Validator(path, doc)
    data = doc.value
    if not isinstance(data, dict):
        v.err((), "site.yml must be a mapping of settings")
        return None, v.diags
    for key in data:
        if key not in _KEYS:
            known = ", ".join(sorted(_KEYS))
            v.err((key,), f"unknown key {key!r} (known keys: {known})", at_key=True)

    languages: tuple[str, ...] = ("ko", "en")
    if "languages" in data:
        raw = data["languages"]
        if not isinstance(raw, list) or not raw or not all(isinstance(x, str) for x in raw):
            v.err(("languages",), "'languages' must be a non-empty list of language codes")
        else:
            for i, lang in enumerate(raw):
                if lang not in KNOWN_LANGUAGES:
                    v.err(("languages", i), f"unsupported language {lang!r} (supported: ko, en)")
            if len(set(raw)) != len(raw):
                v.err(("languages",), "'languages' lists a language twice")
            languages = tuple(x for x in raw if x in KNOWN_LANGUAGES) or languages

    default_language = data.get("default_language", languages[0])
    if default_language not in languages:
        v.err(("default_language",), f"default_language {default_language!r} is not one of the languages")
        default_language = languages[0]

    if "title" not in data:
        v.err((), "missing required key 'title'")
        title: dict[str, str] = {}
    else:
        title = v.per_language(("title",), data["title"], languages)
    description = v.per_language(("description",), data.get("description", ""), languages) if data.get("description") else {lang: "" for lang in languages}

    def opt_str(key: str, default: str, check: Callable[[str], str | None] | None = None) -> str:
        if key not in data:
            return default
        value = v.text((key,), data[key])
        if value is None:
            return default
        if check and (problem := check(value)):
            v.err((key,), problem)
        return value

    base_url = normalise_base_url(opt_str("base_url", "/", base_url_problem))
    url = opt_str(
        "url", "http://127.0.0.1:8000", lambda s: None if re.match(r"^https?://[^\s/]+(/[^\s]*)?$", s) else f"url {s!r} must start with http:// or https://"
    ).rstrip("/")
    repository = opt_str("repository", "", lambda s: None if s.startswith(("http://", "https://")) else "repository must be an http(s) URL") or None
    edit_branch = opt_str("edit_branch", "main")
    math = opt_str("math", "katex", lambda s: None if s in MATH_ENGINES else f"math must be one of {', '.join(MATH_ENGINES)}, not {s!r}")
    raw_html = opt_str("raw_html", "allow", lambda s: None if s in RAW_HTML_POLICIES else f"raw_html must be one of {', '.join(RAW_HTML_POLICIES)}, not {s!r}")
    glossary_check = opt_str(
        "glossary_check",
        "error",
        lambda s: None if s in GLOSSARY_CHECK_LEVELS else f"glossary_check must be one of {', '.join(GLOSSARY_CHECK_LEVELS)}, not {s!r}",
    )

    nav: list[NavSection] = []
    raw_nav = data.get("nav", [])
    if not isinstance(raw_nav, list):
        v.err(("nav",), "'nav' must be a list of sections")
        raw_nav = []
    for i, section in enumerate(raw_nav):
        key = ("nav", i)
        if not isinstance(section, dict):
            v.err(key, "a nav section must be a mapping with 'title' and 'pages'")
            continue
        for k in section:
            if k not in ("title", "pages"):
                v.err(key + (k,), f"unknown key {k!r} in nav section (known keys: pages, title)", at_key=True)
        sec_title = v.per_language(key + ("title",), section.get("title"), languages) if "title" in section else {}
        if "title" not in section:
            v.err(key, "nav section has no 'title'")
        pages = section.get("pages")
        if not isinstance(pages, list) or not pages:
            v.err(key + ("pages",), "nav section 'pages' must be a non-empty list of page paths")
            continue
        keys: list[str] = []
        positions: list[tuple[int, int]] = []
        for j, page in enumerate(pages):
            if not isinstance(page, str) or not page.strip():
                v.err(key + ("pages", j), "a nav page must be a page path such as lectures/backprop")
                continue
            keys.append(page.strip().strip("/").removesuffix(".md"))
            positions.append(doc.pos(key + ("pages", j)))
        nav.append(NavSection(sec_title, tuple(keys), tuple(positions)))

    if v.diags:
        return None, v.diags
    return (
        SiteConfig(
            title=title,
            description=description,
            default_language=default_language,
            languages=languages,
            base_url=base_url,
            url=url,
            repository=repository,
            edit_branch=edit_branch,
            math=math,
            raw_html=raw_html,
            glossary_check=glossary_check,
            nav=tuple(nav),
            path=path,
        ),
        [],
    )
