"""The web form's editing backend beside the live preview: decap-server's file-system middleware
(admin_server.js) on 127.0.0.1, at the preview's port + 1, writing into content/ only."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

from ..common.messages import say
from ..common.system import end_with_parent
from ..make.form import CONTENT

_HERE = Path(__file__).resolve().parent
_SCRIPT = _HERE / "admin_server.js"
_SERVER = _HERE.parents[1] / "node_modules" / "decap-server"


def start_backend(content: Path, port: int) -> subprocess.Popen | None:
    """decap-server's file-system backend on 127.0.0.1:port, writing into content/ only; None (said
    in one line) when it cannot run: node or decap-server missing, or a content folder not named
    content/ (the form's paths name it)."""
    node = shutil.which("node")
    if content.name != CONTENT:
        print(say("form.backend.content_name", folder=content), flush=True)
        return None
    if node is None or not _SERVER.is_dir():
        print(say("form.backend.missing"), flush=True)
        return None
    environment = {**os.environ, "GIT_REPO_DIRECTORY": str(content.resolve().parent), "PORT": str(port),
                   "BIND_HOST": "127.0.0.1", "LOG_LEVEL": "error", "ARCHIVE_CONTENT": CONTENT,
                   "ARCHIVE_REFUSED": say("form.backend.refused", path="{path}")}
    return subprocess.Popen([node, str(_SCRIPT)], env=environment, cwd=str(_HERE), stdin=subprocess.DEVNULL,
                            preexec_fn=end_with_parent)


def stop_backend(process: subprocess.Popen | None, deadline: float) -> None:
    """SIGTERM (node ends at once), and SIGKILL if it still runs at the deadline (time.monotonic())."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=max(0.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
