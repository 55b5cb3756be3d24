"""The one configured Markdown parser.

CommonMark plus tables, strikethrough, footnotes, definition lists,
attributes, task lists, front matter and math; raw HTML passes through
(translators embed figures).  Render rules for math, code, links and
headings are attached by :mod:`daeyeok.htmlrender`, which reads what it needs
from the render ``env``; the same instance serves parsing and rendering.
"""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt
from mdit_py_plugins.attrs import attrs_block_plugin, attrs_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

from .plugins.cjk_emphasis import cjk_emphasis_plugin
from .plugins.glossary_terms import glossary_terms_plugin
from .plugins.heading_ids import heading_ids_plugin
from .plugins.math import math_plugin
from .plugins.positions import positions_plugin


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    from .htmlrender import render_rules_plugin

    md = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.use(front_matter_plugin)
    md.use(footnote_plugin)
    md.use(deflist_plugin)
    md.use(tasklists_plugin)
    md.use(cjk_emphasis_plugin)
    md.use(math_plugin)
    md.use(attrs_plugin)
    md.use(attrs_block_plugin)
    md.use(heading_ids_plugin)
    md.use(positions_plugin)
    md.use(glossary_terms_plugin)  # a no-op unless the env carries glossary options (Korean pages)
    md.use(render_rules_plugin)
    return md
