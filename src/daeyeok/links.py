"""What a link or image target in a page points at.

One resolver serves both the checker (does it exist? does the anchor?) and
the renderer (what URL to write), so they can never disagree.  Authors link
pages by their source file (``loss-functions.md#softmax``, relative to the
page) and static files site-absolutely (``/figures/x.svg``); the resolver
turns both into base-URL-prefixed pretty URLs in the reader's language.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from urllib.parse import unquote

from .config import KNOWN_LANGUAGES
from .urls import href, join_key, output_file, page_path

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*:")


@dataclass(frozen=True)
class Target:
    kind: str  # "external", "fragment", "page", "file", "relative"
    url: str  # what to write in the HTML
    key: str = ""  # for "page"
    lang: str = ""  # for "page": the language version linked
    fragment: str = ""
    site_path: str = ""  # for "file"/"relative": the site path it resolves to, without base URL


def split_fragment(target: str) -> tuple[str, str]:
    path, _, fragment = target.partition("#")
    return path, unquote(fragment)


def resolve(target: str, *, doc_key: str, lang: str, base_url: str, page_site_path: str) -> Target:
    """Resolve ``target`` written in page ``doc_key`` when rendered at ``lang``'s URL."""
    target = target.strip()
    if not target or _SCHEME.match(target) or target.startswith("//"):
        return Target("external", target)
    if target.startswith("#"):
        return Target("fragment", target, fragment=unquote(target[1:]))
    path, fragment = split_fragment(target)
    frag = f"#{target.partition('#')[2]}" if "#" in target else ""
    query = ""
    if "?" in path:
        path, _, q = path.partition("?")
        query = "?" + q
    if path.endswith(".md"):
        key = join_key(doc_key, unquote(path))
        target_lang = lang
        # ``../en/x.md`` from content/ko/ links the other language's version explicitly
        parts = key.split("/")
        if len(parts) > 2 and parts[0] == ".." and parts[1] in KNOWN_LANGUAGES:
            target_lang, key = parts[1], "/".join(parts[2:])
        return Target("page", href(base_url, page_path(target_lang, key)) + query + frag, key=key, fragment=fragment, lang=target_lang)
    if path.startswith("/"):
        site_path = unquote(path.lstrip("/"))
        return Target("file", href(base_url, site_path) + query + frag, fragment=fragment, site_path=site_path)
    site_path = posixpath.normpath(posixpath.join(page_site_path, unquote(path)))
    if path.endswith("/") and not site_path.endswith("/"):
        site_path += "/"
    return Target("relative", target, fragment=fragment, site_path=site_path)


def file_for(site_path: str) -> str:
    """The output file a site path is served from (directories serve index.html)."""
    if site_path in ("", "."):
        return "index.html"
    return output_file(site_path)
