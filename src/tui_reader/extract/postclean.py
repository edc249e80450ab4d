"""Cleaning the extracted blocks: what readability keeps but a reader does not want.

The headline and byline repeated at the top of the body, bare timestamps, share and subscribe
lines, comment-moderation notices, tag lists, captions printed twice, debris.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tui_reader.document import Block
from tui_reader.extract.dates import DATE, DATE_WORDS, parse_date
from tui_reader.extract.debris import scrub_text
from tui_reader.extract.metadata import Metadata, clean_byline
from tui_reader.sanitize import normalize_spaces
from tui_reader.words import fold

_NORM = re.compile(r"[\W_]+")
_BOILERPLATE = re.compile(
    r"^(?:share (?:this|on|via|the|article|story|page)\b|share$|tweet$|email$|print$|"
    r"(?:follow|like) us\b|sign up (?:for|to)\b|subscribe (?:to|for|now|today)\b|subscribe$|"
    r"(?:click|tap) here to\b|advertisement$|sponsored content$|read more\W*$|"
    r"(?:continue|keep) reading\b|the post .{1,200} appeared first on\b|\[?(?:…|\.\.\.)\]?$|"
    r"(?:related|recommended)(?: (?:articles?|stories|posts|content|reading|links))?:?$|"
    r"you may also like\b|more from\b|most (?:read|popular)\b|"
    r"comments? (?:are|is) (?:moderated|closed)\b|we moderate\b|"
    r"(?:leave|post|add|write) a (?:comment|reply)\b|\d+ comments?$|no comments\b|"
    r"tags?:|topics?:|filed under:?|categor(?:y|ies):|posted in:?|"
    r"(?:photo|image|picture)s?: *$|loading\W*$|"
    r"this (?:article|story|content) (?:is|was) (?:closed|not available)\b|"
    r"copyright ©|©\s*\d{4}|all rights reserved|"
    r"(?:story|article) continues below\b|continue reading below\b|scroll (?:down )?to continue\b|"
    r"view this post on (?:instagram|twitter|facebook|tiktok)\b|a post shared by\b|"
    r"listen to (?:this|the) (?:article|story|episode)\b|\d+ min(?:ute)?s? read\W*$|"
    r"(?:photo|photograph|image|picture|illustration|video)s? (?:by|credit|courtesy)\b|"
    r"(?:photo|photograph|image|picture|illustration)s?(?: source| credits?)?: |credit: |"
    r"\(?(?:ap|afp|reuters|getty images?|shutterstock|epa|dpa)\b[^.]{0,40}\)?$)",
    re.I,
)
# "Read more: <a headline>" and the like: a pointer to another article, mostly link.
_POINTER = re.compile(
    r"^(?:read|see|watch|listen)(?: (?:more|also|next))?\s*:|^(?:related|more|also read|"
    r"recommended|further reading|more on this)\s*:",
    re.I,
)
_WORDS = re.compile(r"[^\W\d_]{2,}")
_HEAD_BLOCKS = 8
_HEAD_PROSE = 200  # characters of a paragraph from which it is the article's prose
_HEAD_LABEL = re.compile(
    r"^(?:by|(?:posted|published|updated|written|edited|reviewed|fact[- ]checked)(?: (?:by|on))?"
    r"|last updated(?: on)?|date|author)\W*$",
    re.I,
)
_HAS_WORD = re.compile(r"\w")
# What an image's button says, printed where its caption is.
_UI_LABEL = re.compile(
    r"^(?:(?:click|tap) to )?(?:enlarge|expand|zoom|open|view|see|show)"
    r"(?: (?:the |this )?(?:image|photo|picture|gallery|slideshow|full ?screen|larger))?"
    r"(?: \d+ (?:images|photos))?\W*$",
    re.I,
)
_UPDATED = re.compile(r"\b(?:updated|modified|edited)\b", re.I)
_BYLINE_START = re.compile(r"^(?:by|written by|words by|story by|posted by|author:)\s+\S", re.I)
# Who checked the article, printed with its byline: a line of the head, not its author.
_CHECKED_BY = re.compile(
    r"^(?:medically |expert[- ])?(?:reviewed|fact[- ]checked|edited|verified) by\s+\S", re.I
)


_TITLE_SLACK = 20  # characters a repeated headline may have beyond twice its length


def _norm(text: str) -> str:
    return _NORM.sub(" ", fold(text)).strip()


def similarity(a: str, b: str) -> float:
    """How much of ``b`` is made of words from ``a`` (1.0: all of it), by characters."""
    words_a = set(_norm(a).split())
    words_b = _norm(b).split()
    if not words_b:
        return 0.0
    extra = [w for w in words_b if w not in words_a]
    return 1 - len(" ".join(extra)) / len(" ".join(words_b))


def _is_title(text: str, meta: Metadata) -> bool:
    """The headline repeated in the body (Readability.js's test: > 75% similar), never a
    block more than twice its length (a lead paragraph that starts by restating it)."""
    return any(
        candidate
        and len(text) <= 2 * len(candidate) + _TITLE_SLACK
        and similarity(candidate, text) > 0.75
        for candidate in (meta.title, meta.page_title, *meta.headings)
    )


def is_timestamp(text: str) -> bool:
    """A block that is only a date or time (with words like "Updated" around it, or a name)."""
    if len(text) > 80 or not DATE.search(text):
        return False
    if text.rstrip().endswith((".", "!", "?")) and not text.rstrip().endswith(("a.m.", "p.m.")):
        return False  # a sentence that mentions a date
    rest = DATE_WORDS.sub(" ", DATE.sub(" ", text))
    return len(_WORDS.findall(rest)) <= 2


def _is_byline(text: str, meta: Metadata) -> bool:
    if len(text) > 120:
        return False
    norm = _norm(text)
    byline = _norm(meta.byline)
    if byline and (
        norm == byline
        or norm == "by " + byline
        or (
            len(byline) > 5
            and norm.startswith(("by " + byline, byline))
            and len(norm) < len(byline) + 40
        )
    ):
        return True
    return bool(_BYLINE_START.match(text)) and len(text.split()) <= 12 and not text.endswith(".")


def is_boilerplate(text: str) -> bool:
    return len(text) <= 120 and bool(_BOILERPLATE.match(text.strip()))


def is_pointer(block: Block) -> bool:
    """A "Read more: <link to another story>" line."""
    if len(block.text) > 250 or not _POINTER.match(block.text):
        return False
    linked = sum(s.end - s.start for s in block.spans if s.kind == "link")
    return linked >= len(block.text) * 0.5


def clean_blocks(blocks: Sequence[Block], meta: Metadata) -> list[Block]:
    out: list[Block] = []
    for block in blocks:
        has_code = any(span.kind == "code" for span in block.spans)
        if block.kind not in ("code", "table") and not has_code:
            # (Text in code spans is prose about code: the tree was scrubbed around it.)
            scrubbed = scrub_text(block.text)
            if scrubbed != block.text:
                if not scrubbed.strip() and block.kind != "figure":
                    continue  # nothing but debris
                block = Block(
                    block.kind,
                    normalize_spaces(scrubbed).strip("\n")
                    if block.kind in ("paragraph", "quote")
                    else " ".join(scrubbed.split()),
                    level=block.level,
                    ordered=block.ordered,
                    number=block.number,
                    src=block.src,
                )
                if not block.text and block.kind != "figure":
                    continue
        if block.kind not in ("code", "table", "figure") and (
            is_boilerplate(block.text) or is_pointer(block)
        ):
            continue
        if (
            out
            and block.kind in ("heading", "figure")
            and block.kind == out[-1].kind
            and block.text == out[-1].text
            and block.src == out[-1].src
        ):
            continue  # printed twice
        if (
            out
            and block.kind == "paragraph"
            and out[-1].kind == "figure"
            and _norm(block.text) == _norm(out[-1].text)
        ):
            continue  # the caption again
        if (
            block.kind == "figure"
            and block.text
            and (
                _UI_LABEL.match(block.text)
                or (out and out[-1].kind == "figure" and _norm(out[-1].text) == _norm(block.text))
            )
        ):
            # A button's label for a caption, or the caption of the image beside it again.
            block = Block("figure", "", src=block.src, alt=block.alt)
            if not block.src and not block.alt:
                continue
        if block.kind == "paragraph" and _UI_LABEL.match(block.text):
            continue
        out.append(block)
    _lift_head(out, meta)
    while out and out[-1].kind in ("paragraph", "heading") and is_timestamp(out[-1].text):
        out.pop()
    drop_author_box(out, meta)
    _drop_social_links(out)
    _drop_tag_cloud(out)
    drop_repeated_copies(out)
    return out


def is_head_line(text: str, meta: Metadata) -> bool:
    """A line of an article's head: its headline again, a byline, a date, a label."""
    return (
        is_timestamp(text)
        or _is_byline(text, meta)
        or _is_title(text, meta)
        or _is_head_label(text)
    )


def _is_checked_by(text: str) -> bool:
    return bool(_CHECKED_BY.match(text)) and len(text.split()) <= 12 and not text.endswith(".")


def _is_head_label(text: str) -> bool:
    return len(text) <= 30 and bool(_HEAD_LABEL.match(text))


def _lift_head(out: list[Block], meta: Metadata) -> None:
    """The headline, byline and date printed above the article (and their labels: "By",
    "Posted on") leave the body; a date or a byline the metadata lacks is taken from them.

    The head is the blocks before the article's prose starts: at most ``_HEAD_BLOCKS``, and
    no further than the first long paragraph after the first kept one (a standfirst above
    the headline is kept, and so is what follows it)."""
    head = 0
    prose = 0
    updated = ""
    while head < min(len(out), _HEAD_BLOCKS):
        block = out[head]
        text = block.text
        # (The date and byline may be items of a list: a theme's "post meta" list, above
        # the prose. A list after the article's first paragraph is the article's: a
        # podcast's chapters, "00:00 Intro", an agenda's "9:00 Doors open".)
        if block.kind in ("heading", "paragraph") or (block.kind == "list_item" and not prose):
            stamp = is_timestamp(text)
            if stamp or _is_byline(text, meta):
                found = parse_date(text) if stamp else ""
                if found and _UPDATED.search(text):
                    updated = updated or found
                elif found and not meta.published:
                    meta.published = found
                if not meta.byline and _BYLINE_START.match(text):
                    meta.byline = clean_byline(text)
                del out[head]
                continue
            if (
                _is_title(text, meta)
                or _is_head_label(text)
                or not _HAS_WORD.search(text)
                or _is_checked_by(text)
            ):
                del out[head]
                continue
        if block.kind in ("figure", "heading"):
            head += 1
            continue
        if block.kind != "paragraph" or len(text) >= _HEAD_PROSE:
            prose += 1
            if prose > 1 or block.kind != "paragraph":
                break
        head += 1
    if updated and not meta.published:
        meta.published = updated  # the only date the page gives


_TAIL_BLOCKS = 10  # blocks at the end of the body where an author box is looked for
_BIO_CHARS = 600
# "<Name> is a reporter at ...", "<Name>, AIHR's founder, has trained ...": a person said to
# be something, in the third person.
_BIO_CLAUSE = re.compile(
    r"^(?:about the author\W+)?(?:(?:dr|mr|mrs|ms|prof)\.? )?[^\W\d_][\w.'’-]*"
    r"(?: [^\W\d_][\w.'’-]*){0,3}(?:,[^,.]{1,80},)? (?:(?:is|was) (?:a|an|the|[\w-]+['’]s)\b|"
    r"has (?:been|written|worked|trained|spent|covered|reported)\b|writes (?:about|for|on)\b|"
    r"covers\b|joined\b|serves as\b)",
    re.I,
)
_ABOUT_AUTHOR = re.compile(r"^about (?:the )?author\b", re.I)
_ROLE_LINE_CHARS = 80
_BOX_BEFORE = 5  # blocks of an author box above its bio: tabs, avatar, name, role
_ROLE_LINE_WORDS = 6


def _name_parts(byline: str, site_name: str) -> set[str]:
    """The words naming the byline's people (a byline that is the site itself names none)."""
    site = set(_norm(site_name).split())
    return {
        w
        for w in _norm(byline).split()
        if len(w) > 2 and w not in ("and", "the", "staff", "team") and w not in site
    }


def _is_bio(block: Block, names: set[str]) -> bool:
    """A short paragraph about a person: "About the author", or a third-person sentence
    ("... is a writer at ...") whose subject names the byline's author (any author when the
    page names none)."""
    text = block.text
    if block.kind != "paragraph" or len(text) > _BIO_CHARS:
        return False
    if _ABOUT_AUTHOR.match(text):
        return True
    match = _BIO_CLAUSE.match(text)
    if match is None:
        return False
    subject = set(_norm(match.group(0)).split())
    return bool(subject & names) if names else False


def _is_box_part(block: Block, names: set[str]) -> bool:
    """What sits beside an author's bio in an author box: the avatar, the name, a role line
    ("Executive Director at ..."), a short line of links, another author's bio."""
    if block.kind == "figure":
        return not block.text
    if block.kind not in ("paragraph", "heading", "list_item"):
        return False
    text = block.text
    if _norm(text) and set(_norm(text).split()) <= names | {"by", "about", "author", "the"}:
        return True
    if (
        len(text) <= _ROLE_LINE_CHARS
        and len(text.split()) <= _ROLE_LINE_WORDS
        and not text.rstrip().endswith((".", "!", "?", ":"))
    ):
        return True
    return block.kind == "paragraph" and bool(_BIO_CLAUSE.match(text)) and len(text) <= _BIO_CHARS


def drop_author_box(out: list[Block], meta: Metadata) -> None:
    """An author's bio at the end of the article (and the box around it: avatar, name, role,
    links, the co-authors' bios) leaves the body. Only in the last blocks, and only what is
    an author box from the bio to the end; a paragraph of the article's own after the bio
    (a question to readers) stays, the bio alone is taken out."""
    names = _name_parts(meta.byline, meta.site_name)
    first = max(len(out) - _TAIL_BLOCKS, 0)
    bio = next((i for i in range(first, len(out)) if _is_bio(out[i], names)), None)
    if bio is None:
        return
    start = bio
    while (
        start > max(first, 1, bio - _BOX_BEFORE)
        and out[start - 1].kind in ("figure", "paragraph", "heading", "list_item")
        and _is_box_part(out[start - 1], names)
    ):
        start -= 1
    if all(_is_box_part(b, names) or _is_bio(b, names) for b in out[bio + 1 :]):
        del out[start:]
    else:
        del out[start : bio + 1]


_SOCIAL_HOST = re.compile(
    r"^https?://(?:[\w-]+\.)*(?:twitter\.com|x\.com|facebook\.com|fb\.com|instagram\.com|"
    r"linkedin\.com|threads\.net|bsky\.app|mastodon\.[a-z]+|youtube\.com|tiktok\.com|"
    r"pinterest\.com|reddit\.com|t\.me|wa\.me|whatsapp\.com)(?:[/:?#]|$)",
    re.I,
)


_FOLLOW_CHARS = 160
_FOLLOW_OTHER_WORDS = 8  # words outside the links ("Follow AP on", "and", "or")


def _social_only(block: Block) -> bool:
    """A line of links to social accounts: every link one, and the words around them few
    ("Follow us on Facebook, X and Instagram"); one link in a sentence is the article's."""
    links = [s for s in block.spans if s.kind == "link"]
    if block.kind not in ("paragraph", "list_item", "heading") or not links:
        return False
    if len(block.text) > _FOLLOW_CHARS or not all(_SOCIAL_HOST.match(s.href) for s in links):
        return False
    if _all_link(block):
        return True
    other = list(block.text)
    for span in links:
        other[span.start : span.end] = " " * (span.end - span.start)
    return len(links) >= 2 and len("".join(other).split()) <= _FOLLOW_OTHER_WORDS


def _drop_social_links(out: list[Block]) -> None:
    """Links to the author's or the site's social accounts at the end of the body (each
    block nothing but such links), and a short heading over them ("Follow us")."""
    end = len(out)
    while end and _social_only(out[end - 1]):
        end -= 1
    if end == len(out):
        return
    del out[end:]
    if out and out[-1].kind == "heading" and len(out[-1].text.split()) <= 4:
        out.pop()


def _all_link(block: Block) -> bool:
    linked = sum(s.end - s.start for s in block.spans if s.kind == "link")
    return linked >= len(block.text.replace(",", "").replace(" ", "")) * 0.9


def _drop_tag_cloud(out: list[Block]) -> None:
    """A list of one- to three-word links at the end (tags, topics), and its heading."""
    end = len(out)
    while end and out[end - 1].kind == "list_item" and len(out[end - 1].text.split()) <= 3:
        if not _all_link(out[end - 1]) or "/" in out[end - 1].text or "www." in out[end - 1].text:
            break  # not a tag: a link list ("Sources: https://...")
        end -= 1
    if len(out) - end >= 3:
        del out[end:]
    elif out and out[-1].kind == "paragraph" and _all_link(out[-1]):
        words = out[-1].text.replace(",", " ").split()
        links = sum(1 for s in out[-1].spans if s.kind == "link")
        if links >= 3 and len(words) <= links * 3:
            out.pop()  # "bridges, transport, council" as one line of links
        else:
            return
    else:
        return
    if out and out[-1].kind == "heading" and len(out[-1].text.split()) <= 3:
        out.pop()


_COPY_ANCHOR = 80  # characters of a block repeated word for word that marks a second copy
_COPY_DISTINCT = 2  # different such blocks in a second copy (not one paragraph printed again)
_COPY_CHARS = 500  # characters of a second copy
_COPY_SHARE = 0.2  # share of all the text a second copy holds (the article again, not a note)


def drop_repeated_copies(out: list[Block]) -> None:
    """A second copy of a run of blocks: the same text again, block for block (a page that
    prints its article once per screen size and hides all but one with its style sheet).

    A run is anchored at a block of >= _COPY_ANCHOR characters that repeats an earlier block
    word for word; it extends forward and backward while the blocks repeat those beside the
    first copy, and goes. Each block is looked at a bounded number of times: linear."""
    texts = [" ".join(b.text.split()) for b in out]
    keys = [(b.kind, text, b.src, b.rows) for b, text in zip(out, texts, strict=True)]
    total = sum(len(b.text) for b in out)
    first: dict[tuple[str, str, str, tuple[tuple[str, ...], ...]], int] = {}
    drop = [False] * len(out)
    done = 0  # blocks before this one belong to a run already judged
    i = 0
    while i < len(out):
        j = first.get(keys[i])
        if j is None or len(texts[i]) < _COPY_ANCHOR:
            first.setdefault(keys[i], i)
            i += 1
            continue
        end = i
        while end < len(out) and end + j - i < i and keys[end] == keys[end + j - i]:
            end += 1
        start = i
        back = j - i  # the first copy's block beside block k is k + back
        while start > done and start + back > 0 and keys[start - 1] == keys[start - 1 + back]:
            start -= 1
        run = range(start, end)
        long_texts = {texts[k] for k in run if len(texts[k]) >= _COPY_ANCHOR}
        size = sum(len(out[k].text) for k in run)
        if len(long_texts) >= _COPY_DISTINCT and size >= max(_COPY_CHARS, total * _COPY_SHARE):
            for k in run:
                drop[k] = True
        i = done = end
    if any(drop):
        out[:] = [b for b, gone in zip(out, drop, strict=True) if not gone]
