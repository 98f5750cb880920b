"""The editors' guide (HUONG-DAN.md): its lists of allowed values, made from site_config.yaml.

`python -m archive.site.guide` rewrites the part of the guide between the two markers below, so the
clusters, kinds, indicators and provinces an editor reads are the ones the build accepts;
tests/test_guide.py fails when the guide and the config differ.
"""
from __future__ import annotations

import sys
from pathlib import Path

from ..common.messages import say
from ..common.problems import BuildFailed
from .config import SiteConfig, load_config

GUIDE = Path("HUONG-DAN.md")
BEGIN = "<!-- danh-sach-gia-tri: bắt đầu (tạo bằng .venv/bin/python -m archive.site.guide; đừng sửa tay) -->"
END = "<!-- danh-sach-gia-tri: hết -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    return lines + ["| " + " | ".join(_cell(cell) for cell in row) + " |" for row in rows]


def allowed_values(config: SiteConfig) -> str:
    """The guide's lists, in the config's order: what `cluster`, `kind`, the indicators of `results`
    and the province names may be."""
    before = [str(name) for name in config.raw.get("provinces") or ()]
    after = [str(name) for name in config.raw.get("provinces_2025") or ()]
    lines = [
        "### Cụm (`cluster`)", "",
        *_table(("ghi trong tệp", "tên hiển thị trên trang"),
                [(f"`{key}`", name) for key, name in config.clusters.items()]), "",
        "### Loại hội nghị (`kind`)", "",
        *_table(("ghi trong tệp", "tên hiển thị trên trang"),
                [(f"`{key}`", label) for key, label in config.kinds.items()]), "",
        "### Chỉ tiêu (trong `results.figures` và `results.by_province`)", "",
        *_table(("ghi trong tệp", "tên chỉ tiêu", "đơn vị"),
                [(f"`{key}`", item.label, item.unit) for key, item in config.indicators.items()]), "",
        f"### Tỉnh, thành phố trước ngày sáp nhập 2025 ({len(before)} tên)", "",
        ", ".join(before) + ".", "",
    ]
    if after:
        lines += [f"### Tỉnh, thành phố sau ngày sáp nhập 2025 ({len(after)} tên)", "", ", ".join(after) + ".", ""]
    return "\n".join(lines)


def with_values(guide: str, config: SiteConfig) -> str:
    """The guide's text with its lists made again from the config."""
    start, end = guide.index(BEGIN) + len(BEGIN), guide.index(END)
    return guide[:start] + "\n\n" + allowed_values(config) + "\n" + guide[end:]


def main(argv: list[str] | None = None) -> int:
    config_path = Path((argv or sys.argv[1:] or ["site_config.yaml"])[0])
    try:
        config = load_config(config_path)
    except BuildFailed as failure:
        for problem in failure.problems:
            print(problem, file=sys.stderr)
        return 1
    text = GUIDE.read_text(encoding="utf-8")
    new = with_values(text, config)
    if new != text:
        GUIDE.write_text(new, encoding="utf-8")
    print(say("guide.updated" if new != text else "guide.unchanged", guide=GUIDE, config=config_path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
