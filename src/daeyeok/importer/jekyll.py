"""Reading a Jekyll source tree: pages, their front matter and their old URLs.

Only reads; the importer never writes next to its sources.  Front matter is
parsed with :mod:`daeyeok.yamlpos` so that problems point at the real
``file:line:col`` of the Jekyll page.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import yamlpos
from ..diagnostics import Diagnostic, error, warning
from ..loader import decode

#: front matter keys that only mean something to Jekyll or its MathJax include
JEKYLL_ONLY_KEYS = frozenset({"layout", "mathjax", "comments", "published", "sitemap"})
_FRONT = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|\Z)", re.DOTALL)
#: ``name.kr.md`` / ``name.ko.md``: a translation of ``name.md``
_LANG_SUFFIX = re.compile(r"\.(?:kr|ko)$")
#: a ``/name-kr/`` permalink: a translation of ``/name/``
_PERMALINK_SUFFIX = re.compile(r"[-_.](?:kr|ko)$")


@dataclass
class JekyllPage:
    path: Path
    rel: str  # path under the language directory, "/"-separated, with ".md"
    text: str
    front: dict[str, Any]
    front_positions: dict[str, tuple[int, int]]
    body: str
    body_line: int  # file line of the first body line
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def stem(self) -> str:
        """The path without ``.md`` and without a ``.kr``/``.ko`` language suffix."""
        return _LANG_SUFFIX.sub("", self.rel.removesuffix(".md"))

    @property
    def has_lang_suffix(self) -> bool:
        return bool(_LANG_SUFFIX.search(self.rel.removesuffix(".md")))

    @property
    def permalink(self) -> str | None:
        """The old URL path, normalised to ``a/b`` (no slashes around, no ``.html``); None if unusable."""
        value = self.front.get("permalink")
        if not isinstance(value, str) or not value.strip():
            return None
        return normalise_url_path(value)

    @property
    def permalink_base(self) -> str | None:
        """The permalink without a ``-kr`` suffix: the page it translates."""
        link = self.permalink
        return _PERMALINK_SUFFIX.sub("", link) if link else None

    def old_url(self) -> str:
        """The page's URL path on the Jekyll site, ``/a/b/``."""
        link = self.permalink
        if link is None:
            return "/" + self.rel.removesuffix(".md") + "/"
        return "/" + link + "/" if link else "/"


def normalise_url_path(value: str) -> str | None:
    """``/a/b/``, ``a/b``, ``/a/b.html``, ``/a/b/index.html`` → ``a/b``; Jekyll placeholders → None."""
    value = value.strip()
    if ":" in value or "{" in value:
        return None
    value = value.split("#", 1)[0].split("?", 1)[0]
    value = posixpath.normpath("/" + value).lstrip("/")
    for suffix in ("index.html", ".html", ".md"):
        if value.endswith(suffix):
            value = value[: -len(suffix)]
    value = value.strip("/")
    return "" if value in ("", ".") else value


def read_page(path: Path, rel: str) -> JekyllPage | Diagnostic | None:
    """Read one Markdown page; a Diagnostic when it cannot be read at all."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return error(path, 0, 0, "import-read", f"cannot read file: {exc.strerror or exc}")
    tf, diag = decode(path, data, rel)
    if tf is None:
        return diag
    return split_front_matter(path, rel, tf.text)


def split_front_matter(path: Path, rel: str, text: str) -> JekyllPage:
    match = _FRONT.match(text)
    diags: list[Diagnostic] = []
    front: dict[str, Any] = {}
    positions: dict[str, tuple[int, int]] = {}
    if match is None:
        return JekyllPage(path, rel, text, front, positions, text, 1, diags)
    yaml_text = match.group(1) or ""
    try:
        doc = yamlpos.load(yaml_text)
    except yamlpos.YamlError as exc:
        diags.append(error(path, exc.line + 1, exc.col, "import-front-matter", exc.message))
    else:
        if isinstance(doc.value, dict):
            front = {str(k): v for k, v in doc.value.items()}
            for key in front:
                line, col = doc.key_pos((key,))
                positions[key] = (line + 1, col)
        elif doc.value is not None:
            diags.append(warning(path, 2, 1, "import-front-matter", "front matter is not a mapping; ignored"))
    body_line = text[: match.end()].count("\n") + 1
    return JekyllPage(path, rel, text, front, positions, text[match.end() :], body_line, diags)


def list_pages(root: Path) -> list[tuple[str, Path]]:
    """Markdown pages under ``root`` in sorted order, skipping Jekyll's private ``_dirs`` and hidden files."""
    found: list[tuple[str, Path]] = []
    for path in sorted(root.rglob("*.md")):
        rel = path.relative_to(root).as_posix()
        if any(part.startswith((".", "_")) for part in rel.split("/")) or not path.is_file():
            continue
        found.append((rel, path))
    return found
