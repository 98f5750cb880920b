"""The cache folder: what a build keeps for the next one, and what it does with a damaged file."""
from __future__ import annotations

import errno
import os
import pickle
import re
import secrets
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from archive.cli import main
from archive.make import cache as cache_module
from archive.make.cache import PROJECT, FileStore, Seal, Store, key_path
from conftest import ARTICLE, ROOT, snapshot


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


def test_a_store_writes_again_only_the_shards_whose_entries_changed(tmp_path):
    """An edit at 10.000 articles rewrites the edited article's shard, not the whole store."""
    first = Store(tmp_path, "articles")
    for n in range(1000):
        first.put(f"bài {n}", n)
    first.save()
    shards = {path.name: path.stat().st_mtime_ns for path in (tmp_path / "articles").iterdir()}
    assert len(shards) == Store.SHARDS

    second = Store(tmp_path, "articles")
    assert second.entries == first.entries
    for n in range(1000):
        second.keep(f"bài {n}")
    second.put("bài 7", "đã sửa")
    second.save()
    rewritten = {path.name for path in (tmp_path / "articles").iterdir() if path.stat().st_mtime_ns != shards[path.name]}
    assert rewritten == {f"{second._shard('bài 7'):02d}.pickle"}
    assert Store(tmp_path, "articles").get("bài 7") == "đã sửa"

    third = Store(tmp_path, "articles")  # nothing asked for but one entry: the others are dropped
    third.keep("bài 7")
    third.trim()  # (as a build does before saving)
    third.save()
    assert Store(tmp_path, "articles").entries == {"bài 7": "đã sửa"}
    assert len(list((tmp_path / "articles").iterdir())) == 1


def test_damaged_cache_files_are_missing_entries(tmp_path):
    FileStore(tmp_path, "search").put("a", 1)
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "a.pickle").write_bytes(b"not a pickle")
    (tmp_path / "markdown").mkdir()
    (tmp_path / "markdown" / f"{Store(None, 'markdown')._shard('x'):02d}.pickle").write_bytes(b"\x80\x05garbage")
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


def test_the_site_model_pickles_as_tuples_without_asking_dataclasses_for_its_fields(monkeypatch):
    """dataclasses' own pickled state asks fields() of every object on writing and on reading: two
    thirds of the time of writing the articles' cache at 10.000 articles (model.pickled_as_tuple)."""
    import dataclasses

    from archive.make.pipeline import Options, load_site
    from archive.site import model

    monkeypatch.chdir(ROOT)
    site, _ = load_site(Options(cache=None))
    assert any(c.results.awards for c in site.conferences) and any(c.results.by_province for c in site.conferences)
    asked = []
    real = dataclasses.fields
    monkeypatch.setattr(dataclasses, "fields", lambda *args: asked.append(args) or real(*args))
    loaded = pickle.loads(pickle.dumps(site.conferences))  # (what the articles' cache holds)
    assert asked == []
    assert loaded == site.conferences and isinstance(loaded[0].cluster, model.Link)


# --- Nothing in .cache/ is ever run ---------------------------------------------------------------

class _Hostile:
    """What a crafted cache file holds: unpickled, it writes the marker file."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return exec, (f"open({str(self.marker)!r}, 'w').close()",)


def _cache_files(cache: Path) -> dict[Path, str]:
    """Every file of .cache/ a build reads, with the name it is signed under (cache.Seal)."""
    files = {cache / "last-build": "last-build", cache / "made": "made"}
    for folder in ("articles", "markdown", "search"):
        files.update({path: f"{folder}/{path.stem}" for path in (cache / folder).glob("*.pickle")})
    assert all(path.is_file() for path in files) and len(files) > 5, sorted(files)
    return files


def _plant(how: str, path: Path, label: str, hostile: bytes) -> None:
    if how == "unsigned":  # a pickle as the cache held them before it was signed, or a CI cache restore
        path.write_bytes(hostile)
    elif how == "signed with another key":  # another machine's cache
        path.write_bytes(Seal(secrets.token_bytes(32)).head(label, hostile) + hostile)
    else:  # "altered": the file's own signature, the payload replaced
        path.write_bytes(path.read_bytes()[:len(Seal(b"k" * 32).head(label, b""))] + hostile)


def test_a_hostile_pickle_runs_when_unpickled_and_when_signed_with_the_users_key(tmp_path):
    """The test's payload is live, and the signature is what stands between it and a build: what
    the user's own key signed is trusted (only the user's own builds write with it)."""
    marker = tmp_path / "ran"
    hostile = pickle.dumps(_Hostile(marker))
    pickle.loads(hostile)
    assert marker.exists()
    marker.unlink()
    seal = Seal.mine()
    seal.write(tmp_path / "articles.pickle", "articles", hostile)
    seal.read(tmp_path / "articles.pickle", "articles")
    assert marker.exists()


@pytest.mark.slow  # whole-site builds, each in a process of its own
@pytest.mark.parametrize("how", ["unsigned", "signed with another key", "altered"])
def test_a_hostile_entry_in_every_cache_file_is_ignored_and_nothing_runs(scratch, tmp_path, how):
    scratch.write("content/2023/2023-12-02-thu-hai.md", ARTICLE.replace("title: ", "title: Thứ hai ", 1)
                  .replace("12-01", "12-02"))
    assert scratch.run().returncode == 0
    marker = tmp_path / "ran"
    hostile = pickle.dumps(_Hostile(marker))
    for path, label in _cache_files(scratch.root / ".cache").items():
        _plant(how, path, label, hostile)
    scratch.write("content/2023/2023-12-03-thu-ba.md", ARTICLE.replace("title: ", "title: Thứ ba ", 1)
                  .replace("12-01", "12-03"))
    done = scratch.run()
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert re.match(r"[\d.]+ trang, ", done.stdout), done.stdout  # (the planted last-build is not believed either)
    assert not marker.exists()
    assert scratch.snapshot() == _clean(scratch)
    _cache_files(scratch.root / ".cache")  # written again, signed, and read by the next build
    (scratch.content / "2023" / "2023-12-02-thu-hai.md").unlink()
    assert scratch.run().returncode == 0 and not marker.exists()
    assert scratch.snapshot() == _clean(scratch)


def _clean(scratch) -> dict[str, bytes]:
    done = scratch.run("--no-cache", "--output", "clean")
    assert done.returncode == 0, done.stderr
    return snapshot(scratch.root / "clean")


@pytest.mark.parametrize("key", ["own", "another machine's"])
def test_an_entry_signed_with_another_key_is_not_read(scratch, monkeypatch, key):
    """The converted Markdown of every article forged, signed with the user's key or another:
    only the user's key's forgery reaches a page (so the other is ignored, not merely the same)."""
    monkeypatch.chdir(scratch.root)
    assert main([]) == 0
    cache = scratch.root / ".cache"
    own = Seal.mine()
    forged = {body: "<p>GIẢ MẠO</p>" for body in Store(cache, "markdown", own).entries}
    assert forged
    seal = own if key == "own" else Seal(secrets.token_bytes(32))
    shutil.rmtree(cache / "markdown")
    (cache / "markdown").mkdir()
    seal.write(cache / "markdown" / "00.pickle", "markdown/00", cache_module._pickled(forged))
    shutil.rmtree(cache / "articles")  # (so that the articles are checked again)
    (cache / "last-build").unlink()
    assert main([]) == 0
    page = (scratch.output / "2023" / "trung-du-bac-bo" / "index.html").read_text(encoding="utf-8")
    assert ("GIẢ MẠO" in page) == (key == "own")


def test_a_signed_entry_moved_to_another_name_is_not_read(tmp_path):
    first = FileStore(tmp_path, "search")
    first.put("a", "A")
    first.put("b", "B")
    first.save()
    shutil.copy(tmp_path / "search" / "a.pickle", tmp_path / "search" / "b.pickle")
    second = FileStore(tmp_path, "search")
    assert second.get("a") == "A" and second.get("b") is None
    (tmp_path / "markdown").mkdir()
    shutil.copy(tmp_path / "search" / "a.pickle", tmp_path / "markdown" / "00.pickle")
    assert Store(tmp_path, "markdown").entries == {}


# --- The key ---------------------------------------------------------------------------------------

def test_the_key_is_made_once_outside_the_project_for_the_user_alone(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    first = Seal.mine()
    path = tmp_path / "xdg" / PROJECT / "key"
    assert first.key and path.read_bytes() == first.key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and path.stat().st_uid == os.getuid()
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert Seal.mine().key == first.key
    assert [p.name for p in path.parent.iterdir()] == ["key"]  # (no temporary file left)
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/folder")  # not absolute: ignored, as the XDG spec says
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert key_path() == tmp_path / "home" / ".cache" / PROJECT / "key"


def _key_open_to_others(path: Path) -> None:
    path.chmod(0o644)


def _key_of_another_user(path: Path) -> None:
    os.chown(path, 65534, -1)


def _key_a_link(path: Path) -> None:
    (path.parent / "elsewhere").write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(path.parent / "elsewhere")


def _key_cut_short(path: Path) -> None:
    path.write_bytes(b"short")


def _no_room_for_a_key(path: Path) -> None:
    shutil.rmtree(path.parent.parent)
    path.parent.parent.write_text("a file where the cache folder should be")


KEY_CASES = [
    # (name, what is done to the key, what the warning says)
    ("open to others", _key_open_to_others, "để người khác đọc được (quyền 644, cần 600)"),
    ("another user's", _key_of_another_user, "thuộc về một người dùng khác"),
    ("a symbolic link", _key_a_link, "không phải một tệp thường"),
    ("cut short", _key_cut_short, "bị hỏng (cần đúng 32 byte)"),
    ("cannot be made", _no_room_for_a_key, "không tạo hay đọc được khóa ký .cache/"),
]


@pytest.mark.slow  # whole-site builds, each in a process of its own
@pytest.mark.parametrize("name, spoil, says", KEY_CASES, ids=[case[0] for case in KEY_CASES])
def test_a_key_that_cannot_be_trusted_is_one_warning_and_the_cache_is_left_alone(scratch, tmp_path, name, spoil,
                                                                                  says):
    env = {"XDG_CACHE_HOME": str(tmp_path / "xdg")}
    assert _run(scratch, env).returncode == 0
    cache = snapshot(scratch.root / ".cache")
    spoil(tmp_path / "xdg" / PROJECT / "key")
    scratch.write("content/2023/2023-12-02-thu-hai.md", ARTICLE.replace("title: ", "title: Thứ hai ", 1)
                  .replace("12-01", "12-02"))
    done = _run(scratch, env)
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and "cảnh báo: bộ nhớ đệm: " in lines[0] and says in lines[0], lines
    assert "lần này không đọc không ghi .cache/" in lines[0] and "gợi ý: " in lines[0], lines
    assert re.match(r"[\d.]+ trang, ", done.stdout), done.stdout
    assert snapshot(scratch.root / ".cache") == cache  # neither read nor written
    assert scratch.snapshot() == _clean(scratch)


def _run(scratch, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build.py")], cwd=scratch.root, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **env})


# --- A cache the system will not let a build write ------------------------------------------------

def _refusing(errno_name: str, real):
    number = getattr(errno, errno_name)

    def refused(source, target, *args, **kwargs):
        if ".cache" in str(target):
            raise OSError(number, os.strerror(number), str(target))
        return real(source, target, *args, **kwargs)

    return refused


def _refusing_mkdir(real):
    def refused(path, *args, **kwargs):
        if Path(path).name == ".cache":
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real(path, *args, **kwargs)

    return refused


UNWRITABLE = [
    # (name, errno, the first build leaves a cache)
    ("read-only disk", "EROFS", True),
    ("full disk", "ENOSPC", True),
    ("immutable folder (chattr +i)", "EPERM", True),
    ("no permission to make .cache", "EACCES", False),
]


@pytest.mark.slow  # whole-site builds: more than half a second of CPU
@pytest.mark.parametrize("name, errno_name, cached", UNWRITABLE, ids=[case[0] for case in UNWRITABLE])
def test_a_cache_that_cannot_be_written_is_one_warning_and_the_site_is_built(scratch, monkeypatch, capsys, name,
                                                                             errno_name, cached):
    monkeypatch.chdir(scratch.root)
    if cached:
        assert main([]) == 0
    scratch.write("content/2023/2023-12-02-thu-hai.md", ARTICLE.replace("title: ", "title: Thứ hai ", 1)
                  .replace("12-01", "12-02"))
    capsys.readouterr()
    with monkeypatch.context() as patched:
        if cached:
            patched.setattr(os, "replace", _refusing(errno_name, os.replace))
        else:
            patched.setattr(os, "mkdir", _refusing_mkdir(os.mkdir))
        assert main([]) == 0
    said = capsys.readouterr()
    lines = said.err.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(".cache") and ": cảnh báo: bộ nhớ đệm: không ghi được .cache/" in lines[0], lines
    assert f"({errno_name})" in lines[0] and "trang vẫn đã được xây dựng xong" in lines[0], lines
    assert re.match(r"[\d.]+ trang, ", said.out), said.out  # (said as built: output/ was replaced)
    for text in (said.out, said.err):
        assert "không bị thay đổi" not in text and "Không có gì thay đổi" not in text
    assert "2023/thu-hai/index.html" in scratch.snapshot()
    assert not list(scratch.root.rglob("*.tmp"))
    assert scratch.snapshot() == _clean(scratch)
    capsys.readouterr()
    assert main([]) == 0  # writable again: built and saved as usual
    assert capsys.readouterr().err == ""
    assert scratch.snapshot() == _clean(scratch)
