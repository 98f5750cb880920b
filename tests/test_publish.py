"""From the built site to a web server and back to the repository (docs/publishing.md): `build.py
publish DEST` copies output/ with rsync, only what changed, and refuses a DEST that is a source;
the config's publish: section makes the published form's Decap backend for GitHub or GitLab."""
from __future__ import annotations

import functools
import shutil
import threading
from pathlib import Path

import pytest
import yaml

from archive.cli import main
from archive.make.publish import is_remote
from conftest import ScratchSite, _QuietHandler, _QuietServer, new_site, snapshot
from test_safety import UNSAFE_OUTPUTS

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(shutil.which("rsync") is None, reason="rsync is not installed (make test installs it)")


def _times(folder: Path) -> dict[str, int]:
    return {str(path.relative_to(folder)): path.stat().st_mtime_ns for path in folder.rglob("*") if path.is_file()}


def _published(capsys) -> str:
    """The line publish printed, once it succeeded."""
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 and out[0].startswith("Đã chép output tới "), out
    return out[0]


# --- build.py publish: rsync, only what changed ----------------------------------------------------

@pytest.mark.slow  # (two builds and three copies: some 2 s)
def test_publish_copies_the_site_then_sends_only_the_files_an_edit_changed(scratch, monkeypatch, capsys, tmp_path):
    monkeypatch.chdir(scratch.root)
    scratch.write("content/2024/2024-06-20-dong-bang.md", scratch.content.joinpath(
        "2023/2023-12-01-trung-du-bac-bo.md").read_text(encoding="utf-8").replace("2023-12-01", "2024-06-20")
        .replace("trung-du-bac-bo", "dong-bang-song-hong").replace("kind: tong-ket", "kind: so-ket"))
    dest = tmp_path / "www" / "luu-tru"
    dest.parent.mkdir()
    assert main([]) == 0
    capsys.readouterr()
    first = scratch.snapshot()
    assert main(["publish", str(dest)]) == 0
    line = _published(capsys)
    assert f": {len(first)} tệp gửi đi, 0 tệp xóa, 0 tệp như cũ (trong {len(first)} tệp)" in line
    assert snapshot(dest) == first

    (dest / "stale.html").write_text("from an older site")  # what output/ lacks goes
    assert main(["publish", str(dest)]) == 0
    assert f": 0 tệp gửi đi, 1 tệp xóa, {len(first)} tệp như cũ" in _published(capsys)
    assert snapshot(dest) == first
    times = _times(dest)

    article = scratch.content / "2024/2024-06-20-dong-bang.md"
    article.write_text(article.read_text(encoding="utf-8").replace("TP Hải Dương", "TP Hưng Yên"), encoding="utf-8")
    assert main([]) == 0
    capsys.readouterr()
    second = scratch.snapshot()
    changed = {path for path in second if first.get(path) != second[path]}
    assert changed and len(changed) < len(second) / 2  # (the edited page, its lists and search files; not the rest)
    assert main(["publish", str(dest)]) == 0
    assert (f": {len(changed)} tệp gửi đi, 0 tệp xóa, {len(second) - len(changed)} tệp như cũ "
            f"(trong {len(second)} tệp)") in _published(capsys)
    assert snapshot(dest) == second
    after = _times(dest)
    assert {path for path in second if after[path] != times.get(path)} == changed  # the others were not touched


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> ScratchSite:
    """A scratch site built once, with a note and a link beside it, for the refusals."""
    site = new_site(tmp_path_factory.mktemp("publish") / "site")
    assert site.run().returncode == 0
    site.write("notes.txt", "keep me too")
    (site.root / "link").symlink_to(site.content, target_is_directory=True)
    return site


REFUSED = [*(case for case in UNSAFE_OUTPUTS if case[0] != "a folder holding the home folder"),
           ("a folder holding the home folder", "{home}/..", "chứa thư mục nhà"),
           ("the built site itself", "output", "chính là trang đã xây dựng"),
           ("a folder inside the built site", "output/www", "nằm trong trang đã xây dựng"),
           ("a folder holding the built site", "{site}", "chứa thư mục bài")]


@pytest.mark.parametrize("name, dest, says", REFUSED, ids=[case[0] for case in REFUSED])
def test_a_dest_that_is_or_holds_a_source_is_refused_in_one_line(built, monkeypatch, capsys, tmp_path, name, dest, says):
    home = tmp_path / "home"
    home.mkdir()
    (home / "letter.txt").write_text("keep me")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(built.root)
    given = dest.format(home=home, code=ROOT / "archive", site=built.root)
    before = snapshot(built.root.parent), snapshot(tmp_path), snapshot(ROOT / "archive")
    assert main(["publish", given]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith(f"{given}: nơi chép: cần ") and says in err[0], err
    assert (snapshot(built.root.parent), snapshot(tmp_path), snapshot(ROOT / "archive")) == before


def test_publish_refuses_before_anything_is_built_and_names_one_destination(scratch, monkeypatch, capsys, tmp_path):
    monkeypatch.chdir(scratch.root)
    assert main(["publish", str(tmp_path / "www")]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "output: chưa có trang đã xây dựng (không có index.html); chạy 'python build.py' trước "
        "(make publish tự làm việc này)"]
    assert not (tmp_path / "www").exists()
    for given in ([], ["a", "b"]):
        with pytest.raises(SystemExit):
            main(["publish", *given])
        assert f"lệnh 'publish' cần đúng một nơi chép (thư mục hoặc máy:đường/dẫn), nhưng có {len(given)}" in (
            capsys.readouterr().err)


@pytest.mark.parametrize("dest, remote", [
    ("www.example.org:/var/www/luu-tru/", True),
    ("deploy@www.example.org:luu-tru", True),
    ("rsync://mirror.example.org/luu-tru/", True),
    ("/var/www/luu-tru", False),
    ("www/luu-tru", False),
    ("./a:b", False),  # a colon after a slash: a folder here, as rsync reads it
])
def test_a_dest_is_a_host_as_rsync_reads_it(dest, remote):
    assert is_remote(dest) is remote


# --- The published form's backend, from publish: ---------------------------------------------------

# What Decap's documentation gives for each backend (decapcms.org/docs/backends-overview/,
# github-backend/, gitlab-backend/): the settings it requires, and every setting it documents.
DECAP_BACKENDS = {
    "github": {"required": {"name", "repo"},
               "documented": {"name", "repo", "branch", "api_root", "site_domain", "base_url", "auth_endpoint",
                              "cms_label_prefix", "squash_merges", "open_authoring", "auth_scope", "commit_messages",
                              "preview_context", "use_graphql"}},
    "gitlab": {"required": {"name", "repo", "auth_type", "app_id"},  # (the PKCE flow: no server of ours)
               "documented": {"name", "repo", "branch", "api_root", "site_domain", "base_url", "auth_endpoint",
                              "cms_label_prefix", "squash_merges", "commit_messages", "auth_type", "app_id"}},
}


def _form(site: ScratchSite, publish: str) -> dict:
    config = site.root / "site_config.yaml"
    config.write_text(config.read_text(encoding="utf-8") + publish, encoding="utf-8")
    done = site.run()
    assert done.returncode == 0, done.stderr
    return yaml.safe_load((site.output / "admin/config.yml").read_text(encoding="utf-8"))


@pytest.mark.slow  # (a whole build each: 0,8 s)
@pytest.mark.parametrize("publish, backend", [
    ("publish: {host: github, repository: lien-minh-htx/luu-tru, branch: main}\n",
     {"name": "github", "repo": "lien-minh-htx/luu-tru", "branch": "main"}),
    ("publish:\n  host: github\n  repository: lien-minh-htx/luu-tru\n  auth_url: https://auth.example.org/\n",
     {"name": "github", "repo": "lien-minh-htx/luu-tru", "branch": "main", "base_url": "https://auth.example.org"}),
    ("publish:\n  host: gitlab\n  repository: lien-minh/web/luu-tru\n  branch: xuat-ban\n  app_id: 7a1b2c\n",
     {"name": "gitlab", "repo": "lien-minh/web/luu-tru", "branch": "xuat-ban", "auth_type": "pkce", "app_id": "7a1b2c"}),
    ("publish: {host: gitlab, repository: a/b, app_id: 123456}\n",
     {"name": "gitlab", "repo": "a/b", "branch": "main", "auth_type": "pkce", "app_id": "123456"}),
], ids=["github", "github through an OAuth proxy", "gitlab (PKCE)", "gitlab, an id of digits"])
def test_the_published_forms_backend_is_made_from_publish_in_decaps_documented_shape(scratch, publish, backend):
    form = _form(scratch, publish)
    assert form["backend"] == backend
    shape = DECAP_BACKENDS[backend["name"]]
    assert shape["required"] <= set(form["backend"]) <= shape["documented"]
    assert all(isinstance(value, str) and value for value in form["backend"].values())
    assert form["collections"][0]["folder"] == "content"  # (the repository's own path, as the git host sees it)


def test_without_publish_the_form_keeps_its_backend_of_before(sample_site):
    form = yaml.safe_load((sample_site / "admin/config.yml").read_text(encoding="utf-8"))
    assert form["backend"] == {"name": "git-gateway", "branch": "main"}


PUBLISH_CASES = [
    # (name, the publish: section, the line's marker, the message after "site_config.yaml:LINE: ")
    ("a host misspelt", "publish: {host: githb, repository: a/b}", "publish:",
     "publish.host: cần nơi giữ kho mã: github hoặc gitlab, nhưng ghi 'githb' (gợi ý: có phải 'github'?)"),
    ("no host", "publish: {repository: a/b}", "publish:",
     "publish.host: cần nơi giữ kho mã: github hoặc gitlab, nhưng ghi (để trống)"),
    ("a repository's whole address", "publish:\n  host: github\n  repository: https://github.com/a/b\n", "repository:",
     "publish.repository: cần tên kho trên máy chủ git, dạng chủ/tên-kho (như 'lien-minh-htx/luu-tru'), nhưng ghi "
     "'https://github.com/a/b' (gợi ý: chép phần sau tên máy chủ trong địa chỉ của kho)"),
    ("a branch with a space", "publish:\n  host: github\n  repository: a/b\n  branch: xuat ban\n", "branch:",
     "publish.branch: cần tên nhánh git mà CI xây dựng (như 'main'), nhưng ghi 'xuat ban'"),
    ("gitlab without its app_id", "publish:\n  host: gitlab\n  repository: a/b\n", "publish:",
     "publish.app_id: cần Application ID của ứng dụng OAuth trên GitLab (đăng nhập PKCE), nhưng ghi (để trống) "
     "(gợi ý: tạo ứng dụng trong User Settings → Applications của GitLab, bỏ chọn Confidential, quyền api, rồi chép "
     "Application ID vào đây)"),
    ("an app_id for github", "publish:\n  host: github\n  repository: a/b\n  app_id: x\n", "app_id:",
     "publish.app_id: thiết lập này chỉ dùng khi host là gitlab"),
    ("an auth_url without https", "publish:\n  host: github\n  repository: a/b\n  auth_url: auth.example.org\n",
     "auth_url:", "publish.auth_url: cần địa chỉ https:// của máy chủ OAuth cho đăng nhập GitHub, nhưng ghi "
     "'auth.example.org'"),
    ("a setting misspelt", "publish:\n  host: github\n  repository: a/b\n  brnch: main\n", "brnch:",
     "publish.brnch: thiết lập không có (gợi ý: có phải 'branch'?)"),
    ("not a mapping", "publish: github", "publish:",
     "publish: cần bảng {host: github hoặc gitlab, repository: chủ/kho, branch: nhánh}, nhưng ghi 'github'"),
]


@pytest.mark.parametrize("name, publish, marker, message", PUBLISH_CASES, ids=[case[0] for case in PUBLISH_CASES])
def test_a_wrong_publish_section_is_reported_exactly(scratch, monkeypatch, capsys, name, publish, marker, message):
    monkeypatch.chdir(scratch.root)
    config = scratch.root / "site_config.yaml"
    original = config.read_text(encoding="utf-8")
    text = original + publish + "\n"
    config.write_text(text, encoding="utf-8")
    first = len(original.splitlines()) + 1
    line = next(number for number, row in enumerate(text.splitlines(), start=1) if number >= first and marker in row)
    assert main(["check"]) == 1
    assert f"site_config.yaml:{line}: {message}" in capsys.readouterr().err.splitlines()


# --- Decap itself takes the generated backend ------------------------------------------------------

@pytest.fixture
def host_folder(tmp_path):
    """A folder served over HTTP on 127.0.0.1, as a web server serves the published site."""
    folder = tmp_path / "www"
    folder.mkdir()
    server = _QuietServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield folder, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.mark.parametrize("publish, login", [
    ("publish: {host: github, repository: lien-minh-htx/luu-tru}\n", "Đăng nhập bằng GitHub"),
    ("publish: {host: gitlab, repository: lien-minh-htx/luu-tru, app_id: 7a1b2c}\n", "Đăng nhập bằng GitLab"),
], ids=["github", "gitlab"])
def test_decap_on_the_published_site_offers_the_git_hosts_login(scratch, host_folder, page, publish, login):
    """The published form's page with its config.yml: Decap checks the config against its own schema
    and shows its host's login button; a backend it does not take shows its configuration error."""
    _form(scratch, publish)
    folder, url = host_folder
    shutil.copytree(scratch.output, folder, dirs_exist_ok=True)
    page.goto(url + "admin/")
    page.get_by_role("button", name=login).wait_for(timeout=20000)
    assert "Lỗi cấu hình" not in page.content() and "Error loading the CMS configuration" not in page.content()

    config = folder / "admin/config.yml"
    broken = yaml.safe_load(config.read_text(encoding="utf-8"))
    broken["backend"]["name"] = broken["backend"]["name"] + "-x"  # (a backend Decap does not have)
    config.write_text(yaml.safe_dump(broken, allow_unicode=True), encoding="utf-8")
    page.goto(url + "admin/")
    page.get_by_text("Error loading the CMS configuration").or_(page.get_by_text("Lỗi cấu hình")).first.wait_for(
        timeout=20000)
    assert page.get_by_role("button", name=login).count() == 0
