"""Check each article's front matter against the content model and the site config."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path, PurePosixPath
from typing import Any, Callable

from . import markup
from .config import SiteConfig
from .content import SourceFile
from .messages import say
from .model import (
    Award,
    Conference,
    Figure,
    Image,
    Link,
    ProvinceFigures,
    Results,
    Source,
    other_names,
    province_link,
    url_for,
)
from .problems import Problem, describe, did_you_mean

FIELDS = ("title", "date", "cluster", "kind", "provinces", "location", "period", "summary", "source",
          "author", "published", "tags", "draft", "images", "results", "slug")
_RESULT_FIELDS = ("figures", "by_province", "awards", "leaders")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_FILE_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})-")
_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//|\\\\)", re.IGNORECASE)  # a scheme, or another host
_IMAGE_REF = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]*)")
_IMAGE_TYPES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".avif"}

Report = Callable[[tuple, str], None]


def check_article(source: SourceFile, config: SiteConfig, content_dir: Path) -> tuple[Conference | None, list[Problem]]:
    """A Conference when the article is valid, and every problem found in it."""
    problems: list[Problem] = []
    front = source.front

    def report(path: tuple, message: str) -> None:
        problems.append(Problem(source.shown, front.line(*path), ".".join(str(p) for p in path), message))

    data = front.data
    if not isinstance(data, dict):
        problems.append(Problem(source.shown, front.first_line, "front matter",
                                f"expected a mapping of fields (title: …, date: …), got {describe(data)}"))
        return None, problems
    for key in data:
        if key not in FIELDS:
            report((key,), f"unknown field{did_you_mean(str(key), FIELDS)}")
    for key in ("title", "date", "cluster", "kind"):
        if data.get(key) in (None, ""):
            report((key,), "required field is missing")

    title = _text(data, "title", report)
    date = _date(data, report)
    cluster_key = _choice(data, "cluster", config.clusters, report)
    kind_key = _choice(data, "kind", config.kinds, report)
    provinces = tuple(province_link(config, name)
                      for name in _provinces(data.get("provinces", []), ("provinces",), config, report))
    location = _text(data, "location", report)
    author = _text(data, "author", report)
    summary = _text(data, "summary", report) or _first_paragraph(source.body)
    period = data.get("period", date.year if date else None)
    if period is None:
        period = 0  # the date is already reported
    elif not isinstance(period, int) or isinstance(period, bool) or not 1945 <= period <= 2100:
        report(("period",), f"expected the year reviewed, like 2023, got {describe(period)}")
        period = 0
    draft = data.get("draft", False)
    if not isinstance(draft, bool):
        report(("draft",), f"expected true or false, got {describe(draft)}")
    tags = _text_list(data, "tags", report)
    source_info = _source(data.get("source"), report)
    published = _published(data.get("published"), report)
    slug = _slug(data, source.path, report)
    images = _images(data.get("images", []), source, content_dir, report)
    body_photos = _check_body_images(source, content_dir, problems)
    problems += [Problem(source.shown, source.body_line + line, "body", message)
                 for line, message in markup.over_budget(source.body)]
    results = _results(data.get("results"), config, report, front.line)

    if problems or date is None:
        return None, problems
    url = url_for(config, "article", year=date.year, slug=slug)
    conference = Conference(
        path=source.shown, slug=slug, url=url, title=title, date=date, cluster_key=cluster_key,
        cluster=Link(config.clusters[cluster_key], url_for(config, "cluster", cluster=cluster_key)),
        kind_key=kind_key, kind=config.kinds[kind_key], provinces=provinces, location=location,
        period=period, summary=summary, source=source_info, author=author, published=published,
        tags=tags, draft=draft, images=images, results=results, body_markdown=source.body,
        photo_files=body_photos + tuple((image.src, image.file) for image in images if image.file),
        year=Link(str(date.year), url_for(config, "year", year=date.year)), source_digest=source.digest,
        other_names=tuple(dict.fromkeys(other for province in provinces
                                        for other in other_names(config, province.name, date)
                                        if other not in {p.name for p in provinces})),
    )
    return conference, _date_warnings(date, period, front, source.shown) + _merged_away(provinces, date, config,
                                                                                       front, source.shown)


def _merged_away(provinces: tuple[Link, ...], date: dt.date, config: SiteConfig, front: Any,
                 shown: str) -> list[Problem]:
    """A warning for a province named by a conference held after it was merged into another."""
    found = []
    for index, province in enumerate(provinces):
        successor = config.successors.get(province.name)
        if successor is not None and successor.since <= date:
            found.append(Problem(shown, front.line("provinces", index) or front.line("provinces"), "provinces",
                                 say("successors.old_name", name=province.name, successor=successor.name,
                                     since=successor.since.strftime("%d/%m/%Y"), date=date.strftime("%d/%m/%Y")),
                                 warning=True, suggestion=say("successors.write_instead", successor=successor.name)))
    return found


FUTURE_DAYS = 366  # a conference dated further ahead than this is probably a typo of the year
PERIOD_DISTANCE = 1  # a review covers the year of its date or the year before (a January review)


def _date_warnings(date: dt.date, period: int, front: Any, shown: str) -> list[Problem]:
    """Warnings, not errors: a date far in the future, a period far from the date."""
    found = []
    today = dt.date.today()
    if (date - today).days > FUTURE_DAYS:
        found.append(Problem(shown, front.line("date"), "date", f"{date.isoformat()} is more than a year after "
                             f"today ({today.isoformat()}); check the year", warning=True))
    if period and abs(period - date.year) > PERIOD_DISTANCE:
        found.append(Problem(shown, front.line("period") or front.line("date"), "period", f"the year reviewed, "
                             f"{period}, is {abs(period - date.year)} years from the conference's date "
                             f"{date.isoformat()}; check the year", warning=True))
    return found


def check_unique_urls(conferences: list[Conference]) -> list[Problem]:
    """Two files that would write the same page: an error naming both."""
    seen: dict[str, Conference] = {}
    problems = []
    for conference in conferences:
        first = seen.setdefault(conference.url, conference)
        if first is not conference:
            problems.append(Problem(conference.path, 1, "slug",
                                    f"the page {conference.url} is also written by {first.path}; "
                                    "give one of them another file name or slug"))
    return problems


def _text(data: dict, key: str, report: Report) -> str:
    value = data.get(key, "")
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        report((key,), f"expected text, got {describe(value)}")
        return ""
    return value.strip()


def _date(data: dict, report: Report) -> dt.date | None:
    value = data.get("date")
    if value in (None, ""):
        return None
    text = str(value).strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        report(("date",), f"expected YYYY-MM-DD, got {text!r}")
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        report(("date",), f"expected a real day in YYYY-MM-DD, got {text!r} (no such day)")
        return None
    if not 1945 <= day.year <= 2100:
        report(("date",), f"expected a year from 1945 to 2100, got {text!r}")
        return None
    return day


def _choice(data: dict, key: str, choices, report: Report) -> str:
    value = data.get(key)
    if value in (None, ""):
        return ""
    if not isinstance(value, str) or value not in choices:
        known = ", ".join(choices)
        report((key,), f"expected one of {known}, got {describe(value)}{did_you_mean(str(value), choices)}")
        return ""
    return value


def _provinces(value: Any, path: tuple, config: SiteConfig, report: Report) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        report(path, f"expected a list of province names, got {describe(value)}")
        return []
    names = []
    for index, name in enumerate(value):
        if not isinstance(name, str) or name not in config.provinces:
            hint = did_you_mean(str(name), config.provinces)
            report(path + (index,), f"expected a province name from site_config.yaml, got {describe(name)}{hint}")
        elif name not in names:
            names.append(name)
    return names


def _text_list(data: dict, key: str, report: Report) -> tuple[str, ...]:
    value = data.get(key, [])
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        report((key,), f"expected a list of words, got {describe(value)}")
        return ()
    return tuple(item.strip() for item in value if item.strip())


def _source(value: Any, report: Report) -> Source | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        value = {"name": value}
    if not isinstance(value, dict):
        report(("source",), f"expected {{name: …, url: …}}, got {describe(value)}")
        return None
    name, url = value.get("name", ""), value.get("url", "")
    for key in value:
        if key not in ("name", "url"):
            report(("source", key),
                   f"unknown field; a source has name and url{did_you_mean(str(key), ('name', 'url'))}")
    if not isinstance(name, str) or not name.strip():
        report(("source", "name"), f"expected the source's name as text, got {describe(name)}")
        return None
    if url and (not isinstance(url, str) or not re.fullmatch(r"https?://[^\s\"'<>]+", url)):
        report(("source", "url"), f"expected an address starting with https:// or http://, got {describe(url)}")
        return None
    return Source(name.strip(), url or "")


def _published(value: Any, report: Report) -> dt.datetime | None:
    if value in (None, ""):
        return None
    try:
        moment = dt.datetime.fromisoformat(str(value).strip())
    except ValueError:
        report(("published",), f"expected a date and time like 2023-12-01T14:51:00+07:00, got {describe(value)}")
        return None
    if moment.tzinfo is None:  # the archive's times are Vietnam's
        moment = moment.replace(tzinfo=dt.timezone(dt.timedelta(hours=7)))
    return moment


def _slug(data: dict, path: Path, report: Report) -> str:
    if "slug" in data:
        value = data["slug"]
        if not isinstance(value, str) or not _SLUG.fullmatch(value):
            report(("slug",), "expected lower-case letters, digits and hyphens (like 'tong-ket-2023'), "
                   f"got {describe(value)}")
            return "invalid"
        return value
    stem = _FILE_DATE.sub("", path.stem)
    if not _SLUG.fullmatch(stem):
        report(("slug",), f"the file name {path.name!r} gives no valid slug; rename it like "
               "'2023-12-01-tong-ket-2023.md' or set slug: in the front matter")
        return "invalid"
    return stem


def _safe_image_path(src: str, source: SourceFile, content_dir: Path) -> tuple[Path | None, str]:
    """The photo's file beside the article or under content/images/, or why not."""
    posix = PurePosixPath(src)
    if posix.is_absolute() or ".." in posix.parts or "\\" in src:
        return None, (f"expected a file name beside the article or under content/images/, got {src!r} "
                      "(it leaves its folder)")
    if posix.suffix.lower() not in _IMAGE_TYPES:
        return None, f"expected an image file ({', '.join(sorted(_IMAGE_TYPES))}), got {src!r}"
    for folder in (source.path.parent, content_dir / "images"):
        candidate = folder / posix
        if candidate.is_file():
            if not candidate.resolve().is_relative_to(content_dir.resolve()):  # a symlink would publish that file
                return None, (f"the image file {src!r} is a link to a file outside the content folder; "
                              "copy the photo itself into the folder")
            return candidate, ""
    return None, (f"the image file {src!r} does not exist beside the article or in content/images/; "
                  "add it, or leave src out to keep only the caption")


def _images(value: Any, source: SourceFile, content_dir: Path, report: Report) -> tuple[Image, ...]:
    if value in (None, []):
        return ()
    if not isinstance(value, list):
        report(("images",), f"expected a list of {{src: …, caption: …}}, got {describe(value)}")
        return ()
    images = []
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            report(("images", index), f"expected {{src: …, caption: …}}, got {describe(item)}")
            continue
        caption, src = item.get("caption", ""), item.get("src", "")
        if not isinstance(caption, str):
            report(("images", index, "caption"), f"expected text, got {describe(caption)}")
            continue
        if src in (None, ""):
            images.append(Image(caption.strip()))
            continue
        if not isinstance(src, str):
            report(("images", index, "src"), f"expected a file name, got {describe(src)}")
            continue
        file, problem = _safe_image_path(src, source, content_dir)
        if problem:
            report(("images", index, "src"), problem)
        else:
            images.append(Image(caption.strip(), PurePosixPath(src).name, file))
    return tuple(images)


def _check_body_images(source: SourceFile, content_dir: Path, problems: list[Problem]) -> tuple[tuple[str, Path], ...]:
    """The photo files the body shows, each of which must exist; a caption alone is written ![caption]()."""
    found: list[tuple[str, Path]] = []
    for number, line in enumerate(source.body.splitlines(), start=source.body_line):
        for src in _IMAGE_REF.findall(line):
            if not src:
                continue
            if _REMOTE.match(src):
                problems.append(Problem(source.shown, number, "body", f"expected a photo file kept in the repository, "
                                        f"got the address '{src}' on another site, which every reader's browser "
                                        "would load; save the photo beside the article and write its file name"))
                continue
            file, problem = _safe_image_path(src, source, content_dir)
            if file is None:
                problems.append(Problem(source.shown, number, "body", problem))
            else:
                found.append((src, file))
    return tuple(found)


def _figures(value: Any, path: tuple, config: SiteConfig, report: Report,
             line_of: Callable[..., int] = lambda *path: 0) -> tuple[Figure, ...]:
    if value in (None, {}):
        return ()
    if not isinstance(value, dict):
        report(path, f"expected a mapping of indicator to number, got {describe(value)}")
        return ()
    figures = []
    for key, number in value.items():
        if key not in config.indicators:
            report(path + (key,), f"unknown indicator; expected one of {', '.join(config.indicators)}"
                   f"{did_you_mean(str(key), config.indicators)}")
        elif isinstance(number, bool) or not isinstance(number, int) or number < 0:
            hint = ""
            if isinstance(number, (str, float)):
                hint = "; write 2.177 as 2177 and 226 tỷ đồng as 226000000000"
            report(path + (key,), f"expected a whole number of {config.indicators[key].unit} (0 or more), "
                   f"got {describe(number)}{hint}")
        else:
            figures.append(Figure(config.indicators[key], number, line_of(*path, key)))
    return tuple(figures)


def _results(value: Any, config: SiteConfig, report: Report,
             line_of: Callable[..., int] = lambda *path: 0) -> Results:
    if value in (None, {}):
        return Results()
    if not isinstance(value, dict):
        report(("results",), f"expected a mapping with figures, by_province, awards, leaders, got {describe(value)}")
        return Results()
    for key in value:
        if key not in _RESULT_FIELDS:
            report(("results", key), f"unknown field{did_you_mean(str(key), _RESULT_FIELDS)}")
    figures = _figures(value.get("figures"), ("results", "figures"), config, report, line_of)
    by_province = _by_province(value.get("by_province") or {}, config, report, line_of)
    awards = _awards(value.get("awards") or [], report)
    chairs, deputies = _leaders(value.get("leaders") or {}, config, report)
    return Results(figures, by_province, awards, chairs, deputies)


def _by_province(value: Any, config: SiteConfig, report: Report,
                 line_of: Callable[..., int]) -> tuple[ProvinceFigures, ...]:
    if not isinstance(value, dict):
        report(("results", "by_province"), f"expected a mapping of province to figures, got {describe(value)}")
        return ()
    by_province = []
    for name, numbers in value.items():
        path = ("results", "by_province", name)
        if name not in config.provinces:
            report(path, f"expected a province name from site_config.yaml, got {describe(name)}"
                   f"{did_you_mean(str(name), config.provinces)}")
            continue
        by_province.append(ProvinceFigures(province_link(config, name),
                                           _figures(numbers, path, config, report, line_of)))
    return tuple(by_province)


def _awards(value: Any, report: Report) -> tuple[Award, ...]:
    if not isinstance(value, list):
        report(("results", "awards"), f"expected a list of {{award: …, recipient: …}}, got {describe(value)}")
        return ()
    awards = []
    for index, item in enumerate(value):
        if not (isinstance(item, dict) and isinstance(item.get("award"), str)
                and isinstance(item.get("recipient", ""), str)):
            report(("results", "awards", index), f"expected {{award: …, recipient: …}} as text, got {describe(item)}")
        else:
            awards.append(Award(item["award"].strip(), item.get("recipient", "").strip()))
    return tuple(awards)


def _leaders(value: Any, config: SiteConfig, report: Report) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The provinces that chair the cluster next, and its deputies."""
    if not isinstance(value, dict):
        report(("results", "leaders"), f"expected {{chair: […], deputy: […]}}, got {describe(value)}")
        return (), ()
    for key in value:
        if key not in ("chair", "deputy"):
            report(("results", "leaders", key),
                   f"unknown field; expected chair or deputy{did_you_mean(str(key), ('chair', 'deputy'))}")
    chairs = _provinces(value.get("chair"), ("results", "leaders", "chair"), config, report)
    deputies = _provinces(value.get("deputy"), ("results", "leaders", "deputy"), config, report)
    return tuple(chairs), tuple(deputies)


def _first_paragraph(body: str) -> str:
    for block in body.split("\n\n"):
        text = " ".join(block.split())
        if text and not text.startswith(("![", "#", ">", "<")):
            return text
    return ""
