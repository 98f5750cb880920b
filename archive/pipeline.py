"""The build, start to end: config -> content -> validate -> model -> render -> output."""
from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import markup, output, results, search
from .config import load_config
from .content import find_articles, read_article, shown_path
from .model import Conference, Site, build_site
from .problems import BuildFailed, Problem
from .render import environment, render_pages
from .validate import check_article, check_unique_urls


@dataclass(frozen=True)
class Options:
    config: Path = Path("site_config.yaml")
    content: Path = Path("content")
    templates: Path = Path("templates")
    output: Path = Path("output")
    drafts: bool = False


@dataclass(frozen=True)
class Report:
    pages: int
    seconds: float
    warnings: tuple[Problem, ...] = field(default_factory=tuple)


def load_site(options: Options) -> tuple[Site, list[Problem]]:
    """Read and check everything; BuildFailed lists every error in every file."""
    config = load_config(options.config)
    if not options.content.is_dir():
        raise BuildFailed([Problem(shown_path(options.content), 0, "content", "folder not found; pass --content DIR")])
    problems: list[Problem] = []
    conferences: list[Conference] = []
    for path in find_articles(options.content):
        source = read_article(path)
        if isinstance(source, Problem):
            problems.append(source)
            continue
        conference, found = check_article(source, config, options.content)
        problems.extend(found)
        if conference is not None and (options.drafts or not conference.draft):
            conferences.append(conference)
    problems.extend(check_unique_urls(conferences))
    errors = [p for p in problems if not p.warning]
    if errors:
        raise BuildFailed(problems)
    md = markup.converter()
    conferences = [replace(c, body_html=markup.to_html(c.body_markdown, md)) for c in conferences]
    site = build_site(config, conferences)
    return site, [p for p in problems if p.warning] + results.check(site)


def _copies(site: Site, templates: Path) -> dict[str, Path]:
    """Files copied as they are: the stylesheet and assets, and each article's photos."""
    copies = {"static/lunr.min.js": _lunr()}
    static = templates / "static"
    if static.is_dir():
        for path in sorted(static.rglob("*")):
            if path.is_file():
                copies["static/" + path.relative_to(static).as_posix()] = path
    for conference in site.conferences:
        for name, file in conference.photo_files:
            copies[conference.url + name] = file
    return copies


def _lunr() -> Path:
    script = search.lunr_script()
    if not script.is_file():
        raise BuildFailed([Problem(str(script), 0, "search", "lunr.js is not installed; run 'npm ci' (make serve does)")])
    return script


def build(options: Options) -> Report:
    """Build the whole site into options.output, or raise BuildFailed and leave it untouched."""
    started = time.perf_counter()
    site, warnings = load_site(options)
    shards, manifest = search.search_files(site)
    files = render_pages(site, options.templates, environment(options.templates), manifest)
    files.update(shards)
    files.update(results.downloads(site))
    output.write_site(files, _copies(site, options.templates), options.output)
    return Report(len(files), time.perf_counter() - started, tuple(warnings))


def check(options: Options) -> list[Problem]:
    """Validate and render in memory, writing nothing; the warnings found."""
    site, warnings = load_site(options)
    render_pages(site, options.templates, environment(options.templates))
    return warnings
