"""Terminal escapes in the app's real byte stream: the installed ``tui-reader`` runs in a
pseudo-terminal, is driven through its screens with keys, and every byte it writes is read.

Two ways in: a store holding raw ESC sequences and C1 controls in every text column (put there
directly, past the cleaning that refresh and extraction do, to prove the UI layer is safe on
its own), and a real refresh plus an article page from the test server. Textual's own output
is CSI sequences, OSC 22 (pointer shape) and OSC 52 (copy); anything else — OSC 0/7/8/1337,
DCS, APC, PM, C1 code points, stray C0 controls — or a payload's marker right after its own
escape introducer means hostile text reached the terminal.
"""

from __future__ import annotations

import base64
import binascii
import fcntl
import json
import os
import re
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.conftest import settle
from tests.hostile.conftest import forbidden_in, item, rss_doc
from tests.hostile.ui_support import wait_for_screen
from tests.httpserver import Response
from tests.tmux import environment
from tui_reader.config import Config
from tui_reader.document import Block, Document, Span
from tui_reader.extract import EXTRACTOR_VERSION
from tui_reader.feeds.welcome import WELCOME_SETTING
from tui_reader.models import EntryData
from tui_reader.paths import Paths
from tui_reader.reader import add_highlight
from tui_reader.store import Store
from tui_reader.ui.app import ReaderApp
from tui_reader.ui.screens.main import MainScreen
from tui_reader.ui.screens.note_editor import NoteEditor

if TYPE_CHECKING:  # (imported by name, pytest would try to collect it)
    from tests.httpserver import TestServer

pytestmark = pytest.mark.hostile(category="terminal")

COMMAND = Path(sys.executable).parent / "tui-reader"
ESC = "\x1b"
ST = ESC + "\\"
# name -> (payload, the escape introducer that must never reach the terminal before its marker)
PAYLOADS: dict[str, tuple[str, str]] = {
    "osc0": (f"{ESC}]0;PWNED-OSC0\x07", f"{ESC}]0;"),
    "osc2": (f"{ESC}]2;PWNED-OSC2{ST}", f"{ESC}]2;"),
    "osc7": (f"{ESC}]7;file://evil/PWNED-OSC7{ST}", f"{ESC}]7;file://evil/"),
    "osc8": (f"{ESC}]8;;https://evil.example/PWNED-OSC8{ST}x{ESC}]8;;{ST}", f"{ESC}]8;;"),
    "osc52": (f"{ESC}]52;c;UFdORUQ=PWNED-OSC52\x07", f"{ESC}]52;c;UFdORUQ="),
    "osc1337": (f"{ESC}]1337;File=inline=1:PWNED-1337\x07", f"{ESC}]1337;File=inline=1:"),
    "dcs": (f"{ESC}P+qPWNED-DCS{ST}", f"{ESC}P+q"),
    "apc": (f"{ESC}_Gf=100;PWNED-APC{ST}", f"{ESC}_Gf=100;"),
    "pm": (f"{ESC}^PWNED-PM{ST}", f"{ESC}^"),
    "csi": (f"{ESC}[2J{ESC}[38;2;255;0;0mPWNED-CSI{ESC}[0m", f"{ESC}[38;2;255;0;0m"),
    "c1-csi": ("\x9b2J\x9b1;31mPWNED-C1CSI", "\x9b1;31m"),
    "c1-osc": ("\x9d0;PWNED-C1OSC\x9c", "\x9d0;"),
    "c1-dcs": ("\x90qPWNED-C1DCS\x9c\x9fPWNED-C1APC\x9c", "\x90q"),
    "c0": ("\x07\x08\x0b\x0c\x0e\x7f\rPWNED-C0\x85", "\r"),
}
MARKERS = [re.search(r"PWNED-\w+", p).group(0) for p, _ in PAYLOADS.values()]  # type: ignore[union-attr]

# What Textual itself writes: CSI sequences, and OSC 22 (pointer shape) and 52 (clipboard).
CSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")
OSC = re.compile(r"\x1b\]([^\x07\x1b]*)(?:\x07|\x1b\\)")
POINTER = re.compile(r"22;[a-z-]+")
CLIPBOARD = re.compile(r"52;c;([A-Za-z0-9+/=]*)")


# -- the pseudo-terminal ---------------------------------------------------------------------


class Terminal:
    """The app in a pseudo-terminal of ``cols`` x ``rows``; everything it writes is kept."""

    def __init__(self, env: dict[str, str], cols: int = 120, rows: int = 40) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.proc = subprocess.Popen(
            [str(COMMAND)],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.data = bytearray()
        self.closed = False

    def _read(self, timeout: float) -> bool:
        """Read what is there within ``timeout`` s; False when nothing came."""
        if self.closed:
            return False
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return False
        try:
            chunk = os.read(self.master, 1 << 16)
        except OSError:  # the app closed the terminal
            chunk = b""
        if not chunk:
            self.closed = True
            return False
        self.data += chunk
        return True

    def visible(self, since: int = 0) -> str:
        """The text written (from byte ``since`` on), escape sequences dropped."""
        return OSC.sub("", CSI.sub("", self.data[since:].decode("utf-8", "replace")))

    def wait_for(self, text: str, timeout: float = 30.0, since: int = 0) -> None:
        """Read until ``text`` was drawn (after byte ``since``)."""
        deadline = time.monotonic() + timeout
        while text not in self.visible(since):
            if time.monotonic() > deadline or self.closed or self.proc.poll() is not None:
                raise AssertionError(f"{text!r} never showed:\n{self.visible()[-3000:]}")
            self._read(0.1)

    def settle(self, quiet: float = 0.1, limit: float = 5.0) -> None:
        """Read until the app has written nothing for ``quiet`` seconds."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline and self._read(quiet):
            pass

    def keys(self, *keys: str) -> None:
        for key in keys:
            os.write(self.master, key.encode())
            if key == ESC:
                # A lone ESC is only known to be one once Textual's escape delay has passed;
                # a key sent sooner would be read with it as alt+key.
                time.sleep(0.4)
            self.settle()

    def close(self) -> int | None:
        """Wait for the app to end (it was asked to quit); return its exit status."""
        deadline = time.monotonic() + 15
        while self.proc.poll() is None and time.monotonic() < deadline:
            self._read(0.1)
        self.settle(0.1, 1.0)
        status = self.proc.poll()
        if status is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        os.close(self.master)
        return status


@pytest.fixture
def app_env(tmp_path: Path) -> dict[str, str]:
    """The app's environment: the test's own XDG folders (the ones the autouse fixture set),
    and a lone escape taken as the escape key at once."""
    return environment(tmp_path) | {"ESCDELAY": "10"}  # (ms)


# -- what must never be written --------------------------------------------------------------


KITTY_QUERY = re.compile(r"\x1b_Gi=\d{1,10},s=1,v=1,a=q,t=d,f=24;AAAA\x1b\\")


def terminal_problems(data: bytes, *, kitty_images: bool = False) -> list[str]:
    """Everything in ``data`` (the app's output) that Textual would not write by itself
    (``kitty_images``: nor the app's own pictures in the pane, see :data:`KITTY_IMAGE`)."""
    problems: list[str] = []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.append(f"not UTF-8 (a raw 8-bit control?): {exc}")
        text = data.decode("utf-8", "replace")
    for match in OSC.finditer(text):
        body = match.group(1)
        clip = CLIPBOARD.fullmatch(body)
        if POINTER.fullmatch(body):
            continue
        if clip:
            try:
                copied = base64.b64decode(clip.group(1), validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                problems.append(f"OSC 52 with a bad payload: {body[:80]!r}")
                continue
            if forbidden_in(copied):
                problems.append(f"OSC 52 copies unclean text: {copied[:80]!r}")
            continue
        problems.append(f"OSC the app never writes: {match.group(0)[:80]!r}")
    rest = OSC.sub("", CSI.sub("", text))
    # The one APC the app writes itself: the Kitty graphics query textual-image sends at start
    # (an id, the fixed query, a 1x1 pixel), answered by a terminal that can draw pictures.
    rest = KITTY_QUERY.sub("", rest, count=1)
    if kitty_images:
        rest = KITTY_IMAGE.sub("", rest)
    for match in re.finditer(r"\x1b.{0,12}", rest, re.DOTALL):
        problems.append(f"escape sequence outside CSI/OSC (DCS, APC, PM...): {match.group(0)!r}")
    for match in re.finditer("[\x80-\x9f]", rest):
        problems.append(f"C1 control U+{ord(match.group(0)):04X} written")
    for match in re.finditer("[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f]", rest):
        problems.append(f"C0 control {match.group(0)!r} written")
    for name, (_payload, introducer) in PAYLOADS.items():
        marker = re.search(r"PWNED-\w+", _payload).group(0)  # type: ignore[union-attr]
        if introducer + marker in text:
            problems.append(f"{name}: the payload reached the terminal whole")
    return problems


def assert_terminal_clean(data: bytes, *, shown: int, kitty_images: bool = False) -> None:
    problems = terminal_problems(data, kitty_images=kitty_images)
    assert not problems, "\n".join(sorted(set(problems))[:30])
    text = data.decode("utf-8", "replace")
    seen = [m for m in MARKERS if m in text]
    assert len(seen) >= shown, f"only {seen} of the payloads' markers were drawn"


def test_the_byte_check_finds_each_payload_written_raw() -> None:
    """The check above, on output that lets each payload through (a test that can fail)."""
    for name, (payload, _) in PAYLOADS.items():
        found = terminal_problems(f"\x1b[1;1H\x1b[38;5;12mTitle {payload}\x1b[0m".encode())
        assert found, name
    assert not terminal_problems(
        "\x1b[?1049h\x1b]22;default\x07\x1b[1;1H\x1b[38;5;12mTitle \ufffd]0;PWNED-OSC0\ufffd\x1b[0m"
        "\x1b]52;c;aHR0cHM6Ly9lLngv\x07\x1b[?1049l".encode()
    )


# -- a store with raw controls in every text column -----------------------------------------

BASE_TIME = 1_700_000_000.0


def fill_raw(store: Store) -> None:
    """One feed (some in folders) and one article per payload, in every shown field; the
    newest article has a stored document with every payload in every kind of block, links,
    highlights with notes and tags, and an article note — none of it cleaned."""
    store.set_setting(WELCOME_SETTING, "1")
    items = list(PAYLOADS.items())
    for i, (_name, (payload, _)) in enumerate(items):
        folder = f"D{i} {payload}" if i % 4 == 0 else ""
        feed, _ = store.add_feed(
            f"https://f{i}.example/feed.xml", title=f"F{i} {payload}", folder=folder
        )
        store.record_fetch(feed.id, status="error", error=f"E{i} {payload}")
        store.upsert_entries(
            feed,
            [
                EntryData(
                    guid=f"g{i}",
                    url=f"http://127.0.0.1:9/{i}",  # refused at once
                    title=f"T{i} {payload}",
                    author=f"A{i} {payload}",
                    published=BASE_TIME - i * 3600,
                    summary=f"<p>S{i} {payload}</p>",
                    text=f"S{i} {payload}",
                )
            ],
        )
    first = max(store.list_articles(), key=lambda a: a.published or 0)
    every = " ".join(p for p, _ in PAYLOADS.values())
    blocks = [Block("paragraph", f"Opening words. {p} Closing.") for p, _ in PAYLOADS.values()]
    blocks += [
        Block("heading", f"Heading {every}", level=2),
        Block("list_item", f"Item {every}"),
        Block("quote", f"Quote {every}", level=1),
        Block("code", f"code {every}\n\tmore"),
        Block("figure", f"Caption {every}", src=f"https://e.x/i.png{every}"),
        Block("table", "h c", rows=((f"h {every}",), (f"c {every}",))),
    ]
    link = f"Link text {every}"
    blocks.append(Block("paragraph", link, spans=(Span(0, 4, "link", f"https://e.x/{every}"),)))
    doc = Document(
        title=f"Doc {every}", byline=f"By {every}", site_name=f"Site {every}", blocks=tuple(blocks)
    )
    store.save_document(
        first.id,
        doc_json=doc.to_json(),
        text=doc.text,
        version=EXTRACTOR_VERSION,
        source="page",
    )
    text = doc.text
    tag_payloads = [p for p, _ in PAYLOADS.values()]
    for n in (0, 3):
        # The whole paragraph, its payload included: a stored quote is painted only where the
        # text at its offsets is the quote (else it is placed again), so it must be that text.
        start = text.index(blocks[n].text)
        end = start + len(blocks[n].text)
        h = add_highlight(store, first.id, text, start, end, "key point")
        with store.transaction() as c:  # past the store's own cleaning
            c.execute(
                "UPDATE highlights SET quote = ?, note = ?, tags = ?, color = ? WHERE id = ?",
                (
                    text[start:end],
                    f"Note {every}",
                    json.dumps([f"tag{p}" for p in tag_payloads[n : n + 3]]),
                    f"colour {every}",
                    h.id,
                ),
            )
    with store.transaction() as c:
        c.execute(
            "INSERT INTO article_notes(article_id, body, updated) VALUES (?, ?, ?)",
            (first.id, f"Article note {every}", BASE_TIME),
        )


def close(term: Terminal) -> None:
    """Escape from a dialog, and wait for the main screen's footer to be drawn again."""
    since = len(term.data)
    term.keys("\x1b")
    term.wait_for("Read/unread", since=since)


def drive(term: Terminal) -> None:
    """Every screen that shows feed text: the lists, the article (moving the cursor), the
    sidebar, the note and tag editors, feed errors, the keys, links, all highlights, search,
    the palette, the next articles (their summaries); then quit."""
    term.wait_for("PWNED")
    term.keys("\x1b[Z", "j" * len(PAYLOADS) * 2)  # every feed and folder: the list's title
    since = len(term.data)
    term.keys("g", "\t", "\r")  # back to All; open the newest article
    term.wait_for("Closing", since=since)
    term.wait_for("2 highlights", since=since)  # loaded: a and t act on them
    dialogs = (
        ("a", "ctrl+s: save"),  # the cursor is on the first highlight: its note
        ("t", "In use"),  # its tags, and the tags in use
        ("E", "enter: show the feed"),
        ("?", "esc to close"),
        ("f", "number + enter"),
        ("H", "All highlights"),
    )
    for key, shown in dialogs:
        since = len(term.data)
        term.keys(key)
        term.wait_for(shown, since=since)
        close(term)
        if key == "t":
            term.keys("jjjGg")  # the cursor through the text
    term.keys("\t", "jj")  # the sidebar
    since = len(term.data)
    term.keys("/")
    term.wait_for("enter: results", since=since)
    term.keys("PWNED\r")
    term.wait_for("results for", since=since)
    close(term)
    since = len(term.data)
    term.keys("\x10")  # ctrl+p
    term.wait_for("Search for commands", since=since)
    term.keys("PWNED")
    close(term)
    term.keys("nn", "q")  # the next articles: their summaries; quit


def test_raw_controls_in_the_store_never_reach_the_terminal(
    store: Store, app_env: dict[str, str]
) -> None:
    assert COMMAND.exists(), f"the console script is not installed at {COMMAND}"
    fill_raw(store)
    term = Terminal(app_env)
    try:
        drive(term)
    finally:
        status = term.close()
    assert status == 0, f"exit status {status}:\n{term.visible()[-2000:]}"
    assert_terminal_clean(bytes(term.data), shown=len(MARKERS))


# -- the same through a real refresh and a real page -----------------------------------------


def _refs(text: str) -> str:
    """Every control character as a decimal XML character reference."""
    return "".join(f"&#{ord(c)};" if ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F else c for c in text)


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;")


def test_a_refresh_and_an_opened_page_never_reach_the_terminal(
    server: TestServer, store: Store, app_env: dict[str, str]
) -> None:
    store.set_setting(WELCOME_SETTING, "1")
    every = " ".join(p for p, _ in PAYLOADS.values())
    page = (
        f"<html><head><title>Page {every}</title></head><body><article>"
        f"<h1>Head {_refs(every)}</h1>"
        + "".join(
            f"<p>Paragraph {i} opens. {p} {_refs(p)} and a "
            f'<a href="https://example.org/{_refs(p)}">link {p}</a>. Closing words here.</p>'
            for i, (p, _) in enumerate(PAYLOADS.values())
        )
        + "</article></body></html>"
    )
    page_url = server.route("/page.html", Response(page.encode(), content_type="text/html"))
    items = "".join(
        item(
            f"g{i}",
            title=f"T{i} {_xml(p) if i % 2 else _refs(p)}",
            description=_xml(f"<p>S{i} {_refs(p)}</p>"),
            link=f"{page_url}?{i}",
            extra=f"<author>A{i} {_refs(p)}</author>",
        )
        for i, (p, _) in enumerate(PAYLOADS.values())
    )
    feed_url = server.route(
        "/feed.xml",
        Response(
            rss_doc(items, channel=f"<title>Feed {_refs(every)}</title>"),
            content_type="application/rss+xml",
        ),
    )
    store.add_feed(feed_url)
    term = Terminal(app_env)
    try:
        term.wait_for("Feeds")
        term.keys("r")  # refresh in the app
        term.wait_for("new articles")
        term.keys("\r")  # open the newest article (its page is fetched and extracted)
        term.wait_for("Closing words")
        since = len(term.data)
        term.keys("jjG", "f")
        term.wait_for("number + enter", since=since)
        close(term)
        term.keys("q")
    finally:
        status = term.close()
    assert status == 0, f"exit status {status}:\n{term.visible()[-2000:]}"
    assert_terminal_clean(bytes(term.data), shown=3)


async def test_an_unchanged_note_with_controls_closes_without_asking(
    paths: Paths, store: Store
) -> None:
    fill_raw(store)
    app = ReaderApp(paths, Config())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "a")  # the cursor is on the first highlight: its note
        await wait_for_screen(pilot, NoteEditor)
        editor = app.screen
        assert isinstance(editor, NoteEditor)
        assert "PWNED-CSI" in editor.editor.text  # (the OSC payloads go whole)
        assert not forbidden_in(editor.editor.text), repr(editor.editor.text[:200])
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen), app.screen


# -- pictures in the reading pane: the one more APC, only when asked for ---------------------

# What the app sends for a picture drawn with Kitty's Unicode placeholders
# (reader.inline_images): the PNG in base64 chunks, the virtual placement, the deletion.
KITTY_IMAGE = re.compile(
    r"\x1b_G(?:i=(\d{1,10}),m=[01],f=100,q=2;([A-Za-z0-9+/=]{1,4096})"
    r"|a=p,U=1,i=\d{1,10},p=1,c=\d{1,3},r=\d{1,3},q=2"
    r"|a=d,d=I,i=\d{1,10},q=2)\x1b\\"
)
PLACEHOLDER = "\U0010eeee"


def test_the_image_apcs_are_allowed_only_when_inline_images_are_on() -> None:
    image = "\x1b_Gi=7,m=0,f=100,q=2;iVBORw0KGgo=\x1b\\\x1b_Ga=p,U=1,i=7,p=1,c=4,r=2,q=2\x1b\\"
    assert terminal_problems(image.encode())  # by default, no image is ever sent
    assert not terminal_problems(image.encode(), kitty_images=True)
    # Not any APC in the Kitty protocol's clothes: a hostile one is still found.
    hostile = PAYLOADS["apc"][0] + "\x1b_Ga=T,f=100;AAAA\x1b\\"
    assert terminal_problems(hostile.encode(), kitty_images=True)


def test_a_picture_in_the_pane_is_sent_once_and_drawn_in_placeholders(
    server: TestServer, store: Store, paths: Paths, app_env: dict[str, str]
) -> None:
    """``reader.inline_images = "kitty"`` in a truecolour terminal (a pseudo-terminal that
    answers no query, as no Kitty is at hand): the image comes from the test server, goes to
    the terminal once as PNG, and the pane draws rows of U+10EEEE in the colour naming it —
    while a hostile alt text and the default setting's stream stay as clean as ever."""
    import io

    from PIL import Image

    from tests.conftest import save_doc

    picture = io.BytesIO()
    Image.new("RGB", (64, 48), (220, 20, 60)).save(picture, "PNG")
    url = server.route("/red.png", Response(picture.getvalue(), content_type="image/png"))
    store.set_setting(WELCOME_SETTING, "1")
    feed, _ = store.add_feed("https://f.example/feed.xml", title="Pictures")
    store.upsert_entries(
        feed,
        [EntryData(guid="p", url="http://127.0.0.1:9/p", title="Red square", published=BASE_TIME)],
    )
    (article,) = store.conn.execute("SELECT id FROM articles").fetchall()
    alt = f"A red square {PAYLOADS['apc'][0]}"
    doc = Document(
        title="Red square",
        blocks=(Block("paragraph", "Above the picture."), Block("figure", "", src=url, alt=alt)),
    )
    save_doc(store, article[0], doc)
    paths.config_file.parent.mkdir(parents=True, exist_ok=True)
    paths.config_file.write_text('[reader]\ninline_images = "kitty"\n')
    term = Terminal(app_env | {"COLORTERM": "truecolor"})
    try:
        term.wait_for("Red square")
        term.keys("\r")
        term.wait_for("Above the picture")
        term.wait_for(PLACEHOLDER)
        term.settle()
        term.keys("q")
    finally:
        status = term.close()
    assert status == 0, f"exit status {status}:\n{term.visible()[-2000:]}"
    data = bytes(term.data)
    assert_terminal_clean(data, shown=0, kitty_images=True)
    text = data.decode("utf-8")
    sent = [m for m in KITTY_IMAGE.finditer(text) if m.group(1)]
    (image_id,) = {int(m.group(1)) for m in sent}  # one image, sent once
    png = base64.b64decode("".join(m.group(2) for m in sent))
    with Image.open(io.BytesIO(png)) as got:
        assert got.convert("RGB").getpixel((0, 0)) == (220, 20, 60)
    # 64x48 pixels in cells of 10x20 (the pseudo-terminal tells no pixel size): 7 x 3 cells.
    assert f"\x1b_Ga=p,U=1,i={image_id},p=1,c=7,r=3,q=2\x1b\\" in text
    # The placeholders are drawn after the picture was sent, in the colour naming it.
    assert text.index(PLACEHOLDER) > sent[-1].end()
    low = image_id & 0xFFFFFF
    colour = f"38;2;{low >> 16 & 255};{low >> 8 & 255};{low & 255}"
    sgr = re.findall(r"\x1b\[([0-9;]*)m", text[: text.index(PLACEHOLDER)])[-1]
    assert re.search(rf"(?:^|;){colour}(?:;|$)", sgr), f"not in the id's colour: {sgr!r}"
    assert "A red square" in term.visible()
