"""The build never loses a file outside its output folder, and says so in one line when it won't build.

An --output that is, holds or lies inside a source (README "The command line").
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from archive.cli import main
from conftest import snapshot

ROOT = Path(__file__).resolve().parent.parent


def _everything(folder: Path) -> dict[str, bytes]:
    return snapshot(folder)


UNSAFE_OUTPUTS = [
    # (name, --output as given relative to the site's folder or as a function of it, what the line says)
    ("the content folder", "content", "is the content"),
    ("the site's own folder", ".", "holds the content"),
    ("a folder inside the templates", "templates/x", "inside the templates"),
    ("a folder inside the content", "content/2023/out", "inside the content"),
    ("the parent folder", "..", "holds the content"),
    ("the root folder", "/", "holds the content"),
    ("the home folder", "{home}", "is the home folder"),
    ("a folder holding the home folder", "{home}/..", "holds the content"),
    ("the config file", "site_config.yaml", "got a file"),
    ("a regular file", "notes.txt", "got a file"),
    ("a link to the content folder", "link", "is the content"),
    ("the code", "{code}", "is the code"),
    ("a folder inside the code", "{code}/out", "inside the code"),
    ("the repository holding the code", "{code}/..", "holds"),
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
        assert err[0].startswith(f"{given}: --output: expected "), err
        assert says in err[0] and "nothing was touched" in err[0], err
    assert (_everything(tmp_path), _everything(ROOT / "archive")) == before


def test_an_output_beside_the_sources_is_built(scratch, monkeypatch, capsys):
    monkeypatch.chdir(scratch.root)
    for output in ("output", "public/site", "../elsewhere"):
        assert main(["--output", output]) == 0, capsys.readouterr().err
        assert (scratch.root / output / "index.html").is_file()
    assert sorted(os.listdir(scratch.content)) == ["2023"]
