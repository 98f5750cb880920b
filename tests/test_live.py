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


@pytest.fixture
def watched_corpus(served_corpus):
    """The served corpus as serve.py holds it: watched, so a rebuild re-reads only the files named."""
    options, live = served_corpus
    live.changed = set()
    build(options, live=live)  # lists content/ once for the watched rebuilds to start from
    return options, live


def edit(path: Path, old: str, new: str) -> Path:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_watched_rebuilds_of_every_kind_of_change_equal_a_clean_build(watched_corpus):
    options, live = watched_corpus
    articles = sorted(Path("content").rglob("*.md"))
    renamed = articles[12].with_name(articles[12].name.replace("hoi-nghi", "doi-ten"))
    added = Path("content/2026/01/2026-01-05-moi.md")  # in folders made after the first build
    photo = articles[5].with_name("toan-canh.png")

    def add() -> None:
        added.parent.mkdir(parents=True)
        added.write_text(articles[20].read_text(encoding="utf-8").replace("date: '", "date: '2026-01-05' #", 1),
                         encoding="utf-8")

    def show_photo() -> None:
        photo.write_bytes(b"\x89PNG\r\n\x1a\n")
        edit(articles[5], "\n---\n", "\n---\n![Toàn cảnh](toan-canh.png)\n\n")

    steps = [  # (what changes, the paths the watcher names)
        (lambda: edit(articles[4], "title: ", "title: Sửa "), [articles[4]]),  # text only: swapped in
        (lambda: edit(articles[-1], "date: '", "date: '2010-01-02' #"), [articles[-1]]),  # the newest, older
        (articles[9].unlink, [articles[9]]),
        (lambda: articles[12].rename(renamed), [articles[12], renamed]),
        (add, [added]),
        (show_photo, [photo, articles[5]]),
    ]
    for change, named in steps:
        change()
        live.changed.update(named)
        build(options, live=live, with_search=False)
        assert main(["--no-cache", "--output", "clean"]) == 0
        clean = snapshot(Path("clean"))
        quick = snapshot(Path("output"))  # every page right at once; the search files follow
        assert {path for path in quick if path in clean and quick[path] != clean[path]} <= {
            path for path in clean if path.startswith(("search/", "tim-kiem/", "du-lieu/ket-qua."))}
        assert {path for path in clean if not path.startswith("search/")} <= set(quick)
    build(options, live=live)
    assert snapshot(Path("output")) == clean
    assert "2026/moi/index.html" in clean
    assert f"{articles[5].parent.name}/{articles[5].stem[11:]}/toan-canh.png" in clean


def test_a_watched_rebuild_reads_only_the_articles_that_changed(watched_corpus, monkeypatch):
    from archive import pipeline

    options, live = watched_corpus
    read = []
    original = pipeline.read_article
    monkeypatch.setattr(pipeline, "read_article", lambda path: read.append(path) or original(path))
    article = edit(sorted(Path("content").rglob("*.md"))[3], "title: ", "title: Chỉ bài này ")
    live.changed.add(article)
    build(options, live=live, with_search=False)
    assert read == [article]
    page = next(Path("output").glob(f"*/{article.stem[11:]}/index.html")).read_text(encoding="utf-8")
    assert "Chỉ bài này" in page


def test_a_text_edit_gives_the_site_a_regrouping_would(watched_corpus):
    from archive.model import build_site

    options, live = watched_corpus
    article = edit(sorted(Path("content").rglob("*.md"))[6], "title: ", "title: Tiêu đề mới ")
    before = live.site[2]
    live.changed.add(article)
    build(options, live=live, with_search=False)
    config, conferences, site = live.site
    assert site is not before and site == build_site(config, conferences)
    assert any(c.title.startswith("Tiêu đề mới") for c in site.conferences)


def test_a_full_build_gives_way_to_a_newer_edit_and_writes_nothing(watched_corpus):
    from archive.pipeline import Superseded

    options, live = watched_corpus
    article = edit(sorted(Path("content").rglob("*.md"))[2], "title: ", "title: Mới hơn ")
    live.changed.add(article)
    before = snapshot(Path("output"))
    live.stop = lambda: True  # an edit waits
    with pytest.raises(Superseded):
        build(options, live=live)
    assert snapshot(Path("output")) == before
    live.stop = None
    build(options, live=live)
    assert main(["--no-cache", "--output", "clean"]) == 0
    assert snapshot(Path("output")) == snapshot(Path("clean"))


def test_pages_are_redrawn_for_whatever_their_template_reads(watched_corpus):
    """A cluster's pages show only its name and count until a template reads more of it: then an
    edit anywhere in the cluster redraws them all."""
    options, live = watched_corpus
    newest = max(Path("content").rglob("*.md"), key=lambda path: path.name)
    live.changed.add(edit(Path("site_config.yaml"), "per_page: ", "per_page: 1 #"))  # clusters of many pages
    build(options, live=live, with_search=False)
    template = Path("templates/cluster.html")
    template.write_text(template.read_text(encoding="utf-8").replace(
        "<h1>{{ listing.name }}</h1>", "<h1>{{ listing.name }}</h1><p>Mới nhất: {{ (listing.conferences | first).title }}</p>"),
        encoding="utf-8")
    live.changed.add(template)
    build(options, live=live, with_search=False)
    live.changed.add(edit(newest, "title: ", "title: Tiêu đề mới nhất "))
    build(options, live=live, with_search=False)
    assert main(["--no-cache", "--output", "clean"]) == 0
    clean = snapshot(Path("clean"))
    output = snapshot(Path("output"))
    shown = "Mới nhất: Tiêu đề mới nhất".encode()
    assert len([path for path in clean if path.startswith("cum/") and shown in clean[path]]) > 1  # every page
    assert {path: data for path, data in output.items() if path in clean and not path.startswith(SEARCH_FILES)} \
        == {path: data for path, data in clean.items() if not path.startswith(SEARCH_FILES)}


SEARCH_FILES = ("search/", "tim-kiem/", "du-lieu/ket-qua.")  # brought up to date after the pages


def test_tables_and_warnings_kept_by_the_preview_server_are_those_made_afresh(watched_corpus):
    from archive import results

    options, live = watched_corpus
    articles = sorted(Path("content").rglob("*.md"))
    live.changed.add(edit(articles[8], "title: ", "title: Chỉ sửa chữ "))  # the same groups, one swapped in
    live.changed.add(edit(articles[11], "cooperatives: ", "cooperatives: 7"))  # a figure changed
    build(options, live=live, with_search=False)
    site = live.site[2]
    assert results.tabulate(site, live.tables) == results.tabulate(site)
    assert results.check(site, live.checks) == results.check(site)


def test_the_time_of_the_newest_article_follows_its_edits(served_corpus):
    import dataclasses
    import datetime as dt

    from archive import render

    options, live = served_corpus
    before = live.site[2].conferences
    newest = max(before, key=lambda c: c.updated)
    memo = {render._LATEST: (before, newest.updated)}
    for day in (dt.date(1999, 1, 1), dt.date(2099, 1, 1), newest.date):  # older, newer, as it was
        edited = dataclasses.replace(newest, date=day, published=None)
        after = tuple(edited if c is newest else c for c in before)
        assert render._latest(after, memo) == max(c.updated for c in after)


def test_an_edited_partial_template_or_stylesheet_shows_on_every_page_that_uses_it(watched_corpus):
    options, live = watched_corpus
    partial = edit(Path("templates/_macros.html"), '<li class="conference">', '<li class="conference hoi-nghi">')
    style = Path("templates/static/style.css")
    style.write_text(style.read_text(encoding="utf-8") + "\n.hoi-nghi { color: #123456; }\n", encoding="utf-8")
    live.changed.update({partial, style})
    build(options, live=live, with_search=False)
    assert main(["--no-cache", "--output", "clean"]) == 0
    clean = snapshot(Path("clean"))
    output = snapshot(Path("output"))
    assert {path: data for path, data in output.items() if path in clean and not path.startswith(SEARCH_FILES)} \
        == {path: data for path, data in clean.items() if not path.startswith(SEARCH_FILES)}
    assert b'class="conference hoi-nghi"' in clean["index.html"] and b"#123456" in clean["static/style.css"]
