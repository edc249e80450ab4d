"""The command palette (``ctrl+p``): every action, any feed or folder, any article.

Prompts are :class:`~textual.content.Content` built from plain strings, so a feed or article
title is shown literally; ``help`` (which the palette reads as markup) only ever holds our own
fixed text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.dom import DOMNode

from tui_reader.models import SearchHit
from tui_reader.ui.keys import KEYS, key_label
from tui_reader.ui.render import safe
from tui_reader.ui.screens.main import MainScreen
from tui_reader.ui.sources import feed_source, folder_source

# Movement keys are not worth a palette entry.
_SKIP = {
    "cursor_down",
    "cursor_up",
    "page_down",
    "page_up",
    "select",
    "command_palette",
    *(spec.action for spec in KEYS if spec.scope == "select" and spec.action != "start_selection"),
}
ARTICLE_HITS = 20


def _main(provider: Provider) -> MainScreen | None:
    for screen in reversed(provider.app.screen_stack):
        if isinstance(screen, MainScreen):
            return screen
    return None


class ReaderCommands(Provider):
    def _actions(self) -> list[tuple[str, str, Callable[[], object]]]:
        """(name, keys, run) for every action that makes sense from the palette."""
        main = _main(self)
        out: list[tuple[str, str, Callable[[], object]]] = []
        keymap = getattr(self.app, "keymap", {})
        for spec in KEYS:
            if spec.action in _SKIP:
                continue
            if spec.scope == "app":
                target: DOMNode = self.app
            elif main is None:
                continue
            elif spec.scope in ("pane", "select"):
                target = main.pane
            else:
                target = main
            keys = key_label(keymap.get(spec.action, spec.keys))
            run = partial(self.app.run_action, spec.method, target)
            out.append((spec.description, keys, run))
        if main is not None:
            out.append(("Export all notes", "", main.export_all))
            # [[commands]] of config.toml (their keys as help shows them).
            from tui_reader.ui.listactions import command_keys

            commands = main.ctx.config.commands
            command_key, _problems = command_keys(commands, keymap)
            for i, command in enumerate(commands):
                key = key_label(command_key[i]) if i in command_key else ""
                out.append((f"Run: {safe(command.name)}", key, partial(main.action_run_command, i)))
        return out

    async def discover(self) -> Hits:
        for name, keys, run in self._actions():
            yield DiscoveryHit(
                Content.assemble(name, (f"  {keys}", "dim")), run, text=name, help=None
            )

    async def search(self, query: str) -> Hits:
        # An entry typed as the palette shows it ("Feed: BBC Urdu") finds it: the kind is
        # the only kind looked for, the rest is matched against the name.
        kinds, query = _kind_prefix(query)
        matcher = self.matcher(query)
        if "Action" in kinds:
            for name, keys, run in self._actions():
                score = matcher.match(name)
                if score > 0:
                    yield Hit(score, Content.assemble(name, (f"  {keys}", "dim")), run, text=name)
        main = _main(self)
        if main is None:
            return
        for entry in main.feeds.entries:
            if entry.source.kind not in ("feed", "folder"):
                continue
            kind = "Folder" if entry.source.kind == "folder" else "Feed"
            if kind not in kinds:
                continue
            label = safe(entry.label)
            score = matcher.match(label)
            if score > 0:
                source = (
                    folder_source(entry.source.folder or "")
                    if entry.source.kind == "folder"
                    else feed_source(entry.source.feed_id or 0, entry.label)
                )
                yield Hit(
                    score * 0.9,
                    Content.assemble((f"{kind}: ", "dim"), label),
                    partial(main.show_source, source, focus_list=True),
                    text=f"{kind}: {label}",
                )
        if len(query.strip()) < 2 or "Article" not in kinds:
            return
        worker = main.run_worker(
            partial(_search_articles, main, query), thread=True, group="palette-search"
        )
        hits = await worker.wait()
        for n, hit in enumerate(hits):
            article = hit.article
            title = safe(article.display_title)
            source_title = safe(article.source_title)
            yield Hit(
                0.5 - n * 0.01,
                Content.assemble(
                    ("Article: ", "dim"),
                    title,
                    (f"  {source_title}" if source_title else "", "dim"),
                ),
                partial(main.open_article_by_id, article.id),
                text=f"Article: {title}",
            )


KINDS = ("Action", "Feed", "Folder", "Article")
_PREFIX = re.compile(r"\s*(feed|folder|article)\s*:\s*", re.IGNORECASE)


def _kind_prefix(query: str) -> tuple[tuple[str, ...], str]:
    """The kinds of entry a query looks for, and the query without a "Feed:" (etc.) before
    it."""
    m = _PREFIX.match(query)
    if m is None:
        return KINDS, query
    return (m.group(1).capitalize(),), query[m.end() :]


def _search_articles(main: MainScreen, query: str) -> list[SearchHit]:
    try:
        return main.ctx.reader.search(query, limit=ARTICLE_HITS)
    except Exception:
        return []
