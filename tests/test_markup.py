"""The Markdown conversion's shortcut: text that no inline pattern can match skips the
inline pass, and the HTML is exactly what Python-Markdown's own inline pass makes."""
from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown.treeprocessors import InlineProcessor

from archive import markup
from archive.content import find_articles, read_article

ROOT = Path(__file__).resolve().parent.parent

TRICKY = [
    "Sáng 1/12, tại TP Hải Dương, **Liên minh HTX** tổ chức *hội nghị* tổng kết.",
    "Một dòng  \nngắt dòng, rồi `mã`, \\*không nghiêng\\*, và &amp; &copy; & < > \"\"",
    "[Báo Hải Dương](https://baohaiduong.vn) và ![ảnh hội nghị]() và ![ảnh](hoi-nghi.jpg)",
    "<https://lienminhhtx.vn> <hop.tac@xa.vn> <script>alert(1)</script> <b>đậm</b>",
    "snake_case_word và 2*3*4 và _nghiêng_ và __đậm__ và * sao lẻ *",
    "| Tỉnh | HTX |\n| --- | --- |\n| Thanh Hóa | 1.331 |\n| Hà Tĩnh | 1.031 |",
    "1. một\n2. hai\n\n- ba\n- bốn *nghiêng*",
    "> trích dẫn [link][ref]\n\n[ref]: https://example.vn \"tiêu đề\"",
    "Chữ thường không có gì đặc biệt, 2.425.931 thành viên, 226 tỷ đồng.",
    "    khối mã <b> & *không* xử lý",
    "# Tiêu đề\n\n## Tiêu đề hai ##\nđoạn\n\n---\n\n* * *\n\n___\n\n> trích\n> dẫn\n\nđoạn > không phải trích",
    "đoạn văn\n- không phải danh sách\n#không phải tiêu đề\n> trích dẫn giữa đoạn",
]


def stock_converter():
    md = markup.converter()
    md.treeprocessors.register(InlineProcessor(md), "inline", 20)
    for name in markup._BLOCK_NEEDS:
        del md.parser.blockprocessors[name].test  # the class's own test again
    return md


def test_the_shortcuts_are_in_use():
    md = markup.converter()
    assert isinstance(md.treeprocessors["inline"], markup._QuickInline)
    assert all("test" in vars(md.parser.blockprocessors[name]) for name in markup._BLOCK_NEEDS)


def test_the_sample_archive_and_tricky_texts_convert_exactly_as_python_markdown_does():
    texts = TRICKY + [read_article(path).body for path in find_articles(ROOT / "content")]
    ours, stock = markup.converter(), stock_converter()
    for text in texts:
        assert markup.to_html(text, ours) == markup.to_html(text, stock), text[:60]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(list("ab ăđ ế\n\n*_`\\[]()!<>&;#:/.@-|>1 \t=+")), max_size=120))
def test_any_text_converts_exactly_as_python_markdown_does(text):
    assert markup.to_html(text, markup.converter()) == markup.to_html(text, stock_converter())
