"""The Textual app: wires the Reader (the core's façade), the config and the screens together
(kept thin: the work is in :mod:`tui_reader.ui.screens` and :mod:`tui_reader.ui.widgets`)."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App
from textual.binding import BindingType
from textual.notifications import Notify, SeverityLevel
from textual.screen import Screen

from tui_reader.config import Config
from tui_reader.paths import Paths
from tui_reader.sanitize import clean_text
from tui_reader.ui import csscache, graphics
from tui_reader.ui.appreader import AppReader
from tui_reader.ui.context import Context
from tui_reader.ui.keys import bindings, check_keymap, usable_keymap
from tui_reader.ui.screens.main import MainScreen
from tui_reader.ui.sources import EarlyLoad
from tui_reader.ui.styles import stylesheets
from tui_reader.ui.writer import ReaderWriter

if TYPE_CHECKING:
    from textual.command import Provider
    from textual.theme import Theme

THEME_SETTING = "theme"
QUIT_PATIENCE = 0.5  # seconds a quit waits for pending writes before it says so


def _reader_commands() -> type[Provider]:
    """The palette's provider, imported when the palette first opens (not at start-up)."""
    from tui_reader.ui.commands import ReaderCommands

    return ReaderCommands


class _UnwaitedExecutor(ThreadPoolExecutor):
    """The app's default executor: not waited for at the loop's end (see on_mount)."""

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        super().shutdown(wait=False, cancel_futures=True)


class ReaderApp(App[None]):
    TITLE = "tui-reader"
    # Notifications are one line over the footer's right end (styles/app.tcss), plain ones
    # short-lived and at most PLAIN_SHOWN at a time: they do not pile up over the text.
    # Warnings and errors stay longer (they may need reading).
    NOTIFICATION_TIMEOUT: ClassVar[float] = 3
    WARNING_TIMEOUT = 8.0
    PLAIN_SHOWN = 2
    # A screen under a dialog gets this class: its notifications are hidden (the dialog shows
    # them itself, and the help shows none over its text).
    SUSPENDED_SCREEN_CLASS: ClassVar[str] = "-suspended"
    BINDINGS: ClassVar[list[BindingType]] = bindings("app")
    COMMANDS: ClassVar = App.COMMANDS | {_reader_commands}

    def __init__(
        self,
        paths: Paths,
        config: Config,
        *,
        store_path: Path | None = None,
        open_article: int | None = None,
        messages: Sequence[str] = (),
        early: EarlyLoad | None = None,
        on_shown: Callable[[], object] | None = None,
        reader: AppReader | None = None,
    ) -> None:
        """``store_path`` defaults to ``paths.database``; ``open_article`` is shown at start
        (in the Saved list); ``messages`` (e.g. config problems) are shown as notifications;
        ``early``: the first screen's rows, already being read (else reading starts now);
        ``on_shown``: called once the first screen has drawn its article list; ``reader``:
        the app's Reader over ``store_path``, already open (the command's check), else made
        on first use."""
        super().__init__(css_path=list(stylesheets()))
        self.paths = paths
        self.config = config
        self.store_path = store_path or paths.database
        self._ctx: Context | None = None
        self._reader = reader
        self._theme_problem = self._start_theme()  # before any CSS is parsed
        csscache.install(self.stylesheet)  # the rules parsed in an earlier run (ui/csscache.py)
        self.open_article = open_article
        self.messages = list(messages)
        self.keymap = usable_keymap(config.keys)  # check_keymap(config.keys) says the rest
        graphics.use(config.reader.images)  # pictures: auto (what the terminal said), blocks, off
        # The first screen's rows are read now, while Textual starts.
        self._early: EarlyLoad | None = early or EarlyLoad.start(self.store_path, open_article)
        self._on_shown = on_shown
        self._quit_asked = False  # a quit waits for a write another program holds up
        self.unsaved: list[str] = []  # writes given up at quitting (the command says so)
        self.terminated = False  # quit by SIGTERM

    @property
    def context(self) -> Context:
        """The Reader and friends, made on first use."""
        if self._ctx is None:
            reader, self._reader = self._reader, None
            if reader is None:
                reader = AppReader(self.paths, self.config, self.store_path)
            writer = ReaderWriter(reader, self._write_failed, self._write_waits)
            self._ctx = Context(reader, self.config, writer, self.paths)
        return self._ctx

    def _write_failed(self, message: str) -> None:
        try:
            self.call_from_thread(self.notify, message, severity="error", markup=False)
        except RuntimeError:  # already on the app's thread, or the app has stopped
            self.notify(message, severity="error", markup=False)

    def _write_waits(self, message: str) -> None:
        with contextlib.suppress(RuntimeError):  # (the app has stopped)
            self.call_from_thread(self.notify, message, severity="warning", markup=False)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification of every screen comes here. A plain one (``markup=False``, as
        the app's all are) may quote a title, a link or an error from outside: it is shown
        without escape sequences, control or invisible characters."""
        if not markup:
            message = clean_text(message)
        if timeout is None and severity != "information":
            timeout = self.WARNING_TIMEOUT
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def _on_notify(self, event: Notify) -> None:
        """A new plain notice pushes out the oldest when PLAIN_SHOWN are on show (warnings
        and errors stay until their time is up)."""
        if event.notification.severity == "information":
            plain = [n for n in self._notifications if n.severity == "information"]
            for old in plain[: max(len(plain) - self.PLAIN_SHOWN + 1, 0)]:
                self._unnotify(old, refresh=False)
        super()._on_notify(event)

    def on_mount(self) -> None:
        for problem in [*self.messages, *check_keymap(self.config.keys)]:
            self.notify(problem, severity="warning", markup=False, timeout=8)
        if self.keymap:
            self.set_keymap(self.keymap)
        if self._theme_problem:
            self.notify(self._theme_problem, severity="warning", markup=False)
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        # Back from a stop (ctrl+z, or kill -TSTP, then fg): the terminal was the shell's, so
        # everything is drawn again (the screen came back blank but for rows that changed).
        self.app_resume_signal.subscribe(self, self._resumed)
        # SIGTERM (kill, timeout, a session manager) quits as `q` does: it ended the process
        # with the terminal left in the app's modes (alternate screen, mouse reports on).
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, self._terminated)
        # Thread workers run on the loop's default executor, which the loop's end waited for:
        # a quit during a fetch held the process (no screen, no prompt) until its timeout,
        # 20 s. Their results are not wanted once the app ends (the command leaves at once,
        # cli/reading.py).
        asyncio.get_running_loop().set_default_executor(_UnwaitedExecutor())

    def _resumed(self, _: object = None) -> None:
        self.screen.refresh(repaint=True, layout=True)
        self.refresh(repaint=True, layout=True)

    def _terminated(self) -> None:
        self.run_worker(self._quit_terminated(), group="terminate")

    async def _quit_terminated(self) -> None:
        self.terminated = True
        await self.action_quit()

    def get_default_screen(self) -> Screen[Any]:
        early, self._early = self._early, None
        return MainScreen(
            self.context, open_article=self.open_article, early=early, on_shown=self._shown
        )

    def _shown(self) -> None:
        """The first screen is drawn: what it parsed is kept for the next start."""
        csscache.save(self.stylesheet)
        if self._on_shown is not None:
            self._on_shown()

    def _start_theme(self) -> str:
        """Start in the configured or saved theme; what is wrong with the configured one.

        Set before the first CSS parse, so the stylesheets are parsed once, with its variables
        (and csscache serves them). Setting ``App.theme`` would queue a ``refresh_css``, a
        second parse of everything once the app runs: this does what its watcher does before
        that, on a stylesheet that holds no CSS yet."""
        wanted = self.config.reader.theme or self.context.reader.get_setting(THEME_SETTING)
        if not wanted or wanted == self.theme:
            return ""
        if wanted not in self.available_themes:
            if self.config.reader.theme:
                return f"reader.theme: no theme named {wanted!r}; using {self.theme!r}"
            return ""
        self.set_reactive(App.theme, wanted)
        theme = self.current_theme
        classes = {name: False for name in self.classes if name.startswith("-theme-")}
        classes[f"-theme-{theme.name}"] = True
        classes["-dark-mode"] = theme.dark
        classes["-light-mode"] = not theme.dark
        self.update_classes(classes, update=False)
        self._refresh_truecolor_filter(self.ansi_theme)
        self.stylesheet.set_variables(self.get_css_variables())
        return ""

    def _theme_changed(self, theme: Theme) -> None:
        name = theme.name
        self.context.writer.submit(lambda r: r.set_setting(THEME_SETTING, name), "theme")

    async def action_quit(self) -> None:
        """Keep where the reader is (ui/session.py), then quit. While a write waits for
        another program's lock, the first quit waits for it (the app quits once it is saved)
        and says so; a second one quits without it, and the command names what was lost."""
        from tui_reader.ui.screens.note_editor import NoteEditor

        if not self.terminated and any(
            isinstance(s, NoteEditor) and s.changed for s in self.screen_stack
        ):
            # (ctrl+q, the palette's Quit: the note typed was lost without a word; escape
            # in the editor asks first. SIGTERM is not asked: it ends the app.)
            self.notify(
                "A note has changes: save it (ctrl+s) or cancel it (escape), then quit.",
                severity="warning",
                markup=False,
            )
            return
        writer = self._ctx.writer if self._ctx is not None else None
        if writer is not None and writer.busy and not self._quit_asked:
            self._quit_asked = True
            self.run_worker(self._quit_when_saved(writer), group="quit", exclusive=True)
            return
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                screen.save_session()
        await super().action_quit()

    async def _quit_when_saved(self, writer: ReaderWriter) -> None:
        done = asyncio.ensure_future(writer.flush())
        _, waiting = await asyncio.wait({done}, timeout=QUIT_PATIENCE)
        if waiting:  # (a write normally takes milliseconds: this one waits for a lock)
            self.notify(
                "Not saved yet: another program is writing to the store. The reader quits"
                " once it is saved; quit again to leave without it.",
                severity="warning",
                timeout=60,
                markup=False,
            )
            await done
        await self.action_quit()

    def action_command_palette(self) -> None:
        """Not over a dialog: the palette's commands act on the main screen beneath it (a
        "Delete highlight" from it deleted the highlight whose note was being written)."""
        from textual.command import CommandPalette
        from textual.screen import ModalScreen

        screen = self.screen
        if isinstance(screen, ModalScreen) and not isinstance(screen, CommandPalette):
            self.bell()
            return
        super().action_command_palette()

    def action_help(self) -> None:
        from tui_reader.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.keymap, self.config.commands))

    async def flush_writes(self) -> None:
        """Wait for every write asked for so far (tests, and before quitting)."""
        if self._ctx is not None:
            await self._ctx.writer.flush()

    def on_unmount(self) -> None:
        self.close_store()

    def close_store(self) -> None:
        if self._ctx is not None:
            self._ctx.writer.close()
            self.unsaved += self._ctx.writer.unsaved
            self._ctx.reader.close()
            self._ctx = None
