"""bench/extract_eval.py scores what the reader really prints: its tui-reader text is the
``text`` of ``tui-reader extract --format json`` for the same page, byte for byte."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bench.extract_eval import read_page, run_ours

from tests.conftest import CORPUS
from tui_reader.cli import main

PAGES = [
    CORPUS / "modern-pages" / "html" / "0001.html.gz",
    CORPUS / "modern-pages" / "html" / "0036.html.gz",
    CORPUS / "readability-pages" / "ehow-1" / "source.html",
    CORPUS / "readability-pages" / "lemonde-1" / "source.html",
]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")
@pytest.mark.parametrize("source", PAGES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_bench_text_is_the_cli_json_text(
    source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = read_page(source)
    page = tmp_path / "page.html"
    page.write_bytes(data)
    assert main(["extract", "--format", "json", str(page)]) == 0
    printed = json.loads(capsys.readouterr().out)["text"]
    assert len(printed) > 500
    assert run_ours(data) == printed
