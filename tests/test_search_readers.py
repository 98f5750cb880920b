"""Search as readers type: typos, joined and abbreviated names, old names after the merger, people,
province + kind + year, quoted phrases (tests/reader_queries.py), on a real-shaped corpus, in Chromium."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

import reader_queries

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def reader_site(tmp_path_factory):
    """reader_queries' corpus (1,500 real-shaped articles, two groups of the index), built once."""
    root = tmp_path_factory.mktemp("reader-site")
    corpus = reader_queries.write(root)
    result = subprocess.run([sys.executable, str(ROOT / "build.py")], cwd=root, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return root / "output", corpus


def search(page, output: Path, query: str) -> list[str]:
    """The slugs of the results a shared link to the query shows, once all are shown."""
    page.goto((output / "tim-kiem" / "index.html").as_uri() + "?q=" + quote(query))
    page.wait_for_function("""() => {
        const text = document.getElementById('search-status').textContent;
        return text && !text.includes('Đang tìm') &&
            document.getElementById('search-results').getAttribute('aria-busy') !== 'true';
    }""")
    return [href.split("/")[-2] for href in page.eval_on_selector_all(
        "#search-results h2 a", "links => links.map(a => a.getAttribute('href'))")]


@pytest.mark.parametrize("query, kind, rule", reader_queries.QUERIES,
                         ids=[query for query, _, _ in reader_queries.QUERIES])
def test_the_top_three_results_are_right_answers(page, reader_site, query, kind, rule):
    output, corpus = reader_site
    right = reader_queries.answers(corpus, rule)
    assert right, f"no article answers {query!r}: the query list no longer fits the corpus"
    top = search(page, output, query)[:min(3, len(right))]
    wrong = [(slug, next(a.title for a in corpus if a.slug == slug)) for slug in top if slug not in right]
    assert len(top) == min(3, len(right)) and wrong == []
