"""The page cache (daeyeok.pagecache): a build after an edit re-renders what the edit shows in, and
its output is byte-identical to a build without any cache."""

from __future__ import annotations

from pathlib import Path

from conftest import page
from daeyeok.build import build


def fresh(root: Path) -> dict[str, bytes]:
    return build(root, write=False, use_cache=False).files


def cached(root: Path) -> tuple[dict[str, bytes], int]:
    result = build(root, write=False)
    return result.files, int(result.stats["pages_cached"])


def test_edit_renders_only_what_shows_it(make_site) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"content/ko/b.md": page("나", "둘째 쪽.\n"), "content/en/b.md": page("B", "Second page.\n")})
    first, hits = cached(root)
    assert hits == 0 and first == fresh(root)
    again, hits = cached(root)
    outputs = hits  # pages and parallel views
    assert again == first and outputs > 0

    path = root / "content/ko/b.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n덧붙인 문단.\n", encoding="utf-8")
    edited, hits = cached(root)
    assert hits == outputs - 2, "the page and its parallel view are rendered again"
    assert edited == fresh(root)
    assert "덧붙인 문단".encode() in edited["ko/b/index.html"]

    nav_page = root / "content/ko/a.md"  # a is in the navigation (b is not)
    nav_page.write_text(nav_page.read_text(encoding="utf-8").replace("title: 가 페이지", "title: 새 제목"), encoding="utf-8")
    retitled, hits = cached(root)
    assert retitled == fresh(root)
    assert "새 제목".encode() in retitled["ko/index.html"]
    assert hits < outputs - 2, "a title shows in other pages' navigation and pagers"


def test_a_page_missing_from_the_cache_computes_its_frame_once(make_site, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The frame made for the cache key is the one the page is rendered with: one computation
    per page and one per parallel view, and the same files as without a cache."""
    from collections import Counter

    from daeyeok.render import SiteRenderer
    from daeyeok.urls import page_path

    root = make_site({"content/ko/b.md": page("나", "둘째 쪽.\n"), "content/en/b.md": page("B", "Second page.\n")})
    expected = fresh(root)
    framed: Counter[str] = Counter()
    real = SiteRenderer.page_frame

    def counted(self, p):  # type: ignore[no-untyped-def]
        framed[page_path(p.lang, p.key)] += 1
        return real(self, p)

    monkeypatch.setattr(SiteRenderer, "page_frame", counted)
    files, hits = cached(root)
    assert hits == 0 and files == expected
    with_parallel = {name.removesuffix("parallel/index.html") for name in files if name.endswith("/parallel/index.html")}
    assert with_parallel and framed == Counter({path: 2 if path in with_parallel else 1 for path in framed}), framed


def test_site_wide_inputs_invalidate_every_page(make_site) -> None:  # type: ignore[no-untyped-def]
    root = make_site({"templates/page.html": '{% extends "theme/page.html" %}'})
    cached(root)
    (root / "templates/page.html").write_text('{% extends "theme/page.html" %}{% block title %}X{% endblock %}', encoding="utf-8")
    files, hits = cached(root)
    assert hits == 0 and files == fresh(root)
    (root / "site.yml").write_text(
        (root / "site.yml").read_text(encoding="utf-8").replace("url:", "description: {ko: 설명, en: About}\nurl:"), encoding="utf-8"
    )
    files, hits = cached(root)
    assert hits == 0 and files == fresh(root)


def test_an_image_edit_reaches_the_pages_that_size_it(make_site) -> None:  # type: ignore[no-untyped-def]
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="10"></svg>'
    root = make_site({"static/fig.svg": svg.format(w=10), "content/ko/a.md": page("가", "![그림](/fig.svg)\n")})
    cached(root)
    (root / "static/fig.svg").write_text(svg.format(w=321), encoding="utf-8")
    files, _ = cached(root)
    assert b'width="321"' in files["ko/a/index.html"] and files == fresh(root)


def test_a_cache_found_empty_asks_sqlite_only_for_its_own_entries(tmp_path: Path) -> None:
    """A cold build's lookups are all misses: a cache whose table was empty when opened answers
    them without a query, and still finds what it stored itself (pending or written)."""
    from daeyeok.picklecache import PickleCache

    path = tmp_path / "c.sqlite"
    cold = PickleCache(path, "t")
    assert cold._db is not None
    queries: list[str] = []
    cold._db.set_trace_callback(queries.append)
    assert [cold.get(f"k{i}") for i in range(100)] == [None] * 100
    assert not any(q.startswith("SELECT") for q in queries), queries
    cold.put("mine", {"v": 1})
    cold._flush()
    assert cold.get("mine") == {"v": 1}
    cold.close()
    warm = PickleCache(path, "t")  # not empty: every lookup is asked
    assert warm.get("mine") == {"v": 1} and warm.get("other") is None
    warm.close()
