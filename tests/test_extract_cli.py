"""``tui-reader extract``: files and URLs, three formats, failures reported while others go on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests import httpserver
from tests.httpserver import Response
from tui_reader.cli import main

SENTENCE = "The harbour reopened after the storm, and the ferries ran again on Sunday morning."


def page(title: str, marker: str) -> str:
    paragraphs = "".join(f"<p>{SENTENCE} {marker} paragraph {i}.</p>" for i in range(5))
    return f"""<html><head><meta charset="utf-8"><title>{title}</title>
<meta name="author" content="Ann Writer">
<meta property="article:published_time" content="2024-05-01T08:00:00Z"></head>
<body><nav><a href="/">Home</a></nav><article><h1>{title}</h1>
<p>See <a href="https://example.org/x?utm_source=a&amp;k=1">the <em>report</em></a>.</p>
{paragraphs}</article></body></html>"""


@pytest.fixture
def html_file(tmp_path: Path) -> Path:
    path = tmp_path / "story.html"
    path.write_text(page("Harbour reopens", "File"), encoding="utf-8")
    return path


def test_markdown_of_a_file(html_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", str(html_file)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Harbour reopens\n")
    assert "[the *report*](https://example.org/x?k=1)" in out
    assert "File paragraph 4." in out and "Home" not in out


def test_text_of_a_file(html_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", "--format", "text", str(html_file)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Harbour reopens\n\nSee the report.\n\n")
    assert "*" not in out and "](" not in out


def test_json_lines_for_a_url_and_a_file(
    html_file: Path, server: httpserver.TestServer, capsys: pytest.CaptureFixture[str]
) -> None:
    url = server.route("/story", page("Ferries run again", "Web"), content_type="text/html")
    assert main(["extract", "--format", "json", url, str(html_file)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    web, local = (json.loads(line) for line in lines)
    assert web["source"] == url and local["source"] == str(html_file)
    assert web["title"] == "Ferries run again"
    assert web["byline"] == "Ann Writer"
    assert web["published"] == "2024-05-01T08:00:00+00:00"
    assert web["text"].startswith("See the report.\n\n")
    assert "Ferries run again" not in web["text"]  # the title is not repeated in the body
    assert "Web paragraph 4." in web["text"]
    assert web["markdown"].startswith("# Ferries run again")
    assert "File paragraph 0." in local["text"]
    for key in ("site_name", "url"):
        assert key in web


def test_one_failing_source_among_good_ones(
    html_file: Path, server: httpserver.TestServer, capsys: pytest.CaptureFixture[str]
) -> None:
    good = server.route("/story", page("Ferries run again", "Web"), content_type="text/html")
    missing = server.route("/missing", Response("no", 404, content_type="text/plain"))
    status = main(
        ["extract", "--format", "json", missing, good, "/no/such/file.html", str(html_file)]
    )
    captured = capsys.readouterr()
    assert status == 1
    sources = [json.loads(line)["source"] for line in captured.out.splitlines()]
    assert sources == [good, str(html_file)]
    errors = captured.err.strip().splitlines()
    assert len(errors) == 2
    assert missing in errors[0] and "404" in errors[0]
    assert "/no/such/file.html" in errors[1] and "no such file" in errors[1]
    assert "Traceback" not in captured.err


def test_binary_file_fails_clearly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "photo.html"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    assert main(["extract", str(path)]) == 1
    err = capsys.readouterr().err
    assert str(path) in err and "PNG image" in err


def test_extract_command_does_not_load_the_ui(html_file: Path) -> None:
    code = (
        "import sys; from tui_reader.cli import main; status = main(['extract', sys.argv[1]]);"
        "assert 'textual' not in sys.modules, 'textual imported'; sys.exit(status)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(html_file)], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert "File paragraph 0." in proc.stdout
