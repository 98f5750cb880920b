"""The publishing workflows (.github/workflows/publish.yml, .gitlab-ci.yml; docs/publishing.md): each
is valid for its host (actionlint; GitLab CI's schema, shipped inside check-jsonschema), keeps
.cache/ keyed as it should, and its shell steps, run as written and in order in a clean clone of
the repository, make the very site a plain build makes."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import snapshot

ROOT = Path(__file__).resolve().parent.parent
GITHUB = ROOT / ".github/workflows/publish.yml"
GITLAB = ROOT / ".gitlab-ci.yml"
BIN = Path(sys.executable).parent
# No network for the checks: a proxy that answers nothing (a check that fetched a schema would fail).
OFFLINE = {"HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9", "NO_PROXY": ""}


def _load(path: Path) -> dict:
    # (YAML 1.1 reads GitHub's "on:" as True: the key is taken back as written)
    return {("on" if key is True else key): value for key, value in yaml.safe_load(path.read_text()).items()}


# --- Valid for their hosts -------------------------------------------------------------------------

def test_the_github_workflow_passes_actionlint():
    done = subprocess.run([BIN / "actionlint", "-no-color", str(GITHUB)], capture_output=True, text=True,
                          env={**os.environ, **OFFLINE}, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("path, schema", [(GITLAB, "vendor.gitlab-ci"), (GITHUB, "vendor.github-workflows")])
def test_each_workflow_passes_its_hosts_schema_offline(path, schema):
    done = subprocess.run([BIN / "check-jsonschema", "--builtin-schema", schema, str(path)], capture_output=True,
                          text=True, env={**os.environ, **OFFLINE}, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_and_the_schema_find_a_broken_workflow(tmp_path):
    """(So that the two tests above can fail: a step without run or uses, a job without script.)"""
    broken = tmp_path / "publish.yml"
    broken.write_text(GITHUB.read_text().replace("run: make quick", "runs: make quick"))
    assert subprocess.run([BIN / "actionlint", str(broken)], capture_output=True, env={**os.environ, **OFFLINE}
                          ).returncode == 1
    gitlab = tmp_path / ".gitlab-ci.yml"
    gitlab.write_text(GITLAB.read_text().replace("  script:\n", "  scripts:\n"))
    assert subprocess.run([BIN / "check-jsonschema", "--builtin-schema", "vendor.gitlab-ci", str(gitlab)],
                          capture_output=True, env={**os.environ, **OFFLINE}).returncode == 1


# --- The cache ---------------------------------------------------------------------------------------

def test_github_keeps_the_cache_and_its_key_and_starts_afresh_on_new_code_or_libraries():
    workflow = _load(GITHUB)
    steps = workflow["jobs"]["build"]["steps"]
    cache = next(step for step in steps if step.get("uses", "").startswith("actions/cache@"))
    assert cache["with"]["path"].split() == [".cache", ".xdg-cache"]
    assert workflow["env"]["XDG_CACHE_HOME"] == "${{ github.workspace }}/.xdg-cache"
    key, restore = cache["with"]["key"], cache["with"]["restore-keys"].strip()
    hashed = re.search(r"hashFiles\(([^)]*)\)", key).group(1)
    assert {name.strip(" '") for name in hashed.split(",")} == {
        "requirements.txt", "requirements-test.txt", "package-lock.json", "archive/**"}
    assert "steps.python.outputs.python-version" in key
    # Each run saves its own entry (a GitHub cache entry is never overwritten); a run restores the
    # newest of the same Python, libraries and code only.
    assert key.endswith("-${{ github.run_id }}") and key.startswith(restore) and restore.endswith("-")
    assert "hashFiles(" in restore


def test_gitlab_keeps_the_cache_and_its_key_per_python_and_libraries():
    job = _load(GITLAB)["pages"]
    assert job["cache"]["paths"] == [".cache/", ".xdg-cache/"]
    assert job["variables"]["XDG_CACHE_HOME"] == "$CI_PROJECT_DIR/.xdg-cache"
    assert set(job["cache"]["key"]["files"]) == {"requirements.txt", "package-lock.json"}
    assert "3.11" in job["cache"]["key"]["prefix"] and "3.11" in job["image"]
    assert job["artifacts"]["paths"] == ["public"]


# --- The steps, run as written -------------------------------------------------------------------

def _github_steps() -> tuple[list[str], dict[str, str], str]:
    """The build job's shell steps in order, its environment, and the folder it publishes."""
    workflow = _load(GITHUB)
    steps = workflow["jobs"]["build"]["steps"]
    uses = [step["uses"].split("@")[0] for step in steps if "uses" in step]
    assert uses == ["actions/checkout", "actions/setup-python", "actions/cache", "actions/upload-pages-artifact"]
    assert "run" not in steps[-1]  # (the artifact last: what it uploads is what the run steps made)
    published = steps[-1]["with"]["path"]
    return [step["run"] for step in steps if "run" in step], workflow["env"], published


def _gitlab_steps() -> tuple[list[str], dict[str, str], str]:
    job = _load(GITLAB)["pages"]
    return [*job["before_script"], *job["script"]], job["variables"], job["artifacts"]["paths"][0]


def _clone(folder: Path) -> Path:
    """A clean clone of this commit, given the project's installed packages: .venv and node_modules
    linked, with the files they were installed from dated before their stamps, so that the install
    step runs as written and finds nothing to do (a clean machine would download them)."""
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(folder)], check=True)
    for name in (".venv", "node_modules"):
        (folder / name).symlink_to((ROOT / name).resolve(), target_is_directory=True)
    for stamp, sources in [(".venv/.installed", ["requirements.txt"]),
                           (".venv/.test-installed", ["requirements-test.txt"]),
                           ("node_modules/.installed", ["package.json", "package-lock.json"])]:
        assert (folder / stamp).exists(), f"{stamp}: the project's packages are not installed (make test does it)"
        before = (folder / stamp).stat().st_mtime - 60
        for source in sources:
            os.utime(folder / source, (before, before))
    return folder


def _run(steps: list[str], folder: Path, env: dict[str, str]) -> None:
    for step in steps:  # (each as the host runs it: bash, stopping at the first command that fails)
        done = subprocess.run(["bash", "-eo", "pipefail", "-c", step], cwd=folder, env=env, capture_output=True,
                              text=True, timeout=1800)
        assert done.returncode == 0, f"{step}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"


def _plain_build(folder: Path, out: Path) -> dict[str, bytes]:
    done = subprocess.run([sys.executable, "build.py", "--no-cache", "--output", str(out)], cwd=folder,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return snapshot(out)


# The step that runs the lint and the fast tier, the same command in both workflows. Here it runs as
# written, with its tests collected rather than run: the lint, the packages' install and every test
# module's import are checked in the clean clone; the tests themselves run in this very suite, and
# CI runs the whole suite from a clean clone of its own.
TESTS = "make quick"
COLLECTED_ONLY = "--collect-only -q"


@pytest.mark.slow  # (the lint and a build in a clone: ten seconds)
@pytest.mark.parametrize("host", ["github", "gitlab"])
def test_the_workflows_steps_run_as_written_in_a_clean_clone_and_make_the_plain_build(host, tmp_path):
    steps, declared, published = {"github": _github_steps, "gitlab": _gitlab_steps}[host]()
    assert TESTS in steps
    clone = _clone(tmp_path / "clone")
    given = {"github": {"${{ github.workspace }}": str(clone)}, "gitlab": {"$CI_PROJECT_DIR": str(clone)}}[host]
    env = {**os.environ, "CI": "true"}
    for name, value in declared.items():
        for placeholder, meant in given.items():
            value = value.replace(placeholder, meant)
        assert "$" not in value, f"{name}: {value}: a value this test cannot fill in"
        env[name] = value
    env["PYTEST_ADDOPTS"] = COLLECTED_ONLY
    _run(steps, clone, env)
    made = snapshot(clone / published)
    assert made and made == _plain_build(clone, tmp_path / "plain")
    assert any((clone / ".cache").iterdir()) and (clone / ".xdg-cache").is_dir()  # (what the host keeps)
