"""The editors' guide (HUONG-DAN.md): its lists are the config's, its examples are what the build
prints, and both documents state what an editor needs installed."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from archive.cli import main
from archive.site.config import load_config
from archive.site.guide import BEGIN, END, allowed_values, with_values

ROOT = Path(__file__).resolve().parent.parent
GUIDE = (ROOT / "HUONG-DAN.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_guide_lists_exactly_what_the_config_allows():
    config = load_config(ROOT / "site_config.yaml")
    assert with_values(GUIDE, config) == GUIDE, "run .venv/bin/python -m archive.site.guide"
    listed = GUIDE[GUIDE.index(BEGIN): GUIDE.index(END)]
    for key in (*config.clusters, *config.kinds, *config.indicators):
        assert f"| `{key}` |" in listed
    assert all(name in listed for name in config.provinces)


def test_a_change_to_the_config_shows_as_a_difference(tmp_path):
    text = (ROOT / "site_config.yaml").read_text(encoding="utf-8")
    changed = tmp_path / "site_config.yaml"
    changed.write_text(text.replace("  khac: Khác\n", "  khac: Khác\n  hoi-thao: Hội thảo\n")
                       .replace("  - Yên Bái\n", "").replace("  Yên Bái: {name: Lào Cai, since: 2025-07-01}\n", ""),
                       encoding="utf-8")
    config = load_config(changed)
    assert with_values(GUIDE, config) != GUIDE
    assert "| `hoi-thao` | Hội thảo |" in allowed_values(config)
    assert "Yên Bái" not in allowed_values(config)


def _blocks(text: str, after: str) -> list[str]:
    return re.findall(r"```[a-z]*\n(.*?)```", text[text.index(after):], re.DOTALL)


def test_the_guides_example_article_builds(scratch, monkeypatch, capsys):
    monkeypatch.chdir(scratch.root)
    example = _blocks(GUIDE, "## 4.")[0]
    scratch.write("content/2024/2024-07-05-bac-trung-bo-so-ket-6-thang-2024.md", example)
    assert main(["check"]) == 0, capsys.readouterr().err
    assert capsys.readouterr().out == "Không có lỗi.\n"


def test_the_guides_error_and_warning_are_what_the_build_prints(scratch, monkeypatch, capsys):
    monkeypatch.chdir(scratch.root)
    error, warning = (block.strip() for block in _blocks(GUIDE, "## 7.")[:2])
    example = _blocks(GUIDE, "## 4.")[0]
    broken = scratch.write("content/2024/2024-07-05-bac-trung-bo-so-ket.md",
                           example.replace("kind: so-ket", "kind: Sơ kết 6 tháng"))
    assert main(["check"]) == 1
    assert error in capsys.readouterr().err.splitlines()
    broken.unlink()
    scratch.write("content/2023/2023-12-01-x.md", "---\ntitle: X\ndate: 2023-12-01\ncluster: bac-trung-bo\n"
                  "kind: tong-ket\nresults:\n  figures:\n    cooperatives: 1\n    loans_vnd: 226\n---\nX.\n")
    assert main(["check"]) == 0
    assert warning in capsys.readouterr().err.splitlines()


@pytest.mark.parametrize("document", [GUIDE, README], ids=["HUONG-DAN.md", "README.md"])
def test_both_documents_state_the_prerequisites(document):
    assert "Python 3.11" in document and ("`make`" in document or "**make**" in document)
    assert "npm" in document


def test_the_readme_sends_editors_to_the_guide_first():
    assert "[HUONG-DAN.md](HUONG-DAN.md)" in "\n".join(README.splitlines()[:8])
