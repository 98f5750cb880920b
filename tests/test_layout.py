"""The package's layout: a subpackage per stage, each importing only the stages before it, and no
module importing, even inside a function, one that imports it back."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "archive"
# What each subpackage may import, as its __init__ says ("": the package's own top: cli.py).
MAY_IMPORT = {
    "common": set(),
    "site": {"common"},
    "make": {"common", "site"},
    "importer": {"common", "site"},
    "preview": {"common", "site", "make"},
    "": {"common", "site", "make", "importer", "preview"},
}


def _name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """The archive modules (or packages) a file imports, by dotted name, anywhere in it."""
    name = _name(path)
    here = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = (".".join(here[: len(here) - node.level + 1] + ([node.module] if node.module else []))
                    if node.level else node.module or "")
            if base.partition(".")[0] == "archive":
                found |= {f"{base}.{alias.name}" if _exists(f"{base}.{alias.name}") else base for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.partition(".")[0] == "archive"}
    return found


def _exists(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _stage(name: str) -> str:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and (PACKAGE / parts[1]).is_dir() else ""


MODULES = {_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def test_the_folder_listing_shows_the_stages():
    assert sorted(path.name for path in PACKAGE.iterdir() if (path / "__init__.py").is_file()) == sorted(
        stage for stage in MAY_IMPORT if stage)
    assert sorted(path.name for path in PACKAGE.glob("*.py")) == ["__init__.py", "cli.py"]


@pytest.mark.parametrize("stage", [stage for stage in MAY_IMPORT if stage])
def test_each_subpackage_says_what_it_is_for_and_what_it_may_import(stage):
    docstring = ast.get_docstring(ast.parse((PACKAGE / stage / "__init__.py").read_text(encoding="utf-8")))
    assert docstring
    allowed = MAY_IMPORT[stage]
    said = {other for other in MAY_IMPORT if other and f"archive.{other}" in docstring}
    assert said == allowed, docstring


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_import_climbs_to_a_later_stage(module):
    stage = _stage(module)
    wrong = sorted(name for name in _imports(MODULES[module])
                   if _stage(name) != stage and _stage(name) not in MAY_IMPORT[stage] and name != "archive")
    assert wrong == [], f"{MODULES[module].relative_to(ROOT)} imports {wrong}: {stage or 'archive'} may import " \
                        f"{sorted(MAY_IMPORT[stage]) or 'nothing else of archive'}"


def test_no_two_modules_import_each_other():
    graph = {name: {other for other in _imports(path) if other in MODULES and other != name}
             for name, path in MODULES.items()}
    cycles = []

    def visit(name: str, trail: list[str]) -> None:
        for other in sorted(graph[name]):
            if other in trail:
                cycles.append(trail[trail.index(other):] + [other])
            elif other not in done:
                visit(other, trail + [other])
        done.add(name)

    done: set[str] = set()
    for name in sorted(graph):
        if name not in done:
            visit(name, [name])
    assert cycles == []
