"""The live preview's builds (pipeline.build with a Memory): each gives what a clean build gives,
and an edit draws again exactly the pages that show what changed."""
from __future__ import annotations

from pathlib import Path

import pytest

from archive.cli import main
from archive.common.problems import BuildFailed
from archive.make import render, results
from archive.make.pipeline import Caches, Memory, Options, build, load_site
from archive.site.model import url_for
from bench.corpus import write_corpus
from conftest import snapshot


@pytest.fixture
def served(tmp_path, monkeypatch):
    """A 40-article corpus as the preview server holds it after its first build."""
    write_corpus(40, tmp_path / "site")
    monkeypatch.chdir(tmp_path / "site")
    options = Options()
    memory = Memory(Caches(options.cache))
    build(options, memory=memory)
    return options, memory


@pytest.fixture
def drawn(monkeypatch):
    """The paths of the pages drawn from now on (in this process, where the preview draws them)."""
    paths: list[str] = []
    original = render.draw

    def counting(page, env, config):
        paths.append(page.path)
        return original(page, env, config)

    monkeypatch.setattr(render, "draw", counting)
    return paths


def clean() -> dict[str, bytes]:
    assert main(["--no-cache", "--output", "clean"]) == 0
    return snapshot(Path("clean"))


def edit(path: Path, old: str, new: str) -> Path:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.slow  # a 40-article corpus, built again and again
def test_every_kind_of_change_rebuilds_to_what_a_clean_build_gives(served):
    options, memory = served
    articles = sorted(Path("content").rglob("*.md"))
    renamed = articles[12].with_name(articles[12].name.replace("hoi-nghi", "doi-ten"))
    added = Path("content/2026/01/2026-01-05-moi.md")  # in folders that did not exist
    photo = articles[5].with_name("toan-canh.png")

    def add() -> None:
        added.parent.mkdir(parents=True)
        added.write_text(articles[20].read_text(encoding="utf-8").replace("date: '", "date: '2026-01-05' #", 1),
                         encoding="utf-8")

    def show_photo() -> None:
        photo.write_bytes(b"\x89PNG\r\n\x1a\n")
        edit(articles[5], "\n---\n", "\n---\n![Toàn cảnh](toan-canh.png)\n\n")

    steps = [
        lambda: edit(articles[4], "title: ", "title: Sửa "),  # text only
        lambda: edit(articles[-1], "date: '", "date: '2010-01-02' #"),  # the newest becomes the oldest
        articles[9].unlink,
        lambda: articles[12].rename(renamed),
        add,
        show_photo,
        lambda: edit(Path("templates/article.html"), "Ngày họp", "Ngày diễn ra"),
        lambda: edit(Path("site_config.yaml"), "title: Lưu trữ", "title: Kho lưu trữ"),
    ]
    for change in steps:
        change()
        build(options, memory=memory)
        assert snapshot(Path("output")) == clean()
    page = Path("output/2026/moi/index.html").read_text(encoding="utf-8")
    assert "Ngày diễn ra" in page and "Kho lưu trữ hội nghị" in page


@pytest.mark.slow  # a 40-article corpus, built again and again
def test_an_edit_draws_exactly_the_pages_that_show_the_article(served, drawn):
    options, memory = served
    site, _ = load_site(options)
    conference = site.conferences[len(site.conferences) // 2]  # neither the newest nor on the home page
    edit(Path(conference.path), "title: ", "title: Sửa ")
    build(options, memory=memory)
    cluster = next(c for c in site.clusters if c.key == conference.cluster_key)
    place = cluster.conferences.index(conference)
    per_page = site.config.per_page
    cluster_page = cluster.url if place < per_page else url_for(site.config, "cluster_page", cluster=cluster.key,
                                                                  page=place // per_page + 1)
    year = next(year for year in site.years if year.key == str(conference.date.year))
    expected = {conference.url, cluster_page, year.url}
    # the articles that link to it: as their previous or next of the cluster and kind, or as related
    expected |= {url for url, links in [*site.neighbours.items(), *site.related.items()]
                 if any(link and link.url == conference.url for link in links)}
    expected |= {tag.url for tag in site.tags if conference in tag.conferences}
    expected |= {p.url for p in site.provinces if conference in p.conferences}
    if place < per_page:
        expected.add(cluster.feed_url)
    assert conference not in site.conferences[:per_page]  # else the home page and the site's feed too
    # (the search page shows the index's partitions, which a new word may change)
    assert set(drawn) - {"tim-kiem/index.html"} == {url + "index.html" if url.endswith("/") else url
                                                    for url in expected}
    assert snapshot(Path("output")) == clean()


@pytest.mark.slow  # a 40-article corpus, built again and again
def test_an_edit_makes_again_only_the_search_result_file_of_that_article(served, monkeypatch):
    from archive.make import search

    options, memory = served
    made: list[str] = []
    original = search._results_script

    def counting(name, conferences):
        made.append(name)
        return original(name, conferences)

    monkeypatch.setattr(search, "_results_script", counting)
    site, _ = load_site(options)
    oldest_first = site.conferences[::-1]
    conference = oldest_first[7]
    edit(Path(conference.path), "title: ", "title: Sửa ")
    build(options, memory=memory)
    assert made == [f"{search.SCRIPT_DIR}/r{7 // search.RESULTS_PER_FILE}.js"]
    assert snapshot(Path("output")) == clean()


@pytest.mark.slow  # a 40-article corpus, built again and again
def test_a_template_edit_draws_the_pages_drawn_with_it_and_only_those(served, drawn):
    options, memory = served
    site, _ = load_site(options)
    edit(Path("templates/year.html"), "hội nghị</p>", "hội nghị đã lưu</p>")
    build(options, memory=memory)
    assert sorted(drawn) == sorted(year.url + "index.html" for year in site.years)
    drawn.clear()
    edit(Path("templates/base.html"), "Bỏ qua, đến nội dung chính", "Đến nội dung chính")
    build(options, memory=memory)
    pages = render.plan_pages(site, results.tabulate(site))  # the HTML pages extend base.html; feeds do not
    assert set(drawn) == {page.path for page in pages if page.template.endswith(".html")} | {"tim-kiem/index.html"}
    assert snapshot(Path("output")) == clean()


@pytest.mark.slow  # a 40-article corpus, built again and again
def test_nothing_changed_draws_nothing(served, drawn):
    options, memory = served
    build(options, memory=memory)
    assert drawn == []


@pytest.mark.slow  # a 40-article corpus, built again and again
def test_a_broken_edit_keeps_the_last_good_site_and_the_next_good_one_is_whole(served):
    options, memory = served
    before = snapshot(Path("output"))
    article = sorted(Path("content").rglob("*.md"))[3]
    edit(article, "date: '", "date: '31/12/2023' #")
    with pytest.raises(BuildFailed, match="date"):
        build(options, memory=memory)
    assert snapshot(Path("output")) == before
    edit(article, "date: '31/12/2023' #", "date: '")
    edit(Path("templates/home.html"), "{% block content %}", "{% block content %}{{ nothing_here }}")
    with pytest.raises(BuildFailed, match="nothing_here"):
        build(options, memory=memory)
    assert snapshot(Path("output")) == before
    edit(Path("templates/home.html"), "{{ nothing_here }}", "")
    build(options, memory=memory)
    assert snapshot(Path("output")) == clean()


def test_a_photo_added_after_the_error_it_caused_is_picked_up(tmp_path, monkeypatch, scratch):
    monkeypatch.chdir(scratch.root)
    options = Options()
    memory = Memory(Caches(options.cache))
    build(options, memory=memory)
    scratch.write("content/2023/2023-12-09-anh.md",
                  "---\ntitle: Ảnh\ndate: 2023-12-09\ncluster: hai-phong\nkind: khac\n---\n![Toàn cảnh](toan-canh.png)\n")
    with pytest.raises(BuildFailed, match="toan-canh.png"):
        build(options, memory=memory)
    scratch.write("content/2023/toan-canh.png", b"\x89PNG\r\n\x1a\n")
    build(options, memory=memory)
    assert (scratch.output / "2023/anh/toan-canh.png").exists()


@pytest.mark.slow  # a 40-article corpus, built again and again
def test_edits_do_not_pile_up_in_the_preview_s_memory(served, monkeypatch):
    from archive.make import search

    options, memory = served
    article = sorted(Path("content").rglob("*.md"))[-1]
    for n in range(4):
        edit(article, "title: ", f"title: Lần {n} ")
        build(options, memory=memory)
    groups = -(-len(load_site(options)[0].conferences) // search.GROUP)
    assert len(memory.caches.search.entries) == groups  # the last version of each search group only
    assert len(memory.caches.articles.entries) == len(list(Path("content").rglob("*.md")))  # one version of each
