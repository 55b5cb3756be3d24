"""The interface's own words, in each language the site can be built in."""

from __future__ import annotations

from collections.abc import Mapping

STRINGS: Mapping[str, Mapping[str, str]] = {
    "ko": {
        "language_name": "한국어",
        "switch_to": "이 페이지를 한국어로 보기",
        "contents": "목차",
        "on_this_page": "이 페이지의 내용",
        "previous": "이전",
        "next": "다음",
        "navigation": "탐색",
        "menu": "메뉴",
        "not_translated": "아직 번역되지 않았습니다.",
        "not_translated_detail": "이 페이지는 아직 한국어로 번역되지 않아 영어 원문을 보여 드립니다.",
        "read_original": "영어 원문 보기",
        "edit_page": "이 페이지 고치기",
        "theme": "화면 테마",
        "theme_light": "밝게",
        "theme_dark": "어둡게",
        "theme_auto": "시스템 설정",
        "skip_to_content": "본문으로 건너뛰기",
        "not_found_title": "페이지를 찾을 수 없습니다",
        "not_found_body": "주소가 바뀌었거나 없는 페이지입니다.",
        "go_home": "첫 페이지로",
        "landing_offer": "Read these notes in English",
        "home": "처음",
        "generated_by": "daeyeok(대역)으로 만들었습니다",
        "math_error": "수식 오류",
        "fallback_badge": "원문",
    },
    "en": {
        "language_name": "English",
        "switch_to": "Read this page in English",
        "contents": "Contents",
        "on_this_page": "On this page",
        "previous": "Previous",
        "next": "Next",
        "navigation": "Navigation",
        "menu": "Menu",
        "not_translated": "Not translated yet.",
        "not_translated_detail": "This page has not been translated into English yet, so the Korean original is shown.",
        "read_original": "Read the Korean original",
        "edit_page": "Edit this page",
        "theme": "Colour theme",
        "theme_light": "Light",
        "theme_dark": "Dark",
        "theme_auto": "System",
        "skip_to_content": "Skip to content",
        "not_found_title": "Page not found",
        "not_found_body": "The address may have changed, or the page does not exist.",
        "go_home": "Go to the first page",
        "landing_offer": "한국어로 읽기",
        "home": "Home",
        "generated_by": "Built with daeyeok",
        "math_error": "Math error",
        "fallback_badge": "original",
    },
}


def strings(lang: str) -> Mapping[str, str]:
    return STRINGS[lang]
