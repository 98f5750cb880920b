"""The preview server's rebuilds, which reuse what they checked before, give what a clean build gives."""
from __future__ import annotations

from pathlib import Path

import pytest

from archive.cli import main
from archive.pipeline import Options, build, live_state
from archive.problems import BuildFailed
from bench.corpus import write_corpus
from conftest import snapshot


@pytest.fixture
def served_corpus(tmp_path, monkeypatch):
    """A 30-article corpus as the preview server holds it after its first build."""
    write_corpus(30, tmp_path / "site")
    monkeypatch.chdir(tmp_path / "site")
    options = Options()
    live = live_state(options)
    build(options, live=live)
    return options, live


def test_live_rebuilds_after_edits_equal_a_clean_build(served_corpus):
    options, live = served_corpus
    articles = sorted(Path("content").rglob("*.md"))
    articles[3].write_text(articles[3].read_text(encoding="utf-8").replace("title: ", "title: Sửa ", 1),
                           encoding="utf-8")
    articles[7].unlink()
    pages_first = build(options, live=live, with_search=False)
    assert pages_first.pages > 0
    stale = snapshot(Path("output"))
    build(options, live=live)  # the search index catches up
    assert main(["--no-cache", "--output", "clean"]) == 0
    assert snapshot(Path("output")) == snapshot(Path("clean"))
    # the pages-only build already had every page but the search files right
    clean = snapshot(Path("clean"))
    differing = {path for path in clean if stale.get(path) != clean[path]}
    assert differing and all(path.startswith(("search/", "tim-kiem/", "du-lieu/ket-qua.")) for path in differing)


def test_live_rebuild_sees_a_photo_added_after_an_error(tmp_path, monkeypatch, scratch):
    monkeypatch.chdir(scratch.root)
    options = Options()
    live = live_state(options)
    build(options, live=live)
    scratch.write("content/2023/2023-12-09-anh.md",
                  "---\ntitle: Ảnh\ndate: 2023-12-09\ncluster: hai-phong\nkind: khac\n---\n![Toàn cảnh](toan-canh.png)\n")
    with pytest.raises(BuildFailed, match="toan-canh.png"):
        build(options, live=live)
    scratch.write("content/2023/toan-canh.png", b"\x89PNG\r\n\x1a\n")
    build(options, live=live)
    assert (scratch.output / "2023/anh/toan-canh.png").exists()


def test_live_rebuilds_redraw_what_a_template_the_config_or_a_neighbour_changes(served_corpus):
    options, live = served_corpus
    articles = sorted(Path("content").rglob("*.md"))
    # the newest article's title also shows in the navigation of the article before it
    articles[-1].write_text(articles[-1].read_text(encoding="utf-8").replace("title: ", "title: Mới ", 1),
                            encoding="utf-8")
    build(options, live=live)
    template = Path("templates/article.html")
    template.write_text(template.read_text(encoding="utf-8").replace("Ngày họp", "Ngày diễn ra"), encoding="utf-8")
    build(options, live=live)
    config = Path("site_config.yaml")
    config.write_text(config.read_text(encoding="utf-8").replace("title: Lưu trữ", "title: Kho lưu trữ", 1),
                      encoding="utf-8")
    build(options, live=live)
    assert main(["--no-cache", "--output", "clean"]) == 0
    assert snapshot(Path("output")) == snapshot(Path("clean"))
    page = next(Path("output").glob("20*/*/index.html")).read_text(encoding="utf-8")
    assert "Ngày diễn ra" in page and "Kho lưu trữ hội nghị" in page
