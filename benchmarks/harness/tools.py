"""The tools measured: daeyeok and, where installed, Jekyll, Hugo and MkDocs.

Each peer gets the corpus's published pages (``Corpus.pages``: the same Markdown
daeyeok builds, untranslated pages materialised the way daeyeok shows them) in its
own layout, a template that prints the title, the same navigation list and the
body, and the corpus's static files. ``DOES`` says exactly what each tool does with it.
"""

from __future__ import annotations

import html
import os
import shutil
import subprocess
from pathlib import Path

import yaml

from .corpora import REPO, Corpus, Page, front_matter

DOES = {
    "daeyeok": (
        "full pipeline: parses, checks links/anchors/glossary terms/particles and translation structure, renders every formula "
        "with KaTeX at build time (htmlAndMathml), highlights code with Pygments, renders its full theme (nav, pager, language "
        "switch, hreflang), writes fallback pages, redirects, sitemap, 404, status pages; formula cache in .daeyeok-cache/"
    ),
    "jekyll": (
        "kramdown (GFM input) with Rouge highlighting; math is only wrapped for client-side MathJax, not rendered; no link or "
        "term checks; a one-file layout with title and nav; Liquid off in pages (render_with_liquid: false); cache in .jekyll-cache/"
    ),
    "hugo": (
        "Goldmark with Chroma highlighting, multilingual (ko, en) with a content dir per language; math is NOT rendered "
        "(\\( \\) and $$ stay text); no link or term checks; one-file templates with title and nav; also writes section "
        "lists and sitemaps; uses both cores (goroutines); no persistent build cache"
    ),
    "mkdocs": (
        "Python-Markdown (toc, tables, attr_list, def_list, footnotes, fenced_code, codehilite/Pygments) with the built-in "
        "'mkdocs' theme (nav + page toc); search plugin off; math is NOT rendered; warns about broken links; no cache "
        "(warm = cold; --dirty not used)"
    ),
}


class Tool:
    name = ""

    def unavailable(self) -> str | None:
        return None

    def version(self) -> str:
        return ""

    def setup(self, corpus: Corpus, work: Path) -> Path:
        raise NotImplementedError

    def clean(self, site: Path) -> None:
        raise NotImplementedError

    def command(self, site: Path) -> list[str]:
        raise NotImplementedError

    def output(self, site: Path) -> Path:
        return site.parent / f"{site.name}-out"

    def page_file(self, site: Path, lang: str, key: str) -> Path:
        raise NotImplementedError


def _version(cmd: list[str]) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=60).stdout.strip().splitlines()[0]
    except (OSError, IndexError, subprocess.SubprocessError):
        return "?"


class Daeyeok(Tool):
    name = "daeyeok"

    def __init__(self, exe: str) -> None:
        self.exe = exe

    def version(self) -> str:
        git = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "src"], capture_output=True, text=True).stdout.strip()
        return f"{_version([self.exe, '--version'])} (git {git}{', src/ has uncommitted changes' if dirty else ''})"

    def setup(self, corpus: Corpus, work: Path) -> Path:
        assert corpus.site is not None
        return corpus.site

    def output(self, site: Path) -> Path:
        return site.parent / f"{site.name}-daeyeok-out"

    def clean(self, site: Path) -> None:
        shutil.rmtree(site / ".daeyeok-cache", ignore_errors=True)
        shutil.rmtree(self.output(site), ignore_errors=True)

    def command(self, site: Path) -> list[str]:
        return [self.exe, "build", "--site", str(site), "--out", str(self.output(site))]

    def page_file(self, site: Path, lang: str, key: str) -> Path:
        return site / "content" / lang / f"{key}.md"


def _nav_html(corpus: Corpus, lang: str, href: dict[tuple[str, str], str]) -> str:
    titles = {(p.lang, p.key): p.title for p in corpus.pages}
    items = [
        f'<li><a href="{href[(lang, key)]}">{html.escape(titles[(lang, key)])}</a></li>'
        for nav_lang, key in corpus.nav
        if nav_lang == lang and (lang, key) in titles
    ]
    return "<ul>" + "".join(items) + "</ul>"


def _pretty_url(lang: str, key: str) -> str:
    path = key[: -len("index")] if key == "index" or key.endswith("/index") else key + "/"
    return f"/{lang}/{path}"


def _copy_static(corpus: Corpus, dest: Path) -> None:
    if corpus.static is not None:
        shutil.copytree(corpus.static, dest, dirs_exist_ok=True)


class Jekyll(Tool):
    name = "jekyll"

    def unavailable(self) -> str | None:
        return None if shutil.which("jekyll") else "jekyll is not installed (Debian: apt-get install jekyll)"

    def version(self) -> str:
        return _version(["jekyll", "--version"])

    def setup(self, corpus: Corpus, work: Path) -> Path:
        site = work / f"{corpus.name}-jekyll"
        href = {(p.lang, p.key): _pretty_url(p.lang, p.key) for p in corpus.pages}
        config = {
            "title": corpus.name,
            "markdown": "kramdown",
            "kramdown": {"input": "GFM", "hard_wrap": False, "syntax_highlighter": "rouge"},
            "permalink": "pretty",
            "defaults": [
                {"scope": {"path": lang}, "values": {"layout": f"default-{lang}", "lang": lang, "render_with_liquid": False}} for lang in corpus.languages
            ],
        }
        (site / "_layouts").mkdir(parents=True)
        (site / "_config.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
        for lang in corpus.languages:
            layout = (
                f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8"><title>{{{{ page.title }}}}</title></head>\n'
                f"<body><nav>{_nav_html(corpus, lang, href)}</nav><main><h1>{{{{ page.title }}}}</h1>\n{{{{ content }}}}\n</main></body></html>\n"
            )
            (site / "_layouts" / f"default-{lang}.html").write_text(layout, encoding="utf-8")
        for page in corpus.pages:
            self._write(site, page)
        _copy_static(corpus, site)
        return site

    def _write(self, site: Path, page: Page) -> None:
        path = self.page_file(site, page.lang, page.key)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(front_matter({"title": page.title}) + page.body, encoding="utf-8")

    def clean(self, site: Path) -> None:
        for name in (".jekyll-cache", ".jekyll-metadata", ".sass-cache"):
            p = site / name
            shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)
        shutil.rmtree(self.output(site), ignore_errors=True)

    def command(self, site: Path) -> list[str]:
        return ["jekyll", "build", "--quiet", "--source", str(site), "--destination", str(self.output(site))]

    def page_file(self, site: Path, lang: str, key: str) -> Path:
        return site / lang / f"{key}.md"


class Hugo(Tool):
    name = "hugo"

    def unavailable(self) -> str | None:
        return None if shutil.which("hugo") else "hugo is not installed (Debian: apt-get install hugo)"

    def version(self) -> str:
        return _version(["hugo", "version"])

    def setup(self, corpus: Corpus, work: Path) -> Path:
        site = work / f"{corpus.name}-hugo"
        href = {(p.lang, p.key): _pretty_url(p.lang, p.key) for p in corpus.pages}
        lines = [
            'baseURL = "https://bench.example.org/"',
            f'title = "{corpus.name}"',
            f'defaultContentLanguage = "{corpus.languages[0]}"',
            "defaultContentLanguageInSubdir = true",
            'disableKinds = ["taxonomy", "term", "RSS"]',
            "[markup.goldmark.renderer]",
            "unsafe = true",
            "[languages]",
        ]
        for weight, lang in enumerate(corpus.languages, 1):
            lines += [f"[languages.{lang}]", f'contentDir = "content/{lang}"', f"weight = {weight}", f'languageCode = "{lang}"']
        site.mkdir(parents=True)
        (site / "config.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        navs = (
            "".join(f'{{{{ {"if" if i == 0 else "else if"} eq .Lang "{lang}" }}}}{_nav_html(corpus, lang, href)}' for i, lang in enumerate(corpus.languages))
            + "{{ end }}"
        )
        template = (
            '<!DOCTYPE html>\n<html lang="{{ .Lang }}"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>\n'
            f"<body><nav>{navs}</nav><main><h1>{{{{ .Title }}}}</h1>\n{{{{ .Content }}}}\n</main></body></html>\n"
        )
        (site / "layouts/_default").mkdir(parents=True)
        for name in ("single.html", "list.html"):
            (site / "layouts/_default" / name).write_text(template, encoding="utf-8")
        for page in corpus.pages:
            path = self.page_file(site, page.lang, page.key)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(front_matter({"title": page.title}) + page.body, encoding="utf-8")
        _copy_static(corpus, site / "static")
        return site

    def clean(self, site: Path) -> None:
        for name in ("resources", ".hugo-cache"):
            shutil.rmtree(site / name, ignore_errors=True)
        (site / ".hugo_build.lock").unlink(missing_ok=True)
        shutil.rmtree(self.output(site), ignore_errors=True)

    def command(self, site: Path) -> list[str]:
        return ["hugo", "--quiet", "--source", str(site), "--destination", str(self.output(site)), "--cacheDir", str(site / ".hugo-cache")]

    def page_file(self, site: Path, lang: str, key: str) -> Path:
        # index.md would make its folder a leaf bundle (its sibling pages would become resources): Hugo's list page is _index.md
        name = key[: -len("index")] + "_index" if key == "index" or key.endswith("/index") else key
        return site / "content" / lang / f"{name}.md"


MKDOCS_VERSION = "1.6.1"


class MkDocs(Tool):
    name = "mkdocs"

    def __init__(self, cache: Path, install: bool) -> None:
        self.venv = cache / "mkdocs-venv"
        self.exe = self.venv / "bin" / "mkdocs"
        self.install = install
        self.install_error: str | None = None

    def unavailable(self) -> str | None:
        if self.exe.exists():
            return None
        if shutil.which("mkdocs"):
            self.exe = Path(str(shutil.which("mkdocs")))
            return None
        if not self.install:
            return f"mkdocs is not installed (run without --no-install to pip-install mkdocs=={MKDOCS_VERSION} into {self.venv})"
        if self.install_error is None:
            print(f"installing mkdocs=={MKDOCS_VERSION} into {self.venv} (a separate venv, never .venv)", flush=True)
            try:
                subprocess.run(["python3", "-m", "venv", str(self.venv)], check=True, capture_output=True)
                pip = [str(self.venv / "bin" / "python"), "-m", "pip", "install", "--quiet", f"mkdocs=={MKDOCS_VERSION}", "pygments"]
                proc = subprocess.run(pip, capture_output=True, text=True, timeout=600)
                if proc.returncode != 0:
                    self.install_error = f"pip install mkdocs failed: {proc.stderr.strip().splitlines()[-1:]}"
            except (OSError, subprocess.SubprocessError) as exc:
                self.install_error = f"could not create the mkdocs venv: {exc}"
        return self.install_error if not self.exe.exists() else None

    def version(self) -> str:
        return _version([str(self.exe), "--version"])

    def setup(self, corpus: Corpus, work: Path) -> Path:
        site = work / f"{corpus.name}-mkdocs"
        titles = {(p.lang, p.key): p.title for p in corpus.pages}
        nav = [
            {lang: [{titles[(lang, key)]: f"{lang}/{key}.md"} for nav_lang, key in corpus.nav if nav_lang == lang and (lang, key) in titles]}
            for lang in corpus.languages
        ]
        config = {
            "site_name": corpus.name,
            "site_url": "https://bench.example.org/",
            "docs_dir": "docs",
            "theme": {"name": "mkdocs"},
            "plugins": [],
            "markdown_extensions": ["toc", "tables", "attr_list", "def_list", "footnotes", "fenced_code", "codehilite"],
            "nav": nav,
        }
        (site / "docs").mkdir(parents=True)
        (site / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
        for page in corpus.pages:
            path = self.page_file(site, page.lang, page.key)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(front_matter({"title": page.title}) + page.body, encoding="utf-8")
        _copy_static(corpus, site / "docs")
        return site

    def clean(self, site: Path) -> None:
        shutil.rmtree(self.output(site), ignore_errors=True)

    def command(self, site: Path) -> list[str]:
        return [str(self.exe), "build", "--quiet", "--config-file", str(site / "mkdocs.yml"), "--site-dir", str(self.output(site))]

    def page_file(self, site: Path, lang: str, key: str) -> Path:
        return site / "docs" / lang / f"{key}.md"


def count_html(out: Path) -> int:
    return sum(1 for _ in out.rglob("*.html")) if out.is_dir() else 0


def tool_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("LANG", "C.UTF-8")
    env.setdefault("LC_ALL", "C.UTF-8")
    return env
