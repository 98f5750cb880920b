"""What a web server must do for the archive (docs/publishing.md, "What the web server must do"):
Debian's nginx and Apache serve a built site on 127.0.0.1, each with the repository's own file
(docs/hosting/nginx.conf, only its listen and root lines changed; docs/hosting/apache.conf, as it
is, in the site folder's <Directory>), and answer as a reader's browser needs."""
from __future__ import annotations

import gzip
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

import pytest

from conftest import free_port, new_site, wait_for

ROOT = Path(__file__).resolve().parent.parent
NGINX, APACHE = "/usr/sbin/nginx", "/usr/sbin/apache2"
pytestmark = pytest.mark.slow  # (servers started, a site built: some seconds)

# nginx's own settings around the repository's server block: this test's folder for what nginx
# writes (its pid, temporary files), its errors on stderr, as root the files read as root.
_NGINX_MAIN = """\
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

# Apache's: Debian's modules loaded by path (no /etc/apache2 needed: the package apache2-bin), the
# site's folder with the repository's rules in its <Directory>.
_APACHE_MAIN = """\
ServerRoot {run}
Listen 127.0.0.1:{port}
ServerName 127.0.0.1
PidFile {run}/httpd.pid
ErrorLog /dev/stderr
DefaultRuntimeDir {run}
Mutex file:{run} default
{modules}
TypesConfig /etc/mime.types
{user}
DocumentRoot {site}
<Directory {site}>
    Require all granted
    Include {rules}
</Directory>
"""
# Debian's modules enabled by default (autoindex among them: a folder without a page would be a 403,
# not a 404), with the two the rules need besides (a2enmod headers rewrite).
_APACHE_MODULES = ("mpm_event", "authz_core", "authz_host", "alias", "autoindex", "deflate", "dir", "env", "filter",
                   "mime", "negotiation", "reqtimeout", "setenvif", "headers", "rewrite")

# Where the two may rightly differ: the names of a type (text/javascript is the newer; Debian's
# mime.types gives application/xml for .xml, nginx's own text/xml).
SCRIPT = {"application/javascript; charset=utf-8", "text/javascript; charset=utf-8"}
XML = {"text/xml; charset=utf-8", "application/xml; charset=utf-8"}


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


def _answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Iterator[Path]:
    """A scratch site's output/, copied into a folder every user may read (Apache's workers run as
    nobody, and never as root)."""
    site = new_site(tmp_path_factory.mktemp("hosting") / "site")
    done = site.run()
    assert done.returncode == 0, done.stderr
    folder = Path(tempfile.mkdtemp(prefix="archive-hosting-"))
    try:
        shutil.copytree(site.output, folder / "site")
        for path in [folder, *folder.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        yield folder / "site"
    finally:
        shutil.rmtree(folder)


def _nginx(run: Path, port: int, site: Path) -> list[str]:
    server = (ROOT / "docs/hosting/nginx.conf").read_text(encoding="utf-8")
    server, listens = re.subn(r"(?m)^(\s*)listen 80;", rf"\1listen 127.0.0.1:{port};", server)
    server, roots = re.subn(r"(?m)^(\s*)root /var/www/luu-tru;", rf"\1root {site};", server)
    assert (listens, roots) == (1, 1), "docs/hosting/nginx.conf: the test changes its 'listen 80;' and 'root' lines"
    (run / "server.conf").write_text(server, encoding="utf-8")
    user = "user root;" if os.geteuid() == 0 else ""  # (else its workers, as nobody, could not read tmp_path)
    (run / "nginx.conf").write_text(_NGINX_MAIN.format(run=run, user=user), encoding="utf-8")
    return [NGINX, "-e", "stderr", "-p", str(run), "-c", str(run / "nginx.conf"), "-g", "daemon off;"]


def _apache(run: Path, port: int, site: Path) -> list[str]:
    modules = "\n".join(f"LoadModule {name}_module /usr/lib/apache2/modules/mod_{name}.so" for name in _APACHE_MODULES)
    user = "User nobody\nGroup nogroup" if os.geteuid() == 0 else ""
    (run / "httpd.conf").write_text(_APACHE_MAIN.format(run=run, port=port, site=site, modules=modules, user=user,
                                                        rules=ROOT / "docs/hosting/apache.conf"), encoding="utf-8")
    return [APACHE, "-f", str(run / "httpd.conf"), "-DFOREGROUND"]


@pytest.fixture(scope="module", params=["nginx", "apache"])
def server(request, built, tmp_path_factory) -> Iterator[Served]:
    """The built site served by nginx, then by Apache, each with the repository's file."""
    binary, command = {"nginx": (NGINX, _nginx), "apache": (APACHE, _apache)}[request.param]
    if not Path(binary).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{binary} is missing; .ci/run must install nginx-light and apache2-bin")
        pytest.skip(f"{binary} is not installed (make test installs it)")
    run = tmp_path_factory.mktemp(request.param)
    port = free_port()
    arguments = command(run, port, built)
    with open(run / "stderr.log", "wb") as log:
        process = subprocess.Popen(arguments, stdout=log, stderr=log)
    try:
        assert wait_for(lambda: process.poll() is not None or _answers(port), 10), "the server did not start"
        assert process.poll() is None, (run / "stderr.log").read_text()
        yield Served(port, built)
    finally:
        process.send_signal(signal.SIGTERM)  # (a fast shutdown: the server ends its workers, then itself)
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


def test_a_page_and_a_clean_url_are_served_as_their_index_html(server):
    front = server.get("/")
    assert (front.status, front.body) == (200, (server.site / "index.html").read_bytes())
    assert front.headers["content-type"] == "text/html; charset=utf-8"
    article = _article(server.site)
    page = server.get(article)
    assert (page.status, page.body) == (200, (server.site / article.strip("/") / "index.html").read_bytes())
    moved = server.get(article.rstrip("/"))  # without its slash: moved, so that its relative links hold
    assert (moved.status, urlsplit(moved.headers["location"]).path) == (301, article)


@pytest.mark.parametrize("path", ["/khong-co-trang-nay/", "/2023/", "/static/khong-co.js"])
def test_an_address_the_archive_lacks_gets_its_404_page(server, path):
    missing = server.get(path)
    assert missing.status == 404
    assert missing.body == (server.site / "404.html").read_bytes()
    assert missing.headers["content-type"] == "text/html; charset=utf-8"


def test_a_search_file_is_a_utf8_script_kept_and_asked_for_again(server):
    name = sorted(path.name for path in (server.site / "search").glob("t*.js"))[0]
    first = server.get(f"/search/{name}")
    assert (first.status, first.body) == (200, (server.site / "search" / name).read_bytes())
    assert first.headers["content-type"] in SCRIPT
    assert first.headers["cache-control"] == "no-cache"  # (its name stays the same when a build changes it)
    again = server.get(f"/search/{name}", **{"If-None-Match": first.headers["etag"]})
    assert (again.status, again.body) == (304, b"")


def test_the_feeds_stylesheet_the_csv_and_the_forms_config_have_their_types(server):
    for path, kinds in [("/static/feed.xsl", {"application/xslt+xml; charset=utf-8"}),
                        ("/du-lieu/ket-qua.csv", {"text/csv; charset=utf-8"}),
                        ("/admin/config.yml", {"text/yaml; charset=utf-8"}),
                        ("/feed.xml", XML)]:
        answer = server.get(path)
        assert (answer.status, answer.headers["content-type"] in kinds) == (200, True), (path, answer.headers)
        assert answer.headers["x-content-type-options"] == "nosniff", path


def test_text_travels_gzipped_to_a_browser_that_takes_it(server):
    for path in ("/", "/static/style.css", "/feed.xml"):
        answer = server.get(path, **{"Accept-Encoding": "gzip"})
        assert answer.headers.get("content-encoding") == "gzip", path
        assert gzip.decompress(answer.body) == (server.site / (path.strip("/") or "index.html")).read_bytes()
        assert len(answer.body) < len(gzip.decompress(answer.body)) / 2, path
        assert server.get(path).headers.get("content-encoding") is None  # (and plain to one that does not)
