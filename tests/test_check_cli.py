"""``daeyeok check``: output formats (SARIF validated against its schema), --fix, --diff, exit codes, build parity."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema

from conftest import diagnostics_of, page

GLOSSARY = """\
- en: weights
  ko: 가중치
  avoid: [웨이트]
- en: loss
  ko: 손실
- en: covariance
  ko: 공분산
"""
BODY = "웨이트를 바꾼다. 손실(loss)를 줄인다.\n\n공분산(Convairance)을 본다. `웨이트를` 그대로.\n"
SCHEMA = Path(__file__).parent / "data" / "sarif-2.1.0-rtm.5.json"


EN_BODY = "We change the weights. We reduce the loss.\n\nWe look at the covariance. `weights` stays.\n"


def site_with(make_site, body: str = BODY):  # type: ignore[no-untyped-def]
    """A site whose page a has the same structure in both languages, so only glossary findings show."""
    return make_site({"glossary.yml": GLOSSARY, "content/ko/a.md": page("가", body), "content/en/a.md": page("A", EN_BODY)})


def test_text_output_and_exit_code(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    root = site_with(make_site)
    result = cli("check", cwd=root)
    assert result.code == 1
    assert diagnostics_of(result.out) == [
        "content/ko/a.md:5:1: error term-avoided: '웨이트' is a form to avoid for 'weights'; the glossary has 가중치 (fix: 가중치를)",
        "content/ko/a.md:5:19: error particle: particle '를' after 손실(loss) should be '을'; it agrees with 손실, not with 'loss' (fix: 손실(loss)을)",
        "content/ko/a.md:7:5: warning term-gloss: 'Convairance' after 공분산 is not the glossary English of 공분산 (covariance); closest glossary term: 'covariance' (공분산)",
    ]


def test_warnings_fail_only_with_strict(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    root = site_with(make_site, "공분산(Convairance)을 본다.\n")
    assert cli("check", cwd=root).code == 0
    assert cli("check", "--strict", cwd=root).code == 1


def test_build_reports_the_same_findings(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    root = site_with(make_site)
    checked = diagnostics_of(cli("check", cwd=root).out)
    built = cli("build", cwd=root)
    assert built.code == 1
    assert set(checked) <= set(diagnostics_of(built.err))


def test_github_format(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    root = site_with(make_site)
    lines = cli("check", "--format", "github", cwd=root).out.splitlines()
    assert lines[0].startswith("::error file=content/ko/a.md,line=5,col=1,title=term-avoided::'웨이트' is a form to avoid")
    assert lines[2].startswith("::warning file=content/ko/a.md,line=7,col=5,")


def test_sarif_is_valid(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    root = site_with(make_site)
    log = json.loads(cli("check", "--format", "sarif", cwd=root).out)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(log)
    results = log["runs"][0]["results"]
    assert [(r["ruleId"], r["level"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results] == [
        ("term-avoided", "error", 5),
        ("particle", "error", 5),
        ("term-gloss", "warning", 7),
    ]
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results)


def test_sarif_schema_rejects_a_broken_log() -> None:
    """The validation above can fail: a log without 'version' is refused."""
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    errors = list(jsonschema.Draft4Validator(schema).iter_errors({"runs": []}))
    assert errors


def test_json_with_summary(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    root = site_with(make_site, "웨이트를 바꾼다. 가중치를 바꾼다. 가중치가 크다. 손실을 줄인다.\n\n공분산을 본다.\n")
    data = json.loads(cli("check", "--format", "json", "--summary", cwd=root).out)
    assert [d["code"] for d in data["diagnostics"]] == ["term-avoided"]
    weights = next(s for s in data["summary"] if s["term"] == "weights")
    assert [(f["form"], f["kind"], f["count"]) for f in weights["forms"]] == [("가중치", "preferred", 2), ("웨이트", "avoided", 1)]
    assert weights["forms"][1]["places"] == ["content/ko/a.md:5:1"]


def test_diff_writes_nothing_and_fix_applies(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    root = site_with(make_site)
    target = root / "content/ko/a.md"
    original = target.read_text(encoding="utf-8")
    diff = cli("check", "--diff", cwd=root)
    assert "-웨이트를 바꾼다. 손실(loss)를 줄인다." in diff.out
    assert "+가중치를 바꾼다. 손실(loss)을 줄인다." in diff.out
    assert target.read_text(encoding="utf-8") == original
    fixed = cli("check", "--fix", cwd=root)
    assert "fixed 2 findings in 1 files" in fixed.err
    after = target.read_text(encoding="utf-8")
    assert after == original.replace("웨이트를 바꾼다. 손실(loss)를", "가중치를 바꾼다. 손실(loss)을")
    assert "`웨이트를`" in after  # code is not prose
    again = cli("check", cwd=root)
    assert [line.split(": ")[1] for line in diagnostics_of(again.out)] == ["warning term-gloss"]
    assert again.code == 0


def test_paths_outside_a_site(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "g.yml").write_text(GLOSSARY, encoding="utf-8")
    ko = tmp_path / "notes" / "ko"
    en = tmp_path / "notes" / "en"
    ko.mkdir(parents=True)
    en.mkdir(parents=True)
    (ko / "x.md").write_text("# 제목\n\n파라미터가 바뀐다.\n", encoding="utf-8")
    (en / "x.md").write_text("# Title\n\nThe weights change.\n", encoding="utf-8")
    (tmp_path / "notes" / "b_ko.srt").write_text("1\n00:00:01,000 --> 00:00:02,000\n웨이트를 봅니다\n", encoding="utf-8")
    result = cli("check", "--glossary", str(tmp_path / "g.yml"), "notes", cwd=tmp_path)
    assert diagnostics_of(result.out) == [
        "notes/b_ko.srt:3:1: error term-avoided: '웨이트' is a form to avoid for 'weights'; the glossary has 가중치 (fix: 가중치를)",
        "notes/ko/x.md:3:1: warning term-missing: the English paragraph (notes/en/x.md:3) uses 'weights'; this paragraph has neither 가중치 nor 'weights'",
    ]


def test_user_mistakes_are_not_tracebacks(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    missing = cli("check", "nowhere.md", cwd=tmp_path)
    assert missing.code == 2 and "no glossary" in missing.err
    (tmp_path / "g.yml").write_text("- en: x\n  ko: 엑스\n  colour: red\n", encoding="utf-8")
    (tmp_path / "a.md").write_text("안녕\n", encoding="utf-8")
    bad = cli("check", "--glossary", "g.yml", "a.md", cwd=tmp_path)
    assert bad.code == 1 and "g.yml:3:3: error glossary: unknown key 'colour'" in bad.out
    gone = cli("check", "--glossary", "g.yml", "nope.md", cwd=tmp_path)
    assert "Traceback" not in gone.err + gone.out
    assert cli("check", "--fix", "--diff", cwd=tmp_path).code == 2


def test_the_command_line_names_every_output_format() -> None:
    from daeyeok.commands.check import FORMATS as offered
    from daeyeok.terms.formats import FORMATS

    assert tuple(offered) == tuple(FORMATS)


def test_unchanged_pages_are_not_checked_again(make_site, cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Per-page findings are kept in .daeyeok-cache/results.sqlite, keyed by both texts, the glossary and the code."""
    import daeyeok.terms.runner as runner

    root = site_with(make_site)
    checked: list[str] = []
    real = runner.check_one
    monkeypatch.setattr(runner, "check_one", lambda m, ko, en: checked.append(ko.path) or real(m, ko, en))
    first = cli("check", cwd=root)
    assert sorted(checked) == ["content/ko/a.md", "content/ko/index.md"]
    assert (root / ".daeyeok-cache" / "results.sqlite").is_file()

    checked.clear()
    again = cli("check", cwd=root)
    assert (again.code, again.out) == (first.code, first.out) and checked == []

    (root / "content/ko/a.md").write_text(page("가", "손실(loss)를 줄인다.\n"), encoding="utf-8")
    edited = cli("check", cwd=root)
    assert checked == ["content/ko/a.md"]
    assert diagnostics_of(edited.out) == [
        "content/ko/a.md:5:1: warning term-missing: the English paragraph (content/en/a.md:5) uses 'weights'; this paragraph has neither 가중치 nor 'weights'",
        "content/ko/a.md:5:9: error particle: particle '를' after 손실(loss) should be '을'; it agrees with 손실, not with 'loss' (fix: 손실(loss)을)",
    ]

    checked.clear()
    (root / "glossary.yml").write_text(GLOSSARY.replace("ko: 손실\n", "ko: 손실\n  note: 모형이 틀린 정도\n"), encoding="utf-8")
    cli("check", cwd=root)
    assert sorted(checked) == ["content/ko/a.md", "content/ko/index.md"]

    checked.clear()
    uncached = cli("check", "--no-cache", cwd=root)
    assert uncached.out == edited.out and len(checked) == 2


def test_a_damaged_cache_costs_time_not_results(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    root = site_with(make_site)
    expected = cli("check", cwd=root).out
    (root / ".daeyeok-cache" / "results.sqlite").write_bytes(b"not a database" * 100)
    for name in ("results.sqlite-wal", "results.sqlite-shm"):
        (root / ".daeyeok-cache" / name).unlink(missing_ok=True)
    assert cli("check", cwd=root).out == expected
    assert cli("check", cwd=root).out == expected


def test_fix_after_a_cached_run(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    """Edits come back from the cache with their file offsets: --fix on a warm cache fixes the file."""
    root = site_with(make_site)
    cli("check", cwd=root)
    assert cli("check", "--fix", cwd=root).code == 0  # only the gloss warning is left
    text = (root / "content/ko/a.md").read_text(encoding="utf-8")
    assert "가중치를 바꾼다. 손실(loss)을 줄인다." in text
    assert [d for d in diagnostics_of(cli("check", cwd=root).out) if "error" in d] == []


def six_pages(make_site):  # type: ignore[no-untyped-def]
    """A site of six page pairs with findings (enough pages to be shared between processes)."""
    files = {"glossary.yml": GLOSSARY}
    for i in range(6):
        files[f"content/ko/p{i}.md"] = page(f"쪽 {i}", BODY * (i + 1))
        files[f"content/en/p{i}.md"] = page(f"Page {i}", EN_BODY * (i + 1))
    return make_site(files)


def count_forks(monkeypatch) -> list[int]:  # type: ignore[no-untyped-def]
    """Record every fork the glossary checker makes (one entry each)."""
    import daeyeok.terms.runner as runner

    forks: list[int] = []
    real = runner.os.fork

    def spy() -> int:
        forks.append(1)
        return real()

    monkeypatch.setattr(runner.os, "fork", spy)
    return forks


def test_forked_workers_report_what_one_process_does(make_site, cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Pages the cache lacks are checked in forked processes (check_many); the report is the same."""
    import daeyeok.commands.check as check_command
    import daeyeok.terms.runner as runner

    root = six_pages(make_site)
    forks = count_forks(monkeypatch)
    monkeypatch.setattr(check_command, "WORKERS", 1)
    alone = cli("check", "--no-cache", "--format", "json", cwd=root)
    assert forks == []
    monkeypatch.setattr(check_command, "WORKERS", 2)
    shared = cli("check", "--no-cache", "--format", "json", cwd=root)
    assert forks == [1]
    assert (shared.code, shared.out) == (alone.code, alone.out)
    assert len(json.loads(shared.out)["diagnostics"]) >= 18

    real = os.fork

    def failing_fork() -> int:  # a child that dies at once: its share is checked in this process
        pid = real()
        if pid == 0:
            runner.os._exit(3)
        return pid

    monkeypatch.setattr(runner.os, "fork", failing_fork)
    assert cli("check", "--no-cache", "--format", "json", cwd=root).out == alone.out


def test_build_checks_terms_in_a_child_with_the_same_findings(make_site, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """daeyeok build checks glossary terms in a forked child while it computes links and status."""
    from daeyeok.build import prepare

    root = six_pages(make_site)
    forks = count_forks(monkeypatch)
    inline = prepare(root, use_cache=False, background_terms=False).diagnostics
    assert forks == []
    child = prepare(root, use_cache=False, background_terms=True).diagnostics
    assert forks == [1]
    assert [d.format() for d in child] == [d.format() for d in inline]
    assert sum(d.code == "term-avoided" for d in child) == 21  # BODY is repeated 1 + 2 + … + 6 times
    # without translation status to compute, the parent checks half of the pages itself
    inline = prepare(root, use_cache=False, with_status=False).diagnostics
    shared = prepare(root, use_cache=False, with_status=False, background_terms=True).diagnostics
    assert forks == [1, 1]
    assert [d.format() for d in shared] == [d.format() for d in inline]
