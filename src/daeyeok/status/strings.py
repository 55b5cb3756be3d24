"""The words of the status page, the progress bars and the outdated markers, per interface language."""

from __future__ import annotations

from collections.abc import Mapping

STRINGS: Mapping[str, Mapping[str, str]] = {
    "ko": {
        "status_title": "번역 현황",
        "status_intro": "영어 원문 대비 {lang} 번역이 얼마나 진행되었는지 블록 단위로 계산한 값입니다. 원문 단어 수로 가중합니다.",
        "page": "페이지",
        "progress": "진행률",
        "words": "단어",
        "outdated": "원문 변경",
        "findings": "구조 차이",
        "section_total": "소계",
        "site_total": "전체",
        "complete": "완료",
        "partial": "번역 중",
        "untranslated": "번역 없음",
        "never_synced": "동기화 기록 없음",
        "outdated_marker": "원문이 수정되었습니다",
        "outdated_removed": "원문에서 삭제된 내용입니다",
        "read_source": "영어 원문 보기",
        "partial_banner": "이 페이지는 일부만 번역되었습니다 ({percent}%). 번역되지 않은 부분은 영어 원문 그대로입니다.",
        "outdated_banner": "원문이 수정되어 번역을 다시 살펴봐야 하는 블록이 {count}개 있습니다.",
        "see_status": "번역 현황 보기",
        "progress_label": "번역 {percent}%",
        "pages_complete": "{complete}/{pages} 페이지 완료",
    },
    "en": {
        "status_title": "Translation status",
        "status_intro": "How far the {lang} translation has come, computed block by block against the English source and weighted by its words.",
        "page": "Page",
        "progress": "Progress",
        "words": "Words",
        "outdated": "Outdated",
        "findings": "Structure",
        "section_total": "Section total",
        "site_total": "Whole site",
        "complete": "complete",
        "partial": "in progress",
        "untranslated": "not translated",
        "never_synced": "never synced",
        "outdated_marker": "The source of this block has changed",
        "outdated_removed": "This block was removed from the source",
        "read_source": "Read the English source",
        "partial_banner": "This page is only partly translated ({percent}%). Untranslated parts are shown in English.",
        "outdated_banner": "{count} blocks need review because the English source changed.",
        "see_status": "Translation status",
        "progress_label": "{percent}% translated",
        "pages_complete": "{complete} of {pages} pages complete",
    },
}


def strings(lang: str) -> Mapping[str, str]:
    return STRINGS.get(lang, STRINGS["en"])
