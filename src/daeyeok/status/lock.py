"""``translations.lock``: per-block source fingerprints as of the last reviewed sync.

The file sits at the site root, beside ``site.yml``, and is meant to be
committed.  For each page and translation language it records the source
blocks in order (id, kind, fingerprint) and, for each, the fingerprints of
the target blocks that translated it.  ``daeyeok status --accept PAGE``
rewrites the page's entry after a translator has reviewed it; nothing else
writes the file.  Comparing the recorded fingerprints with today's source
says exactly which source blocks changed since, and the recorded target
fingerprints say exactly which translated blocks they affect, even when the
structural alignment of the edited page would differ.

The format is JSON with sorted keys and one block per line, so diffs in
review stay readable and two builds of the same state give the same bytes.
It is read through :mod:`daeyeok.yamlpos` (JSON is YAML) so that a
hand-edited mistake is reported at its line and column.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import loader, yamlpos
from ..align import Alignment, Block
from ..diagnostics import Diagnostic, error

LOCK_FILE = loader.LOCK_FILE
FORMAT = "daeyeok-translations-lock"
VERSION = 1


@dataclass(frozen=True)
class LockedBlock:
    id: str
    kind: str
    fingerprint: str
    targets: tuple[str, ...]  # fingerprints of the target blocks that translated it


@dataclass(frozen=True)
class LockEntry:
    """One page in one translation language, as last accepted."""

    source_lang: str
    blocks: tuple[LockedBlock, ...]


@dataclass
class Lock:
    #: (page key, target language) -> entry
    entries: dict[tuple[str, str], LockEntry] = field(default_factory=dict)

    def get(self, key: str, lang: str) -> LockEntry | None:
        return self.entries.get((key, lang))


def entry_for(source_lang: str, source: tuple[Block, ...], alignment: Alignment) -> LockEntry:
    """The entry that records ``alignment`` as synced."""
    blocks = tuple(LockedBlock(b.id, b.kind, b.fingerprint, tuple(t.fingerprint for t in alignment.targets_of(b))) for b in source)
    return LockEntry(source_lang, blocks)


def dumps(lock: Lock) -> str:
    """Deterministic text: pages and languages sorted, one block per line."""
    lines = ["{", f'  "format": {json.dumps(FORMAT)},', f'  "version": {VERSION},', '  "pages": {']
    keys = sorted({k for k, _ in lock.entries})
    for ki, key in enumerate(keys):
        langs = sorted(lang for k, lang in lock.entries if k == key)
        lines.append(f"    {json.dumps(key, ensure_ascii=False)}: {{")
        for li, lang in enumerate(langs):
            entry = lock.entries[(key, lang)]
            lines.append(f'      {json.dumps(lang)}: {{"source": {json.dumps(entry.source_lang)}, "blocks": [')
            for bi, b in enumerate(entry.blocks):
                item = {"id": b.id, "kind": b.kind, "fp": b.fingerprint, "targets": list(b.targets)}
                comma = "," if bi + 1 < len(entry.blocks) else ""
                lines.append("        " + json.dumps(item, ensure_ascii=False, sort_keys=True) + comma)
            lines.append("      ]}" + ("," if li + 1 < len(langs) else ""))
        lines.append("    }" + ("," if ki + 1 < len(keys) else ""))
    lines += ["  }", "}"]
    return "\n".join(lines) + "\n"


def parse(path: Path | str, text: str) -> tuple[Lock, list[Diagnostic]]:
    """Read a lock file; problems are errors at their line and column, and the broken part is ignored."""
    try:
        doc = yamlpos.load(text)
    except yamlpos.YamlError as exc:
        return Lock(), [
            error(
                path,
                exc.line,
                exc.col,
                "lock",
                f"not a valid lock file: {exc.message}",
                fix="restore it from version control, or delete it and run 'daeyeok status --accept' again",
            )
        ]
    diags: list[Diagnostic] = []
    data = doc.value

    def bad(keypath: tuple[Any, ...], message: str) -> None:
        line, col = doc.pos(keypath)
        diags.append(error(path, line, col, "lock", message))

    if not isinstance(data, dict) or data.get("format") != FORMAT:
        bad((), f'not a daeyeok translations lock (expected "format": "{FORMAT}")')
        return Lock(), diags
    if data.get("version") != VERSION:
        bad(("version",), f"lock file version {data.get('version')!r} is not supported (this daeyeok writes version {VERSION})")
        return Lock(), diags
    pages = data.get("pages")
    if not isinstance(pages, dict):
        bad(("pages",), "'pages' must be a mapping of page keys to languages")
        return Lock(), diags
    lock = Lock()
    for key, langs in pages.items():
        if not isinstance(langs, dict):
            bad(("pages", key), f"page {key!r} must map languages to entries")
            continue
        for lang, entry in langs.items():
            where = ("pages", key, lang)
            if not isinstance(entry, dict) or not isinstance(entry.get("source"), str) or not isinstance(entry.get("blocks"), list):
                bad(where, f"entry for {key!r} in {lang!r} needs 'source' (a language) and 'blocks' (a list)")
                continue
            blocks: list[LockedBlock] = []
            ok = True
            for i, b in enumerate(entry["blocks"]):
                if not (
                    isinstance(b, dict)
                    and all(isinstance(b.get(f), str) for f in ("id", "kind", "fp"))
                    and isinstance(b.get("targets"), list)
                    and all(isinstance(t, str) for t in b["targets"])
                ):
                    bad((*where, "blocks", i), "a block needs 'id', 'kind', 'fp' (strings) and 'targets' (a list of fingerprints)")
                    ok = False
                    break
                blocks.append(LockedBlock(b["id"], b["kind"], b["fp"], tuple(b["targets"])))
            if ok:
                lock.entries[(str(key), str(lang))] = LockEntry(entry["source"], tuple(blocks))
    return lock, diags


def updated(lock: Lock, changes: Mapping[tuple[str, str], LockEntry]) -> Lock:
    entries = dict(lock.entries)
    entries.update(changes)
    return Lock(entries)
