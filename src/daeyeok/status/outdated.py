"""Which translated blocks fell behind their source since the last accepted sync.

The recorded source fingerprints (:mod:`.lock`) are diffed against today's
source blocks.  A source block that was replaced marks as outdated the
target blocks recorded as its translation (found again by fingerprint), so
editing one English paragraph flags exactly the Korean block that
translated it, however the rest of the page moved.  When that target block
was itself edited since (its fingerprint is gone), the current structural
alignment names the block instead.  A source block that was deleted marks
its recorded translation as outdated too: the translation now says
something the source no longer does.  A new source block flags nothing; it
is simply untranslated and lowers the progress.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from ..align import Alignment, Block
from .lock import LockedBlock, LockEntry


@dataclass(frozen=True)
class Outdated:
    """A target block whose source changed (``source`` set) or disappeared (``source`` None)."""

    target: Block
    source: Block | None
    was: LockedBlock  # the source block as it was when the translation was accepted


@dataclass(frozen=True)
class SyncState:
    synced: bool  # there is a lock entry for the page
    outdated: tuple[Outdated, ...]
    changed_sources: tuple[Block, ...]  # source blocks changed since the sync (have a locked predecessor)
    new_sources: tuple[Block, ...]  # source blocks added since the sync

    @property
    def clean(self) -> bool:
        return self.synced and not self.outdated and not self.changed_sources and not self.new_sources


def sync_state(entry: LockEntry | None, source: tuple[Block, ...], target: tuple[Block, ...], alignment: Alignment) -> SyncState:
    if entry is None:
        return SyncState(False, (), (), ())
    old = entry.blocks
    matcher = difflib.SequenceMatcher(None, [b.fingerprint for b in old], [b.fingerprint for b in source], autojunk=False)
    by_fp: dict[str, list[Block]] = {}
    for t in target:
        by_fp.setdefault(t.fingerprint, []).append(t)
    flagged: dict[int, Outdated] = {}
    changed: list[Block] = []
    new: list[Block] = []

    def flag(was: LockedBlock, now: Block | None) -> None:
        found = [t for fp in was.targets for t in by_fp.get(fp, [])]
        if not found and now is not None:
            found = list(alignment.targets_of(now))
        for t in found:
            flagged.setdefault(t.token_index, Outdated(t, now, was))

    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        if op == "insert":
            new.extend(source[j1:j2])
            continue
        if op == "delete":
            for was in old[i1:i2]:
                flag(was, None)
            continue
        # replace: pair old and new blocks in order; extra new ones are additions
        olds, news = old[i1:i2], source[j1:j2]
        for k, was in enumerate(olds):
            now = news[min(k, len(news) - 1)]
            flag(was, now)
        changed.extend(news[: len(olds)])
        new.extend(news[len(olds) :])
    outdated = tuple(flagged[k] for k in sorted(flagged))
    return SyncState(True, outdated, tuple(changed), tuple(new))
