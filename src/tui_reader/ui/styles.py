"""Where the app's TCSS files are: inside the installed package (the wheel puts the repo's
``styles/`` at ``tui_reader/styles``), else the repo's ``styles/`` (an editable install).

``styles/*.tcss`` is read at start-up; ``styles/screens/*.tcss`` style dialogs and are read
with the first screen that names them in its ``CSS_PATH`` (:func:`screen_styles`), so the
first screen's start-up does not parse and match them."""

from __future__ import annotations

from pathlib import Path


def styles_dir() -> Path:
    # Plain paths, not importlib.resources (zipfile and friends cost start-up time): Textual
    # reads the files by path, so the package is on the file system anyway.
    package = Path(__file__).resolve().parents[1]
    packaged = package / "styles"
    if packaged.is_dir():
        return packaged
    return package.parents[1] / "styles"


def stylesheets() -> list[Path]:
    """Every ``*.tcss`` file read at start-up, in name order (app.tcss first)."""
    folder = styles_dir()
    files = sorted(folder.glob("*.tcss"), key=lambda p: (p.name != "app.tcss", p.name))
    if not files:
        raise FileNotFoundError(f"no stylesheets in {folder}")
    return files


def screen_styles(name: str) -> Path:
    """A dialog's stylesheet (``styles/screens/NAME``), for its screen's ``CSS_PATH``."""
    return styles_dir() / "screens" / name
