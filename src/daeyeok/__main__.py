"""``python -m daeyeok``."""

from .cli import entry

entry()
