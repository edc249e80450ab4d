"""ui/csscache.py: the first screen's parsed TCSS kept between runs. A second start parses
no stylesheet and styles every widget as a start that parsed them all; anything unexpected
(another theme, a corrupt file, another Textual) means Textual's own parse."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.css.stylesheet import Stylesheet

from tests.conftest import Data
from tui_reader.ui import csscache
from tui_reader.ui.app import ReaderApp


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "__pycache__" / "tcss-rules.bin"
    monkeypatch.setattr(csscache, "default_path", lambda: path)
    monkeypatch.setattr("sys.dont_write_bytecode", False)
    yield path
    csscache._state.path = None


def count_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The sources Textual parses from now on (its own parse, not a cache hit)."""
    parsed: list[str] = []
    from textual.css import stylesheet

    original = stylesheet.parse

    def parse(scope: str, css: str, read_from: Any, *args: Any, **kwargs: Any) -> Any:
        parsed.append(str(read_from))
        return original(scope, css, read_from, *args, **kwargs)

    monkeypatch.setattr(stylesheet, "parse", parse)
    return parsed


def styles_of(app: ReaderApp) -> dict[str, Any]:
    """The app's rules, and the rules the stylesheet gave each widget on the screen."""
    out: dict[str, Any] = {"rules": csscache.described(app.stylesheet.rules)}
    for i, widget in enumerate(app.screen.walk_children(with_self=True)):
        out[f"{i} {widget!r}"] = csscache._values(widget.styles.base.get_rules())
    return out


async def start(data: Data, **kw: Any) -> dict[str, Any]:
    app = data.app(**kw)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.pause()
        return styles_of(app)


async def test_a_second_start_parses_no_stylesheet_and_styles_alike(
    data: Data, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed = count_parses(monkeypatch)
    first = await start(data)
    assert cache.is_file()  # written once the first screen was drawn
    assert len(parsed) >= 5  # the app's files and the widgets' DEFAULT_CSS
    written = cache.stat().st_mtime_ns
    parsed.clear()
    second = await start(data)
    assert parsed == []
    assert second == first
    assert cache.stat().st_mtime_ns == written  # nothing new: not written again


async def test_a_saved_themes_start_parses_once_and_styles_as_the_theme_set_later(
    data: Data, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The reference: a start in the default theme, switched to nord once it runs.
    parsed = count_parses(monkeypatch)
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.pause()
        once = sorted(parsed)  # what a start parses
        app.theme = "nord"
        await pilot.pause()
        await pilot.pause()
        await app.flush_writes()
        switched, classes = styles_of(app), app.classes
    assert data.store.get_setting("theme") == "nord"
    cache.unlink()
    parsed.clear()
    app = data.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.pause()
        first = styles_of(app)
        assert app.theme == "nord" and app.classes == classes
    assert len(once) >= 5 and sorted(parsed) == once  # no second parse for the theme
    assert first == switched
    parsed.clear()
    assert await start(data) == first
    assert parsed == []  # the rules kept by the first start serve the saved theme


async def test_the_stored_rules_are_textuals_parse(data: Data, cache: Path) -> None:
    await start(data)
    _stamp, variables, entries = pickle.loads(cache.read_bytes())
    fresh = Stylesheet(variables=dict(variables))
    for key, rules in entries.items():
        parsed = fresh._parse_rules(*key)
        assert csscache.described(rules) == csscache.described(parsed), key[1]
        for rule in rules:
            assert rule.styles.get_rule.__self__ is rule.styles._rules
            assert not rule.errors


def test_other_variables_are_not_served(cache: Path, data: Data) -> None:
    app = data.app()
    stylesheet = Stylesheet(variables=app.get_css_variables())
    csscache.install(stylesheet)
    stylesheet.rules  # noqa: B018
    stylesheet.read_all(app.css_path)
    stylesheet.parse()
    assert csscache.save(stylesheet)
    assert csscache.install(Stylesheet(variables=app.get_css_variables())) > 0
    other = {**app.get_css_variables(), "primary": "#123456"}
    assert csscache.install(Stylesheet(variables=other)) == 0


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"not a pickle",
        lambda data: data[: len(data) // 2],
        lambda data: pickle.dumps((("another", "textual"), *pickle.loads(data)[1:])),
        lambda data: pickle.dumps((*pickle.loads(data)[:2], {"key": []})),
    ],
)
def test_a_damaged_or_foreign_file_means_textuals_parse(
    cache: Path, data: Data, damage: Any
) -> None:
    app = data.app()
    stylesheet = Stylesheet(variables=app.get_css_variables())
    csscache.install(stylesheet)
    stylesheet.read_all(app.css_path)
    stylesheet.parse()
    assert csscache.save(stylesheet)
    cache.write_bytes(damage(cache.read_bytes()))
    fresh = Stylesheet(variables=app.get_css_variables())
    assert csscache.install(fresh) == 0
    fresh.read_all(app.css_path)
    fresh.parse()  # parsed as usual
    assert csscache.described(fresh.rules) == csscache.described(stylesheet.rules)


def test_without_a_path_and_with_dont_write_bytecode_nothing_is_read(
    monkeypatch: pytest.MonkeyPatch, data: Data
) -> None:
    monkeypatch.setattr("sys.dont_write_bytecode", True)
    assert csscache.install(Stylesheet(variables=data.app().get_css_variables())) == 0
    assert csscache._state.path is None or not csscache.save(Stylesheet())
