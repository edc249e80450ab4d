"""Where the app's TCSS files are: inside the installed package (the wheel puts the repo's
``styles/`` at ``tui_reader/styles``), else the repo's ``styles/`` (an editable install)."""

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
    """Every ``*.tcss`` file, in name order (app.tcss first)."""
    folder = styles_dir()
    files = sorted(folder.glob("*.tcss"), key=lambda p: (p.name != "app.tcss", p.name))
    if not files:
        raise FileNotFoundError(f"no stylesheets in {folder}")
    return files
