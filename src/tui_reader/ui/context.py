"""What the screens share: the store (event-loop connection), its path for workers' own
connections, the config, the ordered writer and the user's paths (the export folder)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tui_reader.config import Config
from tui_reader.paths import Paths
from tui_reader.store import Store
from tui_reader.ui.writer import StoreWriter


@dataclass
class Context:
    store: Store  # for quick reads on the event loop only
    store_path: Path  # workers open their own Store.open(store_path)
    config: Config
    writer: StoreWriter  # every write goes through it
    paths: Paths  # export_folder(paths, config): where `e` and "Export all notes" write
