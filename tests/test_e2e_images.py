"""The installed ``tui-reader`` in tmux (a real terminal) against a real HTTP server: a page of
fifty pictures is opened without fetching any of them; ``I`` fetches and draws the one in view
(tmux passes no Kitty graphics; built without Sixel it gets coloured blocks)."""

from __future__ import annotations

import email.utils
import io
import subprocess
import time
from pathlib import Path

import pytest
from PIL import Image

from tests import httpserver
from tests.tmux import COMMAND, Tmux, environment

pytestmark = pytest.mark.e2e


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 200), (30, 120, 220)).save(out, "PNG")
    return out.getvalue()


def serve_gallery(server: httpserver.TestServer, figures: str, count: int) -> str:
    """A feed (its URL returned) whose one item links to a page of ``figures`` (HTML), with
    ``count`` pictures /img/N.png served beside it."""
    for n in range(count):
        server.route(f"/img/{n}.png", httpserver.Response(png(), content_type="image/png"))
    page = (
        "<!doctype html><html><head><title>The harbour gallery</title></head><body><article>"
        f"<h1>The harbour gallery</h1>{figures}</article></body></html>"
    )
    page_url = server.route("/gallery.html", page, content_type="text/html; charset=utf-8")
    now = email.utils.formatdate(time.time(), usegmt=True)
    return server.route(
        "/feed.xml",
        f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour</title>
<item><title>The harbour gallery</title><link>{page_url}</link><guid>g1</guid>
<pubDate>{now}</pubDate></item></channel></rss>""",
    )


def test_a_page_of_pictures_fetches_one_when_asked(
    tmp_path: Path, server: httpserver.TestServer, tmux: Tmux
) -> None:
    figures = "".join(
        f"<p>Paragraph {n} of the gallery, with a few words to read before the picture.</p>"
        f'<figure><img src="/img/{n}.png" alt="Harbour picture {n}" width="320" height="200">'
        f"<figcaption>Harbour picture {n}</figcaption></figure>"
        for n in range(50)
    )
    feed_url = serve_gallery(server, figures, 50)
    env = environment(tmp_path)
    added = subprocess.run(
        [str(COMMAND), "add", feed_url], env=env, capture_output=True, text=True, timeout=60
    )
    assert added.returncode == 0, added.stderr

    tmux.start(env)
    tmux.wait_for("The harbour gallery")
    tmux.keys("g", "Enter")
    tmux.wait_for("[image: Harbour picture 0")
    assert not [r for r in server.requests if r.path.startswith("/img/")]  # none fetched

    tmux.keys("I")
    shown = tmux.wait_for_any("coloured blocks", "Sixel", "Kitty graphics", "cannot")
    assert "Image 1 of 50" in shown and "320×200 PNG" in shown
    if "coloured blocks" in shown:
        tmux.wait_for("▀")  # the picture itself, in half cells (drawn once mounted)
    assert [r.path for r in server.requests if r.path.startswith("/img/")] == ["/img/0.png"]
    tmux.keys("Escape")  # alone: escape then q at once reads as alt+q
    deadline = time.monotonic() + 20
    while "Image 1 of 50" in tmux.screen() and time.monotonic() < deadline:
        time.sleep(0.1)
    tmux.keys("q")
    assert tmux.wait_gone(), "q did not quit"


def test_pictures_in_the_pane_in_blocks_fetched_as_they_come_near(
    tmp_path: Path, server: httpserver.TestServer, tmux: Tmux
) -> None:
    """``reader.inline_images = "blocks"`` (tmux passes no Kitty graphics, but truecolour half
    cells): the pictures near the view are drawn in the pane above their caption line, and
    only those are fetched; the ones further down come when scrolled to."""
    figures = "".join(
        f'<figure><img src="/img/{n}.png" alt="Harbour picture {n}">'
        f"<figcaption>Harbour picture {n}</figcaption></figure>"
        + "".join(
            f"<p>Paragraph {n}.{k} of the gallery, a few words to read.</p>" for k in range(40)
        )
        for n in range(6)
    )
    feed_url = serve_gallery(server, figures, 6)
    env = environment(tmp_path)
    config = Path(env["XDG_CONFIG_HOME"]) / "tui-reader" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('[reader]\ninline_images = "blocks"\n')
    added = subprocess.run(
        [str(COMMAND), "add", feed_url], env=env, capture_output=True, text=True, timeout=60
    )
    assert added.returncode == 0, added.stderr

    def fetched() -> list[str]:
        return sorted(r.path for r in server.requests if r.path.startswith("/img/"))

    tmux.start(env)
    tmux.wait_for("The harbour gallery")
    tmux.keys("g", "Enter")
    tmux.wait_for("[image: Harbour picture 0")
    deadline = time.monotonic() + 20
    while "▀" not in tmux.screen() and time.monotonic() < deadline:
        time.sleep(0.1)
    screen = tmux.screen()
    lines = screen.splitlines()
    picture = [i for i, line in enumerate(lines) if "▀" in line]
    caption = next(i for i, line in enumerate(lines) if "[image: Harbour picture 0" in line)
    assert picture and picture[-1] == caption - 1, screen  # the picture, its caption under it
    assert fetched() == ["/img/0.png"]  # picture 1 is more than a screen down
    tmux.keys("space", "space")  # two screens down: picture 1 comes near, not the last
    deadline = time.monotonic() + 20
    while "/img/1.png" not in fetched() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "/img/1.png" in fetched() and "/img/5.png" not in fetched(), fetched()
    tmux.keys("q")
    assert tmux.wait_gone(), "q did not quit"
