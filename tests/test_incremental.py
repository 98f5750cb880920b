"""Builds that reuse .cache/ and the previous output/, or share the work among worker processes,
give exactly what a clean build in one process gives."""
from __future__ import annotations

import importlib.metadata
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from archive.cli import main
from archive.make import search
from bench.corpus import write_corpus
from conftest import snapshot

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def corpus(tmp_path, monkeypatch):
    """A 60-article corpus in groups of 16, built by two worker processes, so that groups,
    workers and caches all take part."""
    write_corpus(60, tmp_path / "site")
    monkeypatch.chdir(tmp_path / "site")
    monkeypatch.setattr(search, "GROUP", 16)
    monkeypatch.setenv("ARCHIVE_WORKERS", "2")
    return tmp_path / "site"


def _build_in_a_process_of_its_own(site: Path, workers: int, output: str) -> int:
    """A build from the command line (a fresh process: no other thread) with ARCHIVE_WORKERS set;
    how many worker processes drew its pages."""
    code = ("import sys; from pathlib import Path; from archive.make import pipeline, search; search.GROUP = 16; "
            f"print(pipeline.build(pipeline.Options(output=Path({output!r}), cache=None)).workers)")
    done = subprocess.run([sys.executable, "-c", code], cwd=site, capture_output=True, text=True,
                          env={**os.environ, "ARCHIVE_WORKERS": str(workers), "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    return int(done.stdout.split()[-1])


@pytest.mark.slow  # a 60-article corpus, built several times
def test_workers_build_byte_for_byte_what_one_process_builds(corpus):
    assert _build_in_a_process_of_its_own(corpus, 2, "parallel") == 2
    assert _build_in_a_process_of_its_own(corpus, 1, "alone") == 0
    assert snapshot(corpus / "parallel") == snapshot(corpus / "alone")
    assert len(snapshot(corpus / "alone")) > 100


def test_a_large_site_is_shared_out_and_a_small_one_is_not(monkeypatch):
    import threading

    from archive.make import parallel

    monkeypatch.delenv("ARCHIVE_WORKERS", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    assert parallel.worker_count(parallel.PARALLEL_FROM) == 2
    assert parallel.worker_count(parallel.PARALLEL_FROM - 1) == 0
    monkeypatch.setenv("ARCHIVE_WORKERS", "1")
    assert parallel.worker_count(10 * parallel.PARALLEL_FROM) == 0


def test_no_worker_is_forked_while_another_thread_runs(monkeypatch):
    import threading

    from archive.make import parallel

    monkeypatch.setenv("ARCHIVE_WORKERS", "2")
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    assert parallel.worker_count(10_000) == 2
    monkeypatch.setattr(threading, "active_count", lambda: 3)  # the live preview's watcher and server
    assert parallel.worker_count(10_000) == 0


@pytest.mark.slow  # three builds of the sample archive, from a copy of the code
@pytest.mark.parametrize("module, before, after", [
    # how bodies are converted: the module whose results are cached
    ("site/markup.py", 'listed.set("class", "missing-photos")', 'listed.set("class", "no-photo missing")'),
    # a message markup.py writes into a body: a module of another subpackage, two levels down
    ("common/messages.py", '"Ảnh trong bài gốc, lưu trữ chưa có:"', '"no-photo missing"'),
])
def test_a_cached_build_follows_a_change_to_the_code(tmp_path, module, before, after):
    """Changing a module the cached bodies are made with, directly or through an import from another
    subpackage, changes the pages a cached build makes: it equals a clean build of the new code."""
    project = tmp_path / "project"
    shutil.copytree(ROOT / "archive", project / "archive", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("build.py", "site_config.yaml"):
        shutil.copy(ROOT / name, project / name)
    for name in ("content", "templates"):
        shutil.copytree(ROOT / name, project / name)
    (project / "node_modules").symlink_to(ROOT / "node_modules")

    def build(*flags: str) -> dict[str, bytes]:
        done = subprocess.run([sys.executable, "build.py", *flags], cwd=project, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return snapshot(project / (flags[-1] if flags else "output"))

    first = build()
    path = project / "archive" / module
    text = path.read_text(encoding="utf-8")
    changed = text.replace(before, after)
    assert changed != text
    path.write_text(changed, encoding="utf-8")
    cached = build()
    assert cached == build("--no-cache", "--output", "clean")
    assert cached != first and any(b"no-photo missing" in data for data in cached.values())


def test_the_code_digest_follows_imports_into_every_subpackage():
    """The search index's key covers the modules its fields are made with, at any depth."""
    from archive.make import cache, search

    followed, todo = set(), [search.__name__]
    while todo:
        name = todo.pop()
        if name not in followed:
            followed.add(name)
            todo += cache._module(name)[1]
    assert {"archive", "archive.make", "archive.make.search", "archive.site.content", "archive.site.validate",
            "archive.common.vietnamese", "archive.common.yamlload", "archive.site.markup"} <= followed
    assert "archive.preview.serve" not in followed and "archive.cli" not in followed


def clean_build(site: Path) -> dict[str, bytes]:
    assert main(["--no-cache", "--output", str(site / "clean")]) == 0
    return snapshot(site / "clean")


@pytest.mark.slow  # a 60-article corpus, built several times
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


@pytest.mark.slow  # a 60-article corpus, built several times
def test_a_build_with_nothing_changed_does_nothing_and_keeps_every_file(corpus, capsys):
    assert main([]) == 0
    before = {path: os.stat(corpus / "output" / path).st_mtime_ns for path in snapshot(corpus / "output")}
    capsys.readouterr()
    assert main([]) == 0
    assert capsys.readouterr().out.startswith("Không có gì thay đổi từ lần xây dựng trước")
    assert {path: os.stat(corpus / "output" / path).st_mtime_ns for path in snapshot(corpus / "output")} == before


def test_a_build_with_nothing_to_do_never_loads_numpy(scratch):
    """numpy is imported where a search group is indexed: a build with nothing to do (0,5 s at
    10.000 articles) spent 80 ms of it loading numpy, as every build did."""
    assert scratch.run().returncode == 0
    done = subprocess.run([sys.executable, "-c", "import sys; from archive.cli import main; code = main([]); "
                           "print(code, 'numpy' in sys.modules)"],
                          cwd=scratch.root, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.stdout.startswith("Không có gì thay đổi từ lần xây dựng trước"), done.stdout + done.stderr
    assert done.stdout.rstrip().endswith("0 False"), done.stdout


@pytest.mark.slow  # a 60-article corpus, built several times
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


def test_the_fingerprint_reads_the_files_rglob_finds(tmp_path):
    """pipeline._files walks with os.scandir what Path.rglob found: linked files, not linked folders,
    no __pycache__."""
    from archive.make.pipeline import CODE, _files

    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "x.md").write_text("x")
    (tmp_path / "a" / "__pycache__").mkdir()
    (tmp_path / "a" / "__pycache__" / "y.pyc").write_text("y")
    (tmp_path / "link.md").symlink_to(tmp_path / "a" / "b" / "x.md")
    (tmp_path / "linked").symlink_to(tmp_path / "a", target_is_directory=True)
    (tmp_path / ".hidden").write_text("h")
    for folder in (tmp_path, ROOT / "content", ROOT / "templates", CODE):
        found = sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*")
                       if path.is_file() and "__pycache__" not in path.parts)
        assert _files(folder) == found
    assert _files(tmp_path) == [".hidden", "a/b/x.md", "link.md"]


@pytest.mark.slow  # a 60-article corpus, built several times
def test_a_page_missing_or_altered_in_output_is_made_again(corpus, capsys):
    """"Nothing changed" is said only when output/ holds every file the last build left, each as
    it left it (its size, modification time and inode): one deleted, one edited in place and one
    replaced by a file of the same size and time are made again, and the site is a clean build's."""
    assert main([]) == 0
    output = corpus / "output"
    pages = sorted(path for path in snapshot(output) if path.endswith("index.html") and path[:1].isdigit())
    deleted, edited, replaced = output / pages[0], output / pages[1], output / pages[2]
    deleted.unlink()
    with edited.open("ab") as page:
        page.write("<!-- sửa tay -->".encode())
    before = replaced.stat()
    forged = replaced.with_name("forged")
    forged.write_bytes(replaced.read_bytes().replace(b"<title>", b"<title>X", 1)[: before.st_size])
    os.utime(forged, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(forged, replaced)
    capsys.readouterr()
    assert main([]) == 0
    assert not capsys.readouterr().out.startswith("Không có gì thay đổi")
    assert snapshot(output) == clean_build(corpus)
    capsys.readouterr()
    assert main([]) == 0  # and now nothing has changed
    assert capsys.readouterr().out.startswith("Không có gì thay đổi từ lần xây dựng trước")


@pytest.mark.slow  # whole-site builds: more than half a second of CPU
def test_a_page_missing_from_output_is_made_again_by_build_py(scratch):
    """As the issue found it: delete a page from output/ and run build.py."""
    assert scratch.run().returncode == 0
    (scratch.output / "index.html").unlink()
    done = scratch.run()
    assert done.returncode == 0 and not done.stdout.startswith("Không có gì thay đổi"), done.stdout
    assert (scratch.output / "index.html").is_file()
    assert scratch.run().stdout.startswith("Không có gì thay đổi")


@pytest.mark.slow  # three builds of a scratch site, each a process of its own
@pytest.mark.parametrize("library", ["Markdown", "MarkupSafe"])  # imported by the build; required by Jinja2
def test_a_library_of_another_version_is_not_taken_for_nothing_changed(scratch, tmp_path, library):
    """"Nothing changed" is not said once a library the build uses is installed in another version
    (here a distribution of that name ahead of the installed one on the path, with its plug-ins), nor when that
    other version is gone again: each time the cache and the pages are made with what is installed."""
    assert scratch.run().returncode == 0
    assert scratch.run().stdout.startswith("Không có gì thay đổi")
    installed = importlib.metadata.distribution(library)
    other = tmp_path / "other" / f"{library.lower()}-99.0.dist-info"
    other.mkdir(parents=True)
    (other / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {library}\nVersion: 99.0\n", encoding="utf-8")
    (other / "entry_points.txt").write_text(installed.read_text("entry_points.txt") or "", encoding="utf-8")
    replaced = subprocess.run([sys.executable, str(ROOT / "build.py")], cwd=scratch.root, capture_output=True,
                              text=True, env={**os.environ, "PYTHONPATH": f"{other.parent}{os.pathsep}{ROOT}"})
    assert replaced.returncode == 0, replaced.stderr
    assert not replaced.stdout.startswith("Không có gì thay đổi"), replaced.stdout
    assert not scratch.run().stdout.startswith("Không có gì thay đổi")  # the installed version again
    assert scratch.run().stdout.startswith("Không có gì thay đổi")
