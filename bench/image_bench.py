"""Image benchmark: what images cost the reader. Prints, as medians of a few runs:

- decoding the largest picture accepted (just under the 40-million-pixel cap, JPEG and PNG)
  and scaling it for the screen, on a worker thread in the app: the decode-time bound that the
  pixel cap gives (a thread cannot be stopped, so the cap is the budget);
- refusing a 50,000 × 50,000 "decompression bomb" from its header (a file of ~100 bytes);
- a cached image read again;
- textual-image's Sixel drawing of a box (done on the event loop when the viewer draws);
- the start-up cost of asking the terminal (``reader.images = "auto"``) against not asking
  (``"off"``): ``tui-reader`` launched in tmux until its article list shows, interleaved.

Run: ``.venv/bin/python -m bench.image_bench`` (about a minute). The machine is shared and
noisy: compare, do not read the times as absolute.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import uuid
import zlib
from pathlib import Path

from PIL import Image

from tui_reader.images import MAX_PIXELS, ImageCache, ImageError, decode, load_image

RUNS = 5


def _ms(values: list[float]) -> str:
    return f"{1000 * statistics.median(values):.0f} ms"


def _big(fmt: str) -> bytes:
    side = int(MAX_PIXELS**0.5) - 10
    im = Image.effect_noise((side, side), 64).convert("RGB")
    out = io.BytesIO()
    im.save(out, fmt, **({"quality": 85} if fmt == "JPEG" else {"compress_level": 1}))
    return out.getvalue()


def _bomb(side: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    ihdr = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


def decoding() -> None:
    for fmt in ("JPEG", "PNG"):
        data = _big(fmt)
        times = []
        for _ in range(3):
            start = time.perf_counter()
            loaded = decode(data)
            times.append(time.perf_counter() - start)
        print(
            f"decode + scale {loaded.width}x{loaded.height} {fmt} ({len(data) / 1e6:.1f} MB)"
            f" to {loaded.picture.width}x{loaded.picture.height}: {_ms(times)}"
        )
    bomb = _bomb(50_000)
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        with contextlib.suppress(ImageError):
            decode(bomb)
        times.append(time.perf_counter() - start)
    print(f"refuse a 50000x50000 PNG header ({len(bomb)} bytes): {_ms(times)}")
    with tempfile.TemporaryDirectory() as tmp:
        cache = ImageCache(Path(tmp))
        small = io.BytesIO()
        Image.new("RGB", (800, 600), (10, 20, 30)).save(small, "PNG")
        cache.put("https://x.example/a.png", small.getvalue())
        times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            load_image("https://x.example/a.png", cache)
            times.append(time.perf_counter() - start)
        print(f"an 800x600 PNG from the cache: {_ms(times)}")


def sixel_drawing() -> None:
    """textual-image makes the Sixel data when the viewer is drawn, on the event loop: the
    cost of a noisy picture filling a box of 800x600 and 1200x800 pixels."""
    from textual_image._pixeldata import PixelData
    from textual_image._sixel import image_to_sixels

    picture = Image.effect_noise((2048, 1536), 64).convert("RGB")
    for size in ((800, 600), (1200, 800)):
        times = []
        for _ in range(3):
            start = time.perf_counter()
            image_to_sixels(PixelData(picture).scaled(*size).pil_image, None)
            times.append(time.perf_counter() - start)
        print(f"Sixel drawing of a {size[0]}x{size[1]} box (event loop): {_ms(times)}")


def _startup(home: Path, images: str) -> float:
    (home / "config").mkdir(parents=True, exist_ok=True)
    (home / "config" / "config.toml").write_text(f'[reader]\nimages = "{images}"\n')
    socket = "img-bench-" + uuid.uuid4().hex[:8]
    command = Path(sys.executable).parent / "tui-reader"
    env = f"env -i PATH=/usr/bin:/bin TERM=xterm-256color TUI_READER_HOME={home} {command}"
    base = ["tmux", "-L", socket, "-f", os.devnull]
    start = time.perf_counter()
    subprocess.run(
        [*base, "new-session", "-d", "-s", "b", "-x", "120", "-y", "40", env], check=True
    )
    try:
        while time.perf_counter() - start < 20:
            screen = subprocess.run(
                [*base, "capture-pane", "-p", "-t", "b"], capture_output=True, text=True
            ).stdout
            if "Palette" in screen:
                return time.perf_counter() - start
            time.sleep(0.01)
        raise RuntimeError("the reader did not start")
    finally:
        subprocess.run([*base, "kill-server"], capture_output=True)


def startup() -> None:
    if shutil.which("tmux") is None:
        print("start-up: tmux is not installed (skipped)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        _startup(home, "off")  # the first run makes the database
        times: dict[str, list[float]] = {"auto": [], "off": []}
        for _ in range(RUNS):
            for images in ("auto", "off"):
                times[images].append(_startup(home, images))
        print(
            f"start-up in tmux to the article list: images auto {_ms(times['auto'])},"
            f" off {_ms(times['off'])}"
        )


if __name__ == "__main__":
    decoding()
    sixel_drawing()
    startup()
