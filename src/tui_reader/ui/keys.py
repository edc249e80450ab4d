"""Every key of the app in one table: default keys, where they work, what they do.

Each entry becomes a Textual :class:`~textual.binding.Binding` whose ``id`` is the action name,
so ``[keys]`` in config.toml (``action = "key"``) remaps it through ``App.set_keymap``, and the
footer, the help screen (``?``) and the command palette show the keys in force.

To add a key: add a :class:`KeySpec` here with its scope, and an ``action_<method>`` on the
class that collects that scope's bindings (see :data:`SCOPES`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from textual.binding import Binding, BindingType
from textual.keys import KEY_NAME_REPLACEMENTS, KEY_TO_UNICODE_NAME, Keys

# scope → where its bindings live
SCOPES = {
    "app": "everywhere (ReaderApp)",
    "main": "the main screen (MainScreen)",
    "notes": "highlights and notes, on the main screen (MainScreen)",
    "pane": "the reading pane (ReadingPane)",
    "select": "the reading pane while text is selected (ReadingPane, before its own keys)",
    "list": "the feed and article lists (RowList)",
    "feeds": "the feed list (FeedList)",
}
# Scopes whose bindings live on another scope's class, ahead of that scope's own.
_JOINED = {"main": ("main", "notes"), "pane": ("select", "pane")}


@dataclass(frozen=True)
class KeySpec:
    action: str  # the binding id, and the name used in config.toml [keys]
    keys: str  # default keys, comma separated (Textual key names)
    method: str  # the action method run (action_<method>)
    description: str  # short: the footer and the palette
    scope: str
    show: bool = False  # shown in the footer
    priority: bool = False
    help: str = ""  # longer text for the help screen


KEYS: tuple[KeySpec, ...] = (
    # Everywhere.
    KeySpec("quit", "q", "quit", "Quit", "app", show=True, help="Quit tui-reader."),
    KeySpec("help", "question_mark", "help", "Keys", "app", show=True, help="This list of keys."),
    KeySpec(
        "suspend",
        "ctrl+z",
        "suspend_process",
        "Suspend",
        "app",
        help="Back to the shell (fg brings the reader back), as other terminal programs do.",
    ),
    KeySpec(
        "command_palette",
        "ctrl+p",
        "command_palette",
        "Palette",
        "app",
        show=False,  # the footer shows the palette key on its own
        priority=True,
        help="Every action, any feed or article, and the themes.",
    ),
    # The main screen.
    KeySpec(
        "next_pane",
        "tab",
        "next_pane",
        "Next pane",
        "main",
        help="Feeds → articles → reading pane → sidebar.",
    ),
    KeySpec("previous_pane", "shift+tab", "previous_pane", "Previous pane", "main"),
    KeySpec(
        "back",
        "escape",
        "back",
        "Back",
        "main",
        help="Back from the reading pane to the list (on narrow screens).",
    ),
    KeySpec("next_article", "n", "next_article", "Next article", "main"),
    KeySpec("previous_article", "p", "previous_article", "Previous article", "main"),
    KeySpec("next_unread", "N", "next_unread", "Next unread", "main"),
    KeySpec("refresh", "r", "refresh", "Refresh", "main", show=True, help="Fetch every feed now."),
    KeySpec("search", "slash", "search", "Search", "main", show=True, help="Full-text search."),
    KeySpec("open_browser", "o", "open_browser", "Open in browser", "main", show=True),
    KeySpec(
        "enclosures",
        "P",
        "enclosures",
        "Enclosures",
        "main",
        help="The article's podcast and video files: open one, or copy its URL.",
    ),
    KeySpec("copy_link", "y", "copy_link", "Copy link", "main", help="Copy the article's link."),
    KeySpec("star", "s", "star", "Star", "main", show=True, help="Star or unstar the article."),
    KeySpec("toggle_read", "m", "toggle_read", "Read/unread", "main", show=True),
    KeySpec("toggle_sidebar", "i", "toggle_sidebar", "Sidebar", "main", help="Show or hide notes."),
    KeySpec(
        "feed_errors",
        "E",
        "feed_errors",
        "Feed errors",
        "main",
        help="Feeds whose last refresh failed, and why.",
    ),
    KeySpec(
        "reload_article",
        "R",
        "reload_article",
        "Fetch again",
        "main",
        help="Fetch and extract the article's page again.",
    ),
    # Whole lists (ui/listactions.py).
    KeySpec(
        "mark_list_read",
        "A",
        "mark_list_read",
        "Mark list read",
        "main",
        help="Mark every article of the feed, folder or list under the cursor read (u undoes;"
        " on All or Unread, as C).",
    ),
    KeySpec(
        "mark_all_read",
        "C",
        "mark_all_read",
        "Mark all read",
        "main",
        help="Mark every article of every feed read, after a confirmation (u undoes).",
    ),
    KeySpec(
        "refresh_feed",
        "ctrl+r",
        "refresh_feed",
        "Refresh feed",
        "main",
        help="Fetch the selected feed, or the feeds of the selected folder, now.",
    ),
    KeySpec(
        "sort_list",
        "S",
        "sort_list",
        "Sort list",
        "main",
        help="Sort the list: newest first, oldest first, by title, by feed (remembered).",
    ),
    # Managing feeds (ui/feedactions.py).
    KeySpec(
        "add_feed",
        "plus",
        "add_feed",
        "Add feed",
        "main",
        help="Subscribe to a feed by its URL, or a page that names one.",
    ),
    KeySpec(
        "rename_feed",
        "T",
        "rename_feed",
        "Rename feed",
        "main",
        help="Rename the feed selected in the feed list.",
    ),
    KeySpec(
        "move_feed",
        "M",
        "move_feed",
        "Move feed",
        "main",
        help="Move the selected feed to a folder (News/World: a subfolder).",
    ),
    KeySpec(
        "remove_feed",
        "D",
        "remove_feed",
        "Remove feed",
        "main",
        help="Unsubscribe (asks first); starred, highlighted, annotated articles stay under Saved.",
    ),
    KeySpec(
        "save_search",
        "Q",
        "save_search",
        "Save search",
        "main",
        help="Keep a search (words, feed:, tag:, unread, starred, since:, until:) as a list"
        " in the feed pane (D on it removes it).",
    ),
    KeySpec(
        "toggle_show_read",
        "F",
        "toggle_show_read",
        "Show/hide read",
        "main",
        help="Hide or show the list's read articles (remembered per list).",
    ),
    # Highlights and notes (on the main screen).
    KeySpec(
        "highlight",
        "h",
        "highlight",
        "Highlight",
        "notes",
        show=True,
        help="Highlight the selection, or the sentence at the cursor when nothing is selected.",
    ),
    KeySpec(
        "cycle_color",
        "c",
        "cycle_color",
        "Colour",
        "notes",
        help="Next colour (and meaning) for the highlight under the cursor.",
    ),
    KeySpec(
        "edit_tags",
        "t",
        "edit_tags",
        "Tags",
        "notes",
        help="Tags of the highlight under the cursor.",
    ),
    KeySpec(
        "edit_note",
        "a",
        "edit_note",
        "Note",
        "notes",
        show=True,
        help="Note on the highlight under the cursor, else on the article (ctrl+s saves).",
    ),
    KeySpec(
        "delete_highlight",
        "x,delete",
        "delete_highlight",
        "Delete highlight",
        "notes",
        help="Delete the highlight under the cursor (asks first).",
    ),
    KeySpec(
        "undo_delete",
        "u",
        "undo_delete",
        "Undo",
        "notes",
        help="Bring back the last highlight deleted, or unmark the articles last marked read"
        " with A or C, in this session (newest first).",
    ),
    KeySpec(
        "all_highlights",
        "H",
        "all_highlights",
        "All highlights",
        "notes",
        help="Every highlight of every article: search, filter, open.",
    ),
    KeySpec(
        "export_article",
        "e",
        "export_article",
        "Export article",
        "notes",
        help="Export the article's highlights and notes to Markdown.",
    ),
    # Selecting text in the reading pane (these keys act only while something is selected,
    # except v; otherwise b, o, escape and the arrows do what they do elsewhere).
    KeySpec(
        "start_selection",
        "v",
        "start_selection",
        "Select",
        "select",
        show=True,
        help="Start selecting at the cursor (v again: stop).",
    ),
    KeySpec("select_word_forward", "w", "extend_selection('word', True)", "Word →", "select"),
    KeySpec("select_word_back", "b", "extend_selection('word', False)", "← Word", "select"),
    KeySpec(
        "select_sentence_forward",
        "right_parenthesis",
        "extend_selection('sentence', True)",
        "Sentence →",
        "select",
    ),
    KeySpec(
        "select_sentence_back",
        "left_parenthesis",
        "extend_selection('sentence', False)",
        "← Sentence",
        "select",
    ),
    KeySpec(
        "select_paragraph_forward",
        "right_curly_bracket",
        "extend_selection('paragraph', True)",
        "Paragraph →",
        "select",
    ),
    KeySpec(
        "select_paragraph_back",
        "left_curly_bracket",
        "extend_selection('paragraph', False)",
        "← Paragraph",
        "select",
    ),
    KeySpec("select_char_forward", "right", "extend_selection('char', True)", "Char →", "select"),
    KeySpec("select_char_back", "left", "extend_selection('char', False)", "← Char", "select"),
    KeySpec("select_line_down", "down", "extend_selection_line(1)", "Line ↓", "select"),
    KeySpec("select_line_up", "up", "extend_selection_line(-1)", "Line ↑", "select"),
    KeySpec(
        "swap_selection_ends",
        "o",
        "swap_selection_ends",
        "Other end",
        "select",
        help="Move the other end of the selection from now on.",
    ),
    KeySpec(
        "clear_selection",
        "escape",
        "clear_selection",
        "Drop selection",
        "select",
        show=True,
    ),
    # The reading pane.
    KeySpec(
        "cursor_down",
        "j,down",
        "cursor_down",
        "Down",
        "pane",
        help="Next sentence (reading pane) or next row (lists).",
    ),
    KeySpec(
        "cursor_up",
        "k,up",
        "cursor_up",
        "Up",
        "pane",
        help="Previous sentence (reading pane) or previous row (lists).",
    ),
    KeySpec("page_down", "space,pagedown", "page_down", "Page down", "pane"),
    KeySpec("page_up", "b,pageup", "page_up", "Page up", "pane"),
    KeySpec("top", "g,home", "top", "Top", "pane"),
    KeySpec("bottom", "G,end", "bottom", "Bottom", "pane"),
    KeySpec(
        "follow_link",
        "f",
        "follow_link",
        "Links",
        "pane",
        show=True,
        help="The article's numbered links: type a number to open one.",
    ),
    KeySpec(
        "view_image",
        "I",
        "view_image",
        "Image",
        "pane",
        help="The image at the cursor (an [image: …] line), fetched now and drawn where the"
        " terminal can; n/p the others, o opens it in the browser.",
    ),
    # The lists (the movement keys above work there too).
    KeySpec("select", "enter", "select", "Open", "list", help="Open the feed or article."),
    # The feed list's folders.
    KeySpec(
        "fold",
        "left",
        "fold",
        "Fold",
        "feeds",
        help="Fold the folder (on a feed: go to its folder).",
    ),
    KeySpec("unfold", "right", "unfold", "Unfold", "feeds", help="Unfold the folder."),
)

BY_ACTION: dict[str, KeySpec] = {spec.action: spec for spec in KEYS}

# The lists share the movement keys of the pane.
_LIST_ACTIONS = ("cursor_down", "cursor_up", "page_down", "page_up", "top", "bottom", "select")


# The reading pane's keys that act on the article on show from any pane: the main screen has
# them too, unshown (the pane's own come first while it has the focus, and show there). In
# the lists they did nothing, and said nothing. (The same binding id: [keys] remaps both.)
_PANE_KEYS_EVERYWHERE = ("follow_link", "view_image")


def bindings(scope: str, *, moves_only: bool = False) -> list[BindingType]:
    """The bindings for one scope (see :data:`SCOPES`); ``moves_only``: a list's without
    enter (for a view that scrolls and has nothing to open)."""
    if scope == "list":
        actions = _LIST_ACTIONS[:-1] if moves_only else _LIST_ACTIONS
        specs: Iterable[KeySpec] = (BY_ACTION[a] for a in actions)
    else:
        scopes = _JOINED.get(scope, (scope,))
        specs = (s for part in scopes for s in KEYS if s.scope == part)
    out: list[BindingType] = [
        Binding(
            spec.keys,
            spec.method,
            spec.description,
            show=spec.show and scope != "list",
            priority=spec.priority,
            id=spec.action,
        )
        for spec in specs
    ]
    if scope == "main":
        for action in _PANE_KEYS_EVERYWHERE:
            spec = BY_ACTION[action]
            out.append(Binding(spec.keys, spec.method, spec.description, show=False, id=action))
    return out


_MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
_KEY_NAMES = frozenset(
    {key.value.rsplit("+", 1)[-1] for key in Keys}
    | set(KEY_NAME_REPLACEMENTS.values())
    | {"space", "tab", "enter", "backspace"}
)


def normalize_key(key: str) -> str | None:
    """``key`` as Textual names it, or None when it names no key. A key is a printable
    character or a key's name ("F5" or "f5", "PageDown", "question_mark"), after modifiers if
    any ("ctrl+shift+x"); names and modifiers are read in any case ("Ctrl+X" is ctrl+x), a
    single character alone as typed ("G" is shift+g)."""
    key = key.strip()
    if len(key) == 1:
        return key if key.isprintable() and not key.isspace() else None
    *modifiers, name = key.split("+")
    modifiers = [m.lower() for m in modifiers]
    if not name or not _MODIFIERS.issuperset(modifiers):
        return None
    if len(name) == 1:
        if not name.isprintable() or name.isspace():
            return None
        if set(modifiers) - {"shift"}:  # a terminal sends ctrl+X as ctrl+x
            name = name.lower()
        return "+".join([*modifiers, name])
    name = name.lower()
    if name not in _KEY_NAMES and not _is_symbol_name(name):
        return None
    return "+".join([*modifiers, name])


def _is_symbol_name(name: str) -> bool:
    """A punctuation or symbol key by its name (Textual names letters and digits by
    themselves); not any character's name: "banana" names 🍌, which is no key."""
    try:
        character = unicodedata.lookup(KEY_TO_UNICODE_NAME.get(name, name.replace("_", " ")))
    except KeyError:
        return False
    category = unicodedata.category(character)
    return category[0] == "P" or category in ("Sm", "Sc", "Sk")


def is_key(key: str) -> bool:
    """Whether ``key`` names a key Textual can bind (see :func:`normalize_key`)."""
    return normalize_key(key) is not None


# Keys a terminal sends as another key: ctrl+h is backspace, ctrl+i tab, ctrl+m enter,
# ctrl+[ escape. Bound to an action, they never reach it (the README's own example did so).
_UNSENDABLE = {
    "ctrl+h": "backspace",
    "ctrl+i": "tab",
    "ctrl+m": "enter",
    "ctrl+left_square_bracket": "escape",
}
# Scopes whose bindings are in force together (the app's and the main screen's): one key can
# mean one action there. (A widget's own keys come first while it has the focus, on purpose:
# j in a list, and in the pane; the selection's keys before the pane's.)
_TOGETHER = {"app": "screen", "main": "screen", "notes": "screen"}


def _sendable(keys: str) -> list[str]:
    good = [n for n in map(normalize_key, keys.split(",")) if n is not None]
    return [k for k in good if k not in _UNSENDABLE]


def _taken(keymap: Mapping[str, str]) -> dict[str, tuple[str, list[str]]]:
    """Actions left at their default keys that share one with an action the user gave it
    to (in scopes in force together): their keys without it, and whose it now is."""
    mine: dict[tuple[str, str], str] = {}  # (group, key) -> the user's action
    for action, keys in keymap.items():
        spec = BY_ACTION.get(action)
        if spec is not None:
            for key in _sendable(keys):
                mine[(_TOGETHER.get(spec.scope, spec.scope), key)] = action
    out: dict[str, tuple[str, list[str]]] = {}
    for spec in KEYS:
        if spec.action in keymap:
            continue
        group = _TOGETHER.get(spec.scope, spec.scope)
        defaults = spec.keys.split(",")
        lost = [k for k in defaults if (group, k) in mine]
        if lost:
            out[spec.action] = (mine[(group, lost[0])], [k for k in defaults if k not in lost])
    return out


def usable_keymap(keymap: Mapping[str, str]) -> dict[str, str]:
    """The [keys] entries that can be used: known actions, with the keys that are keys and
    that a terminal can send (an entry with none left keeps its default keys). A key given
    to an action is taken from another that had it by default (``star = "x"``: x starred the
    article instead of deleting the highlight, both bound), which keeps its other keys."""
    usable: dict[str, str] = {}
    for action, keys in keymap.items():
        good = _sendable(keys)
        if action in BY_ACTION and good:
            usable[action] = ",".join(good)
    for action, (_, left) in _taken(usable).items():
        if left:
            usable[action] = ",".join(left)
    return usable


def check_keymap(keymap: Mapping[str, str]) -> list[str]:
    """One message per [keys] entry that names no action or gives something that is not a
    key (shown as Python writes it, so nothing in it is hidden or acts on the terminal)."""
    problems = []
    for action, keys in keymap.items():
        if action not in BY_ACTION:
            problems.append(
                f"keys.{action}: no such action (see the help screen, ?, for their names); ignored"
            )
            continue
        bad = [k.strip() for k in keys.split(",") if not is_key(k)]
        if bad:
            names = ", ".join(repr(k) for k in bad)
            kept = (
                "the other keys are used"
                if len(bad) < len(keys.split(","))
                else f"{key_label(BY_ACTION[action].keys)} stays"
            )
            problems.append(
                f"keys.{action}: {names} {'is not a key' if len(bad) == 1 else 'are not keys'}"
                f" (a character, or a name such as f5, pagedown, ctrl+r); {kept}"
            )
        for key in (normalize_key(k) for k in keys.split(",")):
            if key in _UNSENDABLE:
                problems.append(
                    f"keys.{action}: terminals send {key} as {_UNSENDABLE[key]}: it never"
                    " reaches this action; pick another key"
                )
    given = {a: ",".join(_sendable(k)) for a, k in keymap.items() if a in BY_ACTION}
    for action, (taker, left) in _taken({a: k for a, k in given.items() if k}).items():
        if not left:
            problems.append(
                f"keys.{taker}: its key was {action}'s only one, and both are bound to it;"
                f" give {action} a key of its own in [keys]"
            )
        else:
            problems.append(
                f"keys.{taker}: a key of {action}'s, now {taker}'s; {action} keeps"
                f" {key_label(','.join(left))}"
            )
    return problems


def effective_keys(spec: KeySpec, keymap: Mapping[str, str]) -> str:
    """The keys in force for ``spec`` given the user's keymap."""
    return keymap.get(spec.action, spec.keys)


def key_label(keys: str) -> str:
    """Keys as a person reads them: "j, down", "?", "/", "shift+tab"."""
    names = {
        "question_mark": "?",
        "slash": "/",
        "space": "space",
        "escape": "esc",
        "pagedown": "pgdn",
        "pageup": "pgup",
        "left_parenthesis": "(",
        "right_parenthesis": ")",
        "left_curly_bracket": "{",
        "right_curly_bracket": "}",
        "plus": "+",
    }
    return ", ".join(names.get(k.strip(), k.strip()) for k in keys.split(","))
