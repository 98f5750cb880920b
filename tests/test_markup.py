"""The Markdown conversion's shortcuts (markup.QuickMarkdown): they run, and the HTML is
exactly what Python-Markdown makes without them, on the sample and on generated text."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.site import markup
from archive.site.content import find_articles, read_article

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
    return markup.converter(quick=False)


def test_both_shortcuts_run_on_the_sample_archive():
    """Fails when a Markdown release renames what QuickMarkdown leans on: the shortcuts would stop."""
    before = dict(markup.QuickMarkdown.counts)
    md = markup.converter()
    for path in find_articles(ROOT / "content"):
        markup.to_html(read_article(path).body, md)
    assert isinstance(md.treeprocessors["inline"], markup._QuickInline)
    assert markup.QuickMarkdown.counts["inline skipped"] > before["inline skipped"]
    assert markup.QuickMarkdown.counts["block tests skipped"] > before["block tests skipped"]


def test_the_stock_converter_is_without_the_shortcuts():
    md = stock_converter()
    assert type(md.treeprocessors["inline"]) is not markup._QuickInline
    assert not any("test" in vars(md.parser.blockprocessors[name]) for name in markup.QuickMarkdown.BLOCK_NEEDS)


def test_the_sample_archive_and_tricky_texts_convert_exactly_as_python_markdown_does():
    texts = TRICKY + [read_article(path).body for path in find_articles(ROOT / "content")]
    ours, stock = markup.converter(), stock_converter()
    for text in texts:
        assert markup.to_html(text, ours) == markup.to_html(text, stock), text[:60]


@pytest.mark.slow  # 300 Hypothesis examples
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(list("ab ăđ ế\n\n*_`\\[]()!<>&;#:/.@-|>1 \t=+")), max_size=120))
def test_any_text_converts_exactly_as_python_markdown_does(text):
    assert markup.to_html(text, markup.converter()) == markup.to_html(text, stock_converter())
