"""The web form for articles (/admin/): Decap CMS's page and config.yml, made from site_config.yaml.

The form offers exactly the config's clusters, kinds, provinces and indicators as pick-lists, so
what it writes passes the check and draws the same page as the same article written by hand.
The published site edits through a git host's backend (docs/form.md, "On the published site"); the live preview
starts the local one beside it (preview/backend.py).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from ..common.messages import MESSAGES, say
from ..site.config import Publish, SiteConfig

FOLDER = "admin/"  # where the form is published
SCRIPTS = "static/decap/"  # Decap's script, with the site's other scripts
CONTENT = "content"  # the articles' folder, relative to the repository's root (what a git host sees)
LOCAL_BACKEND = "ARCHIVE_LOCAL_BACKEND"  # what the live preview tells the page it serves (preview/access.py)
_DIST = Path(__file__).resolve().parents[2] / "node_modules" / "decap-cms" / "dist"
PACKAGE = _DIST.parent / "package.json"  # its version, for the build's fingerprint
_SLUG_PATTERN = "^[a-z0-9]+(-[a-z0-9]+)*$"


def copies() -> dict[str, Path]:
    """Decap CMS's script and the chunks it loads when a widget needs them (not the source maps:
    decap-cms.js is 5,2 MB, its maps 25 MB more)."""
    if not (_DIST / "decap-cms.js").is_file():
        return {}
    return {SCRIPTS + path.name: path for path in sorted(_DIST.glob("*decap-cms.js"))}


def files(config: SiteConfig) -> dict[str, bytes]:
    """The form's page and its config.yml."""
    phrases = json.dumps(_PHRASES, ensure_ascii=False).replace("</", "<\\/")
    page = _PAGE.replace("LOCAL_BACKEND", LOCAL_BACKEND).replace("PHRASES", phrases)
    return {FOLDER + "index.html": page.encode("utf-8"),
            FOLDER + "config.yml": yaml.safe_dump(form_config(config), allow_unicode=True, sort_keys=False,
                                                  width=1000).encode("utf-8")}


def form_config(config: SiteConfig) -> dict[str, Any]:
    """Decap CMS's configuration: one collection, the articles, with every field of the content model."""
    return {
        # The published site's backend, from the config's publish: section (docs/form.md). The
        # preview's local backend replaces it (index.html).
        "backend": backend(config.publish),
        "locale": "vi",
        "site_url": config.base_url,
        "media_folder": f"{CONTENT}/images",
        "public_folder": "",
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "collections": [{
            "name": "articles",
            "label": say("form.collection"),
            "label_singular": say("form.collection_singular"),
            "description": say("form.collection_hint"),
            "folder": CONTENT,
            "create": True,
            "extension": "md",
            "format": "yaml-frontmatter",
            # content/<year>/<yyyy-mm-dd>-<slug>.md, after the conference's date ({{year}} is the year
            # of the field named date; Decap's path templates take no "fields." and no filters);
            # photos beside the article
            "path": "{{year}}/{{date}}-{{slug}}",
            "slug": "{{slug}}",
            "media_folder": "",
            "public_folder": "",
            "summary": "{{fields.date | date('DD/MM/YYYY')}} · {{title}}",
            "sortable_fields": ["date", "title"],
            "editor": {"preview": False},  # the page itself is seen in the preview, drawn by the build
            "fields": _fields(config),
        }],
    }


def backend(publish: Publish | None) -> dict[str, str]:
    """Decap's backend for the git host the site is published from, in the shape its documentation
    gives for each (decapcms.org/docs: github-backend, gitlab-backend, backends-overview); without a
    publish: section, git-gateway (Netlify Identity) on main."""
    if publish is None:
        return {"name": "git-gateway", "branch": "main"}
    found = {"name": publish.host, "repo": publish.repository, "branch": publish.branch}
    if publish.host == "gitlab":  # logins from the browser, with the OAuth application's id
        found |= {"auth_type": "pkce", "app_id": publish.app_id}
    elif publish.auth_url:  # GitHub's logins go through an OAuth proxy (Netlify's by default)
        found["base_url"] = publish.auth_url
    return found


def _fields(config: SiteConfig) -> list[dict[str, Any]]:
    return [
        _field("title", "string"),
        _field("date", "datetime", format="YYYY-MM-DD", date_format="DD/MM/YYYY", time_format=False,
               default=""),
        _field("cluster", "select", options=[{"label": name, "value": key} for key, name in config.clusters.items()]),
        _field("kind", "select", options=[{"label": label, "value": key} for key, label in config.kinds.items()]),
        _field("provinces", "select", required=False, multiple=True, options=_provinces(config)),
        _field("location", "string", required=False),
        _field("period", "number", required=False, value_type="int", min=1945, max=2100),
        _field("summary", "text", required=False),
        _field("source", "object", required=False, fields=[
            _field("source.name", "string", required=False, name="name"),
            _field("source.url", "string", required=False, name="url",
                   pattern=["^(https?://\\S+)?$", say("form.source.url_pattern")]),
        ]),
        _field("author", "string", required=False),
        _field("published", "datetime", required=False, format="YYYY-MM-DDTHH:mm:ssZ",
               date_format="DD/MM/YYYY", time_format="HH:mm"),
        _field("tags", "list", required=False),
        _field("draft", "boolean", required=False, default=False),
        _field("slug", "string", required=False, pattern=[_SLUG_PATTERN, say("form.slug_pattern")]),
        _field("images", "list", required=False, fields=[
            _field("images.src", "image", required=False, name="src", choose_url=False),
            _field("images.caption", "string", required=False, name="caption"),
        ]),
        _field("results", "object", required=False, fields=[
            _field("results.figures", "object", required=False, name="figures", fields=_figures(config)),
            _field("results.by_province", "list", required=False, name="by_province", summary="{{fields.province}}",
                   fields=[_field("results.by_province.province", "select", name="province",
                                  options=_provinces(config)), *_figures(config)]),
            _field("results.awards", "list", required=False, name="awards", summary="{{fields.award}}", fields=[
                _field("results.awards.award", "string", name="award"),
                _field("results.awards.recipient", "string", required=False, name="recipient"),
            ]),
            _field("results.leaders", "object", required=False, name="leaders", fields=[
                _field("results.leaders.chair", "select", required=False, name="chair", multiple=True,
                       options=_provinces(config)),
                _field("results.leaders.deputy", "select", required=False, name="deputy", multiple=True,
                       options=_provinces(config)),
            ]),
        ]),
        _field("body", "markdown", required=False),
    ]


def _field(key: str, widget: str, required: bool = True, name: str = "", **settings: Any) -> dict[str, Any]:
    """A field of the form: its label and hint from the message catalogue (form.<key>, form.<key>_hint)."""
    found: dict[str, Any] = {"label": say(f"form.{key}"), "name": name or key, "widget": widget}
    if f"form.{key}_hint" in MESSAGES:
        found["hint"] = say(f"form.{key}_hint")
    if not required:
        found["required"] = False
    return found | settings


def _figures(config: SiteConfig) -> list[dict[str, Any]]:
    """One whole-number field per indicator, in the config's order."""
    return [{"label": say("form.indicator", label=indicator.label, unit=indicator.unit), "name": key,
             "widget": "number", "value_type": "int", "min": 0, "required": False}
            for key, indicator in config.indicators.items()]


def _provinces(config: SiteConfig) -> list[str]:
    return list(dict.fromkeys(config.provinces))


# The form's page: Decap CMS from the site's own files (it reads config.yml beside the page); in
# the live preview the local editing backend instead of the git host's: the preview serves the
# page with the backend's address, this session's key in it, as window.ARCHIVE_LOCAL_BACKEND
# (preview/access.py; never written into output/). The page leaves out its optional end tags: the
# preview's livereload puts its script before a "</head>", and a reload after each save would
# throw away what an editor is typing.
_PAGE = """\
<!doctype html>
<html lang="vi">
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Biên tập bài viết</title>
<body>
<script>window.CMS_MANUAL_INIT = true;</script>
<script src="../static/decap/decap-cms.js"></script>
<script>
(function () {
  // Decap's Vietnamese lacks a few words (its English shows instead): added to it here.
  function merge(into, from) {
    for (var key in from) {
      into[key] = typeof from[key] === "object" ? merge(Object.assign({}, into[key]), from[key]) : from[key];
    }
    return into;
  }
  CMS.registerLocale("vi", merge(Object.assign({}, CMS.getLocale("vi")), PHRASES));
  var local = window.LOCAL_BACKEND;
  CMS.init(local ? {config: {local_backend: {url: local.url, allowed_hosts: [location.hostname]}}} : {});
})();
</script>
</html>
"""


# Decap's own words that its Vietnamese lacks, in the shape of its locale files.
_PHRASES = {"editor": {"editorWidgets": {
    "list": {"add": say("form.ui.add"), "addType": say("form.ui.add")},
    "object": {"expand": say("form.ui.expand"), "collapse": say("form.ui.collapse")},
}}}
