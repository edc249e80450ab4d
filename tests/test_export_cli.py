"""``tui-reader export``, ``digest`` and ``import-notes`` as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_export import NOW, article, full_article, put
from tui_reader.cli.common import CommandError
from tui_reader.cli.export import parse_date
from tui_reader.paths import Paths
from tui_reader.store import Store


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "tui_reader", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=60,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


@pytest.mark.parametrize("command", ["export", "digest", "import-notes"])
def test_help(command: str) -> None:
    proc = run(command, "--help")
    assert proc.returncode == 0 and "usage: tui-reader " + command in proc.stdout


def test_export_all_markdown_then_again(store: Store, tmp_path: Path) -> None:
    a = full_article(store)
    b = article(store, "Another", "another")
    put(store, b, "hl-0000000b", "The council met", created=NOW)
    out = tmp_path / "out"
    proc = run("export", "--all", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    files = sorted(Path(p) for p in proc.stdout.split("\n") if p)
    assert sorted(out.iterdir()) == files and len(files) == 2
    assert "2 written" in proc.stderr
    again = run("export", "--out", str(out))
    assert "0 written, 2 already up to date" in again.stderr
    one = run("export", "--article", a.uid, "-o", str(tmp_path / "one.md"))
    assert one.returncode == 0 and (tmp_path / "one.md").read_text().count("^hl-4b1c2f0e") == 1
    by_id = run("export", "--article", str(b.id), "--out", str(out))
    assert by_id.stdout.strip() in {str(f) for f in files}


def test_export_uses_the_configured_folder(store: Store, paths: object, tmp_path: Path) -> None:
    full_article(store)
    folder = tmp_path / "vault"
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "tui-reader" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f'[export]\nfolder = "{folder}"\n')
    proc = run("export")
    assert proc.returncode == 0 and Path(proc.stdout.strip()).parent == folder


def test_json_export_and_import_elsewhere(store: Store, tmp_path: Path) -> None:
    a = full_article(store)
    target = tmp_path / "notes.json"
    proc = run("export", "--format", "json", "-o", str(target))
    assert proc.returncode == 0 and "7 annotations written" in proc.stderr
    assert json.loads(target.read_text())["total"] == 7
    elsewhere = {"TUI_READER_HOME": str(tmp_path / "laptop")}
    first = run("import-notes", str(target), env=elsewhere)
    assert first.returncode == 0
    assert "6 highlights added" in first.stderr and "1 article(s) created" in first.stderr
    second = run("import-notes", str(target), env=elsewhere)
    assert "0 highlights added, 6 already present" in second.stderr
    with Store.open(tmp_path / "laptop" / "data" / "reader.sqlite3") as s:
        copy = s.article_by_uid(a.uid)
        assert copy is not None and len(s.list_highlights(copy.id)) == 6


def test_an_export_to_a_dash_goes_to_standard_output(store: Store, tmp_path: Path) -> None:
    """`tui-reader export --format json -o - | ssh laptop tui-reader import-notes -`: "-" was a
    file named "-" in the current folder."""
    a = full_article(store)
    proc = subprocess.run(
        [sys.executable, "-m", "tui_reader", "export", "--format", "json", "-o", "-"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["total"] == 7 and not (tmp_path / "-").exists()
    one = subprocess.run(
        [sys.executable, "-m", "tui_reader", "export", "--article", str(a.id), "-o", "-"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert one.returncode == 0, one.stderr
    assert one.stdout.startswith(f'---\narticle_id: "{a.uid}"\n')
    assert not (tmp_path / "-").exists()


def test_digest_command(store: Store, tmp_path: Path) -> None:
    full_article(store)
    proc = run("digest", "--since", "2000-01-01", "--out", str(tmp_path / "d"))
    assert proc.returncode == 0, proc.stderr
    text = Path(proc.stdout.strip()).read_text()
    assert "6 highlights from 1 article" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export", "--since", "last tuesday"], "cannot read 'last tuesday' as a date"),
        (["export", "--feed", "No such feed"], "no feed called 'No such feed'"),
        (["export", "--article", "nope"], "no article 'nope'"),
        (["export", "-o", "x.md"], "-o FILE writes one article's Markdown"),
        (["import-notes", "/nonexistent/file.json"], "cannot read /nonexistent/file.json"),
        (["digest", "--since", "2000-01-01", "-o", "{blocker}/x.md"], "cannot create"),
    ],
)
def test_errors_are_one_clear_line(
    store: Store, tmp_path: Path, args: list[str], message: str
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    args = [a.replace("{blocker}", str(blocker)) for a in args]
    a = full_article(store)
    b = article(store, "Another", "another")
    put(store, b, "hl-0000000b", "The council met", created=NOW)
    assert a.id != b.id
    proc = run(*args)
    # (2 for what names nothing, as argparse's usage errors; 1 for a failure)
    assert proc.returncode == (2 if message.startswith("no feed called") else 1)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tui-reader: ") and message in lines[0]


def test_export_with_nothing_to_export(store: Store, tmp_path: Path) -> None:
    proc = run("export", "--out", str(tmp_path / "out"))
    assert proc.returncode == 0 and "nothing to export" in proc.stderr
    assert not (tmp_path / "out").exists()


def test_parse_date() -> None:
    now = 1783065600.0  # a Friday, 08:00 UTC
    assert parse_date("2026-07-01T00:00:00Z") == 1782864000.0
    assert parse_date("7d", now=now) < now - 6 * 86400
    assert parse_date("today", now=now) <= now
    with pytest.raises(CommandError):
        parse_date("soon")


def test_import_notes_reads_standard_input_given_as_a_dash(paths: Paths) -> None:
    """`curl ... | tui-reader import-notes -`: "-" was a file named "-" (not found)."""
    rows = [
        {
            "type": "Annotation",
            "id": "urn:x:stdin",
            "target": {
                "source": "https://news.example/a",
                "selector": {"type": "TextQuoteSelector", "exact": "a quote"},
            },
        }
    ]
    proc = subprocess.run(
        [sys.executable, "-m", "tui_reader", "import-notes", "--no-fetch", "-"],
        input=json.dumps(rows),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert "1 highlight added" in proc.stderr


def test_a_json_export_larger_than_an_import_reads_says_so(
    store: Store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """200,001 annotations were written without a word, and import-notes then refused the
    whole file (at most 200,000): the export says so, and how to carry them all. (The cap
    is lowered here; the file is the same at any size.)"""
    import tui_reader.export.anninput as anninput
    from tui_reader.cli import main

    full_article(store)
    out = tmp_path / "all.json"
    assert main(["export", "--all", "--format", "json", "-o", str(out)]) == 0
    assert "warning" not in capsys.readouterr().err
    monkeypatch.setattr(anninput, "MAX_ANNOTATIONS", 2)
    assert main(["export", "--all", "--format", "json", "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "warning: import-notes reads at most 2 annotations a file" in err
    assert "tui-reader backup" in err


@pytest.mark.parametrize(
    "args",
    [
        ("export", "--format", "json", "-o"),
        ("export", "--article", "ARTICLE", "-o"),
        ("digest", "--since", "2000-01-01", "-o"),
    ],
)
def test_an_export_into_a_fifo_or_dev_stdout_is_written_not_read_first(
    store: Store, tmp_path: Path, args: tuple[str, ...]
) -> None:
    """Each checked whether the target was an earlier export of its own by reading it: a
    FIFO (or /dev/stdout on a pipe, that pipe's read end) waits for a writer, for ever."""
    import threading

    a = full_article(store)
    argv = [str(a.id) if x == "ARTICLE" else x for x in args]
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    proc = run(*argv, str(fifo))
    reader.join(timeout=30)
    assert proc.returncode == 0, proc.stderr
    assert got and len(got[0]) > 100
    piped = subprocess.run(
        ["sh", "-c", f"{sys.executable} -m tui_reader {' '.join(argv)} /dev/stdout | cat"],
        capture_output=True,
        timeout=60,
    )
    assert piped.returncode == 0 and len(piped.stdout) > 100, piped.stderr


@pytest.mark.parametrize("fmt", ["json", "markdown"])
def test_an_export_to_standard_output_on_a_full_disk_is_one_line(
    store: Store, tmp_path: Path, fmt: str
) -> None:
    a = full_article(store)
    which = ["--format", "json"] if fmt == "json" else ["--article", str(a.id)]
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "tui_reader", "export", *which, "-o", "-"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    assert proc.returncode == 1
    assert proc.stderr == "tui-reader: cannot write output: No space left on device\n"


def test_an_empty_json_export_is_json_that_imports(paths: Paths, tmp_path: Path) -> None:
    """`export --format json -o backup.json` with nothing to export wrote nothing (or 0 bytes
    to standard output), exit 0; import-notes then refused it."""
    paths.ensure()
    proc = run("export", "--format", "json", "-o", "-")
    assert proc.returncode == 0 and "nothing to export" in proc.stderr
    assert json.loads(proc.stdout)["total"] == 0
    saved = tmp_path / "backup.json"
    saved.write_text(proc.stdout, encoding="utf-8")
    assert run("import-notes", str(saved)).returncode == 0


@pytest.mark.parametrize(
    ("since", "until"), [("7d", "2020-01-01"), ("2026-01-02", "2026-01-02"), ("2199-12-31", None)]
)
def test_a_digest_of_dates_that_hold_no_day_is_refused(
    paths: Paths, tmp_path: Path, since: str, until: str | None
) -> None:
    paths.ensure()
    args = ["digest", "--since", since, "--out", str(tmp_path / "out")]
    proc = run(*args, *(["--until", until] if until else []))
    assert proc.returncode == 2 and proc.stderr.startswith("tui-reader: --"), proc.stderr
    assert not (tmp_path / "out").exists()


def test_a_dash_is_standard_input_or_output_in_every_command(store: Store, tmp_path: Path) -> None:
    """export and import-notes took "-" so; export-opml and digest wrote a file named "-",
    import and extract looked for one."""

    def cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "tui_reader", *args],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
            cwd=tmp_path,
        )

    full_article(store)
    opml = cli("export-opml", "-")
    assert opml.returncode == 0 and opml.stdout.startswith("<?xml")
    digest = cli("digest", "--since", "2000-01-01", "-o", "-")
    assert digest.returncode == 0 and digest.stdout.startswith("---\n"), digest.stderr
    subscribed = cli(
        "import",
        "-",
        stdin='<opml><body><outline text="S" xmlUrl="https://s.example/feed"/></body></opml>',
    )
    assert subscribed.returncode == 0 and "1 new feed" in subscribed.stdout, subscribed.stderr
    page = "<html><body><article><h1>T</h1><p>" + "Words of the page. " * 30 + "</p>"
    extracted = cli("extract", "--format", "text", "-", stdin=page + "</article></body></html>")
    assert extracted.returncode == 0 and "Words of the page." in extracted.stdout
    assert not (tmp_path / "-").exists()
