"""Load and check site_config.yaml into a SiteConfig."""
from __future__ import annotations

import datetime as dt
import difflib
import functools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Mapping

from ..common import yamlload
from ..common.files import NotRegular, outside, read_regular, shown_folder
from ..common.messages import say
from ..common.problems import BuildFailed, Problem, describe, did_you_mean, expected
from ..common.vietnamese import fold, format_number, slugify
from .content import shown_path

DEFAULT_URLS = {
    "article": "{year}/{slug}/",
    "cluster": "cum/{cluster}/",
    "cluster_page": "cum/{cluster}/trang/{page}/",
    "cluster_feed": "cum/{cluster}/feed.xml",
    "year": "nam/{year}/",
    "province": "tinh/{province}/",
    "feed": "feed.xml",
    "search": "tim-kiem/",
    "data": "du-lieu/",
    "tag": "the/{tag}/",
}
_URL_FIELDS = {
    "article": {"year", "slug"},
    "cluster": {"cluster"},
    "cluster_page": {"cluster", "page"},
    "cluster_feed": {"cluster"},
    "year": {"year"},
    "province": {"province"},
    "feed": set(),
    "search": set(),
    "data": set(),
    "tag": {"tag"},
}
_KEYS = {"title", "description", "base_url", "language", "timezone", "per_page", "urls",
         "clusters", "kinds", "indicators", "provinces", "provinces_2025", "successors", "search_aliases", "publish"}
_REQUIRED = ("title", "base_url", "clusters", "kinds", "indicators", "provinces")


@dataclass(frozen=True)
class Indicator:
    """A kind of figure a conference reports, e.g. cooperatives counted in HTX."""

    key: str
    label: str
    unit: str


@dataclass(frozen=True)
class Successor:
    """What a province merged away became, and from which day (the 2025 reorganisation)."""

    name: str
    since: dt.date


@dataclass(frozen=True)
class Publish:
    """Where the published site's web form saves (publish: in site_config.yaml): the git host, the
    repository on it and the branch its CI builds; for GitLab the OAuth application's id (PKCE
    logins), for GitHub the OAuth proxy's address, when there is one."""

    host: str  # "github" or "gitlab"
    repository: str  # owner/name (GitLab: group/subgroup/name too)
    branch: str
    app_id: str = ""
    auth_url: str = ""


@dataclass(frozen=True)
class SiteConfig:
    path: str
    title: str
    description: str
    base_url: str
    language: str
    timezone: str
    per_page: int
    urls: Mapping[str, str]
    clusters: Mapping[str, str]  # key -> display name
    kinds: Mapping[str, str]  # key -> label
    indicators: Mapping[str, Indicator]
    provinces: tuple[str, ...]  # every known name, pre- and post-2025
    raw: Mapping[str, Any]  # the file as loaded, for templates that want more
    successors: Mapping[str, Successor] = field(default_factory=dict)  # province merged away -> its successor
    search_aliases: Mapping[str, str] = field(default_factory=dict)  # a short form readers type -> its province
    publish: Publish | None = None  # the git host the published form saves to; None: no publish: section

    @functools.cached_property
    def known_provinces(self) -> frozenset[str]:
        """provinces as a set: what a check looks a name up in (each look in the tuple went through
        all of them: 40.000 provinces, every name of every article)."""
        return frozenset(self.provinces)

    @functools.cached_property
    def predecessors(self) -> Mapping[str, tuple[tuple[str, Successor], ...]]:
        """province -> the provinces that became part of it, each with its succession, in the config's order."""
        found: dict[str, list[tuple[str, Successor]]] = {}
        for old, successor in self.successors.items():
            found.setdefault(successor.name, []).append((old, successor))
        return {name: tuple(olds) for name, olds in found.items()}


Report = Callable[..., None]  # (the setting's key path, what is wrong with it, suggestion="")


def load_config(path: Path) -> SiteConfig:
    """Read the config file; raise BuildFailed listing every problem in it."""
    shown = str(path)
    doc = _read(path, shown)
    data = doc.data
    if not isinstance(data, dict):
        raise BuildFailed([Problem(shown, 1, say("field.config"), expected(say("config.not_mapping"), data))])
    problems: list[Problem] = []

    def report(field: yamlload.KeyPath, message: str, suggestion: str = "") -> None:
        problems.append(Problem(shown, doc.line(*field), ".".join(map(str, field)), message, suggestion=suggestion))

    _check_keys(data, report)
    title = _text(data, "title", report)
    description = _text(data, "description", report)
    base_url = _base_url(data, report)
    per_page = _per_page(data, report)
    urls = _urls(data, report)
    clusters = _clusters(_mapping(data, "clusters", report), report)
    kinds = _kinds(_mapping(data, "kinds", report), report)
    indicators = _indicators(_mapping(data, "indicators", report), report)
    provinces = _provinces(data, report)
    successors = _successors(data.get("successors", {}), provinces, report)
    search_aliases = _search_aliases(data.get("search_aliases", {}), provinces, report)
    language = _text(data, "language", report, "vi")
    timezone = _text(data, "timezone", report, "Asia/Ho_Chi_Minh")
    publish = _publish(data["publish"], report) if "publish" in data else None
    if problems:
        raise BuildFailed(problems)
    return SiteConfig(
        path=shown, title=title, description=description, base_url=base_url, language=language,
        timezone=timezone, per_page=per_page, urls=MappingProxyType(urls), clusters=MappingProxyType(clusters),
        kinds=MappingProxyType(kinds), indicators=MappingProxyType(indicators),
        provinces=tuple(provinces), raw=MappingProxyType(data), successors=MappingProxyType(successors),
        search_aliases=MappingProxyType(search_aliases), publish=publish,
    )


MAX_CONFIG_BYTES = 10 * 1024 * 1024  # (100.000 provinces are some 2 MB)


def _read(path: Path, shown: str) -> yamlload.Document:
    """The config's YAML: a regular file of the folder it is named in (not a link out of it, not a FIFO)
    of at most MAX_CONFIG_BYTES, read before anything is built from it."""
    def refused(message: str, suggestion: str = "", line: int = 0) -> BuildFailed:
        return BuildFailed([Problem(shown, line, say("field.config"), message, suggestion=suggestion)])

    folder = Path(os.path.abspath(path)).parent
    target = outside(path, folder)
    if target is not None and target.exists():
        named = shown_folder(folder) if folder.resolve() != Path.cwd().resolve() else say("folder.project")
        raise refused(say("file.link_outside", folder=named, target=shown_path(target)),
                      say("file.link_outside.fix", folder=named))
    try:
        raw = read_regular(path, MAX_CONFIG_BYTES)
        if len(raw) > MAX_CONFIG_BYTES:
            raise refused(say("config.too_large", size=format_number(round(path.stat().st_size / 2**20, 1)),
                              limit=format_number(MAX_CONFIG_BYTES // 2**20)), line=1)
        text = raw.decode("utf-8")
    except FileNotFoundError:
        raise refused(say("config.not_found"), say("config.not_found.fix")) from None
    except NotRegular as error:
        raise refused(say("file.special.config", what=say(error.kind))) from None
    except OSError as error:
        raise refused(say("file.unreadable", error=error.strerror or error), say("file.unreadable.fix")) from None
    except UnicodeDecodeError as error:
        byte = f"{error.object[error.start]:02x}"
        raise BuildFailed([Problem(shown, 0, say("field.config"), say("file.not_utf8", byte=byte),
                                   suggestion=say("file.not_utf8.fix"))]) from None
    try:
        return yamlload.load(text)
    except yamlload.YamlError as error:
        raise BuildFailed([Problem(shown, error.line, say("field.config"), str(error))]) from None


def _check_keys(data: yamlload.YamlMapping, report: Report) -> None:
    for key in data:
        if key not in _KEYS:
            report((key,), say("config.unknown"), did_you_mean(key, _KEYS))
    for key in _REQUIRED:
        if key not in data:
            report((key,), say("config.required"))


def _text(data: yamlload.YamlMapping, key: str, report: Report, default: str = "") -> str:
    value = data.get(key, default)
    if not isinstance(value, str) or (key in _REQUIRED and not value.strip()):
        report((key,), expected(say("expect.text"), value))
        return default
    return value


def _base_url(data: yamlload.YamlMapping, report: Report) -> str:
    base_url = _text(data, "base_url", report, "/")
    if base_url and not base_url.startswith(("http://", "https://", "/")):
        report(("base_url",), expected(say("config.base_url"), base_url))
    elif "?" in base_url or "#" in base_url:
        report(("base_url",), expected(say("config.base_url_query"), base_url))
    return base_url if base_url.endswith("/") else base_url + "/"


def _per_page(data: yamlload.YamlMapping, report: Report) -> int:
    per_page = data.get("per_page", 20)
    if not isinstance(per_page, int) or isinstance(per_page, bool) or not 1 <= per_page <= 1000:
        report(("per_page",), expected(say("config.per_page"), per_page))
        return 20
    return per_page


def _urls(data: yamlload.YamlMapping, report: Report) -> dict[str, str]:
    """The default patterns, with those the config gives in their place."""
    urls = dict(DEFAULT_URLS)
    given = data.get("urls", {})
    if not isinstance(given, dict):
        report(("urls",), expected(say("config.urls"), given))
        return urls
    for name, pattern in given.items():
        if name not in _URL_FIELDS:
            report(("urls", name), say("config.page_kind"), did_you_mean(name, _URL_FIELDS))
        elif problem := _check_pattern(pattern, _URL_FIELDS[name], feed=name.endswith("feed")):
            report(("urls", name), problem)
        else:
            urls[name] = pattern
    return urls


_KEY = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")


def _is_key(key: Any) -> bool:
    return isinstance(key, str) and _KEY.fullmatch(key) is not None


def _key_problem(key: Any) -> tuple[str, str]:
    """Cluster, kind and indicator keys become parts of addresses, file names and CSV columns."""
    suggestion = slugify(str(key))
    return (expected(say("config.key"), str(key)),
            say("suggest.did_you_mean", choice=suggestion) if suggestion else "")


def _clusters(given: yamlload.YamlMapping, report: Report) -> dict[str, str]:
    clusters = {}
    for key, value in given.items():
        if not _is_key(key):
            report(("clusters", key), *_key_problem(key))
            continue
        name = value.get("name") if isinstance(value, dict) else None
        if not isinstance(name, str) or not name.strip():
            report(("clusters", key), say("problem.expected", expected=say("config.cluster"), found=repr(value)))
        else:
            clusters[str(key)] = name
    return clusters


def _kinds(given: yamlload.YamlMapping, report: Report) -> dict[str, str]:
    kinds = {}
    for key, value in given.items():
        if not _is_key(key):
            report(("kinds", key), *_key_problem(key))
            continue
        if not isinstance(value, str) or not value.strip():
            report(("kinds", key), say("problem.expected", expected=say("config.kind"), found=repr(value)))
        else:
            kinds[str(key)] = value
    return kinds


def _indicators(given: yamlload.YamlMapping, report: Report) -> dict[str, Indicator]:
    indicators = {}
    for key, value in given.items():
        if not _is_key(key):
            report(("indicators", key), *_key_problem(key))
            continue
        if not (isinstance(value, dict) and isinstance(value.get("label"), str) and isinstance(value.get("unit"), str)):
            report(("indicators", key), say("problem.expected", expected=say("config.indicator"), found=repr(value)))
        else:
            indicators[str(key)] = Indicator(str(key), value["label"], value["unit"])
    return indicators


def _provinces(data: yamlload.YamlMapping, report: Report) -> list[str]:
    """Every name of provinces and provinces_2025, each once, in the order given."""
    provinces: list[str] = []
    seen: set[str] = set()  # (a look in the list itself made 40.000 provinces take 85 s)
    by_slug: dict[str, str] = {}
    for key in ("provinces", "provinces_2025"):
        names = data.get(key, [])
        if not isinstance(names, list):
            report((key,), expected(say("expect.provinces"), names))
            continue
        for index, name in enumerate(names):
            if not isinstance(name, str) or not name.strip():
                report((key, index), expected(say("config.province"), name))
            elif name not in seen:
                seen.add(name)
                twin = by_slug.setdefault(slugify(name), name)
                if twin != name:  # "Thanh Hóa" and "Thanh Hoá": one page, tinh/thanh-hoa/
                    report((key, index), say("config.province_twice", name=repr(name), twin=repr(twin),
                                             slug=slugify(name)), say("config.province_twice.fix"))
                provinces.append(name)
    return provinces


def _successors(given: Any, provinces: list[str], report: Report) -> dict[str, Successor]:
    """successors: {province merged away: {name: its successor, since: YYYY-MM-DD}}, every name a
    known province, no province its own successor, however far the chain goes."""
    if not isinstance(given, dict):
        report(("successors",), say("successors.not_mapping", value=describe(given)))
        return {}
    successors = {}
    known = set(provinces)
    suggested = 0  # a suggestion looks through every province: the first few unknown names get one

    def closest(name: Any) -> str:
        nonlocal suggested
        suggested += 1
        return _closest(name, provinces) if suggested <= _SUGGESTIONS else ""

    for name, value in given.items():
        where = ("successors", name)
        if name not in known:
            report(where, say("successors.unknown", name=name), closest(name))
            continue
        if not isinstance(value, dict) or set(value) != {"name", "since"}:
            report(where, say("successors.shape", value=describe(value)))
            continue
        successor, since = value["name"], _day(value["since"])
        if successor not in known:
            report((*where, "name"), say("successors.unknown_successor", name=successor), closest(str(successor)))
        elif since is None:
            report((*where, "since"), say("successors.date", value=describe(value["since"])))
        elif successor == name:
            report((*where, "name"), say("successors.itself", name=name))
        else:
            successors[name] = Successor(successor, since)
    for cycle in _cycles(successors):
        report(("successors", cycle[0]), say("successors.cycle", cycle=" → ".join(cycle)))
    return successors


PUBLISH_HOSTS = ("github", "gitlab")
_PUBLISH_KEYS = {"host", "repository", "branch", "app_id", "auth_url"}
_REPOSITORY = re.compile(r"[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)+")  # owner/name; GitLab: group/subgroup/name
_BRANCH = re.compile(r"(?!/|.*(?:\.\.|//|@\{|\.lock$|/$|\.$))[^\s~^:?*\[\\]+")  # git check-ref-format's rules
_AUTH_URL = re.compile(r"https://[^\s/?#]+[^\s?#]*")


def _publish(given: Any, report: Report) -> Publish | None:
    """publish: {host: github|gitlab, repository: owner/name, branch: main}; GitLab needs app_id
    (its logins are PKCE, from the browser, with no server of ours), GitHub may name auth_url."""
    if not isinstance(given, dict):
        report(("publish",), expected(say("config.publish"), given))
        return None
    for key in given:
        if key not in _PUBLISH_KEYS:
            report(("publish", key), say("config.unknown"), did_you_mean(str(key), _PUBLISH_KEYS))
    settings = {"branch": "main", "app_id": "", "auth_url": ""} | dict(given)
    if isinstance(settings["app_id"], int) and not isinstance(settings["app_id"], bool):
        settings["app_id"] = str(settings["app_id"])  # (an id of digits only reads as a number in YAML)
    problems = _publish_problems(settings, given)
    for key, message, suggestion in problems:
        report(("publish", key), message, suggestion)
    if problems or set(given) - _PUBLISH_KEYS:
        return None
    return Publish(settings["host"], settings["repository"], settings["branch"], app_id=settings["app_id"],
                   auth_url=settings["auth_url"].rstrip("/"))


def _publish_problems(settings: dict[str, Any], given: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """What is wrong with each setting of publish: (key, message, suggestion)."""
    host, repository, branch = settings.get("host"), settings.get("repository"), settings["branch"]
    app_id, auth_url = settings["app_id"], settings["auth_url"]
    problems = []
    if host not in PUBLISH_HOSTS:
        problems.append(("host", expected(say("config.publish.host"), host),
                         did_you_mean(str(host), PUBLISH_HOSTS) if host is not None else ""))
    if not isinstance(repository, str) or not _REPOSITORY.fullmatch(repository):
        problems.append(("repository", expected(say("config.publish.repository"), repository),
                         say("config.publish.repository.fix")))
    if not isinstance(branch, str) or not _BRANCH.fullmatch(branch):
        problems.append(("branch", expected(say("config.publish.branch"), branch), ""))
    if host == "gitlab" and (not isinstance(app_id, str) or not app_id.strip()):
        problems.append(("app_id", expected(say("config.publish.app_id"), app_id or None),
                         say("config.publish.app_id.fix")))
    if host == "github" and "app_id" in given:
        problems.append(("app_id", say("config.publish.only", host="gitlab"), ""))
    if host == "gitlab" and "auth_url" in given:
        problems.append(("auth_url", say("config.publish.only", host="github"), ""))
    elif not isinstance(auth_url, str) or (auth_url and not _AUTH_URL.fullmatch(auth_url)):
        problems.append(("auth_url", expected(say("config.publish.auth_url"), auth_url), ""))
    return problems


def _search_aliases(given: Any, provinces: list[str], report: Report) -> dict[str, str]:
    """search_aliases: {province: [the short forms readers type for it]}, every province known, every
    form a word or a few (compared without case or diacritics), no form standing for two provinces."""
    if not isinstance(given, dict):
        report(("search_aliases",), say("aliases.not_mapping", value=describe(given)))
        return {}
    known = set(provinces)
    aliases: dict[str, str] = {}
    owner: dict[str, str] = {}  # a form, folded -> the province it was first given for
    for name, forms in given.items():
        where = ("search_aliases", name)
        if name not in known:
            report(where, say("aliases.unknown", name=name), _closest(name, provinces))
            continue
        if not isinstance(forms, list):
            report(where, say("aliases.not_list", value=describe(forms)))
            continue
        for index, form in enumerate(forms):
            if not isinstance(form, str) or not any(char.isalnum() for char in form):
                report((*where, index), say("aliases.form", value=describe(form)))
                continue
            key = " ".join(re.split(r"[\s-]+", fold(form).strip()))  # ("BR-VT" is "br vt", as search reads it)
            if key in owner and owner[key] != name:
                report((*where, index), say("aliases.twice", form=form, other=owner[key]),
                       say("aliases.twice.fix"))
                continue
            owner[key] = name
            aliases[form.strip()] = name
    return aliases


_SUGGESTIONS = 50  # (a config of 40.000 successors all unknown would otherwise compare each with every province)


def _day(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        return None


def _closest(name: Any, choices: list[str]) -> str:
    """The known name closest to name, compared without diacritics ("Quảng Binh" is "Quảng Bình")."""
    folded = {fold(choice): choice for choice in choices}
    close = difflib.get_close_matches(fold(str(name)), list(folded), n=1, cutoff=0.6)
    return f"'{folded[close[0]]}'" if close else ""


def _cycles(successors: dict[str, Successor]) -> list[list[str]]:
    """Each chain of successors that comes back to where it started, once, from its first name in the file."""
    found, seen = [], set()
    for start in successors:
        chain = [start]
        place = {start: 0}  # each name of the chain -> its place in it (a look in the list was quadratic)
        while chain[-1] in successors and chain[-1] not in seen:
            seen.add(chain[-1])
            following = successors[chain[-1]].name
            if following in place:
                found.append(chain[place[following]:] + [following])
                break
            place[following] = len(chain)
            chain.append(following)
    return found


def _mapping(data: yamlload.YamlMapping, key: str, report: Report) -> yamlload.YamlMapping:
    value = data.get(key, {})
    if not isinstance(value, dict):
        report((key,), expected(say("config.mapping"), value))
        return {}
    return value


def _check_pattern(pattern: Any, fields: set[str], feed: bool) -> str:
    if not isinstance(pattern, str):
        return expected(say("config.pattern"), pattern)
    used = {part.split("}")[0] for part in pattern.split("{")[1:]}
    if used - fields:
        allowed = ", ".join("{" + field + "}" for field in sorted(fields)) or say("config.pattern.none")
        return say("config.pattern.placeholder", name=sorted(used - fields)[0], allowed=allowed)
    if missing := fields - used:
        return say("config.pattern.missing", name=sorted(missing)[0])
    if pattern.startswith("/") or ".." in pattern.split("/"):
        return expected(say("config.pattern.relative"), pattern)
    if not feed and not pattern.endswith("/"):
        return expected(say("config.pattern.slash"), pattern)
    return ""
