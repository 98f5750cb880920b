"""Who may talk to the local servers: only the preview's own pages, on this machine.

A page of any other site the editor has open can send requests to 127.0.0.1 (and, through a
domain that re-binds to 127.0.0.1, read the answers). So, as webpack-dev-server (allowedHosts),
Vite (server.allowedHosts) and Jupyter (its token) do:

- both servers answer a request only when its Host is their own address (127.0.0.1:PORT,
  localhost:PORT, [::1]:PORT or the --host given), else 403 and one line in the terminal (a
  rebinding page sends its own domain as the Host);
- the preview's websockets (its problems panel, livereload) take a page of the preview's own
  origin only;
- the form's backend takes a call only from a page of the preview's origin (Origin, or Referer
  without one), and only with this session's key in its path: the key is made when `serve`
  starts, given to the backend in its environment and to the form's page as the preview serves
  it (FormPage), never written into output/, so a page or program that did not get /admin/ from
  the preview cannot call the backend.
"""
from __future__ import annotations

import json
import secrets
import sys
from pathlib import Path
from typing import Any

import tornado.routing
import tornado.web
from tornado.httputil import HTTPServerRequest

from ..common.messages import say
from ..make.form import FOLDER, LOCAL_BACKEND

SHOWN = 100  # characters of a name a refusal shows


def new_token() -> str:
    """This session's key to the form's backend."""
    return secrets.token_urlsafe(32)


def hosts(host: str, port: int) -> frozenset[str]:
    """The Host values of a server listening on host:port, as a browser on this machine sends them."""
    names = {"127.0.0.1", "localhost", "[::1]", f"[{host}]" if ":" in host and not host.startswith("[") else host}
    names.discard("")
    found = {f"{name}:{port}" for name in names} | (names if port == 80 else set())
    return frozenset(name.lower() for name in found)


def origins(host: str, port: int) -> frozenset[str]:
    """The origins of the preview's pages (http://127.0.0.1:8000, …)."""
    return frozenset(f"http://{name}" for name in hosts(host, port))


def shown(value: str) -> str:
    """A name as a refusal shows it: quoted, on one line, at most SHOWN characters."""
    text = "".join(char if char.isprintable() else "?" for char in value)
    return repr(text[:SHOWN] + "…" if len(text) > SHOWN else text)


class OwnHost(tornado.routing.Matcher):
    """The preview's handlers are reached only by a request whose Host is the preview's own."""

    def __init__(self, allowed: frozenset[str]) -> None:
        self.allowed = allowed

    def match(self, request: HTTPServerRequest) -> dict[str, Any] | None:
        return {} if request.headers.get("Host", "").lower() in self.allowed else None


class Refused(tornado.web.RequestHandler):
    """Every other request: 403, and one line in the terminal."""

    def prepare(self) -> None:
        print(say("preview.refused_host", host=shown(self.request.headers.get("Host", ""))), file=sys.stderr,
              flush=True)
        raise tornado.web.HTTPError(403)


def origin_allowed(origin: str, allowed: frozenset[str]) -> bool:
    """A websocket of the preview's (tornado's check_origin): a page of the preview's own origin
    only, else one line in the terminal (tornado then answers 403)."""
    if origin.lower() in allowed:
        return True
    print(say("preview.refused_origin", origin=shown(origin)), file=sys.stderr, flush=True)
    return False


class FormPage(tornado.web.RequestHandler):
    """/admin/ as the preview serves it: the form's page that the build wrote, told where its local
    editing backend is, this session's key in the address (window.ARCHIVE_LOCAL_BACKEND, read by
    the page: make/form.py). Only here, never in output/: the published page has no backend of
    this machine's, and edits through the git host."""

    def initialize(self, root: str, backend: str) -> None:
        self.root = root
        self.backend = backend

    def get(self) -> None:
        try:
            page = (Path(self.root) / FOLDER / "index.html").read_bytes()
        except OSError:
            raise tornado.web.HTTPError(404) from None
        told = json.dumps({"url": self.backend}).replace("</", "<\\/")
        script = f"<script>window.{LOCAL_BACKEND} = {told};</script>".encode()
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.set_header("Cache-Control", "no-store")  # the key is this session's only
        self.finish(page.replace(b"<body>", b"<body>\n" + script, 1))


def backend_url(port: int, token: str) -> str:
    """Where the form's page posts: the backend at the preview's port + 1, with this session's key."""
    return f"http://127.0.0.1:{port + 1}/api/v1/{token}"
