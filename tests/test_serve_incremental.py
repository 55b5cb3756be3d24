"""The preview's incremental rebuilds: the smallest sufficient re-render, and the same bytes as a full build.

Each test edits files on disk, rebuilds, and checks which outputs were
rendered again (``Snapshot.rendered``) and that the result equals what
``daeyeok build`` would produce from the same tree.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import page, write_tree
from daeyeok.build import build
from daeyeok.diagnostics import Severity, display_path
from daeyeok.serve.incremental import SEARCH_OUTPUTS, IncrementalBuilder, Snapshot

HTML_PAGES_KO = {"ko/index.html", "ko/a/index.html", "ko/b/index.html"}
#: the no-JavaScript parallel views of the Korean translations (they show the English original too)
PARALLEL_KO = {"ko/parallel/index.html", "ko/a/parallel/index.html"}
HTML_PAGES_EN = {"en/index.html", "en/a/index.html", "en/b/index.html"}
PAGES = HTML_PAGES_KO | HTML_PAGES_EN | {"index.html", "404.html"}


@pytest.fixture
def site(make_site):  # type: ignore[no-untyped-def]
    # b exists only in English, so /ko/b/ is a fallback page showing the English text
    return make_site({"content/en/b.md": page("Only English", "English only text.\n")})


def same_as_full_build(root: Path, snap: Snapshot) -> None:
    """Every page byte-identical to a full build; the search index is the first snapshot's (see SEARCH_OUTPUTS)."""
    full = build(root, write=False, use_cache=False)
    pages = {rel: data for rel, data in full.files.items() if not rel.startswith(SEARCH_OUTPUTS)}
    served = {rel: data for rel, data in snap.files.items() if not rel.startswith(SEARCH_OUTPUTS)}
    assert sorted(served) == sorted(pages)
    assert any(rel.startswith(SEARCH_OUTPUTS) for rel in snap.files) == any(rel.startswith(SEARCH_OUTPUTS) for rel in full.files)
    for rel in pages:
        assert served[rel] == pages[rel], rel
    assert dict(snap.copies) == full.copies
    assert list(snap.diagnostics) == full.diagnostics


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def html(rels: frozenset[str]) -> set[str]:
    return {r for r in rels if r.endswith(".html")}


def test_first_rebuild_is_a_full_build(site: Path) -> None:
    snap = IncrementalBuilder(site, use_cache=False).rebuild()
    assert HTML_PAGES_KO | HTML_PAGES_EN | {"index.html", "404.html"} <= html(snap.rendered)
    same_as_full_build(site, snap)


def test_nothing_changed_renders_nothing(site: Path) -> None:
    b = IncrementalBuilder(site, use_cache=False)
    first = b.rebuild()
    again = b.rebuild()
    assert again.rendered == frozenset()
    assert again.changed == frozenset()
    assert again.version == first.version + 1


def test_body_edit_renders_only_that_page(site: Path) -> None:
    b = IncrementalBuilder(site, use_cache=False)
    b.rebuild()
    edit(site / "content/en/a.md", "Math $x^2$.", "Math $x^3$ and a new sentence.")
    snap = b.rebuild()
    # the page itself, the parallel view that shows it beside its translation, and the status
    # pages (the source's word count changed)
    assert html(snap.rendered) == {"en/a/index.html", "ko/a/parallel/index.html", "en/status/index.html", "ko/status/index.html"}
    assert snap.changed & PAGES == {"en/a/index.html"}
    assert b"a new sentence" in snap.files["en/a/index.html"]
    same_as_full_build(site, snap)


def test_body_edit_of_an_untranslated_page_renders_its_fallback_too(site: Path) -> None:
    b = IncrementalBuilder(site, use_cache=False)
    b.rebuild()
    edit(site / "content/en/b.md", "English only text.", "Edited English text.")
    snap = b.rebuild()
    assert html(snap.rendered) == {"en/b/index.html", "ko/b/index.html"}
    assert b"Edited English text." in snap.files["ko/b/index.html"]
    same_as_full_build(site, snap)


def test_title_edit_renders_the_pages_whose_navigation_shows_it(site: Path) -> None:
    b = IncrementalBuilder(site, use_cache=False)
    b.rebuild()
    edit(site / "content/ko/a.md", "title: 가 페이지", "title: 새 제목")
    snap = b.rebuild()
    # every Korean page shows the Korean nav, and the landing page is in the default language (ko);
    # both status pages list the Korean title
    assert html(snap.rendered) == HTML_PAGES_KO | PARALLEL_KO | {"index.html", "ko/status/index.html", "en/status/index.html"}
    assert all("새 제목" in snap.files[rel].decode() for rel in HTML_PAGES_KO)
    same_as_full_build(site, snap)


def test_glossary_edit_renders_the_pages_again_and_updates_term_findings(make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site(
        {
            "content/ko/index.md": page("처음", "경사 하강법에서 그래디언트를 구한다.\n"),
            "content/en/index.md": page("Home", "We compute the gradient in gradient descent.\n"),
            "glossary.yml": "- en: gradient\n  ko: 기울기\n  accept: [그래디언트]\n",
        }
    )
    b = IncrementalBuilder(site, use_cache=False)
    before = b.rebuild()
    assert before.errors == ()
    edit(site / "glossary.yml", "accept: [그래디언트]", "avoid: [그래디언트]")
    snap = b.rebuild()
    # no page records which terms it uses yet, so every page is rendered again (safe, not minimal)
    assert {"ko/index.html", "ko/a/index.html", "en/index.html", "en/a/index.html", "index.html"} <= html(snap.rendered)
    [err] = snap.errors
    assert (err.path, err.line, err.col, err.code) == (display_path(site / "content/ko/index.md"), 5, 10, "term-avoided")
    same_as_full_build(site, snap)


def test_template_edit_renders_what_that_template_renders(site: Path) -> None:
    theme_404 = (Path(__file__).resolve().parent.parent / "src/daeyeok/theme/templates/404.html").read_text(encoding="utf-8")
    b = IncrementalBuilder(site, use_cache=False)
    b.rebuild()
    write_tree(site, {"templates/404.html": theme_404.replace("{% block main %}", "{% block main %}<p>Custom 404</p>")})
    snap = b.rebuild()
    assert html(snap.rendered) == {"404.html"}
    assert b"Custom 404" in snap.files["404.html"]
    same_as_full_build(site, snap)

    # a partial every page includes (through base.html) affects every page
    write_tree(site, {"templates/partials/footer.html": "<p>Footer v2</p>\n"})
    snap = b.rebuild()
    assert HTML_PAGES_KO | HTML_PAGES_EN | {"index.html", "404.html"} <= html(snap.rendered)
    assert all(b"Footer v2" in snap.files[rel] for rel in HTML_PAGES_KO)
    same_as_full_build(site, snap)


def test_static_edit_copies_the_file_and_renders_nothing(site: Path) -> None:
    write_tree(site, {"static/figures/x.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>"})
    b = IncrementalBuilder(site, use_cache=False)
    first = b.rebuild()
    (site / "static/figures/x.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg' width='2'/>", encoding="utf-8")
    snap = b.rebuild()
    assert snap.rendered == frozenset()
    assert snap.changed == {"figures/x.svg"}
    assert snap.digest("figures/x.svg") != first.digest("figures/x.svg")
    assert snap.assets_digest() != first.assets_digest()  # open tabs reload for a changed figure or stylesheet
    write_tree(site, {"static/new.css": "body{}"})
    snap = b.rebuild()
    assert "new.css" in snap.copies and snap.rendered == frozenset()


def test_deleting_and_renaming_a_page_removes_its_output(site: Path) -> None:
    b = IncrementalBuilder(site, use_cache=False)
    b.rebuild()
    (site / "content/en/b.md").unlink()
    snap = b.rebuild()
    assert "en/b/index.html" not in snap.files and "ko/b/index.html" not in snap.files
    assert {"en/b/index.html", "ko/b/index.html"} <= snap.changed
    same_as_full_build(site, snap)
    write_tree(site, {"content/en/c.md": page("Page C", "Text C.\n")})
    (site / "content/en/c.md").rename(site / "content/en/d.md")
    snap = b.rebuild()
    assert "en/d/index.html" in snap.files and "en/c/index.html" not in snap.files
    same_as_full_build(site, snap)


def test_broken_front_matter_keeps_the_last_good_page_and_reports_file_line(site: Path) -> None:
    b = IncrementalBuilder(site, use_cache=False)
    good = b.rebuild()
    edit(site / "content/ko/a.md", "title: 가 페이지", "title: [가 페이지")
    broken = b.rebuild()
    assert broken.files["ko/a/index.html"] == good.files["ko/a/index.html"]
    assert broken.files.keys() == good.files.keys()  # the page is not dropped from the site or its nav
    [err] = broken.errors
    assert err.path == display_path(site / "content/ko/a.md")
    assert err.line == 2 and err.code == "front-matter"
    assert err.text.startswith(f"{err.path}:2:{err.col}: error front-matter: ")
    assert (2, "title: [가 페이지") in err.context
    # other pages still update while this one is broken
    edit(site / "content/en/a.md", "Math $x^2$.", "Still updating.")
    meanwhile = b.rebuild()
    assert b"Still updating." in meanwhile.files["en/a/index.html"]
    assert len(meanwhile.errors) == 1
    edit(site / "content/ko/a.md", "title: [가 페이지", "title: 고친 제목")
    fixed = b.rebuild()
    assert fixed.errors == ()
    assert "고친 제목" in fixed.files["ko/a/index.html"].decode()
    same_as_full_build(site, fixed)


def test_invalid_tex_keeps_the_last_good_page(site: Path) -> None:
    b = IncrementalBuilder(site, use_cache=False)
    good = b.rebuild()
    edit(site / "content/en/a.md", "Math $x^2$.", "Math $\\frac{1}{$ and $\\nosuchmacro{x}$.")
    broken = b.rebuild()
    assert broken.files["en/a/index.html"] == good.files["en/a/index.html"]
    assert broken.errors and all(e.code == "math" and e.path == display_path(site / "content/en/a.md") for e in broken.errors)
    line = (site / "content/en/a.md").read_text(encoding="utf-8").splitlines().index("Math $\\frac{1}{$ and $\\nosuchmacro{x}$.") + 1
    assert line == 7 and {e.line for e in broken.errors} == {line}
    edit(site / "content/en/a.md", "Math $\\frac{1}{$ and $\\nosuchmacro{x}$.", "Math $\\frac{1}{2}$.")
    fixed = b.rebuild()
    assert fixed.errors == () and fixed.files["en/a/index.html"] != good.files["en/a/index.html"]
    same_as_full_build(site, fixed)


def test_template_error_keeps_every_page_and_points_at_the_template(site: Path) -> None:
    write_tree(site, {"templates/partials/footer.html": "<p>ok</p>\n"})
    b = IncrementalBuilder(site, use_cache=False)
    good = b.rebuild()
    write_tree(site, {"templates/partials/footer.html": "<p>ok</p>\n{% if %}\n"})
    broken = b.rebuild()
    assert {rel: broken.files[rel] for rel in HTML_PAGES_KO} == {rel: good.files[rel] for rel in HTML_PAGES_KO}
    assert broken.errors
    assert {(e.path, e.line, e.code) for e in broken.errors} == {(display_path(site / "templates/partials/footer.html"), 2, "template")}
    write_tree(site, {"templates/partials/footer.html": "<p>fixed</p>\n"})
    fixed = b.rebuild()
    assert fixed.errors == () and b"<p>fixed</p>" in fixed.files["ko/a/index.html"]


def test_config_error_freezes_the_whole_site(site: Path) -> None:
    b = IncrementalBuilder(site, use_cache=False)
    good = b.rebuild()
    config = site / "site.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("default_language: ko", "default_language: ko\nlanguages_typo: 1"), encoding="utf-8")
    edit(site / "content/en/a.md", "Math $x^2$.", "Edited during the config error.")
    broken = b.rebuild()
    assert broken.files == good.files
    assert [(e.path, e.line) for e in broken.errors] == [(display_path(config), 5)]
    assert any(e.severity is Severity.ERROR for e in broken.diagnostics)
    config.write_text(text, encoding="utf-8")
    fixed = b.rebuild()
    assert fixed.errors == () and b"Edited during the config error." in fixed.files["en/a/index.html"]
    same_as_full_build(site, fixed)


def test_missing_config_keeps_serving_with_an_error(site: Path) -> None:
    b = IncrementalBuilder(site, use_cache=False)
    good = b.rebuild()
    (site / "site.yml").rename(site / "site.yml.moved")
    gone = b.rebuild()
    assert gone.files == good.files and gone.errors and gone.errors[0].code == "config"
    (site / "site.yml.moved").rename(site / "site.yml")
    assert b.rebuild().errors == ()


def test_base_url_from_the_command_line(site: Path) -> None:
    snap = IncrementalBuilder(site, "/course/", use_cache=False).rebuild()
    assert snap.base_url == "/course/"
    assert b'href="/course/ko/a/"' in snap.files["ko/index.html"]


def test_a_crashing_rebuild_keeps_the_pages_and_reports_an_internal_error(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    b = IncrementalBuilder(site, use_cache=False)
    good = b.rebuild()

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr("daeyeok.serve.incremental.render_site", boom)
    edit(site / "content/en/a.md", "Math $x^2$.", "Edited.")
    try:
        b.rebuild()
    except RuntimeError as exc:
        crashed = b.internal_error(exc, 0.0)
    assert crashed.files == good.files
    [err] = crashed.errors
    assert err.code == "internal" and "RuntimeError: simulated bug" in err.message
    monkeypatch.undo()
    assert b"Edited." in b.rebuild().files["en/a/index.html"]


def test_glossary_findings_can_follow_the_pages(make_site) -> None:  # type: ignore[no-untyped-def]
    """rebuild(defer=True) publishes the pages; finish() adds the glossary findings
    on the same files, so the browser reloads once and the overlay updates after."""
    site = make_site(
        {
            "content/ko/index.md": page("처음", "경사 하강법에서 그래디언트를 구한다.\n"),
            "glossary.yml": "- en: gradient\n  ko: 기울기\n  avoid: [그래디언트]\n",
        }
    )
    whole = IncrementalBuilder(site, use_cache=False).rebuild()
    b = IncrementalBuilder(site, use_cache=False)
    pages = b.rebuild(defer=True)
    assert not any(d.code == "term-avoided" for d in pages.diagnostics)
    findings = b.finish()
    assert findings is not None
    assert findings.files == pages.files and findings.changed == frozenset() and findings.version == pages.version + 1
    assert findings.diagnostics == whole.diagnostics and findings.errors == whole.errors
    assert b.finish() is None, "nothing is held back twice"
    same_as_full_build(site, findings)


def test_parallel_view_and_status_pages_follow_the_edited_page(site: Path) -> None:
    """With defer, an edit publishes the edited page first; its parallel view and the status
    pages keep their previous bytes until finish() renders them, and then match a full build."""
    b = IncrementalBuilder(site, use_cache=False)
    before = b.rebuild(defer=True)
    assert b.finish() is None  # the first build renders everything at once
    edit(site / "content/en/a.md", "Math $x^2$.", "Math $x^3$ and a new sentence.")
    pages = b.rebuild(defer=True)
    assert html(pages.changed) == {"en/a/index.html"}
    for held in ("ko/a/parallel/index.html", "en/status/index.html", "ko/status/index.html"):
        assert pages.files[held] is before.files[held]
    rest = b.finish()
    assert rest is not None and rest.version == pages.version + 1
    assert html(rest.changed) == {"ko/a/parallel/index.html", "en/status/index.html", "ko/status/index.html"}
    assert b"x^3" in rest.files["ko/a/parallel/index.html"]
    same_as_full_build(site, rest)
    assert b.finish() is None
