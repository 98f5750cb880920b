"""build.py publish DEST: the built output/ copied to a web server's folder, here or over ssh, with rsync.

`rsync --delete --checksum`: DEST ends as a copy of output/, and only the files whose bytes changed
travel (a build hard-links each unchanged file from the last output/, so most keep their times
too; --checksum sends none of those whose time alone changed). DEST is checked by the rule of
--output (output.refuse_unsafe_output): rsync deletes in it whatever output/ lacks.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..common.messages import say
from ..common.problems import Refused
from .output import locked, refuse_unsafe_output

# rsync's own rule: a colon before the first slash names a host (host:path, user@host:path), and
# rsync:// a daemon; anything else is a folder of this machine.
_REMOTE = re.compile(r"^(?:rsync://|[^/]*:)")


@dataclass(frozen=True)
class Published:
    """What one copy did: files sent (changed or new), files deleted from DEST, files of output/."""

    sent: int
    deleted: int
    files: int


def is_remote(dest: str) -> bool:
    return _REMOTE.match(dest) is not None


def command(output: Path, dest: str) -> list[str]:
    """The rsync command line: output/'s content into DEST, one line per change (%i: what changed)."""
    target = dest if is_remote(dest) else str(Path(dest).resolve())
    return ["rsync", "--recursive", "--links", "--times", "--delete", "--checksum",
            "--out-format=%i %n", "--", f"{output}/", target]


def publish(output: Path, dest: str, sources: dict[str, Path], code: Path) -> Published:
    """Copy output/ to dest; raise Refused when there is nothing built, dest is a source, or rsync fails."""
    if not is_remote(dest):
        refuse_unsafe_output(Path(dest), {**sources, "source.output": output}, code, publishing=True)
    if not (output / "index.html").is_file():
        raise Refused(say("publish.nothing_built", output=output))
    if shutil.which("rsync") is None:
        raise Refused(say("publish.no_rsync"))
    files = sum(1 for path in output.rglob("*") if not path.is_dir())
    with locked(output, lambda path: print(say("publish.waiting", output=output))):  # not while a build swaps it
        done = subprocess.run(command(output.resolve(), dest), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = done.stderr.strip().splitlines()[0] if done.stderr.strip() else str(done.returncode)
        raise Refused(say("publish.failed", dest=dest, detail=detail))
    changes = done.stdout.splitlines()
    return Published(sent=sum(1 for line in changes if line.startswith((">f", "<f", "cL"))),
                     deleted=sum(1 for line in changes if line.startswith("*deleting")), files=files)
