"""``daeyeok status`` on hand-made page pairs: progress, outdated blocks, --accept, structure findings."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import diagnostics_of, page

EN_A = """## First section {#first}

The first English paragraph explains the score function in detail.

The second English paragraph introduces the loss with $L_i$ and more words.

$$
L = \\frac{1}{N} \\sum_i L_i
$$

$$
R(W) = \\sum_k W_k^2
$$

## Second section {#second}

The third English paragraph closes the page with a short summary of it all.
"""

KO_A = """## 첫 절 {#first}

첫 번째 문단은 점수 함수를 자세히 설명한다.

두 번째 문단은 $L_i$로 손실을 소개한다.

$$
L = \\frac{1}{N} \\sum_i L_i
$$

$$
R(W) = \\sum_k W_k^2
$$

## 둘째 절 {#second}

세 번째 문단은 페이지 전체를 짧게 요약하며 마무리한다.
"""


def site_files(en: str = EN_A, ko: str = KO_A) -> dict[str, str | bytes]:
    return {"content/en/a.md": page("Page A", en), "content/ko/a.md": page("가 페이지", ko)}


def status_json(cli, root: Path) -> dict:  # type: ignore[no-untyped-def,type-arg]
    result = cli("status", "--site", str(root), "--format", "json", "--no-git")
    data = json.loads(result.out)
    return {p["key"]: p for p in data["pages"]} | {"_site": data["site"], "_diags": data["diagnostics"], "_code": result.code}


def test_complete_translation_is_100_percent_and_clean(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    root = make_site(site_files())
    data = status_json(cli, root)
    assert data["a"]["percent"] == 100 and data["a"]["state"] == "complete"
    assert data["a"]["synced"] is False
    assert data["_diags"] == []
    assert data["_code"] == 0


def test_english_paragraph_left_in_korean_file_lowers_progress_by_its_words(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    english = "The second English paragraph introduces the loss with $L_i$ and more words."
    root = make_site(site_files(ko=KO_A.replace("두 번째 문단은 $L_i$로 손실을 소개한다.", english)))
    a = status_json(cli, root)["a"]
    # words: heading 2, p1 10, p2 12 (11 words + 1 formula), two math blocks 1 each, heading 2, p3 14
    assert (a["translated_words"], a["total_words"]) == (30, 42)
    assert a["percent"] == 71  # 30/42 rounded down
    assert a["blocks"]["english_in_translation"] == 1
    assert a["state"] == "partial"


def test_edit_one_english_paragraph_flags_exactly_that_korean_block_then_accept_clears_it(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    root = make_site(site_files())
    accepted = cli("status", "--site", str(root), "--accept", "a", "--no-git")
    assert accepted.code == 0, accepted.err
    assert "accepted a (ko): 7 source blocks recorded in translations.lock" in accepted.err
    lock = (root / "translations.lock").read_text(encoding="utf-8")
    assert json.loads(lock)["pages"]["a"]["ko"]["source"] == "en"

    en_path = root / "content/en/a.md"
    en_path.write_text(en_path.read_text(encoding="utf-8").replace("explains the score function", "describes the score function"), encoding="utf-8")
    result = cli("status", "--site", str(root), "--no-git")
    assert diagnostics_of(result.err) == [
        f"{root.relative_to(Path.cwd()) if root.is_relative_to(Path.cwd()) else root}/content/ko/a.md:7:1: warning outdated: the source of this block changed since the translation was accepted "
        f"({root.relative_to(Path.cwd()) if root.is_relative_to(Path.cwd()) else root}/content/en/a.md:7) (fix: update the translation, then run 'daeyeok status --accept a')"
    ]
    assert result.code == 0
    assert cli("status", "--site", str(root), "--no-git", "--strict").code == 1

    assert cli("status", "--site", str(root), "--accept", "content/ko/a.md", "--no-git").code == 0
    clean = cli("status", "--site", str(root), "--no-git", "--strict")
    assert diagnostics_of(clean.err) == []
    assert clean.code == 0


def test_outdated_block_survives_unrelated_edits_to_the_translation(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    root = make_site(site_files())
    assert cli("status", "--site", str(root), "--accept-all", "--no-git").code == 0
    en_path, ko_path = root / "content/en/a.md", root / "content/ko/a.md"
    en_path.write_text(en_path.read_text(encoding="utf-8").replace("short summary", "brief summary"), encoding="utf-8")
    # the translator inserts a note near the top: the Korean lines shift, the flagged block must not change
    ko_path.write_text(
        ko_path.read_text(encoding="utf-8").replace("## 첫 절 {#first}\n", "## 첫 절 {#first}\n\n역자 주: 이 문단은 번역에만 있다.\n"), encoding="utf-8"
    )
    outdated = status_json(cli, root)["a"]["outdated"]
    assert [(o["line"], o["source_line"], o["block"]) for o in outdated] == [(23, 21, "b-second-p1")]


def test_removed_english_block_flags_its_translation(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    root = make_site(site_files())
    cli("status", "--site", str(root), "--accept", "a", "--no-git")
    en_path = root / "content/en/a.md"
    en_path.write_text(
        en_path.read_text(encoding="utf-8").replace("The first English paragraph explains the score function in detail.\n\n", ""), encoding="utf-8"
    )
    outdated = status_json(cli, root)["a"]["outdated"]
    assert [(o["line"], o["source_block"], o["was"]) for o in outdated] == [(7, None, "b-first-p1")]


def test_reordered_display_formula_is_a_structure_finding_in_status_and_build(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    swapped = KO_A.replace(
        "$$\nL = \\frac{1}{N} \\sum_i L_i\n$$\n\n$$\nR(W) = \\sum_k W_k^2\n$$", "$$\nR(W) = \\sum_k W_k^2\n$$\n\n$$\nL = \\frac{1}{N} \\sum_i L_i\n$$"
    )
    assert swapped != KO_A
    root = make_site(site_files(ko=swapped))
    result = cli("status", "--site", str(root), "--no-git", cwd=root)
    expected = "content/ko/a.md:11:1: warning structure-math: display formulas are in a different order than in the source: $R(W) = \\sum_k W_k^2$ here, $L = \\frac{1}{N} \\sum_i L_i$ at this place in content/en/a.md:11"
    assert diagnostics_of(result.err) == [expected]
    strict = cli("status", "--site", str(root), "--no-git", "--strict", cwd=root)
    assert diagnostics_of(strict.err) == [expected.replace(": warning ", ": error ")]
    assert strict.code == 1
    build = cli("build", "--site", str(root), "-q", cwd=root)
    assert expected in diagnostics_of(build.err)


def test_formula_content_code_and_pinned_id_differences(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    en = EN_A + "\n```python\nx = f(1)  # one\n```\n"
    ko = KO_A.replace("{#second}", "{#zweite}").replace("R(W) = \\sum_k W_k^2", "R(W) = \\sum_k W_k^3") + "\n```python\nx = f(2)  # 하나\n```\n"
    root = make_site(site_files(en=en, ko=ko))
    result = cli("status", "--site", str(root), "--no-git", cwd=root)
    assert diagnostics_of(result.err) == [
        "content/ko/a.md:15:1: warning structure-math: formula differs from the source: $R(W) = \\sum_k W_k^3$ here, $R(W) = \\sum_k W_k^2$ in content/en/a.md:15 (fix: formulas should be identical in both languages)",
        "content/ko/a.md:19:1: warning structure-ids: pinned heading id {#zweite} differs from the source's {#second} (content/en/a.md:19) (fix: write '{#second}' at the end of the heading)",
        "content/ko/a.md:24:1: warning structure-code: code differs from the source (content/en/a.md:23) beyond comments and strings (fix: translate only comments and strings inside code)",
    ]


def test_translated_comments_in_code_are_not_a_finding(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    root = make_site(site_files(en=EN_A + "\n```python\nx = f('a')  # one\n```\n", ko=KO_A + "\n```python\nx = f('가')  # 하나\n```\n"))
    assert diagnostics_of(cli("status", "--site", str(root), "--no-git", cwd=root).err) == []


def test_accept_unknown_page_is_a_usage_error_without_traceback(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    root = make_site(site_files())
    result = cli("status", "--site", str(root), "--accept", "nope")
    assert result.code == 2
    assert "Traceback" not in result.err
    assert "--accept nope: no such page" in result.err
    assert not (root / "translations.lock").exists()


def test_broken_lock_is_reported_at_its_line_and_accept_refuses_to_overwrite_it(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    root = make_site(site_files() | {"translations.lock": '{\n  "format": "daeyeok-translations-lock",\n  "version": 7,\n  "pages": {}\n}\n'})
    result = cli("status", "--site", str(root), "--no-git", cwd=root)
    assert "translations.lock:3:14: error lock: lock file version 7 is not supported (this daeyeok writes version 1)" in diagnostics_of(result.err)
    assert result.code == 1
    refused = cli("status", "--site", str(root), "--accept", "a", "--no-git", cwd=root)
    assert refused.code == 1 and "not accepting" in refused.err
    assert '"version": 7' in (root / "translations.lock").read_text(encoding="utf-8")


def test_text_report_lists_pages_sections_and_site_totals(make_site, cli) -> None:  # type: ignore[no-untyped-def]
    root = make_site(site_files())
    out = cli("status", "--site", str(root), "--no-git").out
    assert "translation status: ko from en; 2 of 2 pages complete; 0 synced in translations.lock" in out
    lines = out.splitlines()
    assert any(line.split()[:4] == ["a", "[####################]", "100%", "42/42"] for line in lines)
    assert any(line.strip().startswith("(section)") for line in lines)
    assert lines[-1].startswith("site: [####################] 100%")
