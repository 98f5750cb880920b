"""A synthetic archive of real-shaped articles, written for this project, Hugo and Pelican alike.

    python bench/articles.py --n N --out DIR --format {archive,pelican,hugo} [--seed S]

The articles are shaped like the archive's real ones: a 4,3 KB median, about 600 words in 2-5
paragraphs, 1-12 provinces, a province table in 13 % of them and awards in 26 %, and the
merged provinces' new names after 1 July 2025. The same --n and --seed give the same articles
(body, dates, slugs) in every format, each written to DIR/content/<year>/<yyyy-mm-dd>-<slug>.md.
archive: the content model's front matter and DIR/site_config.yaml; pelican: Title, Date,
Category, Tags and Slug and DIR/pelicanconf.py; hugo: the archive's front matter with a slug
and taxonomy lists, DIR/config.toml and a minimal DIR/layouts/ (no theme). Standard library
only, so that the peers' builds need nothing of this project. bench/build.py builds it.
"""
import argparse
import datetime as dt
import json
import os
import random
import re
import unicodedata

# key: (name, provinces as known at the time)
CLUSTERS = {
    "trung-du-bac-bo": ("Cụm thi đua Trung du Bắc Bộ", "Hải Dương, Quảng Ninh, Bắc Giang, Vĩnh Phúc, Bắc Ninh, Hưng Yên"),
    "dong-bang-song-hong": ("Cụm thi đua Đồng bằng sông Hồng", "Ninh Bình, Hà Nam, Nam Định, Thái Bình, Vĩnh Phúc, Bắc Ninh, Hải Dương, Hưng Yên, Quảng Ninh"),
    "mien-nui-phia-bac": ("Cụm thi đua miền núi phía Bắc", "Hà Giang, Cao Bằng, Lạng Sơn, Tuyên Quang, Thái Nguyên, Bắc Kạn"),
    "tay-bac": ("Cụm thi đua Tây Bắc", "Lào Cai, Yên Bái, Điện Biên, Lai Châu, Sơn La, Hòa Bình, Phú Thọ"),
    "bac-trung-bo": ("Cụm thi đua Bắc Trung Bộ", "Thanh Hóa, Nghệ An, Hà Tĩnh, Quảng Bình, Quảng Trị, Thừa Thiên Huế"),
    "duyen-hai-mien-trung": ("Cụm thi đua Duyên hải miền Trung", "Đà Nẵng, Quảng Nam, Quảng Ngãi, Bình Định, Phú Yên, Khánh Hòa, Ninh Thuận"),
    "tay-nguyen": ("Cụm thi đua Tây Nguyên", "Kon Tum, Gia Lai, Đắk Lắk, Đắk Nông, Lâm Đồng"),
    "dong-nam-bo": ("Cụm thi đua Đông Nam Bộ", "Bình Phước, Tây Ninh, Bình Dương, Đồng Nai, Bà Rịa - Vũng Tàu, Bình Thuận"),
    "dong-bang-song-cuu-long": ("Cụm thi đua Đồng bằng sông Cửu Long", "Long An, Tiền Giang, Bến Tre, Trà Vinh, Vĩnh Long, Đồng Tháp, An Giang, Kiên Giang, Hậu Giang, Sóc Trăng, Bạc Liêu, Cà Mau"),
    "hai-phong": ("Liên minh HTX thành phố Hải Phòng", "Hải Phòng"),
    "ha-noi": ("Liên minh HTX thành phố Hà Nội", "Hà Nội"),
    "ho-chi-minh": ("Liên minh HTX Thành phố Hồ Chí Minh", "TP Hồ Chí Minh"),
}
KINDS = {"tong-ket": "Tổng kết năm", "so-ket": "Sơ kết 6 tháng", "ky-niem": "Kỷ niệm", "khac": "Khác"}
INDICATORS = {
    "cooperatives": ("Hợp tác xã", "HTX"), "members": ("Thành viên", "người"),
    "cooperative_groups": ("Tổ hợp tác", "THT"), "credit_funds": ("Quỹ tín dụng nhân dân", "quỹ"),
    "unions": ("Liên hiệp HTX", "liên hiệp"), "new_cooperatives": ("HTX thành lập mới", "HTX"),
    "member_cooperatives": ("HTX thành viên Liên minh", "HTX"), "new_members": ("Thành viên kết nạp mới", "thành viên"),
    "loan_projects": ("Dự án được vay vốn", "dự án"), "loans_vnd": ("Vốn vay giải ngân", "đồng"),
}
# 1 July 2025 merger: new name <- old names (articles after it use the new names)
MERGED = {"Tuyên Quang": "Hà Giang", "Lào Cai": "Yên Bái", "Thái Nguyên": "Bắc Kạn",
          "Phú Thọ": "Vĩnh Phúc, Hòa Bình", "Bắc Ninh": "Bắc Giang", "Hưng Yên": "Thái Bình",
          "Hải Phòng": "Hải Dương", "Ninh Bình": "Hà Nam, Nam Định", "Quảng Trị": "Quảng Bình",
          "Huế": "Thừa Thiên Huế", "Đà Nẵng": "Quảng Nam", "Quảng Ngãi": "Kon Tum", "Gia Lai": "Bình Định",
          "Khánh Hòa": "Ninh Thuận", "Lâm Đồng": "Đắk Nông, Bình Thuận", "Đắk Lắk": "Phú Yên",
          "TP Hồ Chí Minh": "Bình Dương, Bà Rịa - Vũng Tàu", "Đồng Nai": "Bình Phước", "Tây Ninh": "Long An",
          "Cần Thơ": "Sóc Trăng, Hậu Giang", "Vĩnh Long": "Bến Tre, Trà Vinh", "Đồng Tháp": "Tiền Giang",
          "Cà Mau": "Bạc Liêu", "An Giang": "Kiên Giang"}
NEW_NAME = {old: new for new, olds in MERGED.items() for old in olds.split(", ")}
CITIES = {"Hà Nội", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế"}
SURNAMES = "Nguyễn Trần Lê Phạm Hoàng Vũ Đặng Bùi Đỗ Hồ Ngô Dương Cao Lương".split()
MIDDLE = "Văn Thị Ngọc Xuân Minh Thanh Hữu Đức Quang Thu Bá Gia".split()
GIVEN = "Quân Vân Bảo Tâm Hùng Lan Hải Sơn Hương Dũng Thắng Hà Châu Khánh Thởi Bình".split()
ROLES = ["Chủ tịch Liên minh Hợp tác xã Việt Nam", "Phó Chủ tịch Liên minh Hợp tác xã Việt Nam",
         "Phó Chủ tịch UBND tỉnh {p}, Trưởng Ban chỉ đạo phát triển kinh tế tập thể tỉnh",
         "Chủ tịch Liên minh HTX tỉnh {p}", "Trưởng Ban Thi đua - Khen thưởng Liên minh HTX Việt Nam"]
TAGS = ["giao ước thi đua", "khen thưởng", "kinh tế tập thể", "chuyển đổi số", "OCOP",
        "quỹ hỗ trợ phát triển HTX", "nông thôn mới", "Luật Hợp tác xã"]
AWARDS = ["Cờ thi đua của Liên minh HTX Việt Nam", "Bằng khen của Liên minh HTX Việt Nam",
          "Cờ thi đua của Chính phủ", "Bằng khen của Thủ tướng Chính phủ", "Bằng khen của Chủ tịch UBND tỉnh"]
FILLER = [
    "Liên minh Hợp tác xã các tỉnh trong cụm đã tích cực đẩy mạnh công tác tuyên truyền nhiều mô hình mới, cách làm sáng tạo, đạt hiệu quả cao, khẳng định vai trò nòng cốt trong thúc đẩy khu vực kinh tế tập thể, hợp tác xã phát triển.",
    "Các hoạt động hỗ trợ xúc tiến thương mại, tiêu thụ sản phẩm cho các hợp tác xã được đẩy mạnh, có nhiều sản phẩm, hàng hoá tiếp cận với thị trường trong nước và nước ngoài.",
    "Công tác thông tin, tuyên truyền cũng được triển khai rộng khắp, tập trung vào các chủ trương, chính sách phát triển kinh tế tập thể của Đảng và Nhà nước, của các địa phương; tích cực tuyên truyền các mô hình hợp tác xã kiểu mới.",
    "Liên minh HTX các tỉnh đã chủ động tham mưu Tỉnh ủy, Ủy ban nhân dân tỉnh, Ban Chỉ đạo phát triển kinh tế tập thể tỉnh ban hành {k} văn bản nhằm nâng cao hiệu quả hoạt động của khu vực kinh tế tập thể mà nòng cốt là các hợp tác xã.",
    "Phối hợp với các sở, ban, ngành, đoàn thể đẩy mạnh các hoạt động hỗ trợ, xây dựng mô hình hợp tác xã, tổ hợp tác hoạt động hiệu quả, có sức lan tỏa mạnh mẽ, tham gia xây dựng nông thôn mới và thực hiện các nhiệm vụ chính trị, kinh tế - xã hội ở cơ sở.",
    "Nhờ đó, kinh tế tập thể, hợp tác xã {where} hoạt động ổn định, tiếp tục phát triển về số lượng, chất lượng hoạt động, doanh thu và thu nhập tăng hơn so với cùng kỳ năm trước.",
    "Công tác đào tạo, bồi dưỡng nguồn nhân lực cho hợp tác xã được quan tâm, {k} lớp tập huấn về quản trị, kế toán, chuyển đổi số và ứng dụng khoa học công nghệ đã được tổ chức cho cán bộ quản lý hợp tác xã.",
    "Nhiều hợp tác xã đã mạnh dạn đầu tư máy móc, thiết bị, ứng dụng công nghệ cao vào sản xuất, liên kết với doanh nghiệp để bao tiêu sản phẩm, nâng cao thu nhập cho thành viên và người lao động.",
    "Quỹ hỗ trợ phát triển hợp tác xã tiếp tục phát huy hiệu quả, kịp thời cho vay vốn ưu đãi giúp các hợp tác xã, tổ hợp tác mở rộng quy mô sản xuất, kinh doanh, dịch vụ.",
    "Năm {next}, Liên minh Hợp tác xã {who} tiếp tục đẩy mạnh phong trào thi đua yêu nước, thực hiện {resolution} về tiếp tục đổi mới, phát triển và nâng cao hiệu quả kinh tế tập thể.",
    "Tiếp tục nâng cao năng lực hoạt động của Liên minh Hợp tác xã các tỉnh, thành phố trên các mặt công tác; kiện toàn, đổi mới bộ máy tổ chức, phương thức hoạt động; tăng cường các nguồn lực hỗ trợ của Liên minh.",
    "Phát biểu tại hội nghị, đồng chí {person} ghi nhận những kết quả đạt được của phong trào thi đua xây dựng và phát triển hợp tác xã năm {period}, đồng thời đề nghị các tỉnh tiếp tục đoàn kết, sáng tạo, chủ động xây dựng chương trình công tác.",
    "Các đại biểu đã thảo luận, chia sẻ kinh nghiệm trong công tác tư vấn thành lập mới hợp tác xã, củng cố tổ chức và nâng cao chất lượng hoạt động của các hợp tác xã yếu kém, ngừng hoạt động.",
    "Bên cạnh những kết quả đạt được, hội nghị cũng chỉ ra một số khó khăn, hạn chế như quy mô hợp tác xã còn nhỏ, năng lực quản trị còn hạn chế, khả năng tiếp cận vốn, đất đai và thị trường còn nhiều khó khăn.",
    "Triển khai sâu rộng các chủ trương, quan điểm của Trung ương, của tỉnh về phát triển kinh tế tập thể; thực hiện có hiệu quả chức năng đại diện, bảo vệ quyền và lợi ích hợp pháp của thành viên.",
    "Hội nghị cũng đã biểu dương nhiều hợp tác xã điển hình tiên tiến trong sản xuất nông nghiệp, dịch vụ thương mại và tiểu thủ công nghiệp, góp phần tạo việc làm cho hàng nghìn lao động ở nông thôn.",
    "Việc chuyển đổi số trong khu vực kinh tế tập thể được các tỉnh quan tâm, nhiều hợp tác xã đã đưa sản phẩm lên sàn thương mại điện tử, xây dựng mã QR truy xuất nguồn gốc và tham gia chương trình mỗi xã một sản phẩm.",
    "Các hợp tác xã thành lập mới phần lớn hoạt động trong lĩnh vực nông nghiệp, vốn kinh doanh còn ít, thiết bị và công nghệ chưa đồng bộ, do đó cần tiếp tục được hỗ trợ về vốn, đào tạo và thị trường.",
    "Quỹ tín dụng nhân dân trên địa bàn cụm hoạt động tương đối ổn định, kinh doanh có lãi, nợ xấu chiếm tỷ lệ thấp, góp phần hạn chế tín dụng đen ở khu vực nông thôn.",
]


YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


def slugify(s):
    s = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")


def vn(n):  # 2177 -> 2.177
    return f"{n:,}".replace(",", ".")


def ystr(v):  # YAML scalar: plain when safe, else JSON (JSON strings are valid YAML)
    if isinstance(v, str) and re.fullmatch(r"[^\W\d_][\w .()/-]*", v) and v.lower() not in YAML_WORDS:
        return v
    return json.dumps(v, ensure_ascii=False)


def yflow(v):
    if isinstance(v, dict):
        return "{" + ", ".join(f"{ystr(k)}: {yflow(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(yflow(x) for x in v) + "]"
    return ystr(v)


def make_article(i, rng):
    ckey = rng.choice(list(CLUSTERS))
    cname, provs = CLUSTERS[ckey]
    provs = provs.split(", ")
    region = cname.replace("Cụm thi đua ", "").replace("Liên minh HTX ", "")
    single = len(provs) == 1
    kind = rng.choices(list(KINDS), [55, 25, 12, 8])[0]
    year = rng.randint(2010, 2025)
    if kind == "tong-ket":
        d = dt.date(year, 11, 15) + dt.timedelta(rng.randint(0, 66))
        d = d.replace(year=year)  # a review held in January of `year` covers year - 1
        period = d.year if d.month >= 11 else d.year - 1
    elif kind == "so-ket":
        d, period = dt.date(year, 6, 10) + dt.timedelta(rng.randint(0, 45)), year
    elif kind == "ky-niem":
        d, period = dt.date(year, rng.choice([4, 6, 7]), rng.randint(1, 28)), year
    else:
        d, period = dt.date(year, 1, 1) + dt.timedelta(rng.randint(0, 364)), year
    if d >= dt.date(2025, 7, 1):
        provs = list(dict.fromkeys(NEW_NAME.get(p, p) for p in provs))
    host = rng.choice(provs)
    location = (f"thành phố {host}" if host in CITIES else host if host.startswith("TP ") else f"TP {host}"
                if rng.random() < .5 else f"tỉnh {host}")
    def person():
        return (f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}, "
                + rng.choice(ROLES).format(p=rng.choice(provs)))
    nxt = period + 1
    who, where, scope = (region, region, "thành phố") if single else (f"các tỉnh cụm {region}", f"các tỉnh {region}", "cụm")
    event = {"tong-ket": f"hội nghị tổng kết công tác thi đua khen thưởng năm {period} và triển khai nhiệm vụ năm {nxt}",
             "so-ket": f"hội nghị sơ kết phong trào thi đua 6 tháng đầu năm {period}, triển khai nhiệm vụ 6 tháng cuối năm",
             "ky-niem": f"lễ kỷ niệm Ngày Hợp tác xã {'Việt Nam (11/4)' if d.month == 4 else 'Quốc tế'} năm {period}",
             "khac": f"hội thảo nâng cao hiệu quả hoạt động của kinh tế tập thể năm {period}"}[kind]
    title = rng.choice({
        "tong-ket": [f"{cname} tổng kết phong trào thi đua năm {period}", f"Liên minh HTX {who} ký kết giao ước thi đua năm {nxt}",
                     f"Phát huy vai trò của Liên minh Hợp tác xã {region} trong phát triển kinh tế tập thể năm {period}"],
        "so-ket": [f"{cname} sơ kết 6 tháng đầu năm {period}", f"Liên minh HTX {who}: triển khai nhiệm vụ 6 tháng cuối năm {period}"],
        "ky-niem": [f"Liên minh HTX {who} kỷ niệm Ngày Hợp tác xã năm {period}", f"Kỷ niệm Ngày Hợp tác xã tại {location} năm {period}"],
        "khac": [f"Hội thảo kinh tế tập thể {region} năm {period}", f"Tập huấn chuyển đổi số cho hợp tác xã tại {host} năm {period}"],
    }[kind])
    n = len(provs)
    fig, by_prov, extra = {}, {}, []
    if kind in ("tong-ket", "so-ket") or rng.random() < .3:
        if kind == "tong-ket" and n > 1 and rng.random() < .3:
            for p in provs:
                by_prov[p] = {"cooperatives": rng.randint(150, 1400), "new_cooperatives": rng.randint(5, 90),
                              "members": rng.randint(8000, 400000)}
            fig["cooperatives"] = sum(v["cooperatives"] for v in by_prov.values())
            fig["members"] = sum(v["members"] for v in by_prov.values())
            extra.append(f"Số liệu hợp tác xã của các tỉnh trong cụm năm {period}:\n\n| Tỉnh | Hợp tác xã | HTX thành lập mới | Thành viên |\n"
                         "| --- | ---: | ---: | ---: |\n" + "\n".join(
                             f"| {p} | {vn(v['cooperatives'])} | {v['new_cooperatives']} | {vn(v['members'])} |" for p, v in by_prov.items()))
        else:
            fig["cooperatives"], fig["members"] = rng.randint(150, 1400) * n, rng.randint(8000, 400000) * n
        fig.update(credit_funds=rng.randint(5, 40) * n, cooperative_groups=rng.randint(200, 1500) * n,
                   new_cooperatives=rng.randint(5, 90) * n)
        figures = [f"Đến nay, toàn {scope} có {vn(fig['cooperatives'])} hợp tác xã thu hút "
                   f"{vn(fig['members'])} thành viên tham gia, {fig['credit_funds']} quỹ tín dụng nhân dân; năm {period} thành lập mới "
                   f"{vn(fig['new_cooperatives'])} HTX. Toàn {scope} có {vn(fig['cooperative_groups'])} tổ hợp tác."]
        if kind == "tong-ket":
            fig.update(new_members=rng.randint(10, 120), member_cooperatives=rng.randint(300, 2500),
                       loan_projects=rng.randint(40, 400), loans_vnd=rng.randint(20, 400) * 10**9)
            figures += [f"Toàn {scope} kết nạp thêm {fig['new_members']} hợp tác xã tham gia vào Liên minh Hợp tác xã các tỉnh, nâng tổng số hợp tác xã thành viên là {vn(fig['member_cooperatives'])} thành viên.",
                        f"Năm {period}, các quỹ do Liên minh Hợp tác xã quản lý, Quỹ uỷ thác của Liên minh Hợp tác xã Việt Nam đã giải ngân cho {fig['loan_projects']} lượt dự án của các hợp tác xã, tổ hợp tác vay vốn ưu đãi với tổng số tiền trên {fig['loans_vnd'] // 10**9} tỷ đồng."]
    else:
        figures = []
    awards, leaders = [], {}
    if kind in ("tong-ket", "ky-niem") and rng.random() < .4:
        awards = [{"award": a, "recipient": f"Liên minh HTX {'tỉnh ' if p not in CITIES and not p.startswith('TP') else ''}{p}"}
                  for a, p in zip(rng.sample(AWARDS, 3), rng.choices(provs, k=3))]
        extra.append("Dịp này, các tập thể được khen thưởng gồm:\n\n" + "\n".join(f"- {a['award']}: {a['recipient']};" for a in awards))
    if kind == "tong-ket" and n > 1:
        chair, dep = rng.sample(provs, 2)
        leaders = {"chair": [chair], "deputy": [dep]}
        figures.append(f"Hội nghị thống nhất bầu Liên minh HTX tỉnh {chair} làm Cụm trưởng, Liên minh HTX tỉnh {dep} làm Cụm phó năm {nxt}.")
    resolution = ("Nghị quyết số 20 của Ban Chấp hành Trung ương Đảng khoá XIII" if period >= 2022
                  else "Nghị quyết Trung ương 5 khóa IX và Luật Hợp tác xã năm 2012")
    lead = (f"Sáng {d.day}/{d.month}, tại {location}, Liên minh Hợp tác xã {who}"
            + ("" if single else f" gồm {', '.join(provs)}") + f" tổ chức {event}.")
    attend = f"Dự hội nghị có các đồng chí {person()}; {person()}."
    fill = [s.format(k=rng.randint(5, 60), who=who, where=where, next=nxt, resolution=resolution, person=person(), period=period)
            for s in rng.sample(FILLER, len(FILLER))]
    closing = (f"Cũng tại hội nghị, Liên minh Hợp tác xã {where} đã ký kết giao ước thi đua năm {nxt}."
               if kind == "tong-ket" else "Hội nghị đã thống nhất các nhiệm vụ, giải pháp trọng tâm thời gian tới.")
    target = rng.randint(500, 620)
    sents = [lead, attend] + figures
    words = sum(len(s.split()) for s in sents + [closing])
    while fill and words < target:
        sents.append(fill.pop())
        words += len(sents[-1].split())
    sents.append(closing)
    k = rng.randint(2, 5)
    cut = [round(j * len(sents) / k) for j in range(k + 1)]
    paras = [" ".join(sents[cut[j]:cut[j + 1]]) for j in range(k)]
    for e in extra:  # a table or list goes after a random paragraph
        paras.insert(rng.randint(1, len(paras)), e)
    pub = dt.datetime(d.year, d.month, d.day, rng.randint(9, 20), rng.choice([0, 15, 30, 51]))
    meta = {"title": title, "date": d, "cluster": ckey, "kind": kind, "provinces": provs, "location": location,
            "period": period, "source": {"name": f"Báo {host}", "url": f"https://bao{slugify(host).replace('-', '')}.example.vn/{i}.html"},
            "author": rng.choice(["HN", "TL", "PV", "MH", "QA", "NT"]), "published": pub.isoformat() + "+07:00",
            "tags": rng.sample(TAGS, rng.randint(1, 3)), "draft": False}
    if fig or awards or leaders:
        meta["results"] = {k2: v for k2, v in (("figures", fig), ("by_province", by_prov), ("awards", awards),
                                               ("leaders", leaders)) if v}
    return meta, "\n\n".join(paras) + "\n"


def front_matter(meta, extra=()):
    out = ["---"]
    for k, v in list(meta.items()) + list(extra):
        if k == "results":
            out.append("results:")
            for k2, v2 in v.items():
                out.append(f"  {k2}:")
                if isinstance(v2, dict):
                    out += [f"    {ystr(a)}: {yflow(b)}" for a, b in v2.items()]
                else:
                    out += [f"    - {yflow(b)}" for b in v2]
        elif isinstance(v, (dt.date, bool)) or k in ("published", "period"):
            out.append(f"{k}: {str(v).lower() if isinstance(v, bool) else v}")
        else:
            out.append(f"{k}: {yflow(v)}")
    return "\n".join(out + ["---", ""])


PELICANCONF = '''SITENAME, SITEURL, RELATIVE_URLS = "Lưu trữ hội nghị Liên minh Hợp tác xã", "https://example.org", True
PATH, TIMEZONE, DEFAULT_LANG, DEFAULT_PAGINATION = "content", "Asia/Ho_Chi_Minh", "vi", 20
PAGINATION_PATTERNS = ((1, "{url}", "{save_as}"),
                       (2, "{base_name}/trang/{number}/", "{base_name}/trang/{number}/index.html"))
ARTICLE_URL, ARTICLE_SAVE_AS = "{date:%Y}/{slug}/", "{date:%Y}/{slug}/index.html"
CATEGORY_URL, CATEGORY_SAVE_AS = "cum/{slug}/", "cum/{slug}/index.html"
TAG_URL, TAG_SAVE_AS = "tag/{slug}/", "tag/{slug}/index.html"
YEAR_ARCHIVE_URL, YEAR_ARCHIVE_SAVE_AS = "nam/{date:%Y}/", "nam/{date:%Y}/index.html"
AUTHOR_SAVE_AS = AUTHORS_SAVE_AS = ""
FEED_ALL_ATOM, CATEGORY_FEED_ATOM, FEED_MAX_ITEMS = "feed.xml", "cum/{slug}/feed.xml", 20
TAG_FEED_ATOM = TRANSLATION_FEED_ATOM = AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None
'''
HUGO_CONFIG = '''baseURL = "https://example.org/"
languageCode = "vi"
title = "Lưu trữ hội nghị Liên minh Hợp tác xã"
paginate = 20
rssLimit = 20
buildFuture = true
removePathAccents = true
taxonomies = {cluster = "clusters", kind = "kinds", province = "provinces", tag = "tags"}
outputs = {home = ["HTML", "RSS"], section = ["HTML"], taxonomy = ["HTML"], term = ["HTML", "RSS"]}
'''
_LIST = ('{{ define "main" }}{{ $p := PAGER }}<h1>{{ .Title }}</h1><ul>{{ range $p.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> '
         '<time>{{ .Date.Format "02/01/2006" }}</time><p>{{ .Summary }}</p></li>{{ end }}</ul>'
         '{{ template "_internal/pagination.html" . }}{{ end }}')
HUGO_LAYOUTS = {
    "_default/baseof.html": '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{{ .Title }} | {{ site.Title }}</title>'
    '</head><body><nav><a href="{{ "/" | relURL }}">{{ site.Title }}</a>{{ range site.Taxonomies.clusters }} '
    '<a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a>{{ end }}</nav><main>{{ block "main" . }}{{ end }}</main></body></html>\n',
    "_default/single.html": '{{ define "main" }}<article><h1>{{ .Title }}</h1><p><time>{{ .Date.Format "02/01/2006" }}</time> · '
    '{{ range .GetTerms "clusters" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }} · {{ .Params.location }}</p>'
    '<p>{{ range .GetTerms "provinces" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>{{ .Content }}'
    '{{ with .Params.results.figures }}<table>{{ range $k, $v := . }}<tr><th>{{ $k }}</th>'
    '<td>{{ lang.FormatNumberCustom 0 $v "- , ." }}</td></tr>{{ end }}</table>{{ end }}</article>{{ end }}\n',
    "_default/list.html": _LIST.replace("PAGER", ".Paginator") + "\n",
    "index.html": _LIST.replace("PAGER", ".Paginate site.RegularPages") + "\n",
    "_default/terms.html": '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Data.Terms.ByCount }}<li><a href="{{ .Page.RelPermalink }}">'
    '{{ .Page.LinkTitle }}</a> ({{ .Count }})</li>{{ end }}</ul>{{ end }}\n',
}


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--format", choices=["archive", "pelican", "hugo"], required=True)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng, seen, used, held = random.Random(a.seed), set(), set(), set()
    for i in range(a.n):
        meta, body = make_article(i, rng)
        while (meta["cluster"], meta["kind"], meta["date"]) in held:  # one conference of a kind a day per cluster
            meta["date"] += dt.timedelta(days=1)
            meta["published"] = meta["date"].isoformat() + "T10:00:00+07:00"
        held.add((meta["cluster"], meta["kind"], meta["date"]))
        d, slug = meta["date"], slugify(meta["title"])
        base, j = slug, 1
        while slug in seen:  # unique site-wide (Pelican treats equal slugs as translations)
            j += 1
            slug = f"{base}-{j}"
        seen.add(slug)
        used.add(meta["cluster"])
        path = os.path.join(a.out, "content", str(d.year), f"{d.isoformat()}-{slug}.md")
        if a.format == "archive":
            write(path, front_matter(meta) + "\n" + body)
        elif a.format == "hugo":
            write(path, front_matter(meta, [("slug", slug), ("clusters", [meta["cluster"]]), ("kinds", [meta["kind"]])]) + "\n" + body)
        else:
            tags = ", ".join(meta["provinces"] + meta["tags"])
            write(path, f"Title: {meta['title']}\nDate: {meta['published'][:16].replace('T', ' ')}\n"
                        f"Category: {CLUSTERS[meta['cluster']][0]}\nTags: {tags}\nSlug: {slug}\n\n{body}")
    if a.format == "archive":
        provinces = sorted(set(p for _, ps in CLUSTERS.values() for p in ps.split(", ")) | set(MERGED))
        cfg = {"title": "Lưu trữ hội nghị Liên minh Hợp tác xã", "base_url": "https://example.org/", "language": "vi",
               "timezone": "Asia/Ho_Chi_Minh", "per_page": 20}
        lines = [f"{k}: {ystr(v)}" for k, v in cfg.items()] + ["clusters:"]
        lines += [f"  {k}: {{name: {ystr(CLUSTERS[k][0])}}}" for k in CLUSTERS if k in used]
        lines += ["kinds:"] + [f"  {k}: {ystr(v)}" for k, v in KINDS.items()] + ["indicators:"]
        lines += [f"  {k}: {{label: {ystr(label)}, unit: {ystr(u)}}}" for k, (label, u) in INDICATORS.items()]
        lines += [f"provinces: {yflow(provinces)}"]
        write(os.path.join(a.out, "site_config.yaml"), "\n".join(lines) + "\n")
    elif a.format == "pelican":
        write(os.path.join(a.out, "pelicanconf.py"), PELICANCONF)
    else:
        write(os.path.join(a.out, "config.toml"), HUGO_CONFIG)
        for name, text in HUGO_LAYOUTS.items():
            write(os.path.join(a.out, "layouts", name), text)


if __name__ == "__main__":
    main()
