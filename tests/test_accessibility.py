"""Accessible pages: axe-core in Debian's Chromium on every page type, keyboard-only use, visible focus.

axe-core comes from npm (package.json). Every page type is checked against
WCAG 2.0/2.1 A and AA and axe's best practices, and any violation fails,
minor ones included: each is something a reader with a screen reader, a
keyboard or weak eyesight runs into. So that a page axe could not check
(blank, or the wrong rule tags) cannot pass, each page must also pass a
good number of rules.
"""
from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path
from urllib.parse import quote

import pytest

from hardening_site import PAGE_TYPES, build_full_site

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
pytestmark = pytest.mark.browser
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
SEARCH_QUERY = "?q=" + quote("hợp tác xã")
MIN_RULES_PASSED = 30  # each page type passes 40 to 49 today


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    """The full site served at the root of a loopback host, as it is published."""
    output = build_full_site(tmp_path_factory.mktemp("a11y") / "site")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(output)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def _open(page, site_url: str, name: str) -> None:
    relative = PAGE_TYPES[name]
    page.goto(site_url + relative + (SEARCH_QUERY if name == "search" else ""))
    if name == "search":
        page.wait_for_function("document.querySelectorAll('#search-results li').length > 0")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", list(PAGE_TYPES))
def test_axe_finds_no_violation_on_a_page_it_really_checked(page, site_url, name, scheme):
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing; run 'npm ci' (make test does)")
    page.emulate_media(color_scheme=scheme)  # the reader's system setting: the page follows it
    _open(page, site_url, name)
    background = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
    assert (background == "rgb(255, 255, 255)") == (scheme == "light"), background
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""tags => axe.run(document, {runOnly: {type: 'tag', values: tags},
                                                        resultTypes: ['violations']})
        .then(r => ({violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                     nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)})),
                     passes: r.passes.length}))""", TAGS)
    failing = result["violations"]
    assert failing == [], "\n".join(f"{v['impact']}: {v['id']}: {v['help']} at {v['nodes']}" for v in failing)
    assert result["passes"] >= MIN_RULES_PASSED, f"{name}: axe checked only {result['passes']} rules"


FOCUSABLE = """() => [...document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]')]
    .filter(e => e.tabIndex >= 0 && !e.disabled && e.getClientRects().length > 0
                 && getComputedStyle(e).visibility !== 'hidden').length"""

FOCUS_STATE = """() => {
    const e = document.activeElement, s = getComputedStyle(e), r = e.getBoundingClientRect();
    return {tag: e.tagName, text: (e.textContent || e.value || '').trim().slice(0, 40), id: e.id,
            outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
            shadow: s.boxShadow !== 'none',
            onscreen: r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0 && r.left < innerWidth};
}"""


@pytest.mark.parametrize("name", list(PAGE_TYPES))
def test_every_control_is_reachable_by_keyboard_with_visible_focus(page, site_url, name):
    _open(page, site_url, name)
    page.evaluate("document.activeElement && document.activeElement.blur()")
    expected = page.evaluate(FOCUSABLE)
    reached = []
    for _ in range(expected + 5):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STATE)
        if state["tag"] == "BODY" or (reached and state == reached[0]):
            break  # wrapped round to the start
        reached.append(state)
    assert reached, f"{name}: Tab reaches nothing"
    assert reached[0]["text"] == "Bỏ qua, đến nội dung chính", f"{name}: the skip link is not first: {reached[0]}"
    invisible = [s for s in reached if not (s["outline"] or s["shadow"]) or not s["onscreen"]]
    assert invisible == [], f"{name}: focus not visible on {invisible[:5]}"
    assert len(reached) >= expected, f"{name}: Tab reached {len(reached)} of {expected} controls"


@pytest.mark.parametrize("name", ["home", "article", "search"])
def test_skip_link_moves_focus_to_the_main_content(page, site_url, name):
    _open(page, site_url, name)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "noi-dung"
    page.keyboard.press("Tab")  # the next stop is inside the content, past the header
    assert page.evaluate("document.getElementById('noi-dung').contains(document.activeElement)")
