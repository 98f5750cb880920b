"""The web form's editing backend beside the live preview (admin_server.js, in node) on 127.0.0.1,
at the preview's port + 1: it answers the preview's own form page only (access.py), reads and
writes in content/ only, and never loses or tears a save."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path
from typing import Iterable

from ..common.messages import say
from ..common.system import end_with_parent
from ..make.form import CONTENT
from .access import hosts

_HERE = Path(__file__).resolve().parent
_SCRIPT = _HERE / "admin_server.js"

# What the backend answers and prints, its values filled in there ({path} stays for it to fill).
_TEXTS = {
    "form.backend.refused": say("form.backend.refused", path="{path}"),
    "form.backend.refused_host": say("form.backend.refused_host", host="{host}"),
    "form.backend.refused_origin": say("form.backend.refused_origin", origin="{origin}"),
    "form.backend.refused_token": say("form.backend.refused_token"),
    "form.backend.bad_json": say("form.backend.bad_json"),
    "form.backend.too_deep": say("form.backend.too_deep", depth="{depth}"),
    "form.backend.too_large": say("form.backend.too_large", size="{size}"),
    "form.backend.bad_request": say("form.backend.bad_request", field="{field}"),
    "form.backend.unknown_action": say("form.backend.unknown_action", action="{action}"),
    "form.backend.hidden": say("form.backend.hidden", path="{path}"),
    "form.backend.not_article": say("form.backend.not_article", path="{path}"),
    "form.backend.not_media": say("form.backend.not_media", path="{path}"),
    "form.backend.not_file": say("form.backend.not_file", path="{path}"),
    "form.backend.missing_file": say("form.backend.missing_file", path="{path}"),
    "form.backend.moved": say("form.backend.moved", path="{path}", target="{target}"),
    "form.backend.conflict": say("form.backend.conflict", path="{path}"),
    "form.backend.too_long": say("form.backend.too_long", path="{path}"),
    "form.backend.failed": say("form.backend.failed", error="{error}"),
    "form.backend.unsafe": say("form.backend.unsafe"),
}


def start_backend(content: Path, port: int, token: str, origins: Iterable[str]) -> subprocess.Popen[bytes] | None:
    """The form's backend on 127.0.0.1:port, writing into content/ only, answering a page of one
    of `origins` that calls with `token` only; None (said in one line) when it cannot run: node
    missing, or a content folder not named content/ (the form's paths name it)."""
    node = shutil.which("node")
    if content.name != CONTENT:
        print(say("form.backend.content_name", folder=content), flush=True)
        return None
    if node is None:
        print(say("form.backend.missing"), flush=True)
        return None
    environment = {**os.environ, "ARCHIVE_ROOT": str(content.resolve().parent), "PORT": str(port),
                   "BIND_HOST": "127.0.0.1", "ARCHIVE_CONTENT": CONTENT, "ARCHIVE_TOKEN": token,
                   "ARCHIVE_HOSTS": ",".join(sorted(hosts("127.0.0.1", port))),
                   "ARCHIVE_ORIGINS": ",".join(sorted(origins)),
                   "ARCHIVE_MESSAGES": json.dumps(_TEXTS, ensure_ascii=False)}
    return subprocess.Popen([node, str(_SCRIPT)], env=environment, cwd=str(_HERE), stdin=subprocess.DEVNULL,
                            preexec_fn=end_with_parent)


def stop_backend(process: subprocess.Popen[bytes] | None, deadline: float) -> None:
    """SIGTERM (node ends at once), and SIGKILL if it still runs at the deadline (time.monotonic())."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=max(0.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
