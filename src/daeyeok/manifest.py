"""A record of the last successful build, so an unchanged site is not built again.

Like make or ninja: the manifest holds a fingerprint of everything a build
reads (every source text, templates, static files by size and time, the
options, the KaTeX version, daeyeok's own code, and the git commit, which
"last updated" dates come from) and the state of every file it wrote.  When
both still match, the previous output *is* the result, and the build only
repeats its diagnostics.  Any difference, including a deleted or touched
output file, means a full build.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import subprocess
from pathlib import Path
from typing import Any

from . import __version__
from .diagnostics import Diagnostic, Severity
from .loader import CACHE_DIR, SiteSources
from .mathrender import katex_dir
from .memo import IdentityMemo
from .picklecache import code_fingerprint

MANIFEST = "build-manifest.json"


def _git_head(root: Path) -> str:
    try:
        done = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


_FINGERPRINTS = IdentityMemo(2)


def fingerprint(sources: SiteSources, options: dict[str, Any]) -> str:
    """Memoised per sources object: ``daeyeok build`` asks before importing the renderer
    and :func:`daeyeok.build.build` again with the same sources."""
    return _FINGERPRINTS.get((sources,), lambda: _fingerprint(sources, options), token=json.dumps(options, sort_keys=True))


def _fingerprint(sources: SiteSources, options: dict[str, Any]) -> str:
    h = hashlib.blake2b(digest_size=20)

    def add(*parts: str) -> None:
        for part in parts:
            h.update(part.encode("utf-8", "surrogatepass"))
            h.update(b"\0")

    add(__version__, json.dumps(options, sort_keys=True), _git_head(sources.root))
    add(code_fingerprint())  # daeyeok itself, its theme and KaTeX, so an upgrade rebuilds
    version_file = katex_dir() / "VERSION"
    add(version_file.read_text(encoding="utf-8") if version_file.is_file() else "no-katex")
    for tf in [sources.config, sources.glossary, getattr(sources, "lock", None)]:
        add(tf.rel + "\n" + tf.text if tf is not None else "-")
    for lang in sorted(sources.pages):
        for page in sources.pages[lang]:
            add(lang, page.rel, page.text)
    for name in sorted(sources.templates):
        add(name, sources.templates[name].text)
    for rel in sorted(sources.static):
        st = sources.static[rel].path.stat()
        add(rel, str(st.st_size), str(st.st_mtime_ns))
    add(*(d.format() for d in sources.diagnostics))
    return h.hexdigest()


def _output_state(out: Path, names: list[str]) -> list[list[Any]] | None:
    state: list[list[Any]] = []
    for name in names:
        try:
            st = (out / name).stat()
        except OSError:
            return None
        state.append([name, st.st_size, st.st_mtime_ns])
    return state


def save(cache_dir: Path, print_: str, out: Path, names: list[str], diagnostics: list[Diagnostic], stats: dict[str, int]) -> None:
    """Record a successful build; failing to record only costs the next build its shortcut."""
    state = _output_state(out, sorted(names))
    if state is None:
        return
    data = {
        "fingerprint": print_,
        "out": str(out),
        "files": state,
        "stats": stats,
        "diagnostics": [[d.path, d.line, d.col, d.severity.value, d.code, d.message, d.fix] for d in diagnostics],
    }
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = cache_dir / (MANIFEST + ".tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, cache_dir / MANIFEST)
    except OSError:
        pass


def forget(cache_dir: Path) -> None:
    with contextlib.suppress(OSError):
        (cache_dir / MANIFEST).unlink()


def shortcut(root: Path, out: Path, sources: SiteSources, base_url: str | None, strict: bool) -> tuple[str, tuple[list[Diagnostic], dict[str, int]] | None]:
    """The build's fingerprint, and the previous build's diagnostics and stats when its output
    still stands.  Needs only the loaded sources: ``daeyeok build`` calls it before importing
    the renderer, so an unchanged site costs a file walk, not the whole pipeline's imports."""
    stamp = fingerprint(sources, {"base_url": base_url, "strict": strict})
    return stamp, up_to_date(root / CACHE_DIR, stamp, out)


def up_to_date(cache_dir: Path, print_: str, out: Path) -> tuple[list[Diagnostic], dict[str, int]] | None:
    """The previous build's diagnostics and stats when its output is still current, else ``None``."""
    try:
        data = json.loads((cache_dir / MANIFEST).read_text(encoding="utf-8"))
        if data["fingerprint"] != print_ or data["out"] != str(out):
            return None
        names = [entry[0] for entry in data["files"]]
        if _output_state(out, names) != data["files"]:
            return None
        diags = [Diagnostic(p, line, col, Severity(sev), code, msg, fix) for p, line, col, sev, code, msg, fix in data["diagnostics"]]
        return diags, {str(k): int(v) for k, v in data["stats"].items()}
    except (OSError, ValueError, KeyError, TypeError):
        return None
