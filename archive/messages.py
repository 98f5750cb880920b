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
    "preview.built": "Đã xây dựng bản xem trước (có cả bản nháp): {pages} trang, {seconds} s",
    "preview.rebuilt": "{what}: vẽ lại {drawn}/{pages} trang, {seconds} s",
    "preview.failed": "{what}: {errors} lỗi; trang xem trước vẫn là bản tốt gần nhất",
    "preview.first_failed": "Không xây dựng được bản xem trước: {errors} lỗi; {output} giữ nguyên như trước",
    "preview.saved": "Đã lưu {path}",
    "preview.deleted": "Đã xoá {path}",
    "preview.and_more": "{path} và {count} tệp khác",
    "preview.bug": "Lỗi trong chương trình khi xây dựng lại (chi tiết ở cửa sổ lệnh); lưu lại tệp để thử lại",
    "preview.panel.errors": "Bản sửa có {count} lỗi, chưa được đưa lên",
    "preview.panel.errors_note": ("Trang bên dưới là bản tốt gần nhất. "
                                  "Sửa tệp rồi lưu lại: bảng này tự đóng khi hết lỗi."),
    "preview.panel.warnings": "{count} cảnh báo",
    "preview.panel.line": "dòng {line}",
    "preview.panel.field": "trường {field}",
    "preview.panel.suggestion": "Gợi ý: {suggestion}",
    "preview.panel.close": "Đóng",
    "preview.panel.close_label": "Đóng bảng cảnh báo (phím Esc)",
    # --- import of news pages -------------------------------------------------------------
    # --- readers' pages built from data (merger, approximate figures) ---------------------
    # successors: the provinces merged away (the 2025 reorganisation) and what they became
    "successors.not_mapping": "cần một bảng tỉnh cũ: {{name: tỉnh kế tục, since: YYYY-MM-DD}}, nhưng có {value}",
    "successors.unknown": "tỉnh '{name}' không có trong danh sách provinces hay provinces_2025",
    "successors.shape": "cần dạng {{name: tỉnh kế tục, since: YYYY-MM-DD}} (tên tỉnh kế tục và ngày có hiệu lực), "
                        "nhưng có {value}",
    "successors.unknown_successor": "tỉnh kế tục '{name}' không có trong danh sách provinces hay provinces_2025",
    "successors.date": "cần ngày có hiệu lực dạng YYYY-MM-DD, ví dụ 2025-07-01, nhưng có {value}",
    "successors.itself": "'{name}' không thể là tỉnh kế tục của chính nó; bỏ dòng này nếu tỉnh giữ nguyên tên",
    "successors.cycle": "các tỉnh kế tục nối thành vòng tròn: {cycle}; chuỗi sáp nhập phải dừng ở một tỉnh còn tồn tại",
    "successors.old_name": "'{name}' đã thuộc '{successor}' từ ngày {since}, trước ngày họp {date}",
    "successors.write_instead": "viết '{successor}'",
    # --- command line ---------------------------------------------------------------------
}


def say(key: str, **values: object) -> str:
    """The message `key`, filled with `values`."""
    return MESSAGES[key].format(**values)
