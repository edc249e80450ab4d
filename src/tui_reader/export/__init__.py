"""Exporting highlights and notes: Markdown a notes app can keep (one file per article, and
digests), and W3C Web Annotation JSON for backup and moving between machines.

The app calls these from a worker; the CLI from ``tui-reader export``/``digest``/
``import-notes``. Nothing here touches the file system until called.
"""

from __future__ import annotations

from pathlib import Path

from tui_reader.config import Config
from tui_reader.export.data import ExportError
from tui_reader.export.digest import export_digest
from tui_reader.export.markdown import export_all, export_article, export_many
from tui_reader.export.webannotation import ImportResult, export_json, import_json
from tui_reader.paths import Paths

__all__ = [
    "ExportError",
    "ImportResult",
    "export_all",
    "export_article",
    "export_digest",
    "export_folder",
    "export_json",
    "export_many",
    "import_json",
]


def export_folder(paths: Paths, config: Config) -> Path:
    """The export folder: ``[export] folder`` from the config, else the platform default."""
    if config.export.folder.strip():
        return Path(config.export.folder.strip()).expanduser()
    return paths.export_dir
