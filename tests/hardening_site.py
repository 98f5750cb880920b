"""A site with every page type and hostile text in every field, for the validity, escaping and accessibility tests.

The real sample content, plus one article whose every free-text field (and a
cluster, province, kind and indicator of the config) carries HTML and script,
plus a body of raw HTML and dangerous links; per_page is 2 so that clusters
are paginated. Built with the real build.py, like an editor would.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent

# Every payload sets window.__xss if it ever runs; the quotes and ampersand
# check attribute escaping too.
PAYLOAD = "<script>window.__xss=1</script><img src=x onerror=\"window.__xss=2\"> \"q' & <b>đậm</b>"
HOSTILE_TITLE = "Hội nghị lạ " + PAYLOAD
HOSTILE_CLUSTER = "cum-la"
HOSTILE_PROVINCE = "Tỉnh " + PAYLOAD
HOSTILE_INDICATOR = "chi-tieu-la"
HOSTILE_ARTICLE = "2022/hoi-nghi-la/"  # its page

# Raw HTML and dangerous links in a body: the policy of docs/content.md, "The body".
HOSTILE_BODY = """\
Mở đầu <script>window.__xss=3</script> và <b onclick="window.__xss=4">chữ đậm giả</b>.

<div onmouseover="window.__xss=5"><iframe src="javascript:window.__xss=6"></iframe></div>

[liên kết độc](javascript:window.__xss=7) · [liên kết dữ liệu](data:text/html,<script>alert(1)</script>) ·
[liên kết tốt](https://example.org/tot) · [thư](mailto:ban@example.org) · [trang trong](../../nam/2023/)

<a href="javascript:window.__xss=8">thẻ a thô</a>

![Chú thích <script>window.__xss=9</script>]()
"""


def hostile_article() -> str:
    front = {
        "title": HOSTILE_TITLE,
        "date": "2022-11-04",
        "cluster": HOSTILE_CLUSTER,
        "kind": "la",
        "provinces": [HOSTILE_PROVINCE, "Hải Phòng"],
        "location": "Địa điểm " + PAYLOAD,
        "summary": "Tóm tắt " + PAYLOAD,
        "author": "Tác giả " + PAYLOAD,
        "tags": ["thẻ " + PAYLOAD, "hợp tác xã"],
        "source": {"name": "Nguồn " + PAYLOAD, "url": "https://example.org/bai?a=1&b=2"},
        "images": [{"caption": "Ảnh " + PAYLOAD}],
        "results": {
            "figures": {HOSTILE_INDICATOR: 12, "cooperatives": 40},
            "by_province": {HOSTILE_PROVINCE: {HOSTILE_INDICATOR: 5, "cooperatives": 20}},
            "awards": [{"award": "Giải " + PAYLOAD, "recipient": "Người nhận " + PAYLOAD}],
            "leaders": {"chair": [HOSTILE_PROVINCE], "deputy": ["Hải Phòng"]},
        },
    }
    return "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n" + HOSTILE_BODY


def hostile_config(text: str) -> str:
    config = yaml.safe_load(text)
    config["per_page"] = 2
    config["clusters"][HOSTILE_CLUSTER] = {"name": "Cụm " + PAYLOAD}
    config["kinds"]["la"] = "Loại " + PAYLOAD
    config["indicators"][HOSTILE_INDICATOR] = {"label": "Chỉ tiêu " + PAYLOAD, "unit": "đơn vị " + PAYLOAD}
    config["provinces"].append(HOSTILE_PROVINCE)
    return yaml.safe_dump(config, allow_unicode=True, sort_keys=False)


def write_full_site(root: Path) -> Path:
    """Write the site's sources into root (content, templates, config); root."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "content", root / "content")
    shutil.copytree(ROOT / "templates", root / "templates")
    config = hostile_config((ROOT / "site_config.yaml").read_text(encoding="utf-8"))
    (root / "site_config.yaml").write_text(config, encoding="utf-8")
    (root / "content/2022").mkdir(parents=True, exist_ok=True)
    (root / "content/2022/2022-11-04-hoi-nghi-la.md").write_text(hostile_article(), encoding="utf-8")
    for day in ("2022-06-10", "2022-12-09"):  # three conferences of one cluster: a second cluster page
        (root / f"content/2022/{day}-trung-du-bac-bo-{day[5:7]}.md").write_text(
            f"---\ntitle: Hội nghị cụm Trung du Bắc Bộ ngày {day}\ndate: {day}\ncluster: trung-du-bac-bo\n"
            "kind: so-ket\nprovinces: [Bắc Ninh]\nresults:\n  figures: {cooperatives: 900}\n  approx: [cooperatives]\n"
            "---\n"
            "Các tỉnh trong cụm họp bàn kế hoạch.\n", encoding="utf-8")
    # After the 2025 merger: Quảng Trị's page says it took in Quảng Bình, and its chart marks the day.
    (root / "content/2025").mkdir(parents=True, exist_ok=True)
    (root / "content/2025/2025-12-10-bac-trung-bo.md").write_text(
        "---\ntitle: Tổng kết năm 2025 cụm Bắc Trung Bộ\ndate: 2025-12-10\ncluster: bac-trung-bo\nkind: tong-ket\n"
        "provinces: [Thanh Hóa, Quảng Trị, Huế]\ntags: [hợp tác xã]\nresults:\n  by_province:\n"
        "    Quảng Trị: {cooperatives: 842}\n  leaders: {chair: [Quảng Trị]}\n---\n"
        "Các tỉnh trong cụm tổng kết năm đầu tiên sau sáp nhập.\n", encoding="utf-8")
    return root


def build_full_site(root: Path) -> Path:
    """Write and build the site; its output folder."""
    write_full_site(root)
    result = subprocess.run([sys.executable, str(ROOT / "build.py")], cwd=root, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return root / "output"


# One page of each type, relative to the output folder.
PAGE_TYPES = {
    "home": "index.html",
    "clusters": "cum/index.html",
    "provinces": "tinh/index.html",
    "article": "2024/bac-trung-bo-so-ket-6-thang-2024/index.html",
    "hostile article": HOSTILE_ARTICLE + "index.html",
    "cluster": "cum/bac-trung-bo/index.html",
    "cluster page 2": "cum/trung-du-bac-bo/trang/2/index.html",
    "cluster with charts": "cum/trung-du-bac-bo/index.html",  # over two years, mid-year and approximate figures
    "year": "nam/2023/index.html",
    "province": "tinh/thanh-hoa/index.html",
    "merged province": "tinh/quang-tri/index.html",
    "tags": "the/index.html",
    "tag": "the/hop-tac-xa/index.html",
    "search": "tim-kiem/index.html",
    "data": "du-lieu/index.html",
    "404": "404.html",
}
