"""Hangul arithmetic and particle agreement (daeyeok.korean)."""

from __future__ import annotations

import pytest

from daeyeok.korean import (
    final_index,
    has_batchim,
    is_hangul_text,
    latin_reading,
    particle_problem,
    suffix_is_inflection,
)


def test_final_consonant_arithmetic() -> None:
    assert final_index("가") == 0
    assert final_index("각") == 1
    assert final_index("갈") == 8  # ㄹ
    assert final_index("힣") == 27
    assert final_index("a") == -1
    assert has_batchim("신경망") is True
    assert has_batchim("레이어") is False
    assert has_batchim("ReLU") is None
    assert has_batchim("") is None


@pytest.mark.parametrize(
    ("reading", "suffix", "expected"),
    [
        ("손실", "를", ("를", "을")),
        ("손실", "을", None),
        ("신경망", "는", ("는", "은")),
        ("레이어", "은", ("은", "는")),
        ("레이어", "이", ("이", "가")),
        ("신경망", "가", ("가", "이")),
        ("필터", "과", ("과", "와")),
        ("신경망", "와", ("와", "과")),
        ("신경망", "로", ("로", "으로")),
        ("필터", "으로", ("으로", "로")),
        ("레이블", "로", None),  # ㄹ takes 로
        ("레이블", "으로", ("으로", "로")),
        ("모델", "으로서", ("으로서", "로서")),
        ("신경망", "로써", ("로써", "으로써")),
        ("파라미터", "으로부터", ("으로부터", "로부터")),
        ("신경망", "나", ("나", "이나")),
        ("필터", "이나", None),  # the copula form after a vowel is grammatical
        ("신경망", "랑", ("랑", "이랑")),
        ("필터", "이랑", ("이랑", "랑")),
        ("신경망", "야", ("야", "아")),
        ("신경망", "라", ("라", "이라")),
        ("레귤러라이제이션", "라고도", ("라고", "이라고")),
        ("필터", "이다", None),  # copula, not the subject particle
        ("필터", "인", None),
        ("신경망", "가능", None),  # not a particle: 가능 is another word
        ("렐루", "를", None),
        ("드롭아웃", "을", None),
        ("레이어들", "를", ("를", "을")),
    ],
)
def test_particle_problem(reading: str, suffix: str, expected: tuple[str, str] | None) -> None:
    assert particle_problem(reading, suffix) == expected


def test_inflection_keeps_words_apart() -> None:
    assert suffix_is_inflection("")
    assert suffix_is_inflection("은")
    assert suffix_is_inflection("들을")
    assert suffix_is_inflection("에서는")
    assert suffix_is_inflection("한다")  # 구현한다
    assert suffix_is_inflection("해야")
    assert suffix_is_inflection("입니다")
    assert not suffix_is_inflection("넷")  # 이미지넷
    assert not suffix_is_inflection("값")


def test_latin_reading() -> None:
    assert latin_reading("RNN") == "알엔엔"
    assert latin_reading("GRU") == "지알유"
    assert latin_reading("10") == "일영"
    assert latin_reading("dropout") is None  # ordinary words need a glossary reading


def test_is_hangul_text() -> None:
    assert is_hangul_text("신경망은 레이어로 이루어진다 (neural network)")
    assert not is_hangul_text("A neural network is made of layers, 신경망.")
