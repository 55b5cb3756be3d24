"""File events: bursts become one rebuild, and the ways editors save files all end in the new text being served."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from daeyeok.serve.watcher import Rebuilder, SiteWatcher, editor_noise
from serve_helpers import WAIT, get, running


def test_a_burst_of_triggers_is_one_rebuild() -> None:
    calls: list[int] = []
    done = threading.Event()

    def rebuild() -> None:
        calls.append(1)
        done.set()

    r = Rebuilder(rebuild, quiet=0.3)
    r.start()
    try:
        for i in range(200):
            r.trigger(removal=i % 7 == 0)
        assert done.wait(WAIT)
        r.trigger()  # a later event is a second rebuild
        deadline = threading.Event()
        deadline.wait(1.0)
    finally:
        r.stop()
        r.join(WAIT)
    assert len(calls) == 2


def test_relevant_files(tmp_path: Path) -> None:
    w = SiteWatcher(tmp_path, lambda **_: None)
    assert w.relevant(str(tmp_path / "site.yml")) and w.relevant(str(tmp_path / "glossary.yml"))
    assert w.relevant(str(tmp_path / "content/ko/a.md")) and w.relevant(str(tmp_path / "static/x.png"))
    assert w.relevant(str(tmp_path / "templates/partials/nav.html"))
    for noise in (
        "content/ko/.a.md.swp",
        "content/ko/a.md~",
        "content/ko/4913",
        "content/ko/a.md___jb_tmp___",
        "_site/ko/index.html",
        ".git/index",
        "README.md",
    ):
        assert not w.relevant(str(tmp_path / noise)), noise
    assert editor_noise(".#a.md") and not editor_noise("a.md")


def save_in_place(path: Path, text: str) -> None:  # VS Code, nano
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


def save_vim(path: Path, text: str) -> None:  # backup by rename, write anew, drop the backup
    probe = path.parent / "4913"
    probe.write_text("")
    probe.unlink()
    backup = path.with_name(path.name + "~")
    os.rename(path, backup)
    path.write_text(text, encoding="utf-8")
    backup.unlink()


def save_jetbrains(path: Path, text: str) -> None:  # write a temp file, swap by renames
    tmp = path.with_name(path.name + "___jb_tmp___")
    old = path.with_name(path.name + "___jb_old___")
    tmp.write_text(text, encoding="utf-8")
    os.rename(path, old)
    os.rename(tmp, path)
    old.unlink()


def save_atomic_replace(path: Path, text: str) -> None:  # write to a hidden temp file, os.replace over
    tmp = path.with_name("." + path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


@pytest.mark.parametrize("save", [save_in_place, save_vim, save_jetbrains, save_atomic_replace])
def test_every_way_of_saving_ends_with_the_new_text_served(make_site, save) -> None:  # type: ignore[no-untyped-def]
    site = make_site()
    with running(site) as app:
        path = site / "content/en/a.md"
        for n in range(3):
            before = app.builder.snapshot.version if app.builder.snapshot else 0
            save(path, f"---\ntitle: Page A\n---\n\nSaved version {n}.\n")
            deadline = threading.Event()
            for _ in range(int(WAIT / 0.05)):
                snap = app.builder.snapshot
                if snap and snap.version > before and b"Saved version %d." % n in snap.files.get("en/a/index.html", b""):
                    break
                deadline.wait(0.05)
            status, _, body = get(app.server.port, "/en/a/")
            assert status == 200 and f"Saved version {n}.".encode() in body
        snap = app.builder.snapshot
        assert snap is not None and snap.errors == ()
        assert not any("___jb_" in rel or rel.endswith("~") for rel in snap.files)


def test_reading_files_does_not_trigger_rebuilds(make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site()
    with running(site) as app:
        (site / "content/ko/a.md").read_text(encoding="utf-8")
        threading.Event().wait(0.5)
        assert app.rebuilder.rebuilds == 0


def test_directories_created_later_are_watched(make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site()
    with running(site) as app:
        (site / "templates" / "partials").mkdir(parents=True)
        threading.Event().wait(0.3)  # let the watch on the new directory be set up
        for text in ("late footer", "second edit inside the new directory"):
            (site / "templates" / "partials" / "footer.html").write_text(f"<p>{text}</p>\n", encoding="utf-8")
            for _ in range(int(WAIT / 0.05)):
                snap = app.builder.snapshot
                if snap and text.encode() in snap.files.get("ko/a/index.html", b""):
                    break
                threading.Event().wait(0.05)
            assert text.encode() in get(app.server.port, "/ko/a/")[2]
