"""Every word an editor reads, in Vietnamese, in one place: errors, warnings, suggestions,
the import report, the comments written into drafts and the command line's help.

Each message is a template keyed by a short English name; `say(key, **values)` fills it.
Keeping them together keeps the wording consistent and reviewable; tests pin them.
"""
from __future__ import annotations

MESSAGES: dict[str, str] = {
    # --- problems: how one problem prints -------------------------------------------------
    "problem.warning": "cảnh báo",
    "problem.suggestion": "gợi ý: {suggestion}",
    # --- validation of articles and config ------------------------------------------------
    # --- preview (live reload) ------------------------------------------------------------
    # --- import of news pages -------------------------------------------------------------
    # --- readers' pages built from data (merger, approximate figures) ---------------------
    # --- command line ---------------------------------------------------------------------
}


def say(key: str, **values: object) -> str:
    """The message `key`, filled with `values`."""
    return MESSAGES[key].format(**values)
