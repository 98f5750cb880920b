"""Check each article's front matter against the content model and the site config."""
from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Mapping

from ..common.files import outside
from ..common.messages import say
from ..common.problems import Problem, closest, describe, did_you_mean, expected
from ..common.vietnamese import slugify
from ..common.yamlload import Document, KeyPath, YamlMapping
from . import markup
from .config import SiteConfig
from .content import SourceFile, shown_path
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

FIELDS = ("title", "date", "cluster", "kind", "provinces", "location", "period", "summary", "source",
          "author", "published", "tags", "draft", "images", "results", "slug")
_RESULT_FIELDS = ("figures", "by_province", "awards", "leaders", "approx")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_FILE_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})-")
_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//|\\\\)", re.IGNORECASE)  # a scheme, or another host
_IMAGE_REF = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]*)")
_IMAGE_TYPES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".avif"}

Report = Callable[..., None]  # (key path, message, suggestion="")


def check_article(source: SourceFile, config: SiteConfig, content_dir: Path) -> tuple[Conference | None, list[Problem]]:
    """A Conference when the article is valid, and every problem found in it."""
    problems: list[Problem] = []
    front = source.front

    def report(path: KeyPath, message: str, suggestion: str = "") -> None:
        problems.append(Problem(source.shown, front.line(*path), ".".join(str(p) for p in path), message,
                                suggestion=suggestion))

    data = front.data
    if not isinstance(data, dict):
        problems.append(Problem(source.shown, front.first_line, say("field.front_matter"),
                                expected(say("front.not_mapping"), data)))
        return None, problems
    for key in data:
        if key not in FIELDS:
            report((key,), say("field.unknown"), did_you_mean(str(key), FIELDS))
    data = {key: value for key, value in data.items() if value != ""}  # a field left empty: left out
    for key in ("title", "date", "cluster", "kind"):
        if data.get(key) in (None, ""):
            report((key,), say("field.required"))

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
        report(("period",), expected(say("expect.period"), period))
        period = 0
    draft = data.get("draft", False)
    if not isinstance(draft, bool):
        report(("draft",), expected(say("expect.bool"), draft))
    tags = _text_list(data, "tags", report)
    source_info = _source(data.get("source"), report)
    published = _published(data.get("published"), report)
    slug = _slug(data, source.path, report)
    images = _images(data.get("images", []), source, content_dir, report)
    body_photos = _check_body_images(source, content_dir, problems)
    problems += [Problem(source.shown, source.body_line + line, say("field.body"), message, suggestion=fix)
                 for line, message, fix in markup.over_budget(source.body)]
    results = _results(data.get("results"), config, report, front.line)

    if problems or date is None:
        return None, problems
    url = url_for(config, "article", year=date.year, slug=slug)
    named = {province.name for province in provinces}
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
                                        if other not in named)),
    )
    return conference, (_date_warnings(date, period, front, source.shown) + _place_warnings(date, source)
                        + _merged_away(provinces, date, config, front, source.shown))


def _merged_away(provinces: tuple[Link, ...], date: dt.date, config: SiteConfig, front: Document,
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


def _date_warnings(date: dt.date, period: int, front: Document, shown: str) -> list[Problem]:
    """Warnings, not errors: a date far in the future, a period far from the date."""
    found = []
    today = dt.date.today()
    if (date - today).days > FUTURE_DAYS:
        found.append(Problem(shown, front.line("date"), "date", say("date.future", date=date.isoformat(),
                             today=today.isoformat()), warning=True, suggestion=say("date.future.fix")))
    if period and abs(period - date.year) > PERIOD_DISTANCE:
        found.append(Problem(shown, front.line("period") or front.line("date"), "period",
                             say("period.far", period=period, years=abs(period - date.year), date=date.isoformat()),
                             warning=True, suggestion=say("period.far.fix")))
    return found


_YEAR_FOLDER = re.compile(r"\d{4}")


def _place_warnings(date: dt.date, source: SourceFile) -> list[Problem]:
    """Warnings with the fix: a file in another year's folder, a file name dated otherwise than `date:`.
    (The page's address is made from `date:` and the slug, so either slip only misleads the next editor.)"""
    found = []
    line = source.front.line("date")
    folder = source.path.parent
    if _YEAR_FOLDER.fullmatch(folder.name) and folder.name != str(date.year):
        target = PurePosixPath(*Path(source.shown).parent.parent.parts, str(date.year))
        found.append(Problem(source.shown, line, "date", say("folder.year", folder=folder.name, year=date.year),
                             warning=True, suggestion=say("folder.year.fix", target=f"{target}/")))
    named = _FILE_DATE.match(source.path.name)
    if named and named.group(1) != date.isoformat():
        name = date.isoformat() + source.path.name[len(named.group(1)):]
        found.append(Problem(source.shown, line, "date", say("name.date", named=named.group(1), date=date.isoformat()),
                             warning=True, suggestion=say("name.date.fix", name=name)))
    return found


def check_unique_urls(conferences: list[Conference]) -> list[Problem]:
    """Two files that would write the same page: an error naming both."""
    seen: dict[str, Conference] = {}
    problems = []
    for conference in conferences:
        first = seen.setdefault(conference.url, conference)
        if first is not conference:
            problems.append(Problem(conference.path, 1, "slug", say("url.taken", url=conference.url, other=first.path),
                                    suggestion=say("url.taken.fix")))
    return problems


def check_duplicates(conferences: list[Conference]) -> list[Problem]:
    """The same conference saved twice: the same cluster, kind and date (and, when both name the provinces
    that took part, one of them in common: the provincial alliances' own conferences share one cluster key,
    `cap-tinh`, and two provinces may hold theirs on the same day), or the same source address.
    An error naming both files; a warning when one of them is a draft (a re-import waiting for review),
    which is not published."""
    problems = []
    by_day: dict[tuple[str, str, dt.date], list[Conference]] = {}
    by_source: dict[str, Conference] = {}
    for conference in conferences:
        held = by_day.setdefault((conference.cluster_key, conference.kind_key, conference.date), [])
        first = next((other for other in held if _same_provinces(other, conference)), None)
        held.append(conference)
        if first is not None:
            problems.append(_duplicate(conference, first, "date", "duplicate.conference"))
            continue
        address = _source_address(conference)
        if address:
            first = by_source.setdefault(address, conference)
            if first is not conference:
                problems.append(_duplicate(conference, first, "source.url", "duplicate.source",
                                           url=conference.source.url if conference.source else address))
    return problems


def check_tags(conferences: list[Conference], config: SiteConfig) -> list[Problem]:
    """Warnings, each suggesting the tag other articles use, for a tag that is probably a slip for it:
    one written otherwise ("hợp tác xa" where others write "hợp tác xã": one page, the/hop-tac-xa/,
    named as first met), or one used by this article alone and a letter or two from a tag of several
    articles, with as many words, all the same but one ("giao ước thi đau" for "giao ước thi đua")."""
    spellings: dict[str, dict[str, list[Conference]]] = {}  # a tag page's slug -> each spelling -> who writes it
    for conference in conferences:
        for tag in dict.fromkeys(conference.tags):
            if slug := slugify(tag):
                spellings.setdefault(slug, {}).setdefault(tag, []).append(conference)
    named = {slug: max(by, key=lambda spelling: len(by[spelling])) for slug, by in spellings.items()}  # (ties: first)
    used = {slug: len({id(c) for users in by.values() for c in users}) for slug, by in spellings.items()}
    # The tags of several articles, by what a slip keeps: the first letter and the number of words.
    shared: dict[tuple[str, int], list[str]] = {}
    for slug in (slug for slug, count in used.items() if count > 1):
        shared.setdefault((slug[0], slug.count("-")), []).append(slug)
    problems = []
    for slug, by in spellings.items():
        main = named[slug]
        for spelling, users in by.items():
            if _fold(spelling) != _fold(main):
                problems += [Problem(c.path, 0, "tags", say("tag.spelled_otherwise", tag=spelling, other=main,
                                                            count=len(by[main]), url=url_for(config, "tag", tag=slug)),
                                     warning=True, suggestion=say("suggest.did_you_mean", choice=main)) for c in users]
        if used[slug] == 1 and slug.count("-") >= 2:
            near = [other for other in shared.get((slug[0], slug.count("-")), []) if _one_word_apart(slug, other)]
            close = difflib.get_close_matches(slug, near, n=1, cutoff=0.85)
            if close:
                (tag, users), = by.items()
                problems.append(Problem(users[0].path, 0, "tags", say("tag.close", tag=tag, other=named[close[0]],
                                                                       count=used[close[0]]),
                                        warning=True, suggestion=say("suggest.did_you_mean", choice=named[close[0]])))
    return problems


def _one_word_apart(slug: str, other: str) -> bool:
    """Two slugs of as many words that differ in one word, and not in its digits (2023, 2024)."""
    words, others = slug.split("-"), other.split("-")
    apart = [(a, b) for a, b in zip(words, others) if a != b]
    return len(apart) == 1 and re.sub(r"\D", "", apart[0][0]) == re.sub(r"\D", "", apart[0][1])


def _same_provinces(one: Conference, other: Conference) -> bool:
    names = {link.name for link in one.provinces}
    others = {link.name for link in other.provinces}
    return not names or not others or bool(names & others)


def _duplicate(conference: Conference, first: Conference, field: str, key: str, **values: str) -> Problem:
    """Said at the later file, or at the draft when one of the two is a draft (the file to look at)."""
    if first.draft and not conference.draft:
        conference, first = first, conference
    return Problem(conference.path, 0, field, say(key, other=first.path, **values), warning=conference.draft,
                   suggestion=say("duplicate.draft_fix") if conference.draft else say("duplicate.fix"))


def source_address(url: str) -> str:
    """A source's page as compared for duplicates: without scheme, 'www.', fragment and final '/'; "" for a
    site's home page (many articles name only the newspaper's address), which is no page of its own."""
    address = re.sub(r"^https?://(?:www\.)?", "", url.strip(), flags=re.IGNORECASE).split("#")[0].rstrip("/")
    host, _, rest = address.partition("/")
    return f"{host.lower()}/{rest}" if rest else ""


def _source_address(conference: Conference) -> str:
    return source_address(conference.source.url) if conference.source and conference.source.url else ""


def _text(data: YamlMapping, key: str, report: Report) -> str:
    value = data.get(key, "")
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        report((key,), expected(say("expect.text"), value))
        return ""
    return value.strip()


def _date(data: YamlMapping, report: Report) -> dt.date | None:
    value = data.get("date")
    if value in (None, ""):
        return None
    text = str(value).strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        report(("date",), expected(say("expect.date"), text), _date_hint(text))
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        report(("date",), say("expect.real_date", found=repr(text)))
        return None
    if not 1945 <= day.year <= 2100:
        report(("date",), expected(say("expect.date_range"), text))
        return None
    return day


def _date_hint(text: str) -> str:
    """05/07/2024 (day first, as Vietnamese writes it) -> "viết 2024-07-05"."""
    match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    if not match:
        return ""
    try:
        day = dt.date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    except ValueError:
        return ""
    return say("suggest.write", value=day.isoformat())


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def _choice(data: YamlMapping, key: str, choices: Mapping[str, str], report: Report) -> str:
    """A cluster or kind key. Its label (the name pages show, e.g. 'Tổng kết năm') is an error whose
    suggestion is the key: every file then names a cluster or kind one way, as the form writes it."""
    value = data.get(key)
    if value in (None, ""):
        return ""
    if not isinstance(value, str) or value not in choices:
        labels = {_fold(_label(label)): choice for choice, label in choices.items()}
        label_of = labels.get(_fold(str(value)))
        if label_of:
            hint = say("suggest.key_of_label", label=repr(value), choice=label_of)
        else:
            hint = did_you_mean(str(value), choices)
            near = closest(_fold(str(value)), labels)
            if not hint and near:
                hint = did_you_mean(labels[near], choices)
        report((key,), expected(say("expect.one_of", choices=", ".join(choices)), value), hint)
        return ""
    return value


def _label(value: Any) -> str:
    """A kind's label, or a cluster's name (SiteConfig keeps both as text)."""
    return value if isinstance(value, str) else str(value)


def _provinces(value: Any, path: KeyPath, config: SiteConfig, report: Report) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        report(path, expected(say("expect.provinces"), value))
        return []
    names = []
    for index, name in enumerate(value):
        if not isinstance(name, str) or name not in config.known_provinces:
            report(path + (index,), expected(say("expect.province"), name), did_you_mean(str(name), config.provinces))
        elif name not in names:
            names.append(name)
    return names


def _text_list(data: YamlMapping, key: str, report: Report) -> tuple[str, ...]:
    value = data.get(key, [])
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        report((key,), expected(say("expect.words"), value))
        return ()
    return tuple(item.strip() for item in value if item.strip())


def _source(value: Any, report: Report) -> Source | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        value = {"name": value}
    if isinstance(value, dict) and all(item in (None, "") for item in value.values()):
        return None  # both left empty in the web form
    if not isinstance(value, dict):
        report(("source",), expected(say("expect.source"), value))
        return None
    name, url = value.get("name", ""), value.get("url", "")
    for key in value:
        if key not in ("name", "url"):
            report(("source", key), say("field.unknown.source"), did_you_mean(str(key), ("name", "url")))
    if not isinstance(name, str) or not name.strip():
        report(("source", "name"), expected(say("expect.source_name"), name))
        return None
    if url and (not isinstance(url, str) or not re.fullmatch(r"https?://[^\s\"'<>]+", url)):
        report(("source", "url"), expected(say("expect.url"), url))
        return None
    return Source(name.strip(), url or "")


def _published(value: Any, report: Report) -> dt.datetime | None:
    if value in (None, ""):
        return None
    try:
        moment = dt.datetime.fromisoformat(str(value).strip())
    except ValueError:
        report(("published",), expected(say("expect.published"), value))
        return None
    if moment.tzinfo is None:  # the archive's times are Vietnam's
        moment = moment.replace(tzinfo=dt.timezone(dt.timedelta(hours=7)))
    return moment


def _slug(data: YamlMapping, path: Path, report: Report) -> str:
    if "slug" in data:
        value = data["slug"]
        if not isinstance(value, str) or not _SLUG.fullmatch(value):
            report(("slug",), expected(say("expect.slug"), value))
            return "invalid"
        return value
    stem = _FILE_DATE.sub("", path.stem)
    if not _SLUG.fullmatch(stem):
        report(("slug",), say("slug.from_file", name=repr(path.name)), say("slug.from_file.fix"))
        return "invalid"
    return stem


def _safe_image_path(src: str, source: SourceFile, content_dir: Path) -> tuple[Path | None, str, str]:
    """The photo's file beside the article or under content/images/, or why not and what to do."""
    posix = PurePosixPath(src)
    if posix.is_absolute() or ".." in posix.parts or "\\" in src:
        return None, say("image.leaves_folder", src=repr(src)), ""
    if posix.suffix.lower() not in _IMAGE_TYPES:
        return None, say("image.type", types=", ".join(sorted(_IMAGE_TYPES)), src=repr(src)), ""
    for folder in (source.path.parent, content_dir / "images"):
        candidate = folder / posix
        if candidate.is_file():
            target = outside(candidate, content_dir)  # a symlink would publish that file
            if target is not None:
                problem = say("image.link_outside", src=repr(src), target=shown_path(target))
                return None, problem, say("image.link_outside.fix")
            return candidate, "", ""
    near = _near_photo(posix, source, content_dir)
    return None, say("image.missing", src=repr(src)), near or say("image.missing.fix")


def _near_photo(src: PurePosixPath, source: SourceFile, content_dir: Path) -> str:
    """ "có phải 'anh-1.JPG'?" for the photo named most like src in its folder (beside the article, or
    under content/images/), when one is close."""
    names = []
    for folder in (source.path.parent / src.parent, content_dir / "images" / src.parent):
        try:
            names += [entry.name for entry in os.scandir(folder)
                      if PurePosixPath(entry.name).suffix.lower() in _IMAGE_TYPES and entry.is_file()
                      and not (entry.is_symlink() and outside(Path(entry.path), content_dir))]
        except OSError:
            continue
    near = closest(src.name, names)
    if not near:
        return ""
    return say("suggest.did_you_mean", choice=near if str(src.parent) == "." else f"{src.parent}/{near}")


def _images(value: Any, source: SourceFile, content_dir: Path, report: Report) -> tuple[Image, ...]:
    if value in (None, []):
        return ()
    if not isinstance(value, list):
        report(("images",), expected(say("expect.images"), value))
        return ()
    images = []
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            report(("images", index), expected(say("expect.image"), item))
            continue
        caption, src = item.get("caption", ""), item.get("src", "")
        if not isinstance(caption, str):
            report(("images", index, "caption"), expected(say("expect.text"), caption))
            continue
        if src in (None, ""):
            images.append(Image(caption.strip()))
            continue
        if not isinstance(src, str):
            report(("images", index, "src"), expected(say("expect.file_name"), src))
            continue
        file, problem, fix = _safe_image_path(src, source, content_dir)
        if problem:
            report(("images", index, "src"), problem, fix)
        else:
            images.append(Image(caption.strip(), PurePosixPath(src).name, file))
    return tuple(images)


def _check_body_images(source: SourceFile, content_dir: Path, problems: list[Problem]) -> tuple[tuple[str, Path], ...]:
    """The photo files the body shows, each of which must exist; a caption alone is written ![caption]()."""
    found: list[tuple[str, Path]] = []
    body = say("field.body")
    for number, line in enumerate(source.body.splitlines(), start=source.body_line):
        for src in _IMAGE_REF.findall(line):
            if not src:
                continue
            if _REMOTE.match(src):
                problems.append(Problem(source.shown, number, body, say("image.remote", src=src),
                                        suggestion=say("image.remote.fix")))
                continue
            file, problem, fix = _safe_image_path(src, source, content_dir)
            if file is None:
                problems.append(Problem(source.shown, number, body, problem, suggestion=fix))
            else:
                found.append((src, file))
    return tuple(found)


def _figures(value: Any, path: KeyPath, config: SiteConfig, report: Report,
             line_of: Callable[..., int] = lambda *path: 0) -> tuple[Figure, ...]:
    if value in (None, {}):
        return ()
    if not isinstance(value, dict):
        report(path, expected(say("expect.figures"), value))
        return ()
    figures = []
    for key, number in value.items():
        if number == "":  # a figure left empty in the web form: not reported
            continue
        if key not in config.indicators:
            report(path + (key,), say("indicator.unknown", choices=", ".join(config.indicators)),
                   did_you_mean(str(key), config.indicators))
        elif isinstance(number, bool) or not isinstance(number, int) or number < 0:
            hint = say("figure.written_as_text.fix") if isinstance(number, (str, float)) else ""
            report(path + (key,), expected(say("expect.whole_number", unit=config.indicators[key].unit), number), hint)
        else:
            figures.append(Figure(config.indicators[key], number, line_of(*path, key)))
    return tuple(figures)


def _results(value: Any, config: SiteConfig, report: Report,
             line_of: Callable[..., int] = lambda *path: 0) -> Results:
    if value in (None, {}):
        return Results()
    if not isinstance(value, dict):
        report(("results",), expected(say("expect.results"), value))
        return Results()
    for key in value:
        if key not in _RESULT_FIELDS:
            report(("results", key), say("field.unknown"), did_you_mean(str(key), _RESULT_FIELDS))
    figures = _figures(value.get("figures"), ("results", "figures"), config, report, line_of)
    by_province = _by_province(value.get("by_province") or {}, config, report, line_of)
    awards = _awards(value.get("awards") or [], report)
    chairs, deputies = _leaders(value.get("leaders") or {}, config, report)
    figures, by_province = _approx(value.get("approx"), figures, by_province, config, report)
    return Results(figures, by_province, awards, chairs, deputies)


def _approx(value: Any, figures: tuple[Figure, ...], by_province: tuple[ProvinceFigures, ...], config: SiteConfig,
            report: Report) -> tuple[tuple[Figure, ...], tuple[ProvinceFigures, ...]]:
    """results.approx: the figures the source gave as approximate ("gần 5.500"), each an indicator of
    results.figures (members) or a province's of results.by_province (Thanh Hóa.cooperatives)."""
    if value in (None, []):
        return figures, by_province
    path = ("results", "approx")
    if not isinstance(value, list):
        report(path, say("approx.not_list", got=describe(value)),
               suggestion=say("approx.as_list", name=value) if isinstance(value, str) else "")
        return figures, by_province
    reported = [f.indicator.key for f in figures] + [f"{row.province.name}.{f.indicator.key}"
                                                     for row in by_province for f in row.figures]
    marked = set()
    for entry in value:
        if not isinstance(entry, str):
            report(path, say("approx.not_name", got=describe(entry)))
        elif entry in reported:
            marked.add(entry)
        else:
            indicator = entry.rsplit(".", 1)[-1]
            key = "approx.unknown_indicator" if indicator not in config.indicators else "approx.not_reported"
            close = difflib.get_close_matches(entry, reported, n=1, cutoff=0.6)
            if not close and key == "approx.unknown_indicator" and (known := closest(indicator, config.indicators)):
                close = [entry[: len(entry) - len(indicator)] + known]  # the indicator meant, when none is reported
            report(path, say(key, name=entry, indicator=indicator),
                   suggestion=say("approx.suggestion", name=close[0]) if close else "")
    if not marked:
        return figures, by_province
    figures = tuple(replace(f, approximate=True) if f.indicator.key in marked else f for f in figures)
    by_province = tuple(ProvinceFigures(row.province, tuple(
        replace(f, approximate=True) if f"{row.province.name}.{f.indicator.key}" in marked else f
        for f in row.figures)) for row in by_province)
    return figures, by_province


def _by_province(value: Any, config: SiteConfig, report: Report,
                 line_of: Callable[..., int]) -> tuple[ProvinceFigures, ...]:
    """Either spelling: a mapping of province to figures (as written by hand), or a list of
    {province: …, indicator: number, …} (as the web form writes it), drawn the same."""
    by_province = []
    for name_path, figures_path, name, numbers in _province_rows(value, report):
        if not isinstance(name, str) or name not in config.known_provinces:
            report(name_path, expected(say("expect.province"), name), did_you_mean(str(name), config.provinces))
            continue
        by_province.append(ProvinceFigures(province_link(config, name),
                                           _figures(numbers, figures_path, config, report, line_of)))
    return tuple(by_province)


def _province_rows(value: Any, report: Report) -> list[tuple[KeyPath, KeyPath, Any, Any]]:
    """(where the name is, where the figures are, the province's name, its figures) of each row."""
    path: KeyPath = ("results", "by_province")
    if isinstance(value, dict):
        return [(path + (name,), path + (name,), name, numbers) for name, numbers in value.items()]
    if not isinstance(value, list):
        report(path, expected(say("expect.by_province"), value))
        return []
    rows: list[tuple[KeyPath, KeyPath, Any, Any]] = []
    for index, item in enumerate(value):
        if not isinstance(item, dict) or item.get("province") in (None, ""):
            report(path + (index,), say("form.by_province.row", found=describe(item)))
            continue
        name = item["province"]
        if any(name == row[2] for row in rows):
            report(path + (index, "province"), say("form.by_province.twice", province=name))
            continue
        rows.append((path + (index, "province"), path + (index,), name,
                     {key: number for key, number in item.items() if key != "province"}))
    return rows


def _awards(value: Any, report: Report) -> tuple[Award, ...]:
    if not isinstance(value, list):
        report(("results", "awards"), expected(say("expect.awards"), value))
        return ()
    awards = []
    for index, item in enumerate(value):
        if not (isinstance(item, dict) and isinstance(item.get("award"), str)
                and isinstance(item.get("recipient", ""), str)):
            report(("results", "awards", index), expected(say("expect.award"), item))
        else:
            awards.append(Award(item["award"].strip(), item.get("recipient", "").strip()))
    return tuple(awards)


def _leaders(value: Any, config: SiteConfig, report: Report) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The provinces that chair the cluster next, and its deputies."""
    if not isinstance(value, dict):
        report(("results", "leaders"), expected(say("expect.leaders"), value))
        return (), ()
    for key in value:
        if key not in ("chair", "deputy"):
            report(("results", "leaders", key), say("field.unknown.leaders"),
                   did_you_mean(str(key), ("chair", "deputy")))
    chairs = _provinces(value.get("chair"), ("results", "leaders", "chair"), config, report)
    deputies = _provinces(value.get("deputy"), ("results", "leaders", "deputy"), config, report)
    return tuple(chairs), tuple(deputies)


def _first_paragraph(body: str) -> str:
    for block in body.split("\n\n"):
        text = " ".join(block.split())
        if text and not text.startswith(("![", "#", ">", "<")):
            return text
    return ""
