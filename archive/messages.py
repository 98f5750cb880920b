"""Every word an editor reads, in Vietnamese, in one place: errors, warnings, suggestions,
the import report, the comments written into drafts and the command line's help.

Each message is a template keyed by a short English name; `say(key, **values)` fills it.
Keeping them together keeps the wording consistent and reviewable; tests pin them
(tests/test_messages.py checks that every key here is used and every key used is here).

Wording: a problem reads "cần <what was expected>, nhưng ghi <what was found>"; what to
write instead goes into the problem's suggestion ("gợi ý: …"), never glued onto the message.
Numbers are written the Vietnamese way (4.425; 2,5 MB) by the caller (vietnamese.format_number).
"""
from __future__ import annotations

MESSAGES: dict[str, str] = {
    # --- problems: how one problem prints -------------------------------------------------
    "problem.warning": "cảnh báo",
    "problem.suggestion": "gợi ý: {suggestion}",
    "problem.expected": "cần {expected}, nhưng ghi {found}",
    "suggest.did_you_mean": "có phải '{choice}'?",
    "suggest.write": "viết {value}",
    "suggest.key_of_label": "{label} là tên hiển thị; trong tệp viết khóa '{choice}'",
    # how a value an editor wrote reads in a message (problems.describe)
    "value.nothing": "(để trống)",
    "value.mapping": "một bảng khóa: giá trị",
    "value.list": "một danh sách",
    # the "field" of a problem that is not a field of the front matter
    "field.front_matter": "phần đầu",
    "field.file": "tệp",
    "field.body": "nội dung",
    "field.config": "cấu hình",
    "field.content": "thư mục bài",
    "field.template": "mẫu trang",
    "field.search": "tìm kiếm",
    # --- YAML (front matter and site_config.yaml) ------------------------------------------
    "yaml.invalid": "YAML không hợp lệ: {detail}",
    "yaml.duplicate_key": "YAML không hợp lệ: khóa '{name}' xuất hiện hai lần (lần đầu ở dòng {first}); giữ một",
    "yaml.tab": "YAML không hợp lệ: có ký tự tab; thụt lề bằng dấu cách, không dùng tab",
    "yaml.tag": "YAML không hợp lệ: không được dùng thẻ {tag}; viết giá trị thường",
    "yaml.alias": "YAML không hợp lệ: bí danh (*tên) lặp lại một giá trị; hãy viết hẳn giá trị ra",
    "yaml.too_deep": "YAML không hợp lệ: lồng sâu quá {depth} cấp",
    # PyYAML's own words for the usual slips, as the editor reads them
    "yaml.parser.flow_sequence": "danh sách trong [ ] thiếu dấu ',' hoặc dấu ']' đóng",
    "yaml.parser.flow_mapping": "bảng trong {{ }} thiếu dấu ',' hoặc dấu '}}' đóng",
    "yaml.parser.mapping_values": "dấu ':' không được đứng ở đây; giá trị có dấu ':' thì đặt trong ngoặc kép",
    "yaml.parser.block_end": "thụt lề không khớp với các dòng trên",
    "yaml.parser.simple_key": "thiếu dấu ':' sau tên trường",
    "yaml.parser.quoted": "chuỗi trong ngoặc kép chưa được đóng",
    "yaml.parser.unhashable_key": "tên trường phải là chữ hoặc số, không phải danh sách hay bảng",
    # --- validation of articles and config ------------------------------------------------
    "file.too_large": "{size} MB là quá lớn cho một bài (tối đa {limit} MB)",
    "file.too_large.fix": "tách bài ra hoặc bỏ dữ liệu dán vào",
    "file.not_utf8": "không phải văn bản UTF-8 (byte 0x{byte})",
    "file.not_utf8.fix": "lưu tệp với bảng mã UTF-8",
    "file.empty": "tệp trống; cần phần đầu giữa hai dòng '---', rồi đến nội dung",
    "file.unreadable": "không đọc được tệp, hệ thống báo lỗi: {error}",
    "file.unreadable.fix": "kiểm tra tệp (quyền đọc, ổ đĩa) hoặc xóa nó",
    "file.loop": "cần một thư mục bài, nhưng gặp liên kết tới {target}, là thư mục chứa nó (một vòng lặp)",
    "file.loop.fix": "xóa liên kết này",
    "front.no_start": "tệp phải mở đầu bằng một dòng '---', nhưng dòng đầu là {found}",
    "front.not_closed": "phần đầu chưa được đóng",
    "front.not_closed.fix": "thêm một dòng '---' sau phần đầu",
    "front.not_mapping": "các trường (title: …, date: …)",
    "field.unknown": "trường không có trong mẫu bài",
    "field.unknown.source": "trường không có; nguồn tin chỉ có name và url",
    "field.unknown.leaders": "trường không có; chỉ có chair hoặc deputy",
    "field.required": "thiếu trường bắt buộc",
    "expect.text": "chữ",
    "expect.date": "ngày dạng YYYY-MM-DD",
    "expect.real_date": "cần một ngày có thật dạng YYYY-MM-DD, nhưng ghi {found} (không có ngày này)",
    "expect.date_range": "năm từ 1945 đến 2100",
    "expect.one_of": "một trong {choices}",
    "expect.province": "tên tỉnh có trong site_config.yaml",
    "expect.provinces": "danh sách tên tỉnh",
    "expect.period": "năm được tổng kết, như 2023",
    "expect.bool": "true hoặc false",
    "expect.words": "danh sách từ khóa",
    "expect.source": "{{name: …, url: …}}",
    "expect.source_name": "tên nguồn tin bằng chữ",
    "expect.url": "địa chỉ bắt đầu bằng https:// hoặc http://",
    "expect.published": "ngày giờ như 2023-12-01T14:51:00+07:00",
    "expect.slug": "chữ thường không dấu, chữ số và dấu gạch nối (như 'tong-ket-2023')",
    "expect.images": "danh sách {{src: …, caption: …}}",
    "expect.image": "{{src: …, caption: …}}",
    "expect.file_name": "tên tệp",
    "expect.figures": "bảng chỉ tiêu: số",
    "expect.whole_number": "số nguyên {unit} (từ 0 trở lên)",
    "expect.results": "bảng gồm figures, by_province, awards, leaders",
    "expect.by_province": "bảng tên tỉnh: số liệu",
    "expect.awards": "danh sách {{award: …, recipient: …}}",
    "expect.award": "{{award: …, recipient: …}} bằng chữ",
    "expect.leaders": "{{chair: […], deputy: […]}}",
    "slug.from_file": "tên tệp {name} không cho ra địa chỉ hợp lệ",
    "slug.from_file.fix": "đổi tên như '2023-12-01-tong-ket-2023.md' hoặc ghi slug: trong phần đầu",
    "figure.written_as_text.fix": "viết 2.177 thành 2177 và 226 tỷ đồng thành 226000000000",
    "indicator.unknown": "chỉ tiêu không có; cần một trong {choices}",
    "image.leaves_folder": "cần tên tệp cạnh bài hoặc trong content/images/, nhưng ghi {src} (ra ngoài thư mục)",
    "image.type": "cần tệp ảnh ({types}), nhưng ghi {src}",
    "image.link_outside": "tệp ảnh {src} là liên kết tới một tệp ngoài thư mục bài",
    "image.link_outside.fix": "chép chính tấm ảnh vào thư mục",
    "image.missing": "không có tệp ảnh {src} cạnh bài hay trong content/images/",
    "image.missing.fix": "thêm tệp ảnh, hoặc bỏ src để chỉ giữ chú thích",
    "image.remote": "cần ảnh lưu trong kho, nhưng ghi địa chỉ '{src}' ở trang khác, mà trình duyệt của mọi "
                    "người đọc sẽ tải",
    "image.remote.fix": "lưu ảnh cạnh bài và ghi tên tệp",
    "body.brackets": "cần nhiều nhất {limit} dấu '[' trong bài, nhưng có {count}",
    "body.brackets.fix": r"viết các dấu ngoặc không phải liên kết thành \[",
    "body.paragraph_brackets": "cần nhiều nhất {limit} dấu '[' trong một đoạn, nhưng có nhiều hơn từ dòng này",
    "body.paragraph_brackets.fix": r"ngắt đoạn bằng dòng trống hoặc viết dấu ngoặc thành \[",
    "body.nesting": "danh sách và trích dẫn lồng nhau nhiều nhất {limit} cấp, nhưng dòng này mở đầu bằng {depth} "
                    "dấu hoặc thụt lề",
    "url.taken": "trang {url} cũng do {other} tạo",
    "url.taken.fix": "đặt tên tệp hoặc slug khác cho một trong hai bài",
    # warnings of one article
    "date.future": "{date} là hơn một năm sau hôm nay ({today})",
    "date.future.fix": "kiểm tra lại năm",
    "period.far": "năm được tổng kết, {period}, cách ngày họp {date} {years} năm",
    "period.far.fix": "kiểm tra lại năm",
    "folder.year": "tệp nằm trong thư mục {folder} nhưng date là năm {year}",
    "folder.year.fix": "chuyển tệp vào {target}",
    "name.date": "tên tệp ghi ngày {named} nhưng date là {date}",
    "name.date.fix": "đổi tên tệp thành {name}, hoặc sửa date nếu tên tệp đúng",
    # the same conference twice (across articles)
    "duplicate.conference": "cùng cụm, cùng loại và cùng ngày với {other}: một hội nghị được lưu hai lần",
    "duplicate.source": "cùng địa chỉ nguồn {url} với {other}: một bài được lưu hai lần",
    "duplicate.fix": "giữ một bài, xóa bài kia (hoặc sửa trường sai nếu đây là hai hội nghị khác nhau)",
    "duplicate.draft_fix": "đây là bản nháp: xóa nó nếu bài kia đã đủ, hoặc chép phần còn thiếu sang bài kia",
    # the config
    "config.not_found": "không tìm thấy tệp",
    "config.not_found.fix": "chỉ ra --config TỆP hoặc tạo site_config.yaml",
    "config.not_mapping": "bảng các thiết lập",
    "config.unknown": "thiết lập không có",
    "config.required": "thiếu thiết lập bắt buộc",
    "config.base_url": "địa chỉ như 'https://example.org/'",
    "config.base_url_query": "địa chỉ không có '?' hay '#' (các trang được nối vào sau nó)",
    "config.per_page": "số nguyên từ 1 đến 1.000",
    "config.urls": "bảng loại trang: mẫu địa chỉ",
    "config.page_kind": "loại trang không có",
    "config.key": "khóa gồm chữ thường không dấu, chữ số, '-' và '_' (nó thành một phần của địa chỉ và tên tệp)",
    "config.cluster": "{{name: …}} với tên cụm",
    "config.kind": "tên loại hội nghị bằng chữ",
    "config.indicator": "{{label: …, unit: …}}",
    "config.province": "tên tỉnh",
    "config.province_twice": "mỗi tỉnh một lần, nhưng {name} là {twin} viết cách khác (cả hai đều là "
                             "tinh/{slug}/)",
    "config.province_twice.fix": "giữ một cách viết",
    "config.mapping": "một bảng",
    "config.pattern": "mẫu địa chỉ bằng chữ",
    "config.pattern.placeholder": "chỗ điền {{{name}}} không có; mẫu này được dùng {allowed}",
    "config.pattern.none": "không có",
    "config.pattern.missing": "mẫu phải có {{{name}}} để mỗi trang có địa chỉ riêng",
    "config.pattern.relative": "đường dẫn tính từ gốc trang, không có '..'",
    "config.pattern.slash": "mẫu kết thúc bằng '/'",
    "config.same_label": "tên {label} cũng là tên của {other}, tính bằng {other_unit}, còn chỉ tiêu này tính bằng "
                         "{unit}",
    "config.same_label.fix": "đặt tên riêng hoặc dùng cùng đơn vị",
    # warnings of the figures (results)
    "figure.tiny_money": "{value} đồng là quá ít cho {label}",
    "figure.tiny_money.fix": "nếu nguồn ghi {value} tỷ đồng, viết {written}",
    "figure.provinces_over": "các tỉnh trong by_province cộng lại được {added}, hơn tổng của cả cụm là {total}",
    "figure.jump_up": "{now} năm {period} gấp hơn mười lần {before} của năm {before_period} ({path})",
    "figure.jump_down": "{now} năm {period} chưa bằng một phần mười {before} của năm {before_period} ({path})",
    "figure.jump.fix": "kiểm tra lỗi gõ hoặc đơn vị",
    # --- the build and the system ---------------------------------------------------------
    "content.not_found": "không tìm thấy thư mục",
    "content.not_found.fix": "chỉ ra --content THƯ_MỤC",
    "search.no_lunr": "chưa cài lunr.js",
    "search.no_lunr.fix": "chạy 'npm ci' (make serve tự làm việc này)",
    "template.syntax": "lỗi cú pháp: {detail}",
    "template.not_found": "không tìm thấy mẫu trang {name} trong {folder}",
    "template.error": "{detail} (khi vẽ {page})",
    "output.is_file": "{output}: --output: cần một thư mục cho trang đã xây dựng, nhưng đây là một tệp; không có "
                      "gì bị đụng tới, hãy chọn --output khác",
    "output.holds": "{output}: --output: cần một thư mục riêng cho trang đã xây dựng, nhưng thư mục này {what} "
                    "{name} ({source}), thứ mà một lần xây dựng sẽ xóa; không có gì bị đụng tới, hãy chọn "
                    "--output khác, như output",
    "output.is": "chính là",
    "output.contains": "chứa",
    "output.inside": "{output}: --output: cần một thư mục ngoài thư mục bài, mẫu trang và mã, nhưng thư mục này "
                     "nằm trong {name} ({source}); không có gì bị đụng tới, hãy chọn --output khác, như output",
    "source.content": "thư mục bài",
    "source.templates": "thư mục mẫu trang",
    "source.config": "tệp cấu hình",
    "source.code": "mã nguồn (archive/)",
    "source.home": "thư mục nhà",
    "source.repository": "kho mã (.git)",
    "system.refused": "{where}: {name}: {advice}; rồi xây dựng lại. {output} không bị thay đổi gì",
    "system.ENOSPC": "ổ đĩa đã đầy: hãy giải phóng chỗ trống",
    "system.EDQUOT": "đã dùng hết hạn mức ổ đĩa: hãy giải phóng chỗ trống",
    "system.EACCES": "không có quyền: cho phép bạn ghi vào thư mục (hoặc đọc, nếu là nguồn)",
    "system.EPERM": "không được phép: thư mục có thể bị khóa (lsattr; chattr -i) hoặc thuộc về người khác",
    "system.EBUSY": "thư mục đang bận, hoặc là điểm gắn kết không thay được: gắn thư mục bên trên nó, hoặc chọn "
                    "--output khác",
    "system.EROFS": "ổ đĩa chỉ cho đọc: hãy chọn --output khác",
    "system.EIO": "ổ đĩa báo lỗi đọc/ghi: kiểm tra ổ đĩa, hoặc chép lại tệp",
    "system.EXDEV": "thư mục kết quả và thư mục tạm của nó nằm trên hai ổ đĩa khác nhau: hãy chọn --output khác",
    "build.waiting": "Đang chờ một bản xây dựng khác vào cùng thư mục xong ({lock})…",
    # --- preview (live reload) ------------------------------------------------------------
    "serve.port_taken": "{host}:{port}: cổng: cần một cổng còn trống, nhưng cổng này đang được dùng (một bản xem "
                        "trước khác?); dừng máy chủ kia hoặc chọn cổng khác, như --port {other}",
    "serve.cannot_listen": "{host}:{port}: cổng: không nghe được ở đó ({error}); kiểm tra --host và --port",
    "serve.broken": "Bản sửa có lỗi: trang vẫn hiển thị bản tốt gần nhất.",
    "serve.rebuilt": "Đã xây dựng lại: {pages} trang, {seconds} s",
    "serve.listening": "Xem trước tại http://{host}:{port}/ (Ctrl+C để dừng)",
    # --- import of news pages -------------------------------------------------------------
    "import.no_files": "python build.py import: hãy chỉ ra các trang cần nhập, ví dụ python build.py import trang.txt",
    "import.cannot_read": "{file}: không đọc hoặc ghi được: {error}",
    "import.page_error": "{file}: {error}",
    "import.done": "Đã viết {count} bản nháp vào {folder}.",
    "import.done_failed": "Đã viết {count} bản nháp vào {folder}; {failed} trang không nhập được.",
    "import.numbered": "{wanted} đã có (để nguyên, không ghi đè); bản nháp được ghi vào {name}",
    "import.no_room": "{wanted} và {count} bản đánh số đều đã có; không ghi gì",
    "import.summary": "{page}: {found} trường tìm thấy, {guessed} trường đoán (cần xem lại), {missing} trường không "
                      "tìm thấy; {figures} số liệu ghi vào results, {unclear} số liệu chưa rõ phạm vi để xem lại "
                      "-> {path}",
    "import.note": "  lưu ý: {note}",
    "import.field": "  {mark}: {field}{shown} ({how})",
    "import.figure": "  số liệu: {item}",
    "import.content": "  nội dung: {paragraphs} đoạn, {captions} chú thích ảnh; bỏ {dropped} dòng menu, danh sách tin, "
                      "tiện ích và chân trang",
    "import.found": "✓ tìm thấy",
    "import.guessed": "? đoán, cần xem lại",
    "import.missing": "✗ không tìm thấy",
    "import.not_found": "không tìm thấy",
    "import.already": "  ĐÃ CÓ TRONG KHO: {what}",
    "import.same_source": "cùng địa chỉ nguồn với {path}",
    "import.same_title": "cùng tiêu đề với {path}",
    "import.check_review": "kiểm tra tên từng danh hiệu và đơn vị nhận",
    "page.kind": "cần văn bản trang (.txt) hoặc HTML đã lưu (.html, .htm), nhưng là {what}",
    "page.kind.suffix": "một tệp {suffix}",
    "page.kind.none": "một tệp không có đuôi",
    "page.kind.fix": "lưu trang bằng Ctrl+S (HTML) hoặc chép chữ của bài vào một tệp .txt",
    "page.not_found": "không tìm thấy tệp",
    "page.too_large": "{size} MB là quá lớn cho một trang tin (tối đa {limit} MB)",
    "page.binary": "không phải văn bản: tệp chứa dữ liệu nhị phân (PDF, ảnh hay tệp Word?); lưu trang bằng Ctrl+S "
                   "hoặc chép chữ của bài vào một tệp .txt",
    "page.not_utf8": "không phải văn bản UTF-8 (byte 0x{byte} ở dòng {line}); lưu lại tệp với bảng mã UTF-8",
    "page.empty": "tệp trống",
    # the comments written at the top of a draft
    "draft.head": "# Bản nháp nhập từ {page} bằng `python build.py import`. Đối chiếu từng trường với",
    "draft.head2": "# bài gốc, điền các trường còn trống, rồi bỏ draft: true (và các dòng chú thích này).",
    "draft.already": "# ĐÃ CÓ TRONG KHO: {what}. Nếu là cùng một hội nghị, hãy xóa bản nháp này.",
    "draft.review": "# Cần xem lại:",
    "draft.empty": "# Để trống (không tìm thấy trong bài):",
    "draft.figures": "# Số liệu đã ghi vào results (chỉ tiêu = giá trị, phạm vi, câu gốc):",
    "draft.item": "#   - {item}",
    # --- the editors' guide (HUONG-DAN.md) --------------------------------------------------
    "guide.updated": "Đã cập nhật danh sách giá trị trong {guide} theo {config}.",
    "guide.unchanged": "Danh sách giá trị trong {guide} đã khớp với {config}.",
    # --- readers' pages built from data (merger, approximate figures) ---------------------
    # --- command line ---------------------------------------------------------------------
    "cli.description": (
        "Xây dựng kho lưu trữ hội nghị Liên minh Hợp tác xã từ content/ vào output/.\n\n"
        "lệnh:\n"
        "  build   (mặc định) dựng content/ qua templates/ thành output/\n"
        "  check   kiểm tra mọi bài và tệp cấu hình, không ghi gì\n"
        "  serve   xây dựng, mở bản xem trước ở http://127.0.0.1:8000/, xây dựng lại và tải\n"
        "          lại trình duyệt mỗi khi content/, templates/ hay tệp cấu hình thay đổi\n"
        "  import  làm một bài nháp (draft: true) từ mỗi trang tin được chỉ ra (.txt chữ của\n"
        "          trang hoặc .html đã lưu), vào --out THƯ_MỤC (mặc định: thư mục bài)\n"
    ),
    "cli.usage": "cách dùng: ",
    "cli.positionals": "tham số",
    "cli.options": "tùy chọn",
    "cli.help": "in hướng dẫn này rồi thoát",
    "cli.error": "{prog}: lỗi: {message}",
    "cli.invalid_choice": "lệnh không có: {value} (chọn một trong {choices})",
    "cli.expected_one": "cần một giá trị",
    "cli.unrecognized": "tham số không hiểu được: {arguments}",
    "cli.invalid_value": "giá trị không hợp lệ: {value}",
    "cli.command": "việc cần làm (mặc định: build)",
    "cli.files": "import: các trang tin (.txt hoặc .html) cần làm thành bài nháp",
    "cli.out": "import: nơi ghi bản nháp (mặc định: thư mục --content)",
    "cli.config": "tệp thiết lập của trang (mặc định: site_config.yaml)",
    "cli.content": "thư mục các bài Markdown (mặc định: content)",
    "cli.templates": "thư mục mẫu trang Jinja2 và tệp tĩnh (mặc định: templates)",
    "cli.output": "nơi ghi trang đã xây dựng (mặc định: output); chỉ thay cả thư mục khi thành công",
    "cli.drafts": "xây dựng cả các bài ghi draft: true",
    "cli.no_cache": "xây dựng lại từ đầu, không đọc không ghi .cache/ (kết quả như nhau)",
    "cli.host": "serve: địa chỉ để nghe (mặc định: 127.0.0.1, chỉ máy này)",
    "cli.port": "serve: cổng, từ 1 đến 65535 (mặc định: 8000)",
    "cli.metavar.file": "TỆP",
    "cli.metavar.dir": "THƯ_MỤC",
    "cli.metavar.host": "ĐỊA_CHỈ",
    "cli.bad_port": "cần một cổng từ 1 đến 65535, nhưng ghi {value}",
    "cli.files_only_import": "chỉ lệnh 'import' nhận tệp, nhưng có {file} sau '{command}'",
    "cli.no_errors": "Không có lỗi.",
    "cli.no_errors_warnings": "Không có lỗi, {count} cảnh báo.",
    "cli.failed": "Không xây dựng được: {count} lỗi. {output} giữ nguyên như trước.",
    "cli.stopped": "Đã dừng; {output} giữ nguyên như trước.",
    "cli.unchanged": "Không có gì thay đổi từ lần xây dựng trước; {output} giữ nguyên ({seconds} s)",
    "cli.built": "{pages} trang, {seconds} s",
    "cli.missing_package": "Python này thiếu gói '{package}' của dự án. Chạy 'make serve' hoặc 'make test' một "
                           "lần để cài vào .venv/, rồi dùng: .venv/bin/python {command}",
    "cli.progress.read": "Đọc bài viết",
    "cli.progress.index": "Lập chỉ mục tìm kiếm",
}


def say(key: str, **values: object) -> str:
    """The message `key`, filled with `values`."""
    return MESSAGES[key].format(**values)
