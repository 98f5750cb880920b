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
    # --- web form for articles (/admin/): labels and hints, the local editing backend ------
    "form.collection": "Bài viết",
    "form.collection_singular": "bài viết",
    "form.collection_hint": "Mỗi bài là một hội nghị, lưu thành content/<năm>/<ngày>-<tên>.md.",
    "form.title": "Tiêu đề",
    "form.date": "Ngày họp",
    "form.date_hint": "Ngày hội nghị diễn ra (không phải ngày đăng tin).",
    "form.cluster": "Cụm thi đua",
    "form.kind": "Loại hội nghị",
    "form.provinces": "Các tỉnh tham dự",
    "form.provinces_hint": "Tên tỉnh như gọi vào thời điểm họp (trước hoặc sau sáp nhập 2025).",
    "form.location": "Địa điểm",
    "form.location_hint": "Ví dụ: TP Hải Dương",
    "form.period": "Năm thi đua",
    "form.period_hint": "Năm được tổng kết; để trống là năm của ngày họp.",
    "form.summary": "Tóm tắt",
    "form.summary_hint": "Một, hai câu cho danh sách và tin tóm tắt; để trống là đoạn đầu của bài.",
    "form.source": "Nguồn tin",
    "form.source.name": "Tên báo, trang tin",
    "form.source.url": "Địa chỉ bài gốc",
    "form.source.url_pattern": "Địa chỉ bắt đầu bằng https:// hoặc http://",
    "form.author": "Tác giả",
    "form.author_hint": "Người viết, như nguồn tin ghi.",
    "form.published": "Thời điểm đăng tin",
    "form.tags": "Từ khóa",
    "form.tags_hint": "Cách nhau bằng dấu phẩy.",
    "form.draft": "Bản nháp",
    "form.draft_hint": "Bản nháp không được đăng lên trang.",
    "form.slug": "Tên trong địa chỉ trang",
    "form.slug_hint": "Để trống là lấy theo tiêu đề. Chữ thường không dấu, số và dấu gạch ngang.",
    "form.slug_pattern": "Chỉ chữ thường không dấu, số và dấu gạch ngang, ví dụ tong-ket-2024",
    "form.images": "Ảnh",
    "form.images.src": "Tệp ảnh",
    "form.images.caption": "Chú thích",
    "form.results": "Kết quả hội nghị",
    "form.results.figures": "Số liệu toàn cụm",
    "form.results.figures_hint": "Số nguyên, không dấu chấm: 2.177 ghi 2177; 226 tỷ đồng ghi 226000000000.",
    "form.results.by_province": "Số liệu theo tỉnh",
    "form.results.by_province.province": "Tỉnh",
    "form.results.awards": "Khen thưởng",
    "form.results.awards.award": "Hình thức khen thưởng",
    "form.results.awards.recipient": "Đơn vị được khen",
    "form.results.leaders": "Cụm trưởng, cụm phó nhiệm kỳ tới",
    "form.results.leaders.chair": "Cụm trưởng",
    "form.results.leaders.deputy": "Cụm phó",
    "form.body": "Nội dung",
    "form.indicator": "{label} ({unit})",
    "form.ui.add": "Thêm %{{item}}",
    "form.ui.expand": "Mở ra",
    "form.ui.collapse": "Thu gọn",
    "form.by_province.row": "cần một dòng {{province: tên tỉnh, chỉ tiêu: số, …}}, nhưng gặp {found}",
    "form.by_province.twice": "{province} có hai dòng; ghi số liệu của tỉnh một lần",
    "form.not_installed": "chưa cài Decap CMS (biểu mẫu /admin/); chạy 'npm ci' (make serve tự chạy)",
    "form.backend.refused": ("Từ chối: đường dẫn {path} nằm ngoài thư mục content/; biểu mẫu chỉ ghi bài viết "
                             "và ảnh vào content/."),
    "form.backend.missing": ("Biểu mẫu /admin/ chưa dùng được để lưu bài: thiếu node hoặc decap-server; chạy "
                             "'npm ci' (make serve tự chạy)."),
    "form.backend.content_name": "Biểu mẫu /admin/ chỉ lưu bài vào thư mục tên content/, không vào {folder}.",
    "form.backend.port_taken": ("Biểu mẫu /admin/ chưa lưu được bài: cổng {port} của nó không dùng được; chạy "
                                "bản xem trước ở cổng khác, ví dụ --port {other}."),
    "form.backend.started": "Biểu mẫu biên tập bài viết: http://{host}:{port}/admin/",
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
