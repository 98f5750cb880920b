"""A build from the command line after any sequence of changes (articles edited, added, deleted
and renamed, the config, a template, a stylesheet, nothing at all) writes the very bytes a clean
build writes, while drawing again only what changed: Hypothesis picks the sequences (the suite's
profile makes them the same each run)."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from archive.make import pipeline, search
from conftest import snapshot

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow  # two builds of a 40-article site after every change

choices = st.integers(min_value=0, max_value=10**6)


def _options(root: Path, output: str, cache: bool) -> pipeline.Options:
    return pipeline.Options(config=root / "site_config.yaml", content=root / "content",
                            templates=root / "templates", output=root / output,
                            cache=root / ".cache" if cache else None)


def _set(text: str, field: str, value: str) -> str:
    """An article with one field of its front matter set to value (a plain YAML scalar)."""
    return re.sub(rf"^{field}: .*$", f"{field}: {value}", text, count=1, flags=re.MULTILINE)


class ChangedSites(RuleBasedStateMachine):
    """A real-shaped 40-article site (bench/articles.py), built once; then changes, each followed
    by a build with the cache and the output/ of the build before, and by a clean one to compare."""

    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="oracle-"))
        subprocess.run([sys.executable, str(ROOT / "bench" / "articles.py"), "--n", "40", "--out", str(self.root),
                        "--format", "archive"], check=True)
        shutil.copytree(ROOT / "templates", self.root / "templates")
        self.added = 0
        self.small = False  # whether the last change shows on a few pages only (one article's text)
        pipeline.build(_options(self.root, "output", cache=True))

    def teardown(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def _articles(self) -> list[Path]:
        return sorted((self.root / "content").rglob("*.md"))

    def _pick(self, n: int) -> Path:
        articles = self._articles()
        return articles[n % len(articles)]

    @rule(n=choices)
    def edit_text(self, n: int) -> None:
        article = self._pick(n)
        article.write_text(article.read_text(encoding="utf-8") + f"\nMột câu thêm vào, lần {n}.\n", encoding="utf-8")
        self.small = True

    @rule(n=choices)
    def edit_title(self, n: int) -> None:
        article = self._pick(n)
        article.write_text(_set(article.read_text(encoding="utf-8"), "title", f"Hội nghị đã sửa, lần {n}"),
                           encoding="utf-8")

    @rule(n=choices)
    def add(self, n: int) -> None:
        self.added += 1
        day = f"2026-{self.added % 12 + 1:02d}-{n % 28 + 1:02d}"
        text = _set(_set(self._pick(n).read_text(encoding="utf-8"), "date", day), "title", f"Hội nghị thêm số {self.added}")
        text = _set(text.replace(".vn/", f".vn/them-{self.added}-", 1), "period", "2025")
        (self.root / "content" / "2026").mkdir(exist_ok=True)
        (self.root / "content" / "2026" / f"{day}-hoi-nghi-them-{self.added}.md").write_text(text, encoding="utf-8")

    @rule(n=choices)
    def delete(self, n: int) -> None:
        if len(self._articles()) > 20:
            self._pick(n).unlink()

    @rule(n=choices)
    def rename(self, n: int) -> None:
        article = self._pick(n)
        article.rename(article.with_name(f"{article.stem}-doi-ten.md"))

    @rule(n=choices)
    def edit_config(self, n: int) -> None:
        config = self.root / "site_config.yaml"
        config.write_text(_set(config.read_text(encoding="utf-8"), "title", f"Lưu trữ hội nghị, bản {n}"),
                          encoding="utf-8")

    @rule(name=st.sampled_from(["article.html", "base.html", "year.html", "_macros.html"]), n=choices)
    def edit_template(self, name: str, n: int) -> None:
        template = self.root / "templates" / name
        text = template.read_text(encoding="utf-8")
        changed = (text.replace("<h1>", f"<h1 data-sua=\"{n}\">", 1) if "<h1>" in text
                   else text.replace("</a>", f"</a><!-- {n} -->", 1))
        assert changed != text
        template.write_text(changed, encoding="utf-8")

    @rule(n=choices)
    def edit_stylesheet(self, n: int) -> None:
        style = self.root / "templates" / "static" / "style.css"
        style.write_text(style.read_text(encoding="utf-8") + f"\n/* {n} */\n", encoding="utf-8")

    @rule()
    def nothing(self) -> None:
        pass

    @invariant()
    def builds_what_a_clean_build_builds(self) -> None:
        report = pipeline.build(_options(self.root, "output", cache=True))
        clean = pipeline.build(_options(self.root, "clean", cache=False))
        assert snapshot(self.root / "output") == snapshot(self.root / "clean")
        # What was drawn again: a change shown on every page redraws them all, never more; one
        # article's text, its page and the few that list it.
        assert report.unchanged or report.drawn <= clean.drawn
        if self.small:
            assert report.drawn < clean.drawn / 4, (report.drawn, clean.drawn)
        self.small = False


def test_every_sequence_of_changes_builds_what_a_clean_build_builds(monkeypatch):
    monkeypatch.setattr(search, "GROUP", 16)  # several search groups, one changed at a time
    monkeypatch.setenv("ARCHIVE_WORKERS", "2")  # the pages drawn and written by worker processes too
    run_state_machine_as_test(ChangedSites, settings=settings(
        max_examples=3, stateful_step_count=6, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
