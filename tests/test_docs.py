"""The documents (README.md, HUONG-DAN.md, docs/*.md) lead somewhere and say what runs: every relative
link names a file that exists, and a heading of it where it has a #anchor; every command they show
in a shell block runs here, in a scratch copy of the project, or is listed below with the reason."""
from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", ROOT / "HUONG-DAN.md", *sorted((ROOT / "docs").glob("*.md"))]

# Commands the documents show that this test does not run, each with the reason.
NOT_RUN = {
    "make serve": "serves until Ctrl+C, and may install packages (the preview: tests/test_live.py, test_preview.py)",
    "make test": "the whole suite, this test included; it may run apt-get",
    "make quick": "the suite's fast tier, this test included",
    ".venv/bin/python build.py serve": "serves until stopped (tests/test_serve.py, tests/test_live.py)",
    ".venv/bin/python build.py import FILE…": "a synopsis: FILE… stands for the pages, which run below with real ones",
    ".venv/bin/python build.py publish DEST": "a synopsis: DEST stands for a web server's folder (tests/test_publish.py "
                                              "publishes to scratch folders)",
    "make publish DEST=/var/www/luu-tru": "copies into a web server's folder (tests/test_publish.py: build.py publish)",
    "make publish DEST=deploy@www.example.org:/var/www/luu-tru/": "copies to another machine over ssh",
}

# The pages that shown import commands name, as the labelled import cases hold them.
PAGES = {
    "page.txt": "tests/import_cases/held_out/h01-lai-chau-tong-ket.txt",
    "other.html": "tests/import_cases/held_out/h02-vcainfo-cum-dbsh.html",
    "trang.html": "tests/import_cases/held_out/h02-vcainfo-cum-dbsh.html",
}

# What a scratch copy of the project holds: what a build reads, and the code.
PROJECT = ("content", "templates", "archive", "site_config.yaml", "build.py")

_FENCE = re.compile(r"^\s*(```|~~~)\s*([\w-]*)")
_SHELLS = {"sh", "bash", "shell", "console"}
_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
_CODE_SPAN = re.compile(r"(`+)[\s\S]*?\1")
_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s.*)?$", re.MULTILINE)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_BUILD = re.compile(r"^(?:\.venv/bin/)?python3? build\.py(?=\s|$)")


# --- Reading a document --------------------------------------------------------------------------

def _split(text: str) -> tuple[str, list[tuple[str, list[str]]]]:
    """The text outside fenced blocks (a blank line for each line inside), and the blocks: (language, lines)."""
    prose, blocks, block = [], [], None
    for line in text.splitlines():
        fence = _FENCE.match(line)
        if block is None and fence:
            block = (fence.group(2), [])
            prose.append("")
        elif block is not None and fence and not fence.group(2):
            blocks.append(block)
            block = None
            prose.append("")
        elif block is not None:
            block[1].append(line)
            prose.append("")
        else:
            prose.append(line)
    return "\n".join(prose), blocks


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: its text as shown (a link's text, code without its backticks),
    lower-cased; each space a '-'; every character dropped that is not a letter, a mark, a digit, a
    connector such as '_' or a '-'. Vietnamese letters are letters, kept as they are."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)
    text = re.sub(r"<[^>]*>", "", text).replace("`", "").replace("**", "")
    kept = []
    for char in text.strip().lower():
        if char == " ":
            kept.append("-")
        elif char == "-" or unicodedata.category(char)[0] in "LMN" or unicodedata.category(char) == "Pc":
            kept.append(char)
    return "".join(kept)


def anchors(text: str) -> set[str]:
    """The anchors of a document's headings; a repeated one gets -1, -2, … as on GitHub."""
    prose, _ = _split(text)
    found: set[str] = set()
    for line in prose.splitlines():
        match = _HEADING.match(line)
        if match:
            base = anchor = slug(match.group(1))
            n = 0
            while anchor in found:
                n += 1
                anchor = f"{base}-{n}"
            found.add(anchor)
    return found


def links(text: str) -> list[str]:
    """The targets of a document's links and images, outside code."""
    prose = _CODE_SPAN.sub("", _split(text)[0])
    return _LINK.findall(prose) + _DEFINITION.findall(prose)


def broken_links(document: Path) -> list[str]:
    """Each relative link of a document that leads to no file, or to no heading of it."""
    problems = []
    for target in links(document.read_text(encoding="utf-8")):
        if not target or _SCHEME.match(target) or target.startswith("//"):
            continue
        path, _, anchor = target.partition("#")
        file = (document.parent / unquote(path)).resolve() if path else document
        if not file.exists() or not file.is_relative_to(ROOT):
            problems.append(f"{document.name}: {target}: no file {file}")
        elif anchor and file.suffix == ".md" and unquote(anchor) not in anchors(file.read_text(encoding="utf-8")):
            problems.append(f"{document.name}: {target}: no heading #{unquote(anchor)} in {file.name}")
    return problems


def shown_commands(text: str) -> list[str]:
    """The command lines of a document's shell blocks, without their comments and prompts."""
    commands = []
    for language, lines in _split(text)[1]:
        if language not in _SHELLS:
            continue
        for line in lines:
            command = re.sub(r"\s+#.*$", "", line).strip().removeprefix("$ ").strip()
            if command and not command.startswith("#"):
                commands.append(" ".join(command.split()))
    return commands


SHOWN = sorted({command for document in DOCUMENTS for command in shown_commands(document.read_text(encoding="utf-8"))})
RUN = [command for command in SHOWN if command not in NOT_RUN and _BUILD.match(command)]


# --- The documents' links ------------------------------------------------------------------------

@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_relative_link_leads_to_a_file_and_heading(document):
    assert broken_links(document) == []


@pytest.mark.parametrize("heading, anchor", [
    ("Two commands", "two-commands"),
    ("The web form (`/admin/`)", "the-web-form-admin"),
    ("The 2025 merger: `successors`", "the-2025-merger-successors"),
    ("site_config.yaml", "site_configyaml"),
    ("Downloads: `/du-lieu/`", "downloads-du-lieu"),
    ("Save → reload in the preview", "save--reload-in-the-preview"),
    ("3. Thêm bài bằng biểu mẫu", "3-thêm-bài-bằng-biểu-mẫu"),
    ("Đọc thông báo lỗi", "đọc-thông-báo-lỗi"),
    ("Cụm (`cluster`)", "cụm-cluster"),
    ("See [the guide](HUONG-DAN.md) **now**", "see-the-guide-now"),
])
def test_a_heading_has_githubs_anchor(heading, anchor):
    assert slug(heading) == anchor


def test_a_repeated_heading_is_numbered_and_code_holds_no_heading():
    assert anchors("# Notes\n\n## Notes\n\n```sh\n# not a heading\n```\n## Notes\n") == {"notes", "notes-1", "notes-2"}


def test_a_broken_link_is_found(tmp_path, monkeypatch):
    root = tmp_path / "project"
    root.mkdir()
    monkeypatch.setattr(sys.modules[__name__], "ROOT", root)
    (root / "other.md").write_text("# Ở đây\n", encoding="utf-8")
    document = root / "doc.md"
    document.write_text("# Top\n\n[fine](other.md#ở-đây), [fine](#top), [web](https://example.org/x.md), "
                        "`[code](nowhere.md)`\n\n[gone](nowhere.md) and ![photo](gone.png),\n"
                        "[no heading](other.md#elsewhere), [here neither](#bottom)\n\n"
                        "```markdown\n[in a block](nowhere.md)\n```\n\n[ref]: ../outside.md\n", encoding="utf-8")
    (tmp_path / "outside.md").write_text("", encoding="utf-8")  # there, but outside the project
    found = broken_links(document)
    assert [problem.split(": ")[1] for problem in found] == [
        "nowhere.md", "gone.png", "other.md#elsewhere", "#bottom", "../outside.md"]


# --- The documents' commands ---------------------------------------------------------------------

def test_every_shown_command_is_run_or_listed_with_a_reason():
    assert SHOWN, "no shell block found in the documents"
    neither = [command for command in SHOWN if command not in NOT_RUN and command not in RUN]
    assert neither == [], "run these in this test, or list them in NOT_RUN with the reason"
    assert sorted(set(NOT_RUN) - set(SHOWN)) == [], "no document shows these any more: take them off NOT_RUN"


def test_the_commands_are_found_in_shell_blocks_only():
    text = ("```sh\nmake serve   # serve\n$ python build.py check\n\n# a comment\n```\n"
            "```\npython build.py output\n```\n`python build.py inline`\n")
    assert shown_commands(text) == ["make serve", "python build.py check"]


def _scratch(folder: Path) -> Path:
    """A copy of the project to run a command in: what a build reads and the code, node_modules linked."""
    for name in PROJECT:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, folder / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, folder / name)
    (folder / "node_modules").symlink_to((ROOT / "node_modules").resolve(), target_is_directory=True)
    return folder


def _arguments(command: str, scratch: Path) -> list[str]:
    """A shown command as this test runs it: the tests' Python for python, absolute /tmp paths moved
    into the scratch folder, the pages it names copied in."""
    arguments = shlex.split(_BUILD.sub("", command))
    moved = [str(scratch / argument.lstrip("/")) if argument.startswith("/tmp/") else argument
             for argument in arguments]
    if moved[:1] == ["import"]:
        for name in moved[1:]:
            if name.endswith((".txt", ".html")):
                assert name in PAGES, f"{command}: name a page for {name} in PAGES"
                shutil.copyfile(ROOT / PAGES[name], scratch / name)
    return [sys.executable, "build.py", *moved]


@pytest.mark.parametrize("command", RUN)
def test_a_shown_command_runs(command, tmp_path):
    scratch = _scratch(tmp_path)
    arguments = _arguments(command, scratch)
    done = subprocess.run(arguments, cwd=scratch, capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8"})
    assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
