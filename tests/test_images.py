"""An article's images through the Reader: fetched from a real HTTP server on 127.0.0.1 with the
usual limits, checked as pictures (format, pixel count from the header), cached on disk."""

from __future__ import annotations

import io
import os
import struct
import zlib
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from PIL import Image

from tests.httpserver import Response, TestServer
from tui_reader.config import Config, RefreshConfig
from tui_reader.errors import ReaderError
from tui_reader.images import MAX_SIDE, ImageCache, ImageError, decode
from tui_reader.paths import Paths
from tui_reader.reader import Reader


def png(width: int = 40, height: int = 30, color: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "PNG")
    return out.getvalue()


def png_header_claiming(width: int, height: int) -> bytes:
    """A tiny PNG file whose header claims a huge canvas (a decompression bomb's shape)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


@pytest.fixture
def reader(paths: Paths) -> Reader:
    paths.ensure()
    return Reader(paths, Config())


def test_image_fetched_then_served_from_the_cache(server: TestServer, reader: Reader) -> None:
    url = server.route("/a.png", Response(png(40, 30), content_type="image/png"))
    first = reader.load_image(url)
    assert (first.width, first.height, first.format, first.cached) == (40, 30, "PNG", False)
    assert first.picture.getpixel((5, 5))[:3] == (200, 30, 30)
    again = reader.load_image(url)
    assert again.cached and (again.width, again.height) == (40, 30)
    assert [r.path for r in server.requests] == ["/a.png"]  # the second came from disk
    assert server.requests[0].headers["accept"].startswith("image/")
    cached = list((reader.paths.cache_dir / "images").iterdir())
    assert len(cached) == 1 and cached[0].read_bytes() == png(40, 30)


def test_a_redirect_is_followed_to_the_image(server: TestServer, reader: Reader) -> None:
    target = server.route("/real.png", Response(png(8, 8), content_type="image/png"))
    url = server.route("/moved", Response(b"", 302, headers={"Location": target}))
    assert reader.load_image(url).width == 8


def test_html_sent_for_an_image_is_refused(server: TestServer, reader: Reader) -> None:
    url = server.route("/x.png", Response("<html>ads</html>", content_type="text/html"))
    with pytest.raises(ImageError, match="'text/html', not an image"):
        reader.load_image(url)
    assert not (reader.paths.cache_dir / "images").exists()  # nothing cached


def test_svg_is_not_shown(server: TestServer, reader: Reader) -> None:
    svg = '<svg xmlns="http://www.w3.org/2000/svg"><image href="http://x/"/></svg>'
    url = server.route("/x.svg", Response(svg, content_type="image/svg+xml"))
    with pytest.raises(ImageError, match="not an image"):
        reader.load_image(url)


def test_bytes_that_are_no_picture_are_refused(server: TestServer, reader: Reader) -> None:
    url = server.route("/x.png", Response(b"GIF89a" + b"\0" * 20, content_type="image/gif"))
    with pytest.raises(ImageError):
        reader.load_image(url)


def test_an_image_over_the_size_cap_is_refused(server: TestServer, paths: Paths) -> None:
    paths.ensure()
    reader = Reader(paths, Config(refresh=RefreshConfig(max_bytes=50_000)))
    big = png(600, 600, (1, 2, 3)) + b"\0" * 60_000
    url = server.route("/big.png", Response(big, content_type="image/png"))
    with pytest.raises(ImageError, match="larger than 50 kB"):
        reader.load_image(url)


def test_an_endless_image_stops_at_the_cap(server: TestServer, paths: Paths) -> None:
    paths.ensure()
    reader = Reader(paths, Config(refresh=RefreshConfig(max_bytes=100_000, timeout=5)))

    def endless(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "image/png")
        h.end_headers()
        while True:
            h.wfile.write(b"\0" * 8192)

    url = server.route("/endless.png", endless)
    with pytest.raises(ImageError, match="larger than"):
        reader.load_image(url)


def test_a_header_claiming_a_huge_canvas_is_refused_before_decoding(
    server: TestServer, reader: Reader
) -> None:
    # Over this reader's cap (40 million), then over Pillow's own (179 million) too.
    for side in (8_000, 50_000):
        bomb = png_header_claiming(side, side)
        assert len(bomb) < 200
        url = server.route(f"/bomb{side}.png", Response(bomb, content_type="image/png"))
        with pytest.raises(ReaderError, match="too large to show"):
            reader.load_image(url)


def test_only_web_urls_are_fetched(reader: Reader) -> None:
    for url in ("file:///etc/passwd", "javascript:alert(1)", "data:image/png;base64,AAAA"):
        with pytest.raises(ImageError):
            reader.load_image(url)


def test_a_big_picture_is_scaled_for_the_screen() -> None:
    loaded = decode(png(MAX_SIDE * 2, 100))
    assert (loaded.width, loaded.height) == (MAX_SIDE * 2, 100)
    assert loaded.picture.width == MAX_SIDE and loaded.picture.height == 50


def test_the_cache_keeps_within_its_bound(tmp_path: Path) -> None:
    cache = ImageCache(tmp_path / "images", max_bytes=2500)
    for n in range(5):
        cache.put(f"https://x.example/{n}", bytes([n]) * 1000)
        os.utime(cache.path_for(f"https://x.example/{n}"), (1000 + n, 1000 + n))
    assert cache.size() <= 2500
    assert cache.get("https://x.example/4") == bytes([4]) * 1000  # the newest are kept
    assert cache.get("https://x.example/0") is None  # the oldest went first


def test_a_damaged_cache_file_is_fetched_again(server: TestServer, reader: Reader) -> None:
    url = server.route("/a.png", Response(png(10, 10), content_type="image/png"))
    reader.load_image(url)
    cache = ImageCache(reader.paths.cache_dir / "images")
    cache.path_for(url).write_bytes(b"garbage")
    again = reader.load_image(url)
    assert not again.cached and again.width == 10
    assert len(server.requests) == 2
