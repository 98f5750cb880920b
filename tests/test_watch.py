"""The preview server's watcher says which files changed: edits, new files (in new folders too),
deletions and the config, with inotify and with the poller used where inotify is missing."""
from __future__ import annotations

import queue
import shutil
from pathlib import Path

import pytest

from archive import watch

WAIT = 10  # s: the most a test waits for a batch that should come


@pytest.fixture(params=["inotify", "poll"])
def watched(request, tmp_path, monkeypatch):
    """content/ and templates/ with a file each and site_config.yaml beside them, being watched;
    yields (root, next_batch), next_batch() being the paths of the next batch (None: unknown)."""
    root = tmp_path / "site"
    (root / "content" / "2023").mkdir(parents=True)
    (root / "templates").mkdir()
    (root / "content" / "2023" / "a.md").write_text("a", encoding="utf-8")
    (root / "templates" / "base.html").write_text("<html>", encoding="utf-8")
    (root / "site_config.yaml").write_text("title: x\n", encoding="utf-8")
    (root / "notes.txt").write_text("not watched", encoding="utf-8")
    monkeypatch.setattr(watch, "POLL", 0.05)
    batches: queue.Queue = queue.Queue()
    kind = watch.InotifyWatcher if request.param == "inotify" else watch.PollingWatcher
    watcher = kind([root / "content", root / "templates"], [root / "site_config.yaml"], batches.put)

    def next_batch() -> set[Path] | None:
        return batches.get(timeout=WAIT)

    yield root, next_batch
    watcher.close()


def gather(next_batch, wanted: set[Path]) -> set[Path]:
    """Batches until every wanted path was named (a save may come in more than one)."""
    seen: set[Path] = set()
    while not wanted <= seen:
        batch = next_batch()
        assert batch is not None
        seen |= batch
    return seen


def test_an_edited_article_is_named(watched):
    root, next_batch = watched
    article = root / "content" / "2023" / "a.md"
    article.write_text("changed", encoding="utf-8")
    assert gather(next_batch, {article}) == {article}


def test_a_file_in_a_folder_made_while_watching_is_named_and_so_are_its_later_edits(watched):
    root, next_batch = watched
    article = root / "content" / "2025" / "12" / "b.md"
    article.parent.mkdir(parents=True)
    article.write_text("new", encoding="utf-8")
    assert article in gather(next_batch, {article})
    article.write_text("newer", encoding="utf-8")  # the new folder is watched too
    assert gather(next_batch, {article}) == {article}


def test_a_folder_moved_in_whole_names_its_files(watched, tmp_path):
    root, next_batch = watched
    outside = tmp_path / "elsewhere" / "2024"
    outside.mkdir(parents=True)
    (outside / "c.md").write_text("c", encoding="utf-8")
    shutil.move(str(outside), str(root / "content" / "2024"))
    assert root / "content" / "2024" / "c.md" in gather(next_batch, {root / "content" / "2024" / "c.md"})


def test_deleted_and_renamed_files_are_named(watched):
    root, next_batch = watched
    article = root / "content" / "2023" / "a.md"
    article.rename(article.with_name("b.md"))
    assert gather(next_batch, {article, article.with_name("b.md")}) == {article, article.with_name("b.md")}
    article.with_name("b.md").unlink()
    assert gather(next_batch, {article.with_name("b.md")}) == {article.with_name("b.md")}


def test_templates_and_the_config_are_watched_but_not_the_rest_of_its_folder(watched):
    root, next_batch = watched
    (root / "notes.txt").write_text("still not watched", encoding="utf-8")
    (root / "templates" / "base.html").write_text("<html lang=vi>", encoding="utf-8")
    assert gather(next_batch, {root / "templates" / "base.html"}) == {root / "templates" / "base.html"}
    config = root / "site_config.yaml"
    replacement = root / ".site_config.yaml.new"  # editors that save by renaming a new file over the old
    replacement.write_text("title: y\n", encoding="utf-8")
    replacement.replace(config)
    assert gather(next_batch, {config}) == {config}


def test_editor_swap_files_are_not_changes(watched):
    root, next_batch = watched
    (root / "content" / "2023" / ".a.md.swp").write_bytes(b"vim")
    (root / "content" / "2023" / "a.md~").write_text("backup", encoding="utf-8")
    article = root / "content" / "2023" / "a.md"
    article.write_text("saved", encoding="utf-8")
    assert gather(next_batch, {article}) == {article}


def test_content_itself_going_away_leaves_nothing_known(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    batches: queue.Queue = queue.Queue()
    watcher = watch.InotifyWatcher([content], [], batches.put)
    try:
        content.rename(tmp_path / "moved")
        assert batches.get(timeout=WAIT) is None  # every file must be checked again
    finally:
        watcher.close()


def test_without_inotify_the_poller_takes_over(tmp_path, monkeypatch):
    def refuse(*args):
        raise OSError("no inotify here")

    monkeypatch.setattr(watch, "_Libc", refuse)
    watcher = watch.watch([tmp_path], [], lambda batch: None)
    try:
        assert isinstance(watcher, watch.PollingWatcher)
    finally:
        watcher.close()


def test_a_new_folder_the_system_will_not_watch_is_polled(tmp_path, monkeypatch):
    import errno

    content = tmp_path / "content"
    content.mkdir()
    monkeypatch.setattr(watch, "POLL", 0.05)
    batches: queue.Queue = queue.Queue()
    watcher = watch.InotifyWatcher([content], [], batches.put)
    try:
        def refuse(folder):
            raise OSError(errno.ENOSPC, "no more watches")

        watcher._add = refuse  # the system's limit on watches reached
        article = content / "2024" / "a.md"
        article.parent.mkdir()
        article.write_text("a", encoding="utf-8")
        while batches.get(timeout=WAIT) is not None:  # what the folder holds is not known: check everything
            pass
        article.write_text("changed", encoding="utf-8")
        seen: set[Path] = set()
        while article not in seen:
            batch = batches.get(timeout=WAIT)
            seen |= batch or set()
    finally:
        watcher.close()
