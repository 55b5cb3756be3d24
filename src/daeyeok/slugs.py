"""Slugs and anchors that keep Hangul.

GitHub-style slugs: lower-case, letters and digits of any script kept,
spaces become ``-``, other punctuation dropped.  ``손실 함수 (Loss)`` becomes
``손실-함수-loss``.  Browsers percent-encode such ids in the address bar but
match them fine, so Korean headings get readable, stable anchors.
"""

from __future__ import annotations

import re
import unicodedata

_DROP = re.compile(r"[^\w\- ]+", re.UNICODE)
_SPACES = re.compile(r"[\s_]+")
_DASHES = re.compile(r"-{2,}")
PINNED_ID = re.compile(r"^[A-Za-z0-9가-힣][\w\-.:가-힣]*$")


def slugify(text: str, fallback: str = "section") -> str:
    text = unicodedata.normalize("NFC", text).strip().lower()
    text = _DROP.sub("", text)
    text = _SPACES.sub("-", text)
    text = _DASHES.sub("-", text).strip("-")
    return text or fallback


class SlugRegistry:
    """Hands out unique ids within one page: ``x``, ``x-1``, ``x-2``…"""

    def __init__(self, taken: set[str] | None = None):
        self.taken: set[str] = set(taken or ())

    def claim(self, wanted: str) -> str:
        slug, n = wanted, 0
        while slug in self.taken:
            n += 1
            slug = f"{wanted}-{n}"
        self.taken.add(slug)
        return slug
