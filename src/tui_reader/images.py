"""An article's images: fetched one at a time when asked for, checked, cached on disk.

Nothing here runs when an article opens: an image is fetched only when the reader asks to see
it (the ``[image: alt]`` line's key), so a page of two hundred images costs nothing until
then. A fetch goes through :mod:`tui_reader.net` (http(s) only, every redirect checked, the
size cap while streaming, a deadline for the whole fetch); the answer must say it is an image
of a kind Pillow reads, and its header must name a size within :data:`MAX_PIXELS` before a
single pixel is decoded (decompression bombs: a small file that claims a huge canvas is
refused from its header). Decoding is then bounded by that pixel cap, and the picture is
scaled down to :data:`MAX_SIDE` for the screen.

The cache is a folder of files named by a hash of the URL (never by anything the server
said), under the platform's cache folder; it is kept under :data:`CACHE_BYTES` by removing
the files used longest ago. Blocking throughout: call it from a worker thread.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tui_reader.errors import ReaderError
from tui_reader.net import FetchError, FetchLimits, check_url, fetch

if TYPE_CHECKING:
    from PIL.Image import Image

ACCEPT_IMAGE = "image/avif,image/webp,image/png,image/jpeg,image/gif,image/*;q=0.8"
MAX_BYTES = 10_000_000  # one image, after decompression (the feed's cap if it is lower)
MAX_PIXELS = 40_000_000  # width x height named by the header; a bigger canvas is refused
MAX_SIDE = 2048  # the picture kept for the screen: no side longer (a terminal needs less)
CACHE_BYTES = 100_000_000  # the whole cache folder
# What Pillow is allowed to read: the formats pictures on the web come in. SVG (text, and a
# document with its own fetches) is not among them.
FORMATS = ("PNG", "JPEG", "GIF", "WEBP", "BMP", "ICO", "TIFF")


class ImageError(ReaderError):
    """An image could not be fetched or read; ``str(error)`` is one line, ``url`` the image."""

    def __init__(self, message: str, *, url: str = "") -> None:
        super().__init__(message)
        self.url = url


@dataclass(frozen=True)
class LoadedImage:
    """A picture ready for the screen (``picture``: at most :data:`MAX_SIDE` a side), with
    the size the server's file had and whether it came from the cache."""

    url: str
    picture: Image
    width: int
    height: int
    format: str
    cached: bool


class ImageCache:
    """Image files by URL in one folder, kept under ``max_bytes`` (the least recently used go
    first). Safe enough for several threads and processes: files are written whole under a
    temporary name and renamed."""

    def __init__(self, folder: Path, max_bytes: int = CACHE_BYTES) -> None:
        self.folder = folder
        self.max_bytes = max_bytes

    def path_for(self, url: str) -> Path:
        return self.folder / hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()

    def get(self, url: str) -> bytes | None:
        path = self.path_for(url)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # used now: the last to be evicted
        return data

    def put(self, url: str, data: bytes) -> None:
        if len(data) > self.max_bytes:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self.path_for(url)
            tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
            tmp.write_bytes(data)
            os.replace(tmp, path)
        except OSError:
            return  # a cache that cannot be written is only slower
        self.trim()

    def size(self) -> int:
        return sum(size for _, size, _ in self._entries())

    def trim(self) -> None:
        """Remove the least recently used files until the folder is within its bound."""
        entries = sorted(self._entries(), key=lambda e: e[2])
        total = sum(size for _, size, _ in entries)
        for path, size, _ in entries:
            if total <= self.max_bytes:
                break
            try:
                path.unlink()
            except OSError:
                continue
            total -= size

    def _entries(self) -> list[tuple[Path, int, float]]:
        out = []
        try:
            with os.scandir(self.folder) as it:
                for entry in it:
                    try:
                        st = entry.stat()
                    except OSError:
                        continue
                    if entry.is_file():
                        out.append((Path(entry.path), st.st_size, st.st_mtime))
        except OSError:
            return []
        return out


def _content_type_ok(content_type: str) -> bool:
    kind = content_type.split(";", 1)[0].strip().lower()
    # No type at all, or the generic one: the bytes decide (Pillow's check of the header).
    if kind in ("", "application/octet-stream", "binary/octet-stream"):
        return True
    return kind.startswith("image/") and kind != "image/svg+xml"


def decode(data: bytes, url: str = "", *, max_pixels: int = MAX_PIXELS) -> LoadedImage:
    """Read ``data`` as a picture: the header first (format and size checked), then the
    pixels, scaled down to :data:`MAX_SIDE`. ImageError when it is not one Pillow reads or
    it claims more than ``max_pixels``."""
    from PIL import Image, UnidentifiedImageError

    try:
        im = Image.open(io.BytesIO(data), formats=FORMATS)
    except Image.DecompressionBombError:
        raise ImageError(
            f"an image too large to show (its header claims more than"
            f" {max_pixels // 1_000_000} million pixels)",
            url=url,
        ) from None
    except UnidentifiedImageError as exc:
        raise ImageError(f"not an image this reader can show ({_short(exc)})", url=url) from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise ImageError(f"a damaged image ({_short(exc)})", url=url) from None
    width, height = im.size
    if width <= 0 or height <= 0:
        raise ImageError("an image without a size", url=url)
    if width * height > max_pixels:
        raise ImageError(
            f"an image too large to show ({width}x{height} pixels; the limit is"
            f" {max_pixels // 1_000_000} million)",
            url=url,
        )
    fmt = im.format or ""
    try:
        # JPEG can decode at a fraction of its size: a big photo costs a small decode.
        im.draft("RGB", (MAX_SIDE, MAX_SIDE))
        im.seek(0)  # an animation shows its first frame
        im.load()
        picture = im.convert("RGBA") if im.mode not in ("RGB", "RGBA") else im
        picture.thumbnail((MAX_SIDE, MAX_SIDE))
    except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError) as exc:
        raise ImageError(f"a damaged image ({_short(exc)})", url=url) from None
    return LoadedImage(url, picture, width, height, fmt, cached=False)


def load_image(url: str, cache: ImageCache, limits: FetchLimits | None = None) -> LoadedImage:
    """The image at ``url``: from ``cache``, or fetched (the usual limits, the size capped at
    :data:`MAX_BYTES`) and then cached once it reads as an image. Blocking. ImageError."""
    try:
        url = check_url(url)
    except FetchError as exc:
        raise ImageError(str(exc), url=url) from None
    data = cache.get(url)
    if data is not None:
        try:
            loaded = decode(data, url)
        except ImageError:
            pass  # a damaged cache file (or a tighter limit now): fetch it again
        else:
            return LoadedImage(
                url, loaded.picture, loaded.width, loaded.height, loaded.format, cached=True
            )
    limits = limits or FetchLimits()
    capped = FetchLimits(
        timeout=limits.timeout,
        max_bytes=min(limits.max_bytes, MAX_BYTES),
        max_redirects=limits.max_redirects,
    )
    try:
        result = fetch(url, limits=capped, accept=ACCEPT_IMAGE)
    except FetchError as exc:
        raise ImageError(f"could not fetch the image: {exc}", url=url) from None
    if not _content_type_ok(result.content_type):
        kind = result.content_type.split(";", 1)[0].strip()[:60] or "unknown"
        raise ImageError(f"the server sent {kind!r}, not an image", url=url)
    loaded = decode(result.body, url)
    cache.put(url, result.body)
    return loaded


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())[:120]
    return text or type(exc).__name__


__all__ = [
    "CACHE_BYTES",
    "MAX_BYTES",
    "MAX_PIXELS",
    "ImageCache",
    "ImageError",
    "LoadedImage",
    "decode",
    "load_image",
]
