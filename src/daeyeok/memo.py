"""Results memoised per *object*: within a build, and across the preview server's rebuilds.

Parsed documents hold markdown-it tokens, which are not hashable, so they
cannot key an ``lru_cache``.  The preview server keeps the same ``Document``
object for a file that did not change, so memoising by identity makes every
per-page analysis (alignment, glossary checks) incremental for free.
Entries keep their key objects alive, so an ``id()`` cannot be reused while
its entry exists.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar, cast

T = TypeVar("T")


class IdentityMemo:
    def __init__(self, size: int = 4096):
        self.size = size
        self.entries: OrderedDict[tuple[int, ...], tuple[tuple[object, ...], object, Any]] = OrderedDict()

    def get(self, objs: tuple[object, ...], compute: Callable[[], T], token: object = None) -> T:
        """``compute()``'s value for these objects; ``token`` (compared by ``==``) is any further
        plain input the value depends on."""
        key = tuple(id(o) for o in objs)
        hit = self.entries.get(key)
        if hit is not None and all(a is b for a, b in zip(hit[0], objs, strict=True)) and hit[1] == token:
            self.entries.move_to_end(key)
            return cast(T, hit[2])
        value = compute()
        self.entries[key] = (objs, token, value)
        if len(self.entries) > self.size:
            self.entries.popitem(last=False)
        return value
