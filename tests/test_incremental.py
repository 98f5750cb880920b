"""Builds that reuse .cache/ and the previous output/ give exactly what a clean build gives."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from archive import pipeline, render, search
from archive.cli import main
from bench.corpus import write_corpus
from conftest import snapshot


@pytest.fixture
def corpus(tmp_path, monkeypatch):
    """A 60-article corpus, with thresholds lowered so that groups, workers and caches all take part."""
    write_corpus(60, tmp_path / "site")
    monkeypatch.chdir(tmp_path / "site")
    monkeypatch.setattr(search, "GROUP", 16)
    monkeypatch.setattr(render, "PARALLEL_FROM", 20)
    monkeypatch.setattr(pipeline, "PARALLEL_FROM", 10)
    return tmp_path / "site"


def clean_build(site: Path) -> dict[str, bytes]:
    assert main(["--no-cache", "--output", str(site / "clean")]) == 0
    return snapshot(site / "clean")


def test_edits_additions_deletions_and_renames_build_the_same_site_as_a_clean_build(corpus, capsys):
    assert main([]) == 0
    articles = sorted((corpus / "content").rglob("*.md"))
    edited = articles[30]
    edited.write_text(edited.read_text(encoding="utf-8").replace("hội nghị", "HỘI NGHỊ", 3), encoding="utf-8")
    articles[5].unlink()
    renamed = articles[40]
    renamed.rename(renamed.with_name(renamed.name.replace("hoi-nghi", "doi-ten")))
    added = corpus / "content" / "2025" / "2025-12-30-moi-them.md"
    added.parent.mkdir(exist_ok=True)
    added.write_text(articles[10].read_text(encoding="utf-8").replace("date: '", "date: '2025-12-30' #", 1),
                     encoding="utf-8")
    template = corpus / "templates" / "year.html"
    template.write_text(template.read_text(encoding="utf-8").replace("hội nghị</p>", "hội nghị đã lưu</p>"),
                        encoding="utf-8")
    assert main([]) == 0
    incremental = snapshot(corpus / "output")
    assert incremental == clean_build(corpus)
    assert "2025/moi-them/index.html" in incremental
    assert not any(name.startswith(articles[5].stem[11:]) for name in incremental)


def test_a_build_with_nothing_changed_does_nothing_and_keeps_every_file(corpus, capsys):
    assert main([]) == 0
    before = {path: os.stat(corpus / "output" / path).st_mtime_ns for path in snapshot(corpus / "output")}
    capsys.readouterr()
    assert main([]) == 0
    assert capsys.readouterr().out.startswith("Không có gì thay đổi từ lần xây dựng trước")
    assert {path: os.stat(corpus / "output" / path).st_mtime_ns for path in snapshot(corpus / "output")} == before


def test_unchanged_files_keep_their_time_when_one_article_changes(corpus):
    assert main([]) == 0
    output = corpus / "output"
    first = {path: os.stat(output / path).st_mtime_ns for path in snapshot(output)}
    article = sorted((corpus / "content").rglob("*.md"))[0]
    article.write_text(article.read_text(encoding="utf-8") + "\nMột câu mới.\n", encoding="utf-8")
    assert main([]) == 0
    second = {path: os.stat(output / path).st_mtime_ns for path in snapshot(output)}
    changed = {path for path in first if first[path] != second.get(path)}
    assert any(path.endswith("index.html") and path.startswith("2010/") for path in changed)
    assert "static/style.css" not in changed
    assert len(changed) < len(first) / 4
