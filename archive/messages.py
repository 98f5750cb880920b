"""Every word an editor reads, in Vietnamese, in one place: errors, warnings, suggestions,
the import report, the comments written into drafts and the command line's help.

Each message is a template keyed by a short English name; `say(key, **values)` fills it.
Keeping them together keeps the wording consistent and reviewable; tests pin them.
"""
from __future__ import annotations

MESSAGES: dict[str, str] = {
    # --- problems: how one problem prints -------------------------------------------------
    "problem.warning": "cảnh báo",
    "problem.suggestion": "gợi ý: {suggestion}",
    # --- validation of articles and config ------------------------------------------------
    # --- preview (live reload) ------------------------------------------------------------
    # --- import of news pages -------------------------------------------------------------
    # --- readers' pages built from data (merger, approximate figures) ---------------------
    "approx.not_list": "cần một danh sách các số liệu nguồn ghi là gần đúng, như [members] hoặc "
                       "[Thanh Hóa.cooperatives], nhưng gặp {got}",
    "approx.unknown_indicator": "'{name}': không có chỉ tiêu '{indicator}' trong indicators của site_config.yaml; "
                                "approx chỉ liệt kê số liệu đã ghi trong results.figures (members) hoặc "
                                "results.by_province (Thanh Hóa.cooperatives)",
    "approx.not_reported": "'{name}' chưa được ghi trong results.figures hay results.by_province, nên không thể "
                           "đánh dấu là gần đúng; ghi số liệu trước, hoặc bỏ nó khỏi approx",
    "approx.not_name": "cần tên một số liệu đã ghi, như members hoặc Thanh Hóa.cooperatives, nhưng gặp {got}",
    "approx.suggestion": "có phải là '{name}'?",
    "approx.as_list": "viết approx: [{name}]",
    # --- command line ---------------------------------------------------------------------
}


def say(key: str, **values: object) -> str:
    """The message `key`, filled with `values`."""
    return MESSAGES[key].format(**values)
