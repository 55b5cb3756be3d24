"""kramdown (as Jekyll runs it) → daeyeok Markdown, one page body at a time.

Jekyll sites are written for kramdown, whose rules differ from CommonMark
where it matters most for course notes:

* ``$$…$$`` is the only math delimiter.  It is *display* math when it fills
  a whole block (blank line or container start before it, blank line or
  container end after it) or a whole list item, and *inline* math anywhere
  else.  A single ``$`` is plain text.
* English cs231n pages write inline math as ``\\\\(…\\\\)``: kramdown
  unescapes it to ``\\(…\\)`` and MathJax typesets it in the browser, so its
  content is Markdown-unescaped (``\\_`` → ``_``) before it is TeX.
* kramdown's backslash escapes cover fewer characters than CommonMark's, and
  ``\\(`` is an escaped parenthesis there but a formula in daeyeok.
* Block HTML runs to its closing tag, blank lines included; CommonMark ends
  it at the first blank line.

The converter keeps every character of prose and only rewrites syntax, so
that nothing is lost: inline formulas become ``\\(…\\)``, display formulas
``$$`` fences on their own lines, text dollars ``\\$``.  It records what it
did (formula counts, rewritten links, headings, anchors) for the report and
for the site-wide passes (pairing, anchor pinning) that need every page.
"""

from __future__ import annotations

import html
import re
import string
from collections.abc import Callable
from dataclasses import dataclass, field

#: characters kramdown unescapes after a backslash (kramdown/parser/kramdown/escaped_chars.rb)
KRAMDOWN_ESCAPABLE = frozenset("\\.*_+`<>()[]{}#!:|\"'$=-")
#: characters CommonMark unescapes; the ones kramdown does not must keep their backslash
COMMONMARK_ESCAPABLE = frozenset(string.punctuation)

LIQUID_BASEURL = re.compile(r"\{\{-?\s*site\.baseurl\s*-?\}\}")
LIQUID_OTHER = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")
_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})(.*)$")
_HTML_TAG_START = re.compile(r"^ {0,3}<([A-Za-z][A-Za-z0-9]*)(?=[\s/>]|$)")
_COMMENT_START = re.compile(r"^ {0,3}<!--")
_LIST_MARKER = re.compile(r"^(\s*)([-*+]|\d{1,9}[.)])(\s+|$)")
_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+|$)(.*?)(?:[ \t]+#+)?[ \t]*$")
_REF_DEF = re.compile(r"^( {0,3}\[[^\]]+\]:[ \t]*)(<[^>]*>|\S+)(.*)$")
_INLINE_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|<!--.*?-->", re.DOTALL)
_AUTOLINK = re.compile(r"<(?:[A-Za-z][A-Za-z0-9+.\-]{1,31}:[^<>\s]*|[^<>\s@]+@[^<>\s@]+)>")
_ATTR = re.compile(r"""(?P<name>\b(?:href|src)\s*=\s*)(?P<q>["'])(?P<value>.*?)(?P=q)""", re.IGNORECASE | re.DOTALL)
_ANCHOR_ATTR = re.compile(r"""<a\b[^>]*?\bname\s*=\s*["']([^"']+)["']|\bid\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_HANGUL = re.compile(r"[\uac00-\ud7a3]")

#: tags that start a block of raw HTML in kramdown (and a type 1/6 HTML block in CommonMark)
BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "canvas",
        "center",
        "dd",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "iframe",
        "li",
        "main",
        "math",
        "menu",
        "nav",
        "noscript",
        "object",
        "ol",
        "p",
        "pre",
        "script",
        "section",
        "style",
        "summary",
        "svg",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
        "video",
        "audio",
    ]
)
_VERBATIM_TAGS = frozenset({"pre", "script", "style", "textarea"})
_VOID_TAGS = frozenset({"hr", "br", "img", "input", "meta", "link", "source", "embed", "col", "area", "wbr"})


@dataclass(frozen=True)
class LinkResult:
    """What the site-wide link resolver made of one link target."""

    target: str  # what to write
    kind: str  # "page", "file", "fragment", "external", "broken"
    key: str = ""  # the page key, for "page" and same-page "fragment"
    fragment: str = ""


#: (target, in_raw_html) → result; supplied by the importer, which knows every page and asset
LinkResolver = Callable[[str, bool], LinkResult]


@dataclass
class Problem:
    line: int
    col: int
    severity: str  # "warning" or "info"
    code: str
    message: str


@dataclass
class HeadingInfo:
    out_index: int  # index into Converted.lines
    line: int
    level: int
    text: str  # plain text, for titles
    auto_id: str  # kramdown's (GFM) automatic id, which old links may target


@dataclass
class LinkRef:
    line: int
    col: int
    target: str  # as written in the source (Liquid removed)
    result: LinkResult


@dataclass
class Converted:
    lines: list[str] = field(default_factory=list)
    inline: int = 0
    display: int = 0
    text_dollars: int = 0
    liquid: int = 0
    links_rewritten: int = 0
    headings: list[HeadingInfo] = field(default_factory=list)
    anchors: set[str] = field(default_factory=set)
    links: list[LinkRef] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    prose_blocks: int = 0
    hangul_blocks: int = 0
    #: normalised prose blocks (letters and digits only), to compare an untranslated copy with its original
    prose_keys: list[tuple[int, str]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines).rstrip("\n") + "\n"


def plain_key(text: str) -> str:
    """Letters and digits only: what survives any markup or math-delimiter difference."""
    return "".join(ch for ch in text if ch.isalnum())


def gfm_id(text: str, used: dict[str, int]) -> str:
    """kramdown's GFM header id (Jekyll's default input): lower-case, word characters, '-' for spaces."""
    base = re.sub(r"[^\w\- \t]", "", text.lower()).replace(" ", "-").replace("\t", "-")
    count = used.get(base, -1) + 1
    used[base] = count
    return f"{base}-{count}" if count else base


def md_unescape(text: str) -> str:
    """What kramdown makes of backslash escapes and entities: MathJax reads that text."""
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text) and text[i + 1] in KRAMDOWN_ESCAPABLE:
            out.append(text[i + 1])
            i += 2
            continue
        out.append(ch)
        i += 1
    return html.unescape("".join(out))


def clean_tex(tex: str, display: bool) -> str:
    """``\\_``→``_`` and ``\\*``→``*`` (Markdown escapes authors left in TeX); in display math ``\\\\\\\\``→``\\\\``."""
    out: list[str] = []
    i = 0
    while i < len(tex):
        if display and tex.startswith("\\\\\\\\", i):
            out.append("\\\\")
            i += 4
        elif tex[i] == "\\" and i + 1 < len(tex):
            nxt = tex[i + 1]
            out.append(nxt if nxt in "_*" else tex[i : i + 2])
            i += 2
        else:
            out.append(tex[i])
            i += 1
    return "".join(out)


def _strip_liquid(line: str, lineno: int, conv: Converted) -> str:
    new, n = LIQUID_BASEURL.subn("", line)
    conv.liquid += n
    for m in LIQUID_OTHER.finditer(new):
        conv.problems.append(Problem(lineno, m.start() + 1, "warning", "import-liquid", f"Liquid {m.group(0)!r} is not converted; it is kept as text"))
    return new


class _SpanWriter:
    """Converts the span-level text of one unit (a paragraph, list item or heading)."""

    def __init__(self, conv: Converted, resolve: LinkResolver, line_of: Callable[[int], tuple[int, int]]):
        self.conv = conv
        self.resolve = resolve
        self.line_of = line_of

    def problem(self, offset: int, severity: str, code: str, message: str) -> None:
        line, col = self.line_of(offset)
        self.conv.problems.append(Problem(line, col, severity, code, message))

    def link(self, target: str, offset: int, raw_html: bool) -> str:
        """Resolve one link target; ``{{site.baseurl}}`` prefixes are dropped (daeyeok adds the base URL)."""
        clean, n = LIQUID_BASEURL.subn("", target)
        self.conv.liquid += n
        result = self.resolve(clean, raw_html)
        line, col = self.line_of(offset)
        self.conv.links.append(LinkRef(line, col, clean, result))
        if result.target != target:
            self.conv.links_rewritten += 1
        return result.target

    def html_tag(self, tag: str, offset: int) -> str:
        for m in _ANCHOR_ATTR.finditer(tag):
            self.conv.anchors.add(m.group(1) or m.group(2))

        def sub(m: re.Match[str]) -> str:
            value = m.group("value")
            new = self.link(value, offset + m.start("value"), True)
            return f"{m.group('name')}{m.group('q')}{html.escape(new, quote=True) if new != value else value}{m.group('q')}"

        return _ATTR.sub(sub, tag)

    def convert(self, text: str) -> str:
        """Rewrite ``text``; returns daeyeok Markdown with the same visible words."""
        out: list[str] = []
        dollar_lines: dict[int, list[int]] = {}
        i, n = 0, len(text)
        while i < n:
            ch = text[i]
            if ch == "`":
                run = len(text[i:]) - len(text[i:].lstrip("`"))
                close = text.find("`" * run, i + run)
                while close != -1 and (close + run < n and text[close + run] == "`"):
                    close = text.find("`" * run, close + run + 1)
                if close == -1:
                    out.append("`" * run)
                    i += run
                else:
                    out.append(text[i : close + run])
                    i = close + run
            elif text.startswith("\\\\(", i):
                close = text.find("\\\\)", i + 3)
                if close == -1:
                    self.problem(i, "warning", "import-math", "'\\\\(' without a closing '\\\\)'; kept as text")
                    out.append("\\\\(")
                    i += 3
                    continue
                tex = md_unescape(text[i + 3 : close])
                out.append(self.inline_math(tex, i))
                i = close + 3
            elif text.startswith("\\\\[", i):
                self.problem(i, "warning", "import-math", "'\\\\[' display math inside a paragraph is not converted; kept as text")
                out.append("\\\\[")
                i += 3
            elif text.startswith("$$", i):
                close = text.find("$$", i + 2)
                if close == -1:
                    self.problem(i, "warning", "import-math", "'$$' without a closing '$$'; kramdown shows it as text, and so does this page")
                    out.append("\\$\\$")
                    i += 2
                    continue
                out.append(self.inline_math(clean_tex(text[i + 2 : close], False), i))
                i = close + 2
            elif ch == "$":
                self.conv.text_dollars += 1
                dollar_lines.setdefault(self.line_of(i)[0], [self.line_of(i)[1], 0])[1] += 1
                out.append("\\$")
                i += 1
            elif ch == "{" and (m := LIQUID_BASEURL.match(text, i)):
                self.conv.liquid += 1
                i = m.end()
            elif ch == "{" and (m := LIQUID_OTHER.match(text, i)):
                self.problem(i, "warning", "import-liquid", f"Liquid {m.group(0)!r} is not converted; it is kept as text")
                out.append(m.group(0))
                i = m.end()
            elif ch == "\\" and i + 1 < n:
                nxt = text[i + 1]
                if nxt in "()":
                    out.append(nxt)  # kramdown: an escaped parenthesis; daeyeok: a formula delimiter
                elif nxt in KRAMDOWN_ESCAPABLE:
                    out.append(text[i : i + 2])
                elif nxt in COMMONMARK_ESCAPABLE:
                    out.append("\\\\" + nxt)  # kramdown keeps this backslash; CommonMark would eat it
                else:
                    out.append(text[i : i + 2])
                i += 2
            elif ch == "<":
                m = _AUTOLINK.match(text, i)
                if m:
                    out.append(m.group(0))
                    i = m.end()
                    continue
                m = _INLINE_TAG.match(text, i)
                if m:
                    out.append(self.html_tag(m.group(0), i))
                    i = m.end()
                    continue
                out.append(ch)
                i += 1
            elif ch == "]" and text.startswith("](", i):
                j = self._link_destination(text, i + 2)
                if j is None:
                    out.append(ch)
                    i += 1
                    continue
                start, end = j
                out.append("](")
                out.append(text[i + 2 : start])
                dest = text[start:end]
                bracketed = dest.startswith("<") and dest.endswith(">")
                inner = dest[1:-1] if bracketed else dest
                new = self.link(inner, start, False)
                out.append(f"<{new}>" if bracketed else new)
                i = end
            else:
                out.append(ch)
                i += 1
        for line, (col, count) in sorted(dollar_lines.items()):
            self.conv.problems.append(
                Problem(
                    line,
                    col,
                    "info",
                    "import-math",
                    f"{count} single '$' kept as text: kramdown does not treat a single '$' as math (if this is a formula, write $$…$$ in the source)",
                )
            )
        return "".join(out)

    @staticmethod
    def _link_destination(text: str, pos: int) -> tuple[int, int] | None:
        """Start and end of the destination of an inline link ``](dest "title")``."""
        while pos < len(text) and text[pos] in " \t":
            pos += 1
        if pos < len(text) and text[pos] == "<":
            end = text.find(">", pos)
            return (pos, end + 1) if end != -1 else None
        depth, j = 0, pos
        while j < len(text):
            c = text[j]
            if c == "\\":
                j += 2
                continue
            if c.isspace():
                break
            if c == "(":
                depth += 1
            elif c == ")":
                if depth == 0:
                    break
                depth -= 1
            j += 1
        return (pos, j) if j <= len(text) else None

    def inline_math(self, tex: str, offset: int) -> str:
        self.conv.inline += 1
        tex = " ".join(tex.split("\n"))
        if "\\)" in tex:
            self.problem(offset, "warning", "import-math", "formula contains '\\)'; written as $…$ instead of \\(…\\)")
            return f"${tex}$"
        return f"\\({tex if tex.strip() else ' '}\\)"


def _indent_width(line: str) -> int:
    return len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip(" "))


def _html_block_end(lines: list[str], start: int, tag: str) -> int:
    """Index of the last line of the raw HTML block that starts at ``start`` with ``tag``."""
    if tag in _VOID_TAGS:
        return start
    open_re = re.compile(rf"<{tag}(?=[\s/>])[^>]*?(/?)>", re.IGNORECASE)
    close_re = re.compile(rf"</{tag}\s*>", re.IGNORECASE)
    depth = 0
    for j in range(start, len(lines)):
        depth += sum(1 for m in open_re.finditer(lines[j]) if not m.group(1))
        depth -= len(close_re.findall(lines[j]))
        if depth <= 0:
            return j
    # never closed: CommonMark's rule, up to the next blank line
    for j in range(start, len(lines)):
        if not lines[j].strip():
            return j - 1
    return len(lines) - 1


def convert_body(body: str, first_line: int, resolve: LinkResolver) -> Converted:
    """Convert a page body (front matter removed) whose first line is file line ``first_line``."""
    conv = Converted()
    lines = body.split("\n")
    used_ids: dict[str, int] = {}
    prev_listish = False
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            conv.lines.append("")
            i += 1
            continue
        fence = _FENCE.match(line)
        if fence and not (fence.group(2)[0] == "`" and "`" in fence.group(3)):
            marker = fence.group(2)
            j = i + 1
            while j < len(lines):
                close = _FENCE.match(lines[j])
                if close and close.group(2)[0] == marker[0] and len(close.group(2)) >= len(marker) and not close.group(3).strip():
                    break
                j += 1
            for k in range(i, min(j + 1, len(lines))):
                conv.lines.append(_strip_liquid(lines[k], first_line + k, conv))
            i = j + 1
            continue
        if _COMMENT_START.match(line):
            j = i
            while j < len(lines) and "-->" not in lines[j]:
                j += 1
            for k in range(i, min(j + 1, len(lines))):
                conv.lines.append(_strip_liquid(lines[k], first_line + k, conv))
            i = j + 1
            _ensure_blank_after(lines, i, conv)
            continue
        tag = _HTML_TAG_START.match(line)
        if tag and tag.group(1).lower() in BLOCK_TAGS:
            name = tag.group(1).lower()
            j = _html_block_end(lines, i, name)
            _html_block(lines[i : j + 1], first_line + i, name, conv, resolve)
            i = j + 1
            _ensure_blank_after(lines, i, conv)
            prev_listish = False
            continue
        # a run of text lines: up to a blank line, a fence, or block HTML
        j = i
        while j < len(lines) and lines[j].strip():
            if j > i and (_FENCE.match(lines[j]) or _COMMENT_START.match(lines[j])):
                break
            t = _HTML_TAG_START.match(lines[j])
            if j > i and t and t.group(1).lower() in BLOCK_TAGS:
                break
            j += 1
        block = lines[i:j]
        listish = any(_LIST_MARKER.match(b) for b in block) or (prev_listish and _indent_width(block[0]) >= 2)
        if _indent_width(block[0]) >= 4 and not prev_listish:
            conv.lines.extend(_strip_liquid(b, first_line + i + k, conv) for k, b in enumerate(block))  # indented code: verbatim
        else:
            _text_block(block, first_line + i, conv, resolve, used_ids)
        prev_listish = listish
        i = j
    return conv


def _ensure_blank_after(lines: list[str], nxt: int, conv: Converted) -> None:
    """CommonMark's HTML blocks swallow a paragraph that follows without a blank line; kramdown does not."""
    if nxt < len(lines) and lines[nxt].strip():
        conv.lines.append("")


def _html_block(block: list[str], first: int, name: str, conv: Converted, resolve: LinkResolver) -> None:
    writer = _SpanWriter(conv, resolve, lambda off: (first, 1))
    text_seen = ""
    for k, line in enumerate(block):
        if not line.strip() and name not in _VERBATIM_TAGS:
            continue  # a blank line would end the HTML block in CommonMark
        writer.line_of = _at_line(first + k)

        def tag_sub(m: re.Match[str]) -> str:
            return writer.html_tag(m.group(0), m.start())

        line = _strip_liquid(_INLINE_TAG.sub(tag_sub, line), first + k, conv)
        conv.lines.append(line)
        text_seen += _INLINE_TAG.sub(" ", line)
    if name not in _VERBATIM_TAGS and text_seen.strip():
        _count_prose(text_seen, first, conv)


def _at_line(line: int) -> Callable[[int], tuple[int, int]]:
    def at(offset: int) -> tuple[int, int]:
        return line, offset + 1

    return at


def _count_prose(text: str, line: int, conv: Converted) -> None:
    """Count a prose block (and whether it has Korean words outside its formulas)."""
    key = plain_key(html.unescape(text))
    if not key:
        return
    conv.prose_blocks += 1
    if _HANGUL.search(re.sub(r"\$\$.*?\$\$|\\\\\(.*?\\\\\)", " ", text, flags=re.DOTALL)):
        conv.hangul_blocks += 1
    conv.prose_keys.append((line, key))


def _text_block(block: list[str], first: int, conv: Converted, resolve: LinkResolver, used_ids: dict[str, int]) -> None:
    """Paragraphs, lists, headings: split into units, decide display math, convert spans."""
    units: list[tuple[int, int]] = []  # (start, end) line indexes within the block
    start = 0
    for k, line in enumerate(block):
        if k > start and (_LIST_MARKER.match(line) or _HEADING.match(line)):
            units.append((start, k))
            start = k
        if _HEADING.match(line):
            units.append((start, k + 1))
            start = k + 1
    if start < len(block):
        units.append((start, len(block)))
    whole_block = len(units) == 1
    for s, e in units:
        _unit(block[s:e], first + s, conv, resolve, used_ids, whole_block)


def _only_formula(text: str) -> str | None:
    """The TeX of ``text`` if it is one ``$$…$$`` and nothing else (kramdown's block math)."""
    stripped = text.strip()
    if (
        len(stripped) >= 4
        and stripped.startswith("$$")
        and stripped.endswith("$$")
        and stripped.find("$$", 2) == len(stripped) - 2
        and not text.startswith("    ")
    ):
        return stripped[2:-2]
    return None


def _unit(unit: list[str], first: int, conv: Converted, resolve: LinkResolver, used_ids: dict[str, int], whole_block: bool) -> None:
    text = "\n".join(unit)
    starts = [0]
    for line in unit[:-1]:
        starts.append(starts[-1] + len(line) + 1)

    def line_of(offset: int) -> tuple[int, int]:
        k = max(idx for idx, s in enumerate(starts) if s <= offset) if offset >= 0 else 0
        return first + k, offset - starts[k] + 1

    writer = _SpanWriter(conv, resolve, line_of)
    marker = _LIST_MARKER.match(unit[0])
    heading = _HEADING.match(unit[0])
    ref = _REF_DEF.match(unit[0]) if len(unit) == 1 else None
    if ref:
        new = writer.link(ref.group(2).strip("<>"), len(ref.group(1)), False)
        conv.lines.append(f"{ref.group(1)}{new}{ref.group(3)}")
        return
    _count_prose(text, first, conv)
    if marker:
        prefix = unit[0][: marker.end()]
        content = "\n".join([unit[0][marker.end() :], *unit[1:]])
        tex = _only_formula(content)
        if tex is not None:
            pad = " " * len(prefix.expandtabs(4))
            conv.display += 1
            body = [ln.strip() for ln in clean_tex(tex, True).split("\n") if ln.strip()]
            conv.lines.append(prefix.rstrip() + " $$")
            conv.lines.extend(pad + ln for ln in body)
            conv.lines.append(pad + "$$")
            return
    elif whole_block and not heading:
        tex = _only_formula(text)
        if tex is not None:
            indent = unit[0][: len(unit[0]) - len(unit[0].lstrip())]
            conv.display += 1
            conv.lines.append(indent + "$$")
            conv.lines.extend(indent + ln.strip() for ln in clean_tex(tex, True).split("\n") if ln.strip())
            conv.lines.append(indent + "$$")
            return
    converted = writer.convert(text)
    out_lines = converted.split("\n")
    if heading:
        raw = heading.group(2)
        conv.headings.append(HeadingInfo(len(conv.lines), first, len(heading.group(1)), plain_heading(raw), gfm_id(raw, used_ids)))
    conv.lines.extend(out_lines)


def plain_heading(raw: str) -> str:
    """The visible text of a Markdown heading, for a page title."""
    text = _INLINE_TAG.sub("", raw)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\$\$(.*?)\$\$|\\\\\((.*?)\\\\\)", lambda m: m.group(1) or m.group(2) or "", text)
    text = text.replace("**", "").replace("`", "")
    text = re.sub(r"(?<!\w)[*_](\S.*?\S|\S)[*_](?!\w)", r"\1", text)
    return " ".join(md_unescape(text).split())


def has_hangul(text: str) -> bool:
    return bool(_HANGUL.search(text))
