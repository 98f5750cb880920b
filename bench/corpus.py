"""Write a deterministic synthetic archive of N articles for the benchmarks.

    python bench/corpus.py N DIR

DIR gets content/ (N articles of about 650 words of Vietnamese prose with
figures, across 12 clusters and the years 2010-2025), site_config.yaml with
those clusters, and a copy of templates/. The same N always gives the same
files. The oldest article alone carries the word "tramhuongdo" in its body,
so a benchmark can check that a body-only word is found.
"""
from __future__ import annotations

import datetime as dt
import random
import shutil
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
MARKER = "tramhuongdo"

REGIONS = ["Trung du Bắc Bộ", "Đồng bằng sông Hồng", "Duyên hải miền Trung", "Bắc Trung Bộ", "Tây Nguyên",
           "Đông Nam Bộ", "Tây Nam Bộ", "Miền núi phía Bắc", "Tây Bắc", "Đông Bắc", "Nam Trung Bộ", "Đồng bằng sông Cửu Long"]
OPENINGS = ["Sáng {d}/{m}, tại {place}, Liên minh Hợp tác xã các tỉnh cụm {region} tổ chức hội nghị {kind} năm {y}.",
            "Ngày {d}/{m}/{y}, Cụm thi đua Liên minh HTX {region} đã tổ chức hội nghị {kind} tại {place}."]
SENTENCES = [
    "Toàn cụm có {n1} HTX thu hút {n2} thành viên tham gia, {n3} quỹ tín dụng nhân dân.",
    "Năm {y}, các tỉnh trong cụm thành lập mới {n4} hợp tác xã và {n5} tổ hợp tác.",
    "Liên minh Hợp tác xã các tỉnh tiếp tục đẩy mạnh công tác tuyên truyền, nâng cao nhận thức về kinh tế tập thể.",
    "Các quỹ hỗ trợ phát triển hợp tác xã đã giải ngân cho {n6} dự án với tổng số tiền trên {n7} tỷ đồng.",
    "Đại biểu thảo luận về chuyển đổi số, tiếp cận vốn vay ưu đãi và xúc tiến thương mại cho sản phẩm OCOP.",
    "Phát biểu tại hội nghị, đồng chí {person} ghi nhận những kết quả đạt được của phong trào thi đua.",
    "Hội nghị thống nhất đề nghị tặng cờ thi đua cho Liên minh HTX tỉnh {province}.",
    "Nhiều mô hình hợp tác xã kiểu mới hoạt động hiệu quả, gắn với chuỗi giá trị nông sản của địa phương.",
    "Công tác bồi dưỡng cán bộ quản lý hợp tác xã được quan tâm với {n8} lượt học viên tham gia.",
    "Liên minh HTX tỉnh {province} và tỉnh {province2} được bầu làm cụm trưởng, cụm phó năm tới.",
    "Khu vực kinh tế tập thể tiếp tục phát triển ổn định, doanh thu và thu nhập của thành viên tăng so với cùng kỳ.",
    "Các hợp tác xã nông nghiệp chú trọng ứng dụng công nghệ cao, liên kết tiêu thụ sản phẩm với doanh nghiệp.",
]
PEOPLE = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Minh Đức", "Hoàng Thị Hạnh", "Vũ Quốc Khánh",
          "Đặng Thu Lan", "Bùi Văn Mạnh", "Đỗ Thị Ngọc", "Ngô Gia Phúc"]
KINDS = [("tong-ket", "tổng kết"), ("so-ket", "sơ kết 6 tháng"), ("ky-niem", "kỷ niệm Ngày Hợp tác xã Quốc tế")]


def write_corpus(count: int, target: Path) -> None:
    rng = random.Random(count)
    config = yaml.safe_load((ROOT / "site_config.yaml").read_text(encoding="utf-8"))
    provinces = config["provinces"]
    clusters = {f"cum-{n + 1:02d}": {"name": f"Cụm thi đua {region}"} for n, region in enumerate(REGIONS)}
    config["clusters"] = clusters
    if target.exists():
        shutil.rmtree(target)
    (target / "content").mkdir(parents=True)
    shutil.copytree(ROOT / "templates", target / "templates")
    (target / "site_config.yaml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    start = dt.date(2010, 1, 1)
    span = (dt.date(2025, 12, 31) - start).days
    days = sorted(start + dt.timedelta(days=rng.randrange(span)) for _ in range(count))
    for number, day in enumerate(days):
        key = f"cum-{number % 12 + 1:02d}"
        region = REGIONS[number % 12]
        members = rng.sample(provinces, 6)
        kind, kind_text = KINDS[number % 3]
        values = {"d": day.day, "m": day.month, "y": day.year, "region": region, "kind": kind_text,
                  "place": f"TP {members[0]}", "person": rng.choice(PEOPLE), "province": members[1],
                  "province2": members[2]}
        paragraphs = [rng.choice(OPENINGS).format(**values)]
        while sum(len(p.split()) for p in paragraphs) < 650:
            figures = {f"n{i}": f"{rng.randrange(10, 5000):,}".replace(",", ".") for i in range(1, 9)}
            paragraph = " ".join(rng.choice(SENTENCES).format(**values, **figures) for _ in range(5))
            paragraphs.append(paragraph)
        if number == 0:
            paragraphs.append(f"Đoàn đại biểu tham quan vùng trồng {MARKER} của hợp tác xã.")
        front = {
            "title": f"Hội nghị {kind_text} cụm {region} năm {day.year} (số {number + 1})",
            "date": day.isoformat(), "cluster": key, "kind": kind, "provinces": members,
            "location": values["place"], "results": {"figures": {
                "cooperatives": rng.randrange(500, 5000), "members": rng.randrange(10_000, 2_000_000)}},
        }
        text = "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n" + "\n\n".join(paragraphs) + "\n"
        folder = target / "content" / str(day.year)
        folder.mkdir(exist_ok=True)
        (folder / f"{day.isoformat()}-hoi-nghi-{number + 1}.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    write_corpus(int(sys.argv[1]), Path(sys.argv[2]))
