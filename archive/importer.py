"""Import raw news pages as draft articles: read each page, fill the front matter, write it, report.

`python build.py import FILE... [--out DIR]` writes one draft per page to
DIR/<year>/<yyyy-mm-dd>-<slug>.md (draft: true), never over an existing
file, and prints what it found and what it could not determine. Fields it
is not sure of are left empty or listed for review in a comment at the top
of the front matter.
"""
from __future__ import annotations

import datetime as dt
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import yaml

from . import extract
from .config import SiteConfig, load_config
from .content import find_articles, read_article
from .problems import Problem
from .rawpage import Block, PageError, RawPage, is_signature, read_page, signature_name
from .vietnamese import slugify

_MERGER = dt.date(2025, 7, 1)  # provinces are named as they were on the conference's day
_MAX_SUFFIX = 50


@dataclass(frozen=True)
class Draft:
    """A draft article made from one page, and what the editor should know about it."""

    source: Path
    front: dict[str, Any]  # in the order of the content/ articles
    body: str
    found: tuple[str, ...]  # "date 2023-12-01 (how)", for the report
    review: tuple[str, ...]  # "field: why", written into the front matter too
    empty: tuple[str, ...]  # "field: why", fields left empty on purpose
    name: str  # <year>/<yyyy-mm-dd>-<slug>.md, or <slug>.md without a date
    paragraphs: int
    captions: int
    dropped: int


def known_members(content_dir: Path) -> dict[str, set[str]]:
    """cluster key -> every province its existing articles list (to tell a cluster by its provinces)."""
    members: dict[str, set[str]] = {}
    if not content_dir.is_dir():
        return members
    for path in find_articles(content_dir):
        article = read_article(path)
        if isinstance(article, Problem) or not isinstance(article.front.data, dict):
            continue
        data = article.front.data
        names = data.get("provinces") or []
        if isinstance(data.get("cluster"), str) and isinstance(names, list):
            members.setdefault(data["cluster"], set()).update(n for n in names if isinstance(n, str))
    return members


def _province_names(config: SiteConfig, day: dt.date | None) -> tuple[str, ...]:
    before = tuple(config.raw.get("provinces") or ())
    after = tuple(config.raw.get("provinces_2025") or ())
    if day is None:
        return config.provinces
    return (after or config.provinces) if day >= _MERGER else (before or config.provinces)


def make_draft(page: RawPage, config: SiteConfig, members: Mapping[str, set[str]] | None = None) -> Draft:
    """The front matter and body of one page, with every field it could find."""
    members = members or {}
    found: list[str] = []
    review: list[str] = []
    empty: list[str] = []

    def note(name: str, result: extract.Found, shown: object = None) -> Any:
        if result.value in (None, "", [], {}):
            empty.append(f"{name}: {result.how}")
            return None
        found.append(f"{name} {shown if shown is not None else result.value} ({result.how})" if result.how
                     else f"{name} {shown if shown is not None else result.value}")
        if result.doubtful:
            review.append(f"{name}: {result.how}")
        return result.value

    paragraphs = [block.text for block in page.blocks if not block.caption]
    lead = paragraphs[0] if paragraphs else ""
    title = extract.tidy_title(page.title, config.clusters)
    if title:
        found.append("title")
    else:
        empty.append("title: no title line above the text")

    kind_found = extract.kind(title, lead)
    period_found = extract.period(title, paragraphs)
    published_at, before_date = extract.published(page.head)
    if published_at is None and page.meta.get("published"):
        published_at = extract.published_meta(page.meta["published"])
    day = next((d for d in (extract.conference_day(p) for p in paragraphs[:2]) if d), None)
    date_found = extract.conference_date(day, published_at, period_found.value, kind_found.value or "")
    date = date_found.value
    if date and kind_found.value == "tong-ket" and date.month <= 3 and period_found.value is None:
        period_found = extract.Found(date.year - 1, "a tổng kết early in the year reviews the year before", True)
    if period_found.value is None and date:
        period_found = extract.Found(date.year, "the year of the date", True)
    index = extract.ProvinceIndex.of(_province_names(config, date))

    source_found = extract.source(list(page.tail), page.lead_prefix, list(page.head), page.meta, index)
    city = extract.source_province(source_found.value, index)
    text = "\n".join([title] + paragraphs)
    named = extract.provinces_named([title] + paragraphs, index)
    cluster_found = extract.cluster(text, config.clusters, index, city, named.value, members)
    single = extract.single_province_cluster(config.clusters.get(cluster_found.value or "", ""), index)
    if single:
        named = extract.Found([single], f"the alliance of {single}")
    location_found = extract.location(lead)
    figures = extract.figures(paragraphs, index, single_province=bool(single))
    leaders_found = extract.leaders(paragraphs, index, period_found.value)
    awards = extract.awards(paragraphs)

    author = ""
    signatures = [line for line in page.tail if is_signature(line)]
    if signatures:
        author = signature_name(signatures[-1])
    elif before_date and is_signature(before_date):
        author = signature_name(before_date)
    elif page.meta.get("author"):
        author = page.meta["author"]

    front: dict[str, Any] = {"title": title or None}
    front["date"] = note("date", date_found)
    front["cluster"] = note("cluster", cluster_found)
    front["kind"] = note("kind", kind_found)
    provinces = note("provinces", named, ", ".join(named.value or []))
    if provinces:
        front["provinces"] = provinces
    if note("location", location_found):
        front["location"] = location_found.value
    if note("period", period_found):
        front["period"] = period_found.value
    if note("source", source_found, (source_found.value or {}).get("name")):
        front["source"] = source_found.value
    if author:
        front["author"] = author
        found.append(f"author {author}")
    else:
        empty.append("author: no signature line")
    if published_at:
        front["published"] = published_at.isoformat()
        found.append(f"published {published_at:%Y-%m-%d %H:%M}")
    front["draft"] = True

    results: dict[str, Any] = {}
    if figures.cluster:
        results["figures"] = figures.cluster
        found.append(f"{len(figures.cluster)} cluster figures")
    if figures.by_province:
        results["by_province"] = figures.by_province
        found.append(f"figures for {len(figures.by_province)} provinces")
    review.extend(f"results: {text}" for text in figures.notes)
    if awards:
        results["awards"] = awards
        found.append(f"{len(awards)} awards")
        review.append("results.awards: wording of each award and recipient")
    shown_leaders = "; ".join(f"{role} {', '.join(names) or '-'}" for role, names in (leaders_found.value or {}).items())
    leaders = note("results.leaders", leaders_found, shown_leaders)
    if leaders:
        results["leaders"] = leaders
    if results:
        front["results"] = results
    if not front["title"]:
        front["title"] = None

    body = render_body(page.blocks)
    slug = _slug(front, title)
    name = f"{date.year}/{date.isoformat()}-{slug}.md" if date else f"{slug}.md"
    captions = sum(1 for block in page.blocks if block.caption)
    return Draft(page.path, front, body, tuple(found), tuple(review), tuple(empty), name,
                 len(paragraphs), captions, page.dropped)


def _slug(front: Mapping[str, Any], title: str) -> str:
    if front.get("cluster") and front.get("kind") in ("tong-ket", "so-ket", "ky-niem") and front.get("period"):
        return f"{front['cluster']}-{front['kind']}-{front['period']}"
    words = slugify(title).split("-")[:10]
    return "-".join(words) or "bai-nhap"


def _markdown_text(text: str) -> str:
    """A paragraph as Markdown that shows exactly this text (no markup of the source survives)."""
    text = re.sub(r"([\\`*_\[\]])", r"\\\1", text)
    text = re.sub(r"^(#|>|[-+] |\d+\. )", r"\\\1", text)
    return text.replace("<", "&lt;") if "<" in text else text


def render_body(blocks: tuple[Block, ...]) -> str:
    """Paragraphs as text; a caption whose photo the archive lacks as ![caption]() on its own."""
    parts = []
    for block in blocks:
        if block.caption:
            caption = block.text.replace("[", "(").replace("]", ")").replace("\\", "")
            parts.append(f"![{caption}]()")
        else:
            parts.append(_markdown_text(block.text))
    return "\n\n".join(parts) + "\n"


def _yaml(value: Any) -> str:
    """One value in YAML flow style, quoted where it has to be."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {_yaml(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_yaml(item) for item in value) + "]"
    if value is None:
        return ""
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}T[\d:+\-]+", value):
        return value
    text = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10**6).strip()
    return text.removesuffix("\n...").removesuffix("...").strip()


def render_draft(draft: Draft) -> str:
    """The whole article file: front matter with its review comment, then the body."""
    lines = ["---", f"# Draft imported from {draft.source.name} by `python build.py import`. Check every field",
             "# against the source, fill the empty ones, then remove draft: true (and these comments)."]
    if draft.review:
        lines.append("# To review:")
        lines.extend(f"#   - {item}" for item in draft.review)
    if draft.empty:
        lines.append("# Left empty (not found in the text):")
        lines.extend(f"#   - {item}" for item in draft.empty)
    for key, value in draft.front.items():
        if key == "date" and value is not None:
            lines.append(f"date: {value.isoformat()}")
        elif key == "results":
            lines.append("results:")
            for part, content in value.items():
                if part == "figures":
                    lines.append("  figures:")
                    lines.extend(f"    {k}: {v}" for k, v in content.items())
                elif part == "by_province":
                    lines.append("  by_province:")
                    lines.extend(f"    {_yaml(name)}: {_yaml(numbers)}" for name, numbers in content.items())
                elif part == "awards":
                    lines.append("  awards:")
                    lines.extend(f"    - {_yaml(item)}" for item in content)
                elif part == "leaders":
                    lines.append("  leaders:")
                    lines.append(f"    chair: {_yaml(content.get('chair', []))}")
                    lines.append(f"    deputy: {_yaml(content.get('deputy', []))}")
        elif isinstance(value, bool):
            lines.append(f"{key}: {'true' if value else 'false'}")
        elif key == "source":
            lines.append(f"source: {_yaml(value)}")
        else:
            rendered = _yaml(value)
            lines.append(f"{key}: {rendered}" if rendered else f"{key}:")
    lines.append("---")
    return "\n".join(lines) + "\n\n" + draft.body


def write_draft(draft: Draft, out_dir: Path) -> tuple[Path, str]:
    """Write the draft under out_dir without ever replacing a file; (path, what happened)."""
    wanted = out_dir / draft.name
    wanted.parent.mkdir(parents=True, exist_ok=True)
    text = render_draft(draft)
    for number in range(1, _MAX_SUFFIX + 1):
        path = wanted if number == 1 else wanted.with_name(f"{wanted.stem}-{number}{wanted.suffix}")
        try:
            with path.open("x", encoding="utf-8") as handle:  # "x": fails if the file exists, even in a race
                handle.write(text)
        except FileExistsError:
            continue
        if number == 1:
            return path, ""
        return path, f"{wanted} already exists (left untouched); wrote {path.name} instead"
    raise PageError(f"{wanted} and {_MAX_SUFFIX - 1} numbered copies already exist; nothing written")


def report(draft: Draft, path: Path, how: str) -> str:
    """The short report printed for one imported page."""
    lines = [f"{draft.source} -> {path} (draft)"]
    if how:
        lines.append(f"  note: {how}")
    lines.append("  found: " + "; ".join(draft.found))
    if draft.review:
        lines.append("  to review: " + "; ".join(draft.review))
    if draft.empty:
        lines.append("  could not determine: " + "; ".join(draft.empty))
    lines.append(f"  text: {draft.paragraphs} paragraphs, {draft.captions} photo captions; "
                 f"{draft.dropped} lines of menus, lists, widgets and footers left out")
    return "\n".join(lines)


def import_pages(files: list[Path], config_path: Path, out_dir: Path, content_dir: Path) -> int:
    """Import every file; 0 when each became a draft, 1 when any could not be read or written."""
    if not files:
        print("python build.py import: name the pages to import, e.g. python build.py import page.txt",
              file=sys.stderr)
        return 2
    config = load_config(config_path)
    members = known_members(content_dir)
    failed = 0
    for file in files:
        try:
            page = read_page(file)
            draft = make_draft(page, config, members)
            path, how = write_draft(draft, out_dir)
        except PageError as error:
            print(f"{file}: {error}", file=sys.stderr)
            failed += 1
            continue
        except OSError as error:
            print(f"{file}: cannot read or write: {error.strerror or error}", file=sys.stderr)
            failed += 1
            continue
        print(report(draft, path, how))
    done = len(files) - failed
    print(f"{done} draft(s) written to {out_dir}{f', {failed} page(s) not imported' if failed else ''}.")
    return 1 if failed else 0
