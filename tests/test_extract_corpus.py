"""Real pages from the shared corpus reach a good word-4-gram shingle score against the
human-checked expected text (the benchmark's metric, computed here, not hard-coded)."""

from __future__ import annotations

import pytest
from bench.extract_bench import URL, html_text, precision_recall

from tests.conftest import CORPUS
from tui_reader.extract import extract_html

PAGES = CORPUS / "readability-pages"
# News and blog pages of different makes (CMSs, languages, layouts).
REAL_PAGES = ["nytimes-1", "bbc-1", "guardian-1", "lemonde-1", "ars-1", "wapo-1", "medium-1"]


@pytest.mark.skipif(not PAGES.is_dir(), reason="shared corpus not present")
@pytest.mark.parametrize("name", REAL_PAGES)
def test_real_page_scores_well(name: str) -> None:
    page = PAGES / name
    expected = html_text((page / "expected.html").read_text(encoding="utf-8"))
    doc = extract_html((page / "source.html").read_bytes(), URL)
    precision, recall = precision_recall(expected, doc.text)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    assert f1 >= 0.95, f"{name}: precision {precision:.3f} recall {recall:.3f}"
    assert doc.title
