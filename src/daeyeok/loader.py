"""The only module that reads the site's source tree.

It turns a site directory into :class:`SiteSources`: decoded text for the
config, every Markdown page, the glossary and the templates, and a listing of
static files.  Decoding problems (non-UTF-8 bytes, unreadable files, symlinks
leading out of the site) become diagnostics here, so later stages only ever
see clean text.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import Diagnostic, error

THEME_DIR = Path(__file__).parent / "theme"
CONTENT_DIR = "content"
CONFIG_FILE = "site.yml"
GLOSSARY_FILE = "glossary.yml"
LOCK_FILE = "translations.lock"
TEMPLATES_DIR = "templates"
STATIC_DIR = "static"
#: what daeyeok keeps between runs (formulas, parsed pages, findings, rendered pages, the build manifest)
CACHE_DIR = ".daeyeok-cache"


@dataclass(frozen=True)
class TextFile:
    path: Path
    rel: str
    text: str


@dataclass(frozen=True)
class StaticFile:
    rel: str  # output path, "/"-separated
    path: Path


@dataclass
class SiteSources:
    root: Path
    config: TextFile | None = None
    pages: dict[str, list[TextFile]] = field(default_factory=dict)  # lang -> files (rel under content/<lang>)
    glossary: TextFile | None = None
    lock: TextFile | None = None  # translations.lock: per-block sync state (daeyeok.status.lock)
    templates: dict[str, TextFile] = field(default_factory=dict)  # site templates override theme ones
    static: dict[str, StaticFile] = field(default_factory=dict)  # site static overrides theme static
    diagnostics: list[Diagnostic] = field(default_factory=list)


def decode(path: Path, data: bytes, rel: str) -> tuple[TextFile | None, Diagnostic | None]:
    """UTF-8 (a BOM is dropped), newlines normalised; bad bytes are an error at their line:col."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        return None, error(path, line, col, "encoding", f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return TextFile(path, rel, text), None


def _read(path: Path, rel: str, sources: SiteSources) -> TextFile | None:
    try:
        data = path.read_bytes()
    except OSError as exc:
        sources.diagnostics.append(error(path, 0, 0, "read", f"cannot read file: {exc.strerror or exc}"))
        return None
    text, diag = decode(path, data, rel)
    if diag:
        sources.diagnostics.append(diag)
    return text


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError):
        return False
    return True


def _walk(top: Path, sources: SiteSources) -> list[tuple[str, Path]]:
    """Files below ``top`` in sorted order, refusing symlinks that lead outside it."""
    found: list[tuple[str, Path]] = []
    if not top.is_dir():
        return found
    for dirpath, dirnames, filenames in os.walk(top, followlinks=False):
        base = Path(dirpath)
        kept = []
        for d in sorted(dirnames):
            p = base / d
            if d.startswith("."):
                continue
            if p.is_symlink():
                if not _inside(p, top):
                    sources.diagnostics.append(error(p, 0, 0, "symlink", f"symbolic link leads outside {top.name}/; refusing to follow it"))
                    continue
                found.extend((f"{d}/{r}", q) for r, q in _walk(p, sources))
                continue
            kept.append(d)
        dirnames[:] = kept
        for name in sorted(filenames):
            if name.startswith(".") or name.endswith("~"):
                continue
            p = base / name
            if p.is_symlink() and not _inside(p, top):
                sources.diagnostics.append(error(p, 0, 0, "symlink", f"symbolic link leads outside {top.name}/; refusing to follow it"))
                continue
            found.append((p.relative_to(top).as_posix(), p))
    return sorted(found)


def load_site(root: Path, languages: tuple[str, ...] | None = None) -> SiteSources:
    """Read everything a build needs from the site directory ``root``."""
    sources = SiteSources(root=root)
    config_path = root / CONFIG_FILE
    if not config_path.is_file():
        sources.diagnostics.append(error(config_path, 0, 0, "config", f"no {CONFIG_FILE} in {root}; is this a daeyeok site?"))
        return sources
    sources.config = _read(config_path, CONFIG_FILE, sources)

    content = root / CONTENT_DIR
    for lang_dir in sorted(p for p in content.iterdir() if p.is_dir()) if content.is_dir() else []:
        lang = lang_dir.name
        if languages is not None and lang not in languages:
            continue
        files = []
        for rel, path in _walk(lang_dir, sources):
            if rel.endswith(".md"):
                tf = _read(path, rel, sources)
                if tf is not None:
                    files.append(tf)
        sources.pages[lang] = files

    glossary_path = root / GLOSSARY_FILE
    if glossary_path.is_file():
        sources.glossary = _read(glossary_path, GLOSSARY_FILE, sources)
    if (root / LOCK_FILE).is_file():
        sources.lock = _read(root / LOCK_FILE, LOCK_FILE, sources)

    for base in (THEME_DIR / "templates", root / TEMPLATES_DIR):
        for rel, path in _walk(base, sources):
            tf = _read(path, rel, sources)
            if tf is not None:
                sources.templates[rel] = tf

    for base in (THEME_DIR / "static", root / STATIC_DIR):
        for rel, path in _walk(base, sources):
            sources.static[rel] = StaticFile(rel, path)
    return sources
