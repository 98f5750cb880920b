"""The cache folder: what a build keeps for the next one, and what it does with a damaged file."""
from __future__ import annotations

from archive.make.cache import FileStore, Store


def test_a_file_store_keeps_what_was_used_and_writes_only_new_entries(tmp_path):
    first = FileStore(tmp_path, "search")
    first.put("a", (["a"], {"a": "A"}))
    first.put("b", (["b"], {"b": "B"}))
    first.save()
    written = (tmp_path / "search" / "a.pickle").stat().st_mtime_ns

    second = FileStore(tmp_path, "search")
    assert second.get("a") == (["a"], {"a": "A"})
    second.put("c", "C")
    second.save()  # "b" was not asked for: dropped; "a" is not written again
    assert sorted(p.name for p in (tmp_path / "search").iterdir()) == ["a.pickle", "c.pickle"]
    assert (tmp_path / "search" / "a.pickle").stat().st_mtime_ns == written

    third = FileStore(tmp_path, "search")
    assert third.get("b") is None and third.get("c") == "C"


def test_damaged_cache_files_are_missing_entries(tmp_path):
    FileStore(tmp_path, "search").put("a", 1)
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "a.pickle").write_bytes(b"not a pickle")
    (tmp_path / "markdown.pickle").write_bytes(b"\x80\x05garbage")
    assert FileStore(tmp_path, "search").get("a") is None
    assert Store(tmp_path, "markdown").get("x") is None


def test_without_a_folder_nothing_is_written(tmp_path):
    store = FileStore(None, "search")
    store.put("a", 1)
    store.save()
    assert store.get("a") == 1 and list(tmp_path.iterdir()) == []


def test_articles_read_back_from_a_pickle_share_one_time_zone(monkeypatch):
    """Each pickle (a cache file, a worker's answer) would bring a time zone object of its own, and
    two times of different zone objects compare ten times slower: the sitemap compares every
    article's time with the others on the pages that list it, on every build."""
    import pickle

    from archive.make.pipeline import Options, load_site
    from conftest import ROOT

    monkeypatch.chdir(ROOT)
    site, _ = load_site(Options(cache=None))
    published = [c for c in site.conferences if c.published]
    assert published and len(published) < len(site.conferences)  # both kinds of time, in the sample
    loaded = [pickle.loads(pickle.dumps(c)) for c in site.conferences]
    assert loaded == list(site.conferences)
    assert [c.updated for c in loaded] == [c.updated for c in site.conferences]
    assert len({id(c.updated.tzinfo) for c in loaded}) == 1
