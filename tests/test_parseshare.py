"""Pages the doc cache lacks are parsed half in a forked child on large builds
(daeyeok.doccache.parse_shared): the same documents and diagnostics as parsing them all here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import page

# In a fresh interpreter: a process where V8 or another library started threads never forks.
_RUN = """
import json, sys
from pathlib import Path
import daeyeok.forking as forking
from daeyeok.doccache import DocCache, parse_shared
from daeyeok.loader import load_site
from daeyeok.parse import parse_document
args = json.loads(sys.argv[1])
forks = []
real = forking.fork
def spy(work):
    child = real((lambda: 1 / 0) if args["broken"] else work)
    forks.append(child.pid)
    return child
forking.fork = spy
sources = load_site(Path(args["root"]))
items = [(f, lang) for lang, files in sorted(sources.pages.items()) for f in files]
cache = DocCache(Path(args["cache"]) if args["cache"] else None)
got = parse_shared(cache, items)
cache.close()
from daeyeok.parse import EMPTY
def tokens(ts):
    for t in ts:
        yield t
        yield from tokens(t.children or [])
empties = [d for doc, _ in got if doc for t in tokens(doc.tokens) for d in (t.attrs, t.meta) if not d]
shared = bool(empties) and all(d is EMPTY for d in empties)  # parsed here, by the child or read from the cache
print(json.dumps({"forks": len(forks), "same": got == [parse_document(*item) for item in items], "hits": cache.hits, "pages": len(items), "shared": shared}))
"""


def run(root: Path, cache: Path | None, *, broken: bool = False) -> dict[str, object]:
    args = {"root": str(root), "cache": str(cache) if cache else "", "broken": broken}
    env = dict(os.environ, DAEYEOK_PARSE_FORK_MIN="2")
    done = subprocess.run([sys.executable, "-c", _RUN, json.dumps(args)], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    answer: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return answer


def site(make_site) -> Path:  # type: ignore[no-untyped-def]
    files: dict[str, str | bytes] = {f"content/ko/p{i}.md": page(f"쪽 {i}", f"## 절 {i}\n\n가중치 $w_{i}$, [없는 곳](#nowhere{i}).\n") for i in range(6)}
    files["content/en/p0.md"] = "---\ntitle: [unclosed\n---\nbody\n"  # a page with a front-matter error: its diagnostic comes back too
    return make_site(files)


def test_forked_parsing_gives_what_parsing_here_gives(make_site) -> None:  # type: ignore[no-untyped-def]
    answer = run(site(make_site), None)
    assert answer["forks"] == 1 and answer["same"] is True and answer["pages"] == 11 and answer["shared"] is True


def test_a_failing_child_costs_time_not_pages(make_site) -> None:  # type: ignore[no-untyped-def]
    answer = run(site(make_site), None, broken=True)
    assert answer["forks"] == 1 and answer["same"] is True


def test_pages_the_child_parsed_are_cached(make_site, tmp_path) -> None:  # type: ignore[no-untyped-def]
    root = site(make_site)
    first = run(root, tmp_path / "docs.sqlite")
    assert first["forks"] == 1 and first["hits"] == 0
    again = run(root, tmp_path / "docs.sqlite")
    assert again["forks"] == 0 and again["hits"] == again["pages"] and again["same"] is True and again["shared"] is True


def test_the_shared_empty_dict_refuses_changes_and_pickles_plain() -> None:
    """Every parsed token without attributes holds the same dict: changing it would change them all."""
    import pickle

    import pytest

    from daeyeok.parse import EMPTY

    for change in (lambda d: d.__setitem__("id", "x"), lambda d: d.update(id="x"), lambda d: d.setdefault("id", "x"), lambda d: d.clear()):
        with pytest.raises(TypeError, match="share one empty"):
            change(EMPTY)
    assert EMPTY == {} and not EMPTY
    plain = pickle.loads(pickle.dumps(EMPTY))
    assert type(plain) is dict and plain == {}
    plain["id"] = "x"  # a copy read back is an ordinary dict
    assert dict(EMPTY) == {} and type(EMPTY.copy()) is dict
