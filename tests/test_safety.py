"""The build never loses a file outside its output folder, and says so in one line when it won't build.

An --output that is, holds or lies inside a source (docs/command-line.md, "The output folder").
"""
from __future__ import annotations

import errno
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from archive.cli import main
from conftest import snapshot, wait_for, waits_for_lock

ROOT = Path(__file__).resolve().parent.parent


def _everything(folder: Path) -> dict[str, bytes]:
    return snapshot(folder)


UNSAFE_OUTPUTS = [
    # (name, --output as given relative to the site's folder or as a function of it, what the line says)
    ("the content folder", "content", "chính là thư mục bài"),
    ("the site's own folder", ".", "chứa thư mục bài"),
    ("a folder inside the templates", "templates/x", "nằm trong thư mục mẫu trang"),
    ("a folder inside the content", "content/2023/out", "nằm trong thư mục bài"),
    ("the parent folder", "..", "chứa thư mục bài"),
    ("the root folder", "/", "chứa thư mục bài"),
    ("the home folder", "{home}", "chính là thư mục nhà"),
    ("a folder holding the home folder", "{home}/..", "chứa thư mục bài"),
    ("the config file", "site_config.yaml", "đây là một tệp"),
    ("a regular file", "notes.txt", "đây là một tệp"),
    ("a link to the content folder", "link", "chính là thư mục bài"),
    ("the code", "{code}", "chính là mã nguồn (archive/)"),
    ("a folder inside the code", "{code}/out", "nằm trong mã nguồn (archive/)"),
    ("the repository holding the code", "{code}/..", "chứa"),
]


@pytest.mark.parametrize("name, output, says", UNSAFE_OUTPUTS, ids=[case[0] for case in UNSAFE_OUTPUTS])
def test_an_output_that_would_delete_a_source_is_refused_in_one_line(scratch, monkeypatch, capsys, tmp_path,
                                                                     name, output, says):
    home = tmp_path / "home"
    home.mkdir()
    (home / "letter.txt").write_text("keep me")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(scratch.root)
    scratch.write("notes.txt", "keep me too")
    (scratch.root / "link").symlink_to(scratch.content, target_is_directory=True)
    given = output.format(home=home, code=ROOT / "archive")
    before = _everything(tmp_path), _everything(ROOT / "archive")
    for command in ([], ["serve"]):
        assert main([*command, "--output", given]) == 1
        err = capsys.readouterr().err.splitlines()
        assert len(err) == 1, err
        assert err[0].startswith(f"{given}: --output: cần "), err
        assert says in err[0] and "không có gì bị đụng tới" in err[0], err
    assert (_everything(tmp_path), _everything(ROOT / "archive")) == before


def test_an_output_beside_the_sources_is_built(scratch, monkeypatch, capsys):
    monkeypatch.chdir(scratch.root)
    for output in ("output", "public/site", "../elsewhere"):
        assert main(["--output", output]) == 0, capsys.readouterr().err
        assert (scratch.root / output / "index.html").is_file()
    assert sorted(os.listdir(scratch.content)) == ["2023"]


def _refuse(errno_name: str, filename: str):
    number = getattr(errno, errno_name)

    def refused(*args, **kwargs):
        raise OSError(number, os.strerror(number), filename)

    return refused


OS_ERRORS = [
    # (name, what to break, errno, what the line says to do)
    ("full disk while writing", "archive.make.output.Staging.put", "ENOSPC", "ổ đĩa đã đầy: hãy giải phóng chỗ trống"),
    ("permission denied making the temporary folder", "archive.make.output.tempfile.mkdtemp", "EACCES",
     "không có quyền"),
    ("busy mount on the swap", "archive.make.output.os.rename", "EBUSY", "gắn thư mục bên trên nó"),
    ("immutable output folder", "archive.make.output.os.rename", "EPERM", "chattr -i"),
    ("read-only disk", "archive.make.output.os.rename", "EROFS", "chỉ cho đọc"),
    ("busy new folder on the swap", "second rename", "EBUSY", "gắn thư mục bên trên nó"),
    ("no room for the lock", "archive.make.output.os.open", "ENOSPC", "ổ đĩa đã đầy"),
]


@pytest.mark.parametrize("name, target, errno_name, says", OS_ERRORS, ids=[case[0] for case in OS_ERRORS])
def test_an_operating_system_error_is_one_line_and_output_stays(scratch, monkeypatch, capsys, name, target,
                                                                errno_name, says):
    monkeypatch.chdir(scratch.root)
    assert main([]) == 0
    before = scratch.snapshot()
    scratch.write("content/2023/2023-12-02-moi.md", (scratch.content / "2023/2023-12-01-trung-du-bac-bo.md")
                  .read_text(encoding="utf-8").replace("title: ", "title: Mới ", 1).replace("-12-01", "-12-02"))
    capsys.readouterr()
    monkeypatch.setattr("archive.make.output.exchange", lambda first, second: False)  # the two-rename swap
    if target == "second rename":  # the old site moved aside, then the new one refused: the old one goes back
        rename = os.rename
        refuse = _refuse(errno_name, str(scratch.output))
        monkeypatch.setattr("archive.make.output.os.rename",
                            lambda first, second: refuse() if str(second) == str(scratch.output.resolve())
                            and "previous" not in str(first) else rename(first, second))
    else:
        monkeypatch.setattr(target, _refuse(errno_name, str(scratch.output)))
    assert main([]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1, err
    assert err[0].startswith(f"{scratch.output}: {errno_name}: ") and says in err[0], err
    assert err[0].endswith("rồi xây dựng lại. output không bị thay đổi gì"), err
    monkeypatch.undo()
    assert scratch.snapshot() == before
    assert not list(scratch.root.glob(".output.*.tmp"))


def _interrupt(*_: object, **__: object) -> None:
    raise KeyboardInterrupt  # as Ctrl+C does, at that point


STOPS = [  # (where Ctrl+C comes, what output/ then holds, what the editor is told)
    ("while the pages are put in place", "archive.make.output.exchange", "old", "giữ nguyên như trước"),
    ("while the previous site is deleted", "archive.make.output._delete", "new", "đã là bản mới vừa xây dựng"),
    ("while the caches are saved", "archive.make.pipeline._remember_build", "new", "đã là bản mới vừa xây dựng"),
]


@pytest.mark.parametrize("name, where, holds, says", STOPS, ids=[case[0] for case in STOPS])
def test_a_stop_says_what_output_holds(scratch, monkeypatch, capsys, name, where, holds, says):
    """Ctrl+C once the new site is in place never says output/ was left as it was."""
    monkeypatch.chdir(scratch.root)
    assert main([]) == 0
    old = scratch.snapshot()
    article = scratch.content / "2023/2023-12-01-trung-du-bac-bo.md"
    article.write_text(article.read_text(encoding="utf-8").replace("title: ", "title: Sửa ", 1), encoding="utf-8")
    capsys.readouterr()
    monkeypatch.setattr(where, _interrupt)
    assert main([]) == 130
    err = capsys.readouterr().err.splitlines()
    assert err == [line for line in err if line.startswith("Đã dừng; output ")] and len(err) == 1, err
    assert says in err[0], err
    monkeypatch.undo()
    assert (scratch.snapshot() == old) == (holds == "old")
    assert ("Sửa " in (scratch.output / "index.html").read_text(encoding="utf-8")) == (holds == "new")
    assert main([]) == 0  # and the next build ends what was left
    assert not list(scratch.root.glob(".output.*.tmp"))


@pytest.mark.parametrize("errno_name", ["EIO", "EACCES"])
def test_an_article_the_system_will_not_read_is_reported_as_a_problem(scratch, monkeypatch, capsys, errno_name):
    from archive.site import content

    monkeypatch.chdir(scratch.root)
    broken = scratch.write("content/2023/2023-12-02-hong.md", "---\n")
    read_regular = content.read_regular

    def failing(path: Path, limit: int) -> bytes:
        if path.name == broken.name:
            raise OSError(getattr(errno, errno_name), os.strerror(getattr(errno, errno_name)), str(path))
        return read_regular(path, limit)

    monkeypatch.setattr(content, "read_regular", failing)
    assert main([]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == ("content/2023/2023-12-02-hong.md: tệp: không đọc được tệp, hệ thống báo lỗi: "
                      f"{os.strerror(getattr(errno, errno_name))} (gợi ý: kiểm tra tệp (quyền đọc, ổ đĩa) hoặc xóa "
                      "nó)"), err
    assert not scratch.output.exists()


@pytest.mark.parametrize("port", ["99999", "0", "-1", "http"])
def test_an_impossible_port_is_refused(scratch, monkeypatch, capsys, port):
    monkeypatch.chdir(scratch.root)
    with pytest.raises(SystemExit) as exit:
        main(["serve", "--port", port])
    assert exit.value.code == 2
    assert f"python build.py: lỗi: --port: cần một cổng từ 1 đến 65535, nhưng ghi '{port}'" \
        in capsys.readouterr().err.splitlines()
    assert not scratch.output.exists()


def test_a_port_in_use_is_one_line_before_anything_is_built(scratch, monkeypatch, capsys):
    monkeypatch.chdir(scratch.root)
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        assert main(["serve", "--port", str(port)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [f"127.0.0.1:{port}: cổng: cần một cổng còn trống, nhưng cổng này đang được dùng (một bản xem "
                   f"trước khác?); dừng máy chủ kia hoặc chọn cổng khác, như --port {port + 1}"]
    assert not scratch.output.exists()


def test_the_preview_and_the_command_line_share_the_lock(scratch, monkeypatch, capsys):
    import fcntl
    import threading

    from archive.make.pipeline import Caches, Memory, Options
    from archive.preview.serve import _Board, _rebuild

    monkeypatch.chdir(scratch.root)
    path = scratch.root / ".output.lock"
    with path.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a build from the command line, running
        preview = threading.Thread(target=_rebuild, args=(Options(), Memory(Caches(None)), _Board()))
        preview.start()
        # The preview's build has got as far as the lock and waits there (however busy the machine)
        assert wait_for(lambda: waits_for_lock(path, os.getpid()) or not preview.is_alive(), 60), \
            "the preview's build never reached the lock"
        assert preview.is_alive() and not scratch.output.exists(), "the preview did not wait for the lock"
        assert "Đang chờ một bản xây dựng khác vào cùng thư mục xong" in capsys.readouterr().err
        fcntl.flock(lock, fcntl.LOCK_UN)
    preview.join(60)
    assert not preview.is_alive()
    assert (scratch.output / "index.html").is_file()


# --- Only the project's own files are read --------------------------------------------------------

SECRET = "API_TOKEN=tok_SECRET_1f9a0c\n"
LINK = ("tệp: cần một tệp hay thư mục trong content/, nhưng đây là liên kết tới {target}, ở ngoài; chỉ tệp của "
        "dự án được đọc (gợi ý: chép chính tệp vào content/, thay cho liên kết)")
OUTSIDE = [
    # (name, the link made in the site (from its folder to the folder outside), what the build says)
    ("an article linked to a file outside", ("content/2023/2023-12-05-x.md", "secret.env"),
     "content/2023/2023-12-05-x.md: " + LINK.format(target="{away}/secret.env")),
    ("an article linked to an article outside", ("content/2023/2023-12-05-x.md", "2022/2022-05-01-ngoai.md"),
     "content/2023/2023-12-05-x.md: " + LINK.format(target="{away}/2022/2022-05-01-ngoai.md")),
    ("a folder linked outside", ("content/2022", "2022"), "content/2022: " + LINK.format(target="{away}/2022")),
    ("an article linked to a device", ("content/2023/2023-12-05-x.md", "/dev/zero"),
     "content/2023/2023-12-05-x.md: " + LINK.format(target="/dev/zero")),
    ("the config linked to a file outside", ("site_config.yaml", "site_config.yaml"),
     "site_config.yaml: cấu hình: cần một tệp hay thư mục trong thư mục dự án, nhưng đây là liên kết tới "
     "{away}/site_config.yaml, ở ngoài; chỉ tệp của dự án được đọc (gợi ý: chép chính tệp vào thư mục dự án, "
     "thay cho liên kết)"),
]


@pytest.mark.parametrize("name, link, says", OUTSIDE, ids=[case[0] for case in OUTSIDE])
def test_a_link_out_of_the_project_is_an_error_naming_it_and_nothing_of_it_is_read(scratch, monkeypatch, capsys,
                                                                                  tmp_path, name, link, says):
    monkeypatch.chdir(scratch.root)
    away = tmp_path / "away"
    (away / "2022").mkdir(parents=True)
    (away / "secret.env").write_text(SECRET, encoding="utf-8")
    (away / "2022/2022-05-01-ngoai.md").write_text(
        "---\ntitle: Bài ngoài dự án " + SECRET + "date: 2022-05-01\ncluster: bac-trung-bo\nkind: tong-ket\n---\n"
        + SECRET, encoding="utf-8")
    (away / "site_config.yaml").write_text((scratch.root / "site_config.yaml").read_text(encoding="utf-8"),
                                           encoding="utf-8")
    assert main([]) == 0
    before = scratch.snapshot()
    capsys.readouterr()
    where, target = link
    if where == "site_config.yaml":
        (scratch.root / where).unlink()
    (scratch.root / where).symlink_to(target if target.startswith("/") else away / target)
    assert main([]) == 1
    err = capsys.readouterr().err
    assert err.splitlines() == [says.format(away=away), "Không xây dựng được: 1 lỗi. output giữ nguyên như trước."]
    assert "tok_SECRET" not in err and scratch.snapshot() == before


def _build(site, *args: str) -> subprocess.CompletedProcess[str]:
    """python build.py in the site, stopped (the test failed) after a minute: waiting on a FIFO never ends."""
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=site.root, capture_output=True,
                          text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)})


def _unix_socket(path: Path) -> None:
    listening = socket.socket(socket.AF_UNIX)
    listening.bind(str(path))
    listening.close()  # (the file stays)


SPECIAL = "tệp: cần một tệp bài hay ảnh, nhưng đây là {what}; bản xây dựng không mở nó (gợi ý: xóa nó khỏi thư mục bài)"


@pytest.mark.parametrize("name, make, says", [
    ("a FIFO named like an article", lambda site: os.mkfifo(site.content / "2023/2023-12-05-x.md"),
     "content/2023/2023-12-05-x.md: " + SPECIAL.format(what="một đường ống (FIFO)")),
    ("a FIFO named like a photo", lambda site: os.mkfifo(site.content / "2023/anh.jpg"),
     "content/2023/anh.jpg: " + SPECIAL.format(what="một đường ống (FIFO)")),
    ("a socket", lambda site: _unix_socket(site.content / "2023/2023-12-05-x.md"),
     "content/2023/2023-12-05-x.md: " + SPECIAL.format(what="một socket")),
    ("a link to a FIFO inside", lambda site: (os.mkfifo(site.content / "ong"),
                                              (site.content / "2023/2023-12-05-x.md").symlink_to("../ong")),
     "content/2023/2023-12-05-x.md: " + SPECIAL.format(what="một đường ống (FIFO)")),
    ("the config a FIFO", lambda site: ((site.root / "site_config.yaml").unlink(),
                                        os.mkfifo(site.root / "site_config.yaml")),
     "site_config.yaml: cấu hình: cần một tệp cấu hình, nhưng đây là một đường ống (FIFO)"),
])
def test_a_fifo_socket_or_device_is_an_error_never_a_wait(scratch, name, make, says):
    make(scratch)
    for command in ([], ["check"]):
        result = _build(scratch, *command)
        assert result.returncode == 1
        assert says in result.stderr.splitlines(), result.stderr
    assert not scratch.output.exists()


def test_a_config_over_its_size_is_refused_before_it_is_parsed(scratch):
    (scratch.root / "site_config.yaml").write_bytes(b"title: x\n" + b"#" * (10 * 1024 * 1024))
    result = _build(scratch)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == "site_config.yaml:1: cấu hình: 10 MB là quá lớn cho tệp cấu hình (tối đa 10 MB)"


def test_the_lock_stays_beside_an_output_that_links_to_a_web_root(scratch, monkeypatch, tmp_path):
    monkeypatch.chdir(scratch.root)
    web = tmp_path / "www"
    (web / "html").mkdir(parents=True)
    (scratch.root / "output").symlink_to(web / "html", target_is_directory=True)
    assert main([]) == 0 and main(["--no-cache"]) == 0
    assert (web / "html/index.html").is_file()
    assert sorted(path.name for path in web.iterdir()) == ["html"]  # nothing left beside the web root
    assert (scratch.root / ".output.lock").is_file()
