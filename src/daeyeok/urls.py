"""The URL scheme: pretty URLs per language, under any base URL.

``content/ko/lectures/backprop.md`` is published at ``/ko/lectures/backprop/``
(file ``ko/lectures/backprop/index.html``); ``index.md`` files give the
directory URL.  Every URL the site emits is root-relative and starts with the
base URL, so the same build works at ``/`` and under ``/cs231n/``.
"""

from __future__ import annotations

import posixpath
from urllib.parse import quote


def key_path(key: str) -> str:
    """The site path of a page key, relative, with a trailing slash ('' for the home page)."""
    if key == "index":
        return ""
    if key.endswith("/index"):
        key = key[: -len("/index")]
    return key + "/"


def page_path(lang: str, key: str) -> str:
    """Site path of a page without the base URL, e.g. ``ko/lectures/backprop/``."""
    return f"{lang}/{key_path(key)}"


def output_file(site_path: str) -> str:
    """The file that serves a site path: directories get ``index.html``."""
    return site_path + "index.html" if site_path.endswith("/") or not site_path else site_path


def href(base_url: str, site_path: str) -> str:
    """A root-relative URL for a site path, percent-encoded (Hangul paths stay valid)."""
    return base_url + quote(site_path, safe="/#%?=&~:@!$'()*+,;")


def absolute(origin: str, base_url: str, site_path: str) -> str:
    return origin.rstrip("/") + href(base_url, site_path)


def join_key(doc_key: str, target: str) -> str:
    """Resolve a relative ``.md`` link written in page ``doc_key`` to a page key."""
    base = posixpath.dirname(doc_key)
    joined = posixpath.normpath(posixpath.join(base, target)) if not target.startswith("/") else target.lstrip("/")
    return joined.removesuffix(".md")
