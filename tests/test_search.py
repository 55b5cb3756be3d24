"""Search index pieces without a browser: Korean helper words, search documents, a deterministic bundle."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from daeyeok.align import Alignment
from daeyeok.build import build, prepare
from daeyeok.lastmod import parse_log
from daeyeok.parallel import rows, split_marked, top_level_starts
from daeyeok.search import search_documents
from daeyeok.search.expand import MARK, Expander, joined_compounds, strip_particles, vocabulary, word_endings
from daeyeok.search.index import UNUSED_PREFIXES, PagefindRun, SearchIndexError, _read_bundle, normalise_entry, pagefind_binary

SITE = Path(__file__).parent / "sites" / "search"


def test_particles_are_stripped_down_to_the_noun() -> None:
    assert strip_particles("신경망을") == "신경망"
    assert strip_particles("신경망에서는") == "신경망"
    assert strip_particles("신경망들의") == "신경망"
    assert strip_particles("경사하강법을") == "경사하강법"  # 하 is not a particle here
    assert strip_particles("나이") == "나이"  # two syllables stay whole
    assert strip_particles("가중치") == "가중치"


def test_compounds_join_only_after_a_bare_noun() -> None:
    assert joined_compounds("손실 함수를 최소화한다") == ["손실함수를"]
    assert joined_compounds("손실을 함수로") == []  # 손실을 carries a particle
    assert joined_compounds("큰 위반") == []  # one-syllable words do not start compounds


def test_word_endings_only_yield_words_the_site_knows() -> None:
    words = vocabulary(["신경망은 층으로 이루어진다"])
    assert word_endings("인공신경망의", words) == ["신경망"]
    assert word_endings("클래스", words) == []


def test_glossary_forms_are_added_in_both_languages() -> None:
    site = prepare(SITE).site
    expander = Expander(site.glossary)
    assert {"gradient", "gradients", "기울기"} <= set(expander.tokens("그라디언트는 오르막을 가리킨다", "ko"))
    assert {"그라디언트", "기울기"} <= set(expander.tokens("The gradient points uphill", "en"))
    assert "그라디언트는" not in expander.tokens("그라디언트는 오르막을 가리킨다", "ko"), "words already in the text are not repeated"


def test_search_documents_mark_helper_words_and_keep_heading_ids() -> None:
    docs = {d.site_path: d for d in search_documents(prepare(SITE).site)}
    ko = docs["ko/history/"].html
    assert f"{MARK}신경망" in ko and 'data-pagefind-weight="0.5"' in ko
    assert '<html lang="ko">' in ko and "인공신경망의 역사는 길다." in ko
    assert "ko/preprocessing/" in docs and "en/preprocessing/" in docs


def test_entry_json_is_written_with_sorted_keys() -> None:
    a = normalise_entry(b'{"version":"1.5.2","languages":{"ko":{"hash":"k"},"en":{"hash":"e"}}}')
    b = normalise_entry(b'{"languages":{"en":{"hash":"e"},"ko":{"hash":"k"}},"version":"1.5.2"}')
    assert a == b == b'{"languages":{"en":{"hash":"e"},"ko":{"hash":"k"}},"version":"1.5.2"}'


def test_two_builds_give_a_byte_identical_search_bundle() -> None:
    first = build(SITE, write=False, use_cache=False).files
    second = build(SITE, write=False, use_cache=False).files
    bundle = sorted(k for k in first if k.startswith("pagefind/"))
    assert any(k.startswith("pagefind/index/ko_") for k in bundle) and any(k.startswith("pagefind/index/en_") for k in bundle)
    assert bundle == sorted(k for k in second if k.startswith("pagefind/"))
    assert all(first[k] == second[k] for k in bundle)
    assert "pagefind/pagefind-ui.js" not in first, "Pagefind's own UI is not shipped"
    assert b'"particles"' in first["assets/daeyeok-search.js"] and b"/*DAEYEOK_RULES*/" not in first["assets/daeyeok-search.js"]


def test_parallel_rows_pair_blocks_in_order() -> None:
    site = prepare(SITE).site
    ko, en = site.docs[("ko", "intro")], site.docs[("en", "intro")]
    files = build(SITE, write=False, use_cache=False).files
    parallel = files["ko/intro/parallel/index.html"].decode()
    text = re.sub(r"<[^>]+>", "", parallel)  # glossary terms in the Korean text are links (plugins/glossary_terms)
    assert 'class="parallel__other" lang="en"' in parallel and "신경망은 여러 층으로" in text
    assert '<meta name="robots" content="noindex">' in parallel
    assert "ko/intro/parallel/index.html" not in files["sitemap.xml"].decode()
    assert top_level_starts(ko.tokens) and top_level_starts(en.tokens)
    assert split_marked("", ko.tokens) == []
    assert rows([], [], [], [], Alignment(()), "en") == []


def test_git_log_output_gives_the_newest_date_per_file() -> None:
    out = "\x002026-03-02\ncontent/ko/a.md\n\n\x002026-01-01\ncontent/ko/a.md\ncontent/en/a.md\n"
    assert parse_log(out) == {"content/ko/a.md": "2026-03-02", "content/en/a.md": "2026-01-01"}


def test_a_build_stopped_before_rendering_leaves_no_pagefind_behind(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The command line's build starts Pagefind during the checks; when it stops before the
    pages render, the process is stopped and its temporary directory removed."""
    import pytest

    import daeyeok.build as build_module
    from daeyeok.search import SearchJob

    started: list[SearchJob] = []
    children: list[int] = []
    real_init = SearchJob.__init__

    def spy(self, site, cache=None, *, start=None):  # type: ignore[no-untyped-def]
        real_init(self, site, cache, start=start)
        started.append(self)
        children.extend([self.run._child] if self.run is not None and self.run._child is not None else [])

    def broken_engine(preferred: str):  # type: ignore[no-untyped-def]
        raise RuntimeError("no engine")

    monkeypatch.setattr(SearchJob, "__init__", spy)
    monkeypatch.setattr(build_module, "create_engine", broken_engine)
    with pytest.raises(RuntimeError, match="no engine"):
        build(SITE, tmp_path / "out", use_cache=False)
    assert len(started) == 1 and started[0].run is not None
    run = started[0].run
    assert run._proc is None and run._child is None and run._tmp is None, "Pagefind stopped and its directory removed"
    assert len(children) == 1, "the command line's build forks the child that becomes Pagefind"
    with pytest.raises(ChildProcessError):
        os.waitpid(children[0], os.WNOHANG)  # killed and reaped: no zombie left either
    with pytest.raises(ProcessLookupError):
        os.killpg(children[0], 0)  # nor any Pagefind of its process group
    assert not (tmp_path / "out").exists()


def test_cached_search_documents_follow_edits_and_the_vocabulary(make_site, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A page's search document comes from the cache while its text, the glossary and the
    vocabulary's answer for its word endings are unchanged; an edit elsewhere that takes a word
    out of the vocabulary changes the helper words of a page that was not edited."""
    from conftest import page
    from daeyeok.picklecache import PickleCache

    root = make_site({"content/ko/a.md": page("가", "고양이그림을 모은다.\n"), "content/ko/b.md": page("나", "그림은 빛이다.\n")})
    store = tmp_path / "search.sqlite"

    hits: list[int] = []

    def documents(cached: bool) -> dict[str, str]:
        cache = PickleCache(store, "search") if cached else None
        try:
            return {d.site_path: d.html for d in search_documents(prepare(root).site, cache)}
        finally:
            if cache is not None:
                hits.append(cache.hits)
                cache.close()

    first = documents(cached=True)
    assert first == documents(cached=False) and f"{MARK}그림" in first["ko/a/"]
    assert documents(cached=True) == first
    assert hits[-1] > len(first), "every document (and every page's stems) from the cache"
    b = root / "content/ko/b.md"
    b.write_text(b.read_text(encoding="utf-8").replace("그림은", "사진은"), encoding="utf-8")
    edited = documents(cached=True)
    assert edited == documents(cached=False)
    assert f"{MARK}그림" not in edited["ko/a/"], "page a was not edited, but its helper word left the vocabulary"


def test_pagefind_runs_as_its_binary_without_a_python_in_between(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """`python -m pagefind` only finds and execs the binary, after ~0.1 s of interpreter start-up and imports."""
    command = pagefind_binary()
    assert len(command) == 1 and Path(command[0]).name in ("pagefind_extended", "pagefind")
    assert subprocess.run([*command, "--version"], capture_output=True, text=True, check=True).stdout.startswith("pagefind")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", "/opt/pagefind")  # the variable pagefind's own lookup honours
    assert pagefind_binary() == ["/opt/pagefind"]


def _search_files(result) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    return {name: data for name, data in result.files.items() if name.startswith("pagefind/") or name == "assets/daeyeok-search.js"}


def test_the_forked_search_child_gives_the_bundle_computed_here(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The command line's build computes search documents in a child that then becomes Pagefind;
    without fork (a caller with threads, like the preview server) they are computed in-process."""
    import daeyeok.search as search_module

    forked = build(SITE, write=False, use_cache=False)
    assert not forked.diagnostics or all(d.code != "search" for d in forked.diagnostics)
    monkeypatch.setattr(search_module, "can_fork", lambda: False)
    here = build(SITE, write=False, use_cache=False)
    assert _search_files(forked) == _search_files(here) != {}


def test_a_search_child_that_fails_costs_the_search_index_not_the_build(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Before its exec (the documents raise) or at it (no Pagefind binary): a warning that says why, and the site without search."""
    import daeyeok.search as search_module
    import daeyeok.search.index as index_module

    def broken(site, cache=None):  # type: ignore[no-untyped-def]
        raise RuntimeError("documents went wrong")

    with monkeypatch.context() as patch:
        patch.setattr(search_module, "search_documents", broken)
        result = build(SITE, write=False, use_cache=False)
    found = [d.message for d in result.diagnostics if d.code == "search"]
    assert len(found) == 1 and "RuntimeError: documents went wrong" in found[0], found
    assert result.ok() and _search_files(result) == {} and "en/index.html" in result.files

    monkeypatch.setattr(index_module, "pagefind_binary", lambda: ["/nonexistent/pagefind"])
    result = build(SITE, write=False, use_cache=False)
    found = [d.message for d in result.diagnostics if d.code == "search"]
    assert len(found) == 1 and "/nonexistent/pagefind" in found[0], found
    assert result.ok() and _search_files(result) == {}


def test_one_pagefind_run_per_language_gives_the_bundle_of_one_run_over_all(tmp_path: Path) -> None:
    """Pagefind runs once per language (half the memory on a bilingual site); its files must be
    those of a single run, with pagefind-entry.json merged."""
    docs = search_documents(prepare(SITE, use_cache=False, with_status=False, terms=False).site)
    assert {d.lang for d in docs} == {"en", "ko"}
    split = PagefindRun(docs).bundle()
    for doc in docs:
        (tmp_path / "site" / doc.site_path).mkdir(parents=True, exist_ok=True)
        (tmp_path / "site" / doc.site_path / "index.html").write_text(doc.html, encoding="utf-8")
    subprocess.run([*pagefind_binary(), "--site", str(tmp_path / "site"), "--output-path", str(tmp_path / "one")], capture_output=True, check=True)
    one = {
        f"pagefind/{p.relative_to(tmp_path / 'one').as_posix()}": p.read_bytes()
        for p in (tmp_path / "one").rglob("*")
        if p.is_file() and not p.relative_to(tmp_path / "one").as_posix().startswith(UNUSED_PREFIXES)
    }
    one["pagefind/pagefind-entry.json"] = normalise_entry(one["pagefind/pagefind-entry.json"])
    assert split == one


def test_runs_that_disagree_give_no_bundle(tmp_path: Path) -> None:
    import pytest

    for lang, script in (("en", b"one"), ("ko", b"two")):
        (tmp_path / lang).mkdir()
        (tmp_path / lang / "pagefind.js").write_bytes(script)
        (tmp_path / lang / "pagefind-entry.json").write_text(f'{{"version":"1","languages":{{"{lang}":{{"hash":"{lang}_1"}}}}}}')
    with pytest.raises(SearchIndexError, match=r"different pagefind\.js"):
        _read_bundle(tmp_path, ["en", "ko"])
    (tmp_path / "ko" / "pagefind.js").write_bytes(b"one")
    merged = _read_bundle(tmp_path, ["en", "ko"])
    assert merged["pagefind/pagefind-entry.json"] == b'{"languages":{"en":{"hash":"en_1"},"ko":{"hash":"ko_1"}},"version":"1"}'
    (tmp_path / "ko" / "pagefind-entry.json").write_text('{"version":"2","languages":{"ko":{"hash":"ko_1"}}}')
    with pytest.raises(SearchIndexError, match="differ beyond their languages"):
        _read_bundle(tmp_path, ["en", "ko"])


def test_the_index_script_removes_the_documents_and_keeps_pagefinds_exit_status(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The documents are deleted by the script once Pagefind has read them (not by the build
    process at its end); the runs go one after the other or side by side, and the script fails
    when any of them fails."""
    from daeyeok.search.index import index_script

    only_korean_fails = tmp_path / "fake pagefind"
    only_korean_fails.write_text('#!/bin/sh\ncase "$*" in *"ko/**"*) sleep 0.2; exit 3;; esac\nexit 0\n')
    only_korean_fails.chmod(0o755)
    for fake, expected in (("/bin/true", 0), ("/bin/false", 1), (str(only_korean_fails), 1)):
        for side_by_side in (False, True):
            site = tmp_path / f"site {expected} {side_by_side}"  # a space: the path must be quoted
            (site / "en" / "a").mkdir(parents=True)
            (site / "en" / "a" / "index.html").write_text("<html></html>")
            monkeypatch.setenv("PAGEFIND_BINARY_PATH", fake)
            script = index_script(site, tmp_path / "bundle", ["en", "ko"], side_by_side=side_by_side)
            done = subprocess.run(["/bin/sh", "-c", script])
            assert (done.returncode != 0) == (expected != 0), (fake, side_by_side, done.returncode)
            assert not site.exists()
