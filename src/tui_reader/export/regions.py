"""The parts of an exported file that tui-reader owns, and how to find them again.

A generated region sits between two HTML comments (invisible when rendered)::

    <!-- tui-reader:begin highlights sha256=3d9a41c0b7e2f115 ids=4b1c2f0e,9d0e11aa -->
    ...
    <!-- tui-reader:end highlights -->

``sha256`` is a hash of what was written between the markers: when the content still hashes
to it the user has not edited the region and a re-export may rewrite it; otherwise the user's
text is left alone. ``ids`` lists the highlights written there, so that a highlight the user
deleted from an edited region is not added back. Everything outside the regions and the front
matter keys tui-reader writes belongs to the user and is kept byte for byte.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

BEGIN = re.compile(r"^<!-- tui-reader:begin ([a-z][a-z-]*)((?: [a-z0-9]+=[^\s]*)*) -->\s*$")
END = re.compile(r"^<!-- tui-reader:end ([a-z][a-z-]*) -->\s*$")
BLOCK_ID = re.compile(r"^\^(hl-[0-9a-zA-Z]+)\s*$", re.MULTILINE)


def content_hash(content: str) -> str:
    """Hash of region content, blind to line endings, trailing spaces and blank lines at the
    ends (editors change those without the user editing anything)."""
    lines = [line.rstrip() for line in content.splitlines()]
    first = next((i for i, line in enumerate(lines) if line), len(lines))
    lines = lines[first:]  # (one slice: pop(0) per blank line was quadratic)
    while lines and not lines[-1]:
        lines.pop()
    return hashlib.sha256("\n".join(lines).encode("utf-8", "surrogatepass")).hexdigest()[:16]


def begin_marker(name: str, attrs: dict[str, str]) -> str:
    extra = "".join(f" {k}={v}" for k, v in attrs.items())
    return f"<!-- tui-reader:begin {name}{extra} -->"


def end_marker(name: str) -> str:
    return f"<!-- tui-reader:end {name} -->"


def region_text(name: str, content: str, attrs: dict[str, str] | None = None) -> str:
    """A whole region, markers included, with the hash of ``content``."""
    body = content.strip("\n")
    head = {"sha256": content_hash(body), **(attrs or {})}
    inner = body + "\n" if body else ""
    return f"{begin_marker(name, head)}\n{inner}{end_marker(name)}"


@dataclass
class Region:
    name: str
    attrs: dict[str, str]
    begin: int  # index of the begin marker line
    end: int  # index of the end marker line
    lines: list[str] = field(default_factory=list)

    @property
    def content(self) -> str:
        return "".join(self.lines)

    @property
    def intact(self) -> bool:
        """Unedited since tui-reader wrote it (also once a tool re-normalised its Unicode:
        macOS's and some sync tools' NFD, which froze an untouched region as edited)."""
        expected = self.attrs.get("sha256")
        content = self.content
        if expected == content_hash(content):
            return True
        normal = unicodedata.normalize("NFC", content)
        return normal != content and expected == content_hash(normal)

    @property
    def ids(self) -> set[str]:
        raw = self.attrs.get("ids", "")
        return {"hl-" + i for i in raw.split(",") if i}


def find_regions(lines: Sequence[str]) -> dict[str, Region]:
    """Well-formed regions by name (the first of each name); a begin without its end, or
    regions overlapping, are not regions (so they are never rewritten)."""
    out: dict[str, Region] = {}
    i = 0
    while i < len(lines):
        m = BEGIN.match(lines[i])
        if not m:
            i += 1
            continue
        name = m.group(1)
        attrs = dict(a.split("=", 1) for a in m.group(2).split())
        j = i + 1
        while j < len(lines):
            if END.match(lines[j]) or BEGIN.match(lines[j]):
                break
            j += 1
        e = END.match(lines[j]) if j < len(lines) else None
        if e is not None and e.group(1) == name:
            out.setdefault(name, Region(name, attrs, i, j, list(lines[i + 1 : j])))
            i = j + 1
        else:
            i = j
    return out


def block_ids(text: str) -> set[str]:
    """Highlight ids written as Obsidian block ids anywhere in a file."""
    return set(BLOCK_ID.findall(text))


def ids_attr(ids: Sequence[str]) -> str:
    return ",".join(i.removeprefix("hl-") for i in ids)


# -- front matter --------------------------------------------------------------------------

_KEY = re.compile(r"^([A-Za-z0-9_][A-Za-z0-9_ -]*?):(?:\s|$)")


def split_front_matter(text: str) -> tuple[list[str] | None, str]:
    """(front matter lines without the ``---`` fences, the rest of the file). A byte-order
    mark and blank lines before the opening fence (Notepad's, a sync tool's) are no reason
    not to read it: the file was not recognised, and a second copy of it was written."""
    head = text.lstrip("\ufeff \t\r\n")
    if not head.startswith("---\n") and not head.startswith("---\r\n"):
        return None, text
    lines = head.splitlines(keepends=True)
    for i in range(1, len(lines)):
        if lines[i].rstrip("\r\n") in ("---", "..."):
            return [ln.rstrip("\r\n") for ln in lines[1:i]], "".join(lines[i + 1 :])
    return None, text


def front_matter_value(lines: Sequence[str], key: str) -> str | None:
    """A top-level scalar's value (quotes removed), or None."""
    for line in lines:
        m = _KEY.match(line)
        if m and m.group(1) == key:
            return scalar_value(line[m.end() :])
    return None


def scalar_value(raw: str) -> str:
    """A YAML scalar as written after its key, quotes removed."""
    raw = raw.strip()
    if raw.startswith('"'):
        try:
            value = json.loads(raw)
        except ValueError:
            return raw.strip('"')
        return str(value)
    if raw.startswith("'") and raw.endswith("'") and len(raw) >= 2:
        return raw[1:-1].replace("''", "'")
    if raw[:1] in "\u201c\u2018" and raw[-1:] in "\u201d\u2019" and len(raw) >= 2:
        return raw[1:-1]  # (quotes a "smart punctuation" tool made typographic)
    return raw


def _entries(lines: Sequence[str]) -> Iterator[tuple[str | None, list[str]]]:
    """Top-level keys with their lines (continuations included); None for stray lines."""
    key: str | None = None
    chunk: list[str] = []
    for line in lines:
        m = _KEY.match(line)
        if m and not line[:1].isspace():
            if chunk:
                yield key, chunk
            key, chunk = m.group(1), [line]
        else:
            chunk.append(line)
    if chunk:
        yield key, chunk


def _list_items(chunk: list[str]) -> list[str] | None:
    """The strings of a YAML list (flow ``[a, "b"]`` or block ``- a``), or None if it is
    something this reader does not understand (then it is left alone)."""
    head = chunk[0].split(":", 1)[1].strip()
    if head.startswith("["):
        inner = " ".join([head, *(c.strip() for c in chunk[1:])]).strip()
        if not inner.endswith("]"):
            return None
        items = []
        for part in inner[1:-1].split(","):
            part = part.strip()
            if not part:
                continue
            if part.startswith('"'):
                try:
                    items.append(str(json.loads(part)))
                except ValueError:
                    return None
            else:
                items.append(part.strip("'"))
        return items
    if head == "":
        items = []
        for c in chunk[1:]:
            s = c.strip()
            if not s:
                continue
            if not s.startswith("- "):
                return None
            items.append(s[2:].strip().strip('"').strip("'"))
        return items
    return [head.strip('"').strip("'")] if head else []


# What an export wrote to the front matter, kept in its header part's begin marker (``fm=``):
# a short hash of each value (``title.1a2b3c4d``; each item of a list, ``tags.…``). A value
# that still hashes to what was written is the export's own, updated when the article changes;
# any other is the user's edit (Obsidian's properties panel invites editing the title), kept;
# a key the user deleted is not written again, nor a tag they removed from the list. The id and
# the export time are always the export's.
FIXED_KEYS = ("article_id", "exported")


def written_entry(key: str, value: str) -> str:
    digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{key}.{digest}"


def parse_written(attr: str | None) -> frozenset[str] | None:
    """The ``fm=`` record of a header marker; None if there is none (an older export)."""
    if attr is None:
        return None
    return frozenset(e for e in attr.split(",") if "." in e)


def written_attr(entries: frozenset[str]) -> str:
    return ",".join(sorted(entries))


@dataclass(frozen=True)
class MergedFront:
    lines: list[str]
    written: frozenset[str]  # the record of what is now the export's (see FIXED_KEYS)


def merge_front_matter(
    old: Sequence[str],
    ours: Sequence[tuple[str, str]],
    *,
    list_keys: Sequence[str] = ("tags",),
    written: frozenset[str] | None = None,
) -> MergedFront:
    """The old front matter with our keys set to new values (in place, or appended), our keys
    that are now empty removed, the user's keys kept as they were. For ``list_keys``, the
    user's items are kept and ours added. With ``written`` (the record of the last export),
    the user's edits of our values are kept too (see FIXED_KEYS); a value that reads the same
    as ours is left in the user's style (quotes, a block list), not rewritten."""
    new = dict(ours)
    out: list[str] = []
    done: set[str] = set()
    record: set[str] = set()
    offered = written or frozenset()
    recorded = {e.split(".", 1)[0] for e in offered}

    def kept(key: str) -> None:
        record.update(e for e in offered if e.startswith(key + "."))

    for key, chunk in _entries(old):
        if key is None or key not in new:
            out.extend(chunk)
            continue
        if key in done:
            continue  # a duplicate of one of our keys: dropped
        done.add(key)
        value = new[key]
        if key in list_keys:
            theirs = _list_items(chunk)
            if theirs is None:
                out.extend(chunk)  # not understood: not touched
                kept(key)
                continue
            mine = json.loads(value) if value else []
            have = {t.removeprefix("#") for t in theirs}  # (a tag written as Obsidian's "#tag")
            add = [t for t in mine if t not in have and written_entry(key, t) not in offered]
            kept(key)
            record.update(written_entry(key, t) for t in mine)
            if add:
                out.append(f"{key}: {yaml_list([*theirs, *add])}")
            else:
                out.extend(chunk)  # nothing to add: the user's list as they wrote it
            continue
        current = scalar_value(chunk[0].split(":", 1)[1])
        mine_value = scalar_value(value) if value else None
        if key in FIXED_KEYS:
            if value and current == mine_value and len(chunk) == 1:
                out.extend(chunk)
            elif value:
                out.append(f"{key}: {value}")
            continue
        if mine_value is not None and current == mine_value and len(chunk) == 1:
            out.extend(chunk)  # the same value, in the user's style
            record.add(written_entry(key, mine_value))
        elif written is not None and (
            key not in recorded or written_entry(key, current) not in offered or len(chunk) > 1
        ):
            out.extend(chunk)  # the user's value (edited, or a key they added): kept
            kept(key)
        elif mine_value is not None:
            out.append(f"{key}: {value}")
            record.add(written_entry(key, mine_value))
    for key, value in ours:
        if key in done or not value:
            continue
        if written is not None and key in recorded and key not in FIXED_KEYS:
            kept(key)  # deleted by the user: not written again
            continue
        if key in list_keys:
            items = json.loads(value)
            if items:
                out.append(f"{key}: {yaml_list(items)}")
                record.update(written_entry(key, t) for t in items)
        else:
            out.append(f"{key}: {value}")
            if key not in FIXED_KEYS:
                record.add(written_entry(key, scalar_value(value)))
    return MergedFront(out, frozenset(record))


# What a YAML reader does not take as itself inside a double-quoted scalar: C1 controls (NEL,
# U+0085, is a line break to YAML 1.1), the line and paragraph separators (line breaks too),
# lone surrogates and U+FFFE/U+FFFF (not allowed at all: the whole front matter fails to load).
_YAML_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


def yaml_quoted(text: str) -> str:
    """``text`` as a YAML double-quoted scalar that every YAML reader reads back as ``text``:
    JSON's string syntax (a subset of YAML's), and a \\u escape for each character above."""
    return _YAML_UNSAFE.sub(
        lambda m: f"\\u{ord(m.group()):04x}", json.dumps(text, ensure_ascii=False)
    )


def yaml_list(items: Sequence[str]) -> str:
    return "[" + ", ".join(yaml_quoted(i) for i in items) + "]"


def front_matter_text(lines: Sequence[str]) -> str:
    return "---\n" + "".join(line + "\n" for line in lines) + "---\n"
