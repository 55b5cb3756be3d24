"""Computed translation progress of the cs231n corpus beside the aikorea team's hand-kept bars.

Reads the pairs straight from ../shared/corpora/cs231n (never copied into the
repository), converts kramdown to daeyeok Markdown with the Jekyll importer
(`daeyeok.importer.kramdown.convert_body`) when it is available, or with a
small fallback (`$$…$$` inside a line → `$…$`, `\\\\(`/`\\\\)` → `\\(`/`\\)`,
Liquid removed) otherwise, then runs the same status code as `daeyeok status`.

    .venv/bin/python tools/cs231n_status.py [--corpus DIR] [--blocks PAGE]

The hand-kept figures are the ones quoted in the translation-status issue
(the corpus holds no ko/index.md with the <progress> bars); they are the
team's own numbers, printed for comparison, never used in the computation.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

from daeyeok.loader import TextFile
from daeyeok.parse import parse_document
from daeyeok.status.lock import Lock
from daeyeok.status.report import page_status

HERE = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = HERE.parent / "shared" / "corpora" / "cs231n"

#: (value, max) as the aikorea team kept them by hand, quoted in the issue; None = "complete"
HAND_KEPT: dict[str, tuple[int, int] | None] = {
    "classification": (294, 294),
    "linear-classify": (73, 370),
    "optimization-1": (100, 100),
    "neural-networks-3": None,
}
#: the Korean file of an English page when its name differs (see the corpus README)
KO_NAME = {"neural-networks-2": "neural-networks-2.kr"}

_FRONT = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)
_LIQUID = re.compile(r"\{\{[^}]*\}\}|\{%[^%]*%\}")
_INLINE_DD = re.compile(r"\$\$(.+?)\$\$")


def _fallback_convert(body: str) -> str:
    out = []
    for line in body.split("\n"):
        line = _LIQUID.sub("", line)
        if line.strip() != "$$" and not (
            line.strip().startswith("$$") and line.strip().endswith("$$") and line.strip().count("$$") == 2 and line.strip() == line
        ):
            line = _INLINE_DD.sub(lambda m: f"${m.group(1).strip()}$", line)
        out.append(line.replace("\\\\(", "\\(").replace("\\\\)", "\\)"))
    return "\n".join(out)


def convert(path: Path) -> tuple[str, str]:
    """Daeyeok Markdown for a kramdown page, and which converter made it."""
    text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    match = _FRONT.match(text)
    body = text[match.end() :] if match else text
    first = text[: match.end()].count("\n") + 1 if match else 1
    try:
        from daeyeok.importer.kramdown import LinkResult, convert_body
    except ImportError:
        return "---\ntitle: x\n---\n" + _fallback_convert(body), "fallback"
    conv = convert_body(body, first, lambda target, raw: LinkResult(target, "external"))
    return "---\ntitle: x\n---\n" + conv.text, "importer"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--blocks", metavar="PAGE", help="also list every source block of PAGE with its state")
    args = ap.parse_args()
    if not (args.corpus / "en").is_dir():
        print(f"cs231n corpus not found at {args.corpus}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    rows = []
    used = set()
    for en_path in sorted((args.corpus / "en").glob("*.md")):
        name = en_path.stem
        ko_path = args.corpus / "ko" / f"{KO_NAME.get(name, name)}.md"
        en_text, how = convert(en_path)
        en_doc, _ = parse_document(TextFile(en_path, en_path.name, en_text), "en")
        ko_doc = None
        if ko_path.is_file():
            ko_text, _ = convert(ko_path)
            ko_doc, _ = parse_document(TextFile(ko_path, ko_path.name, ko_text), "ko")
        assert en_doc is not None
        used.add(how)
        ps = page_status(name, "ko", en_doc, ko_doc, Lock())
        rows.append((name, ps))
        if args.blocks == name:
            for b in ps.progress.blocks:
                tgt = b.targets[0].text[:50] if b.targets else "-"
                print(f"{b.source.start:>4} {b.source.kind:<9} {b.state:<10} w={b.source.words:<4} {b.source.text[:50]!r:<54} | {tgt!r}")
    elapsed = time.perf_counter() - started
    print(f"cs231n: {len(rows)} English pages, converted by {', '.join(sorted(used))}, aligned in {elapsed:.2f} s\n")
    print(f"{'page':<28} {'computed':>8} {'words':>12} {'blocks done/all':>16} {'EN left':>8} {'missing':>8} {'struct':>6}  hand-kept")
    for name, ps in rows:
        p = ps.progress
        hand = HAND_KEPT.get(name, "")
        if hand is None:
            hand_s = "complete"
        elif isinstance(hand, tuple):
            hand_s = f"{hand[0]}/{hand[1]} = {100 * hand[0] // hand[1]}%"
        else:
            hand_s = ""
        done = sum(1 for b in p.blocks if b.done)
        if ps.target is None:
            print(f"{name:<28} {'(no ko)':>8} {'':>12} {'':>16} {'':>8} {'':>8} {'':>6}  {hand_s}")
            continue
        print(
            f"{name:<28} {ps.percent:>7}% {f'{p.translated_words}/{p.total_words}':>12} {f'{done}/{len(p.blocks)}':>16} {p.english_blocks:>8} {p.missing_blocks:>8} {len(ps.findings):>6}  {hand_s}"
        )
    total_done = sum(ps.progress.translated_words for _, ps in rows if ps.target is not None)
    total = sum(ps.progress.total_words for _, ps in rows)
    print(f"\nsite: {100 * total_done // max(1, total)}% of {total} English words translated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
