"""The corpora: prepared in a scratch directory, never inside the repository or ../shared.

Every corpus is a daeyeok site on disk plus the list of pages it publishes
(``Corpus.pages``), from which the peers' inputs are generated, so every tool
builds the same Markdown text:

- ``sample``: a copy of the repository's own sample course (site.yml, content/,
  glossary.yml, templates/, static/), copied so that cold runs can delete its
  cache and edits never touch the checkout.
- ``cs231n``: ``daeyeok import jekyll`` of ../shared/corpora/cs231n (both languages).
- ``ko20x``: the Korean site of cs231n (every page the Korean URLs show, untranslated
  pages as their English text) copied N times, with the copy number woven into every
  title, prose line, formula and code block, so no cache can deduplicate the copies.
- ``synthN``: benchmarks/synth.py with N/2 page pairs.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

BENCH_DIR = Path(__file__).resolve().parent.parent
REPO = BENCH_DIR.parent
SHARED_CS231N = REPO.parent / "shared" / "corpora" / "cs231n"
SITE_FILES = ("site.yml", "glossary.yml", "translations.lock")
SITE_DIRS = ("content", "templates", "static")


@dataclass
class Page:
    """One published page: ``body`` is Markdown without front matter; ``fallback`` when it shows the other language's text."""

    lang: str
    key: str
    title: str
    body: str
    fallback: bool = False


@dataclass
class Corpus:
    name: str
    description: str
    site: Path | None  # the daeyeok site
    languages: tuple[str, ...] = ("ko", "en")
    pages: list[Page] = field(default_factory=list)
    nav: list[tuple[str, str]] = field(default_factory=list)  # (lang, key) in navigation order
    static: Path | None = None
    edit: tuple[str, str] = ("ko", "index")  # the page the one-page edit touches
    peers: bool = True  # whether the peers build it too
    notes: list[str] = field(default_factory=list)
    unavailable: str | None = None

    @property
    def page_count(self) -> int:
        return len(self.pages)

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "description": self.description,
            "pages": self.page_count,
            "pages_by_language": {lang: sum(1 for p in self.pages if p.lang == lang) for lang in self.languages},
            "fallback_pages": sum(1 for p in self.pages if p.fallback),
            "formulas": count_formulas(self.pages),
            "edit": "/".join(self.edit),
            "notes": self.notes,
            "unavailable": self.unavailable,
        }


FRONT_MATTER = re.compile(r"\A---\n(.*?\n)---\n", re.S)


def split_front_matter(text: str) -> tuple[dict[str, object], str]:
    m = FRONT_MATTER.match(text.replace("\r\n", "\n").lstrip("\ufeff"))
    if not m:
        return {}, text
    data = yaml.safe_load(m.group(1)) or {}
    return (data if isinstance(data, dict) else {}), text.replace("\r\n", "\n").lstrip("\ufeff")[m.end() :]


def front_matter(data: dict[str, object]) -> str:
    return "---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**6) + "---\n"


def read_site(corpus: Corpus) -> None:
    """Fill ``corpus.pages`` and ``corpus.nav`` from the daeyeok site: the pages daeyeok publishes, fallbacks included."""
    assert corpus.site is not None
    config = yaml.safe_load((corpus.site / "site.yml").read_text(encoding="utf-8")) or {}
    corpus.languages = tuple(config.get("languages", ["ko", "en"]))
    found: dict[tuple[str, str], tuple[str, str]] = {}
    for lang in corpus.languages:
        base = corpus.site / "content" / lang
        for path in sorted(base.rglob("*.md")) if base.is_dir() else []:
            meta, body = split_front_matter(path.read_text(encoding="utf-8"))
            key = path.relative_to(base).with_suffix("").as_posix()
            found[(lang, key)] = (str(meta.get("title", key)), body)
    keys = sorted({key for _, key in found})
    corpus.pages = []
    for lang in corpus.languages:
        for key in keys:
            if (lang, key) in found:
                corpus.pages.append(Page(lang, key, *found[(lang, key)]))
            else:
                other = next(o for o in corpus.languages if (o, key) in found)
                corpus.pages.append(Page(lang, key, *found[(other, key)], fallback=True))
    corpus.nav = [(lang, key) for lang in corpus.languages for section in config.get("nav") or [] for key in section.get("pages") or []]
    static = corpus.site / "static"
    corpus.static = static if static.is_dir() else None


_MATH = re.compile(r"\\\((.+?)\\\)|\\\[(.+?)\\\]|\$\$(.+?)\$\$|(?<![\\$])\$(?!\$)([^$\n]+?)(?<![\\$])\$")


def count_formulas(pages: list[Page]) -> int:
    """Formulas in the Markdown (inline \\(…\\), $…$, $$…$$ on one line, and $$ blocks); code blocks excluded."""
    total = 0
    for page in pages:
        in_code = in_display = False
        for line in page.body.splitlines():
            stripped = line.strip()
            if stripped.startswith(("```", "~~~")):
                in_code = not in_code
                continue
            if in_code:
                continue
            if stripped == "$$":
                total += 0 if in_display else 1
                in_display = not in_display
                continue
            if not in_display:
                total += len(_MATH.findall(line))
    return total


# -- the sample course ------------------------------------------------------------------------------


def prepare_sample(scratch: Path) -> Corpus:
    site = scratch / "sample"
    site.mkdir(parents=True)
    for name in SITE_FILES:
        if (REPO / name).is_file():
            shutil.copy2(REPO / name, site / name)
    for name in SITE_DIRS:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, site / name)
    corpus = Corpus("sample", "the repository's sample course (copied from the checkout)", site, edit=("ko", "index"))
    read_site(corpus)
    ko_lectures = [p.key for p in corpus.pages if p.lang == "ko" and not p.fallback and p.key != "index"]
    if ko_lectures:
        corpus.edit = ("ko", ko_lectures[0])
    return corpus


# -- cs231n -----------------------------------------------------------------------------------------


def _daeyeok_json(daeyeok: str, *args: str) -> list[dict[str, object]]:
    proc = subprocess.run([daeyeok, *args], capture_output=True, text=True)
    try:
        data = json.loads(proc.stdout)
    except json.JSONDecodeError:
        return []
    items = data.get("diagnostics", []) if isinstance(data, dict) else data
    return [d for d in items if isinstance(d, dict)]


def _build_errors(daeyeok: str, site: Path, out: Path) -> tuple[bool, str]:
    proc = subprocess.run([daeyeok, "build", "--site", str(site), "--out", str(out)], capture_output=True, text=True)
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(site / ".daeyeok-cache", ignore_errors=True)
    errors = [line for line in (proc.stdout + proc.stderr).splitlines() if " error " in line]
    return proc.returncode == 0, f"{len(errors)} errors, first: {errors[0] if errors else proc.stderr.strip()[-300:]}"


def make_buildable(daeyeok: str, site: Path, scratch: Path, notes: list[str]) -> str | None:
    """Make an imported site build; every step only runs when the previous one left errors, and is noted.

    Returns None when the site builds, or the reason it still does not.
    """
    probe = scratch / "probe-out"
    ok, why = _build_errors(daeyeok, site, probe)
    if ok:
        return None
    notes.append(f"the imported site does not build as imported ({why})")
    # 1. the glossary's own 'avoid' replacements (spacing variants such as 손실함수 → 손실 함수)
    glossary = site / "glossary.yml"
    replacements: dict[str, str] = {}
    if glossary.is_file():
        for term in yaml.safe_load(glossary.read_text(encoding="utf-8")) or []:
            if isinstance(term, dict) and isinstance(term.get("avoid"), dict):
                replacements.update({str(k): str(v) for k, v in term["avoid"].items()})
    changed = 0
    for path in sorted((site / "content").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        new = text
        for old, replacement in replacements.items():
            new = new.replace(old, replacement)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed += sum(text.count(old) for old in replacements)
    if changed:
        notes.append(f"replaced {changed} glossary 'avoid' forms by the glossary's own replacement (glossary.yml avoid: maps)")
    # 2. daeyeok check --fix: the unambiguous particle and term fixes
    fix = subprocess.run([daeyeok, "check", "--site", str(site), "--fix"], capture_output=True, text=True)
    fixed = [line for line in fix.stdout.splitlines() if line.strip()]
    notes.append(f"ran `daeyeok check --fix` ({len(fixed)} lines of output)")
    ok, why = _build_errors(daeyeok, site, probe)
    if ok:
        return None
    # 3. blank the few content lines that still carry an error daeyeok cannot fix
    errors = [d for d in _daeyeok_json(daeyeok, "check", "--site", str(site), "--format", "json") if d.get("severity") == "error"]
    by_file: dict[Path, set[int]] = {}
    for d in errors:
        path = Path(str(d.get("path", "")))
        line = d.get("line")
        if path.suffix == ".md" and (site / "content") in path.parents and isinstance(line, int) and line > 0:
            by_file.setdefault(path, set()).add(line)
        else:
            return f"still does not build after fixes ({why}); an error outside content lines: {d}"
    for path, lines in sorted(by_file.items()):
        text = path.read_text(encoding="utf-8").split("\n")
        for n in sorted(lines):
            notes.append(
                f"blanked {path.relative_to(site)}:{n} (error daeyeok could not fix: {next(str(d['message']) for d in errors if d.get('line') == n and Path(str(d['path'])) == path)})"
            )
            text[n - 1] = ""
        path.write_text("\n".join(text), encoding="utf-8")
    ok, why = _build_errors(daeyeok, site, probe)
    return None if ok else f"still does not build after fixes ({why})"


def prepare_cs231n(scratch: Path, daeyeok: str) -> Corpus:
    site = scratch / "cs231n"
    corpus = Corpus("cs231n", "daeyeok import jekyll of ../shared/corpora/cs231n, both languages", site, edit=("ko", "linear-classify"))
    if not SHARED_CS231N.is_dir():
        corpus.unavailable = f"{SHARED_CS231N} not found"
        return corpus
    src = SHARED_CS231N
    cmd = [daeyeok, "import", "jekyll", "--en", str(src / "en"), "--ko", str(src / "ko"), "--glossary", str(src / "ko/glossary.md")]
    cmd += ["--assets", str(src / "assets"), "--out", str(site), "--quiet"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0 or not (site / "site.yml").is_file():
        tail = (proc.stdout + proc.stderr).strip().splitlines()[-3:]
        corpus.unavailable = f"`daeyeok import jekyll` failed (exit {proc.returncode}): {' / '.join(tail)}"
        return corpus
    corpus.notes.append("imported with: daeyeok " + " ".join(cmd[1:]).replace(str(SHARED_CS231N), "../shared/corpora/cs231n").replace(str(scratch), "SCRATCH"))
    reason = make_buildable(daeyeok, site, scratch, corpus.notes)
    if reason:
        corpus.unavailable = reason
        return corpus
    read_site(corpus)
    if ("ko", "linear-classify") not in {(p.lang, p.key) for p in corpus.pages if not p.fallback}:
        corpus.edit = next((p.lang, p.key) for p in corpus.pages if p.lang == "ko" and not p.fallback)
    return corpus


# -- N× Korean ------------------------------------------------------------------------------------

_PROSE = re.compile(r"^((?:\s{0,3}(?:[-*+]|\d+[.)])\s+|\s{0,3}>\s?)*)(?=[^\W\d_]|\*\*|_|\[(?![^\]]*\]:)|`)")
_FENCE = re.compile(r"^\s{0,3}(```+|~~~+)\s*([\w+-]*)")
_HASH_COMMENT = {"", "text", "python", "py", "bash", "sh", "shell", "console", "ruby", "r", "yaml", "toml", "ipython", "python3"}
_SLASH_COMMENT = {"javascript", "js", "c", "cpp", "c++", "java", "go", "rust", "json5", "lua"}


def weave(page: Page, copy: int) -> Page:
    """The page with ``copy`` woven into its title, prose lines, every formula and every code block."""
    mark = f"(사본 {copy})"
    phantom = f"\\phantom{{{copy}}}"
    out: list[str] = []
    fence: str | None = None
    in_display = False
    for line in page.body.split("\n"):
        m = _FENCE.match(line)
        if fence is None and m:
            fence = m.group(1)
            out.append(line)
            lang = m.group(2).lower()
            if lang in _HASH_COMMENT:
                out.append(("" if lang in ("", "text") else "# ") + f"사본 {copy}")
            elif lang in _SLASH_COMMENT:
                out.append(f"// 사본 {copy}")
            continue
        if fence is not None:
            if line.strip().startswith(fence[0] * len(fence)) and not line.strip().strip(fence[0]):
                fence = None
            out.append(line)
            continue
        if line.strip() == "$$":
            if not in_display:
                out.append(line)
                out.append(phantom)
            else:
                out.append(line)
            in_display = not in_display
            continue
        if in_display:
            out.append(line)
            continue
        line = re.sub(r"\\\((.+?)\\\)", lambda m: f"\\({m.group(1)} {phantom}\\)", line)
        line = re.sub(r"\\\[(.+?)\\\]", lambda m: f"\\[{m.group(1)} {phantom}\\]", line)
        line = re.sub(r"\$\$(.+?)\$\$", lambda m: f"$${m.group(1)} {phantom}$$", line)
        p = _PROSE.match(line)
        if p and not line.lstrip().startswith(("<", "|", "#", "{")):
            line = line[: p.end(1)] + mark + " " + line[p.end(1) :]
        out.append(line)
    return Page(page.lang, page.key, f"{page.title} {mark}", "\n".join(out), page.fallback)


def write_daeyeok_site(
    root: Path,
    title: str,
    languages: tuple[str, ...],
    pages: list[Page],
    nav: list[tuple[str, str]],
    static: Path | None,
    extra: dict[str, object] | None = None,
) -> None:
    config: dict[str, object] = {
        "title": {lang: title for lang in languages},
        "default_language": languages[0],
        "languages": list(languages),
        "url": "https://bench.example.org",
        "math": "katex",
        "nav": [{"title": {lang: "Pages" for lang in languages}, "pages": [key for lang, key in nav if lang == languages[0]]}],
        **(extra or {}),
    }
    root.mkdir(parents=True, exist_ok=True)
    (root / "site.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    for page in pages:
        path = root / "content" / page.lang / f"{page.key}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(front_matter({"title": page.title}) + page.body, encoding="utf-8")
    if static is not None:
        shutil.copytree(static, root / "static")


def prepare_korean_copies(scratch: Path, cs231n: Corpus, copies: int, daeyeok: str) -> Corpus:
    name = f"ko{copies}x"
    corpus = Corpus(
        name, f"the cs231n Korean site {copies}× (copy number woven into every title, prose line, formula and code block)", scratch / name, languages=("ko",)
    )
    if cs231n.unavailable:
        corpus.unavailable = f"needs cs231n, which is unavailable: {cs231n.unavailable}"
        return corpus
    glossary = cs231n.site / "glossary.yml" if cs231n.site else None
    korean = [p for p in cs231n.pages if p.lang == "ko"]
    pages = [weave(Page("ko", f"c{c:02d}/{p.key}", p.title, p.body, p.fallback), c) for c in range(1, copies + 1) for p in korean]
    nav = [("ko", f"c01/{key}") for lang, key in cs231n.nav if lang == "ko"]
    assert corpus.site is not None
    # keep the imported site's own settings that change what a build does (glossary_check: how findings count)
    imported = yaml.safe_load((cs231n.site / "site.yml").read_text(encoding="utf-8")) if cs231n.site else {}
    extra = {k: imported[k] for k in ("glossary_check", "raw_html") if isinstance(imported, dict) and k in imported}
    write_daeyeok_site(corpus.site, f"cs231n {copies}×", ("ko",), pages, nav, cs231n.static, extra)
    if extra:
        corpus.notes.append("site.yml keeps the imported " + ", ".join(f"{k}: {v}" for k, v in extra.items()))
    if glossary is not None and glossary.is_file():
        shutil.copy2(glossary, corpus.site / "glossary.yml")
    corpus.notes.append(
        f"{len(korean)} Korean pages per copy ({sum(p.fallback for p in korean)} of them untranslated, shown in English as the Korean URL shows them); "
        "front matter reduced to the title (aliases dropped: they would collide between copies); nav lists copy 1"
    )
    reason = make_buildable(daeyeok, corpus.site, scratch, corpus.notes)
    if reason:
        corpus.unavailable = reason
        return corpus
    read_site(corpus)
    corpus.edit = ("ko", f"c01/{cs231n.edit[1]}")
    return corpus


# -- synthetic ---------------------------------------------------------------------------------------


def prepare_synth(scratch: Path, pages: int, peers: bool) -> Corpus:
    sys.path.insert(0, str(BENCH_DIR))
    import synth

    site = scratch / f"synth{pages}"
    synth.write_site(site, pages // 2)
    corpus = Corpus(f"synth{pages}", f"benchmarks/synth.py --pages {pages // 2} ({pages // 2} pairs, unique text and formulas)", site, peers=peers)
    read_site(corpus)
    corpus.edit = ("ko", "notes/p00001")
    return corpus
