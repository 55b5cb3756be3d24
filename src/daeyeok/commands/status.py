"""Translation status: progress per page, outdated blocks, structure checks, totals.

Progress is computed block by block against the English source, weighted by
its words.  Outdated blocks are the translated blocks whose source changed
since the page was last accepted into translations.lock; after reviewing a
page, `daeyeok status --accept PAGE` records it as synced (the only thing
this command ever writes).  With git, it also says since when a block is
outdated.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from pathlib import Path
from typing import Any

from .common import add_site_argument, exit_code, print_diagnostics


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_site_argument(parser)
    parser.add_argument("--format", choices=("text", "json"), default="text", help="report format on standard output (default: text)")
    parser.add_argument(
        "--accept", action="append", default=[], metavar="PAGE", help="mark PAGE (a key like lectures/backprop, or its file) as synced after review; repeatable"
    )
    parser.add_argument("--accept-all", action="store_true", help="mark every translated page as synced")
    parser.add_argument("--lang", default=None, metavar="LANG", help="only this translation language")
    parser.add_argument("--strict", action="store_true", help="structure findings and outdated blocks are errors")
    parser.add_argument("--no-git", action="store_true", help="do not ask git since when blocks are outdated")


def run(args: argparse.Namespace) -> int:
    from ..atomicfile import write_text_atomic
    from ..build import prepare
    from ..diagnostics import Diagnostic, DiagnosticError, Severity, error, sorted_unique
    from ..status import lock as lockfile
    from ..status.history import GitHistory

    root: Path = args.site.absolute()
    try:
        prepared = prepare(root)
    except DiagnosticError as exc:
        print_diagnostics(sorted_unique(exc.diagnostics))
        return 1
    status = prepared.status
    assert status is not None
    if not status.targets:
        print_diagnostics(
            [
                error(
                    prepared.config.path,
                    0,
                    0,
                    "status",
                    f"no translation to measure: the site needs '{status.source_lang}' and another language in 'languages'",
                )
            ]
        )
        return 1
    if args.lang is not None and args.lang not in status.targets:
        print(f"daeyeok status: error: --lang {args.lang}: not a translation language of this site (choose from {', '.join(status.targets)})", file=sys.stderr)
        return 2
    langs = (args.lang,) if args.lang else status.targets

    if args.accept or args.accept_all:
        keys: list[str] = []
        for spec in args.accept:
            key = _page_key(spec, root, status.source_lang, langs)
            if key is None or not any(status.page(lg, key) is not None for lg in langs):
                print(
                    f"daeyeok status: error: --accept {spec}: no such page (give a page key such as 'lectures/backprop', or its file under content/)",
                    file=sys.stderr,
                )
                return 2
            keys.append(key)
        if args.accept_all:
            keys += [k for (lg, k), ps in sorted(status.pages.items()) if lg in langs and ps.target is not None]
        lock_diags = [d for d in prepared.diagnostics if d.code == "lock"]
        if lock_diags:
            print_diagnostics(lock_diags)
            print(f"daeyeok status: not accepting: fix or delete {lockfile.LOCK_FILE} first", file=sys.stderr)
            return 1
        changes = {}
        for key in dict.fromkeys(keys):
            for lang in langs:
                ps = status.page(lang, key)
                if ps is None or ps.target is None or ps.alignment is None:
                    if args.accept:
                        print(f"daeyeok status: --accept {key}: there is no {lang} translation yet; nothing to accept", file=sys.stderr)
                    continue
                changes[(key, lang)] = lockfile.entry_for(status.source_lang, ps.source_blocks, ps.alignment)
        if not changes:
            return 1
        write_text_atomic(root / lockfile.LOCK_FILE, lockfile.dumps(lockfile.updated(status.lock, changes)))
        for key, lang in sorted(changes):
            print(f"accepted {key} ({lang}): {len(changes[(key, lang)].blocks)} source blocks recorded in {lockfile.LOCK_FILE}", file=sys.stderr)
        prepared = prepare(root)
        status = prepared.status
        assert status is not None

    history = None if args.no_git else GitHistory.open(root)
    outdated_diags = _outdated_diagnostics(status, langs, history)
    severity = Severity.ERROR if args.strict else None
    structure = [d for d in status.diagnostics if d.code.startswith("structure-") or d.code == "lock"]
    page_errors = [d for d in prepared.diagnostics if d.severity is Severity.ERROR and d not in structure]
    shown: list[Diagnostic] = sorted_unique(page_errors + [_as(d, severity) for d in structure + outdated_diags])
    if args.format == "json":
        print(json.dumps(_json_report(status, langs, history, shown, root), ensure_ascii=False, indent=2, sort_keys=False))
    else:
        print(_text_report(status, langs, history, root))
    print_diagnostics(shown)
    return exit_code(shown, args.strict)


def _as(d: Any, severity: Any) -> Any:
    import dataclasses

    if severity is None or d.code == "lock":
        return d
    return dataclasses.replace(d, severity=severity)


def _page_key(spec: str, root: Path, source_lang: str, langs: tuple[str, ...]) -> str | None:
    """A page key from what a user may type: the key, a content path, with or without .md."""
    text = spec.strip().replace("\\", "/")
    p = Path(text)
    if p.is_absolute():
        try:
            text = p.resolve().relative_to((root / "content").resolve()).as_posix()
        except ValueError:
            return None
    text = text.removeprefix("./").removeprefix("content/")
    for lang in (source_lang, *langs):
        if text.startswith(lang + "/"):
            text = text[len(lang) + 1 :]
            break
    text = text.removesuffix(".md").strip("/")
    return text or None


def _outdated_diagnostics(status: Any, langs: tuple[str, ...], history: Any) -> list[Any]:
    from ..diagnostics import display_path, warning

    diags = []
    for (lang, key), ps in sorted(status.pages.items()):
        if lang not in langs or ps.target is None:
            continue
        src_path = display_path(ps.source.source.path)
        for o in ps.sync.outdated:
            since = ""
            if history is not None:
                change = (
                    history.introduced(ps.source.source.path, o.source.fingerprint) if o.source else history.removed(ps.source.source.path, o.was.fingerprint)
                )
                since = f"; changed {change.describe()}" if change is not None else ""
            if o.source is not None:
                msg = f"the source of this block changed since the translation was accepted ({src_path}:{o.source.start}{since})"
            else:
                msg = f"the source block this translates ({o.was.kind} '{o.was.id}') was removed since the translation was accepted{since}"
            diags.append(
                warning(ps.target.source.path, o.target.start, 1, "outdated", msg, fix=f"update the translation, then run 'daeyeok status --accept {key}'")
            )
    return diags


def _last_change(history: Any, path: Path) -> str:
    if history is not None:
        change = history.last_change(path)
        if change is not None:
            return "uncommitted" if change.uncommitted else change.date
    try:
        return datetime.date.fromtimestamp(path.stat().st_mtime).isoformat()
    except OSError:
        return "-"


def _bar(percent: int, width: int = 20) -> str:
    filled = (percent * width) // 100
    return "[" + "#" * filled + "." * (width - filled) + "]"


def _text_report(status: Any, langs: tuple[str, ...], history: Any, root: Path) -> str:
    lines: list[str] = []
    for lang in langs:
        t = status.totals(lang)
        synced = sum(1 for (lg, _), ps in status.pages.items() if lg == lang and ps.sync.synced)
        lines.append(
            f"translation status: {lang} from {status.source_lang}; {t.complete_pages} of {t.pages} pages complete; {synced} synced in translations.lock"
        )
        width = max([len(k) for s in status.sections for k in s.keys] + [10])
        for section in status.sections:
            title = section.title.get(lang) or section.title.get(status.source_lang, "")
            lines.append("")
            lines.append(f"{title}")
            lines.append(
                f"  {'page':<{width}}  {'progress':<22} {'%':>4}  {'words':>11}  {'outdated':>8}  {'structure':>9}  last change ({status.source_lang} / {lang})"
            )
            for key in section.keys:
                ps = status.page(lang, key)
                if ps is None:
                    continue
                if ps.target is None:
                    outdated = "-"
                    changed = f"{_last_change(history, ps.source.source.path)} / -"
                else:
                    outdated = str(len(ps.sync.outdated)) if ps.sync.synced else "never"
                    changed = f"{_last_change(history, ps.source.source.path)} / {_last_change(history, ps.target.source.path)}"
                words = f"{ps.progress.translated_words if ps.target is not None else 0}/{ps.progress.total_words}"
                lines.append(f"  {key:<{width}}  {_bar(ps.percent)} {ps.percent:>3}%  {words:>11}  {outdated:>8}  {len(ps.findings):>9}  {changed}")
            st = status.totals(lang, section.keys)
            lines.append(
                f"  {'(section)':<{width}}  {_bar(st.percent)} {st.percent:>3}%  {f'{st.translated_words}/{st.total_words}':>11}  {st.outdated_blocks:>8}  {st.findings:>9}"
            )
        lines.append("")
        lines.append(
            f"site: {_bar(t.percent)} {t.percent}% ({t.translated_words}/{t.total_words} words), {t.outdated_blocks} outdated blocks, {t.findings} structure findings"
        )
    return "\n".join(lines)


def _json_report(status: Any, langs: tuple[str, ...], history: Any, diags: list[Any], root: Path) -> dict[str, Any]:
    from ..diagnostics import display_path

    def totals(t: Any) -> dict[str, Any]:
        return {
            "percent": t.percent,
            "translated_words": t.translated_words,
            "total_words": t.total_words,
            "pages": t.pages,
            "complete_pages": t.complete_pages,
            "outdated_blocks": t.outdated_blocks,
            "structure_findings": t.findings,
        }

    pages = []
    for (lang, key), ps in sorted(status.pages.items()):
        if lang not in langs:
            continue
        item: dict[str, Any] = {
            "key": key,
            "lang": lang,
            "source": display_path(ps.source.source.path),
            "translation": display_path(ps.target.source.path) if ps.target is not None else None,
            "state": ps.state,
            "percent": ps.percent,
            "translated_words": ps.progress.translated_words if ps.target is not None else 0,
            "total_words": ps.progress.total_words,
            "blocks": {
                "source": len(ps.progress.blocks),
                "done": sum(1 for b in ps.progress.blocks if b.done),
                "english_in_translation": ps.progress.english_blocks,
                "missing": ps.progress.missing_blocks,
            },
            "synced": ps.sync.synced,
            "outdated": [
                {
                    "line": o.target.start,
                    "block": o.target.id,
                    "source_line": o.source.start if o.source else None,
                    "source_block": o.source.id if o.source else None,
                    "was": o.was.id,
                }
                for o in ps.sync.outdated
            ],
            "new_source_blocks": [{"line": b.start, "block": b.id} for b in ps.sync.new_sources],
            "structure_findings": len(ps.findings),
            "last_change": {
                status.source_lang: _last_change(history, ps.source.source.path),
                lang: _last_change(history, ps.target.source.path) if ps.target is not None else None,
            },
        }
        pages.append(item)
    sections = [
        {"title": dict(s.title), "pages": list(s.keys), "totals": {lang: totals(status.totals(lang, s.keys)) for lang in langs}} for s in status.sections
    ]
    return {
        "source_language": status.source_lang,
        "languages": list(langs),
        "pages": pages,
        "sections": sections,
        "site": {lang: totals(status.totals(lang)) for lang in langs},
        "diagnostics": [
            {"path": d.path, "line": d.line, "col": d.col, "severity": d.severity.value, "code": d.code, "message": d.message, "fix": d.fix} for d in diags
        ],
    }
