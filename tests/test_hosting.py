"""What a web server must do for the archive (docs/publishing.md, "What the web server must do"):
Debian's nginx serves a built site on 127.0.0.1 with the repository's docs/hosting/nginx.conf, only
its listen and root lines changed, and answers as a reader's browser needs."""
from __future__ import annotations

import gzip
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import new_site, wait_for

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "docs/hosting/nginx.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
pytestmark = pytest.mark.slow  # (a server started, a site built: some seconds)

# The server's own settings around the repository's server block: this test's folder for what nginx
# writes (its pid, temporary files), its errors on stderr, as root the files read as root.
_MAIN = """\
worker_processes 1;
pid {run}/nginx.pid;
error_log stderr;
{user}
events {{}}
http {{
    access_log off;
    client_body_temp_path {run}/body;
    proxy_temp_path {run}/proxy;
    fastcgi_temp_path {run}/fastcgi;
    uwsgi_temp_path {run}/uwsgi;
    scgi_temp_path {run}/scgi;
    include {run}/server.conf;
}}
"""


@dataclass
class Answer:
    status: int
    headers: dict[str, str]  # lower-cased names
    body: bytes


@dataclass
class Served:
    port: int
    site: Path

    def get(self, path: str, **headers: str) -> Answer:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            return Answer(response.status, {name.lower(): value for name, value in response.getheaders()},
                          response.read())
        finally:
            connection.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def nginx(tmp_path_factory):
    """A scratch site built and served by nginx with the repository's server block."""
    if not Path(NGINX).exists():
        if os.environ.get("CI"):
            pytest.fail("nginx is missing; .ci/run must install Debian's nginx-light")
        pytest.skip("nginx is not installed (make test installs it)")
    folder = tmp_path_factory.mktemp("hosting")
    site = new_site(folder / "site")
    built = site.run()
    assert built.returncode == 0, built.stderr
    run = folder / "run"
    run.mkdir()
    port = _free_port()
    server = CONFIG.read_text(encoding="utf-8")
    server, listens = re.subn(r"(?m)^(\s*)listen 80;", rf"\1listen 127.0.0.1:{port};", server)
    server, roots = re.subn(r"(?m)^(\s*)root /var/www/luu-tru;", rf"\1root {site.output};", server)
    assert (listens, roots) == (1, 1), "docs/hosting/nginx.conf: the test changes its 'listen 80;' and 'root' lines"
    (run / "server.conf").write_text(server, encoding="utf-8")
    user = "user root;" if os.geteuid() == 0 else ""  # (else its workers, as nobody, could not read tmp_path)
    (run / "nginx.conf").write_text(_MAIN.format(run=run, user=user), encoding="utf-8")
    with open(run / "stderr.log", "wb") as log:
        process = subprocess.Popen([NGINX, "-e", "stderr", "-p", str(run), "-c", str(run / "nginx.conf"),
                                    "-g", "daemon off;"], stdout=log, stderr=log)
    try:
        assert wait_for(lambda: process.poll() is not None or _answers(port), 10), "nginx did not start"
        assert process.poll() is None, (run / "stderr.log").read_text()
        yield Served(port, site.output)
    finally:
        process.send_signal(signal.SIGTERM)  # (a fast shutdown: the master ends its worker, then itself)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    assert not _answers(port)


def _article(site: Path) -> str:
    """The address of an article's page: year/slug/."""
    page = next(path for path in sorted(site.glob("20*/*/index.html")))
    return "/" + str(page.parent.relative_to(site)) + "/"


def test_a_page_and_a_clean_url_are_served_as_their_index_html(nginx):
    front = nginx.get("/")
    assert (front.status, front.body) == (200, (nginx.site / "index.html").read_bytes())
    assert front.headers["content-type"] == "text/html; charset=utf-8"
    article = _article(nginx.site)
    page = nginx.get(article)
    assert (page.status, page.body) == (200, (nginx.site / article.strip("/") / "index.html").read_bytes())
    moved = nginx.get(article.rstrip("/"))  # without its slash: moved, so that its relative links hold
    assert (moved.status, moved.headers["location"]) == (301, article)


@pytest.mark.parametrize("path", ["/khong-co-trang-nay/", "/2023/", "/static/khong-co.js"])
def test_an_address_the_archive_lacks_gets_its_404_page(nginx, path):
    missing = nginx.get(path)
    assert missing.status == 404
    assert missing.body == (nginx.site / "404.html").read_bytes()
    assert missing.headers["content-type"] == "text/html; charset=utf-8"


def test_a_search_file_is_a_utf8_script_kept_and_asked_for_again(nginx):
    name = sorted(path.name for path in (nginx.site / "search").glob("t*.js"))[0]
    first = nginx.get(f"/search/{name}")
    assert (first.status, first.body) == (200, (nginx.site / "search" / name).read_bytes())
    assert first.headers["content-type"] == "application/javascript; charset=utf-8"
    assert first.headers["cache-control"] == "no-cache"  # (its name stays the same when a build changes it)
    again = nginx.get(f"/search/{name}", **{"If-None-Match": first.headers["etag"]})
    assert (again.status, again.body) == (304, b"")


def test_the_feeds_stylesheet_the_csv_and_the_forms_config_have_their_types(nginx):
    for path, kind in [("/static/feed.xsl", "application/xslt+xml; charset=utf-8"),
                       ("/du-lieu/ket-qua.csv", "text/csv; charset=utf-8"),
                       ("/admin/config.yml", "text/yaml; charset=utf-8"),
                       ("/feed.xml", "text/xml; charset=utf-8")]:
        answer = nginx.get(path)
        assert (answer.status, answer.headers["content-type"]) == (200, kind), path
        assert answer.headers["x-content-type-options"] == "nosniff", path


def test_text_travels_gzipped_to_a_browser_that_takes_it(nginx):
    for path in ("/", "/static/style.css", "/feed.xml"):
        answer = nginx.get(path, **{"Accept-Encoding": "gzip"})
        assert answer.headers.get("content-encoding") == "gzip", path
        assert gzip.decompress(answer.body) == (nginx.site / (path.strip("/") or "index.html")).read_bytes()
        assert len(answer.body) < len(gzip.decompress(answer.body)) / 2, path
        assert nginx.get(path).headers.get("content-encoding") is None  # (and plain to one that does not)
