"""The live preview listens on 127.0.0.1 unless told otherwise and never serves a file outside output/.

Requests are sent over raw sockets so that '..', '%2e%2e' and friends reach
the server exactly as written, unnormalised by any client.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archive.cli import _parser

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bí mật ngoài output"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def raw_get(port: int, target: str) -> tuple[int, bytes]:
    """GET target exactly as given; the status code and the body."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode("latin-1"))
        data = b""
        while chunk := connection.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/") else 0
    return status, body


def _listening_addresses(port: int) -> set[str]:
    """The local addresses with a socket listening on port, from /proc/net/tcp{,6}."""
    found = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, local_port = local.split(":")
            if int(local_port, 16) == port and state == "0A":  # LISTEN
                if width == 8:
                    found.add(socket.inet_ntop(socket.AF_INET, bytes.fromhex(address)[::-1]))
                else:
                    words = b"".join(bytes.fromhex(address[i:i + 8])[::-1] for i in range(0, 32, 8))
                    found.add(socket.inet_ntop(socket.AF_INET6, words))
    return found


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    """build.py serve on a free port in a scratch site, with secrets beside output/."""
    import shutil

    from conftest import ARTICLE, ScratchSite

    site = ScratchSite(tmp_path_factory.mktemp("serve") / "site")
    site.root.mkdir()
    shutil.copy(ROOT / "site_config.yaml", site.root / "site_config.yaml")
    shutil.copytree(ROOT / "templates", site.root / "templates")
    site.write("content/2023/2023-12-01-trung-du-bac-bo.md", ARTICLE)
    site.write("secret.txt", SECRET)
    site.write("content/secret.txt", SECRET)
    port = _free_port()
    server = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--port", str(port)],
                              cwd=site.root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if raw_get(port, "/")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("the preview server did not start:\n" + server.communicate()[0])
            time.sleep(0.1)
        yield site, port
    finally:
        server.terminate()
        server.communicate(timeout=10)


def test_serve_listens_on_loopback_only_by_default(preview):
    scratch, port = preview
    assert _listening_addresses(port) == {"127.0.0.1"}
    assert _parser().parse_args(["serve"]).host == "127.0.0.1"


@pytest.mark.parametrize("target", [
    "/../secret.txt", "/../content/secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/..%2fsecret.txt",
    "/%2e%2e%2fsecret.txt", "/static/../../secret.txt", "/static/%2e%2e/%2e%2e/secret.txt", "/..\\secret.txt",
    "/%2e%2e%5csecret.txt", "//../secret.txt", "/./../secret.txt", "/%252e%252e/secret.txt",
    "/" + str(Path("/etc/hostname")), "/%2fetc%2fhostname", "/....//secret.txt",
])
def test_serve_never_serves_a_file_outside_output(preview, target):
    scratch, port = preview
    status, body = raw_get(port, target)
    assert SECRET.encode() not in body, f"{target} leaked a file outside output/"
    assert status in (400, 403, 404), f"{target}: HTTP {status}"
    assert b"Traceback" not in body


def test_serve_refuses_symlinks_out_of_output(preview):
    scratch, port = preview
    (scratch.output / "lien-ket.txt").symlink_to(scratch.root / "secret.txt")
    (scratch.output / "thu-muc").symlink_to(scratch.root / "content", target_is_directory=True)
    for target in ("/lien-ket.txt", "/thu-muc/secret.txt"):
        status, body = raw_get(port, target)
        assert SECRET.encode() not in body, f"{target} followed a symlink out of output/"
        assert status in (403, 404), f"{target}: HTTP {status}"
    assert raw_get(port, "/2023/trung-du-bac-bo/")[0] == 200  # real pages still served
