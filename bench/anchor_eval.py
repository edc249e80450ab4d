"""Re-anchoring quality on real articles: nine kinds of change, four kinds of highlight.

Run: ``.venv/bin/python -m bench.anchor_eval`` (``--speed`` also prints the 20,000-word
timings of :mod:`bench.anchor_bench`; ``--show KIND`` prints the failures of one kind).

The articles are the corpus's real texts: the text of every ``readability-pages/*/expected.html``
and the ``articleBody`` of the ``modern-pages`` articles. In each, highlights are made the way a
reader makes them (whole sentences, fragments of 3-12 words, phrases of 1-3 words, whole
paragraphs), then the article is changed in one of nine ways, the true new position of the
passage is tracked through the edit, and :func:`tui_reader.anchor.locate` is scored against it:
placed right (the placement covers the passage), left unanchored, or placed WRONG. Where the
passage is gone (its paragraph deleted, its sentence rewritten) the right answer is
"unanchored".

The articles are split in two fixed halves (even and odd position in the sorted list): tune
looking at the even half only and check that the odd half agrees.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tui_reader import anchor

SHARED = Path(
    os.environ.get("TUI_READER_SHARED", Path(__file__).resolve().parents[1].parent / "shared")
)
CORPUS = SHARED / "corpus"
SEP = "\n\n"  # Document.text joins blocks with a blank line

KINDS = (
    ("none", "none"),
    ("above", "paragraphs inserted above (an update note, an ad)"),
    ("inside", "a typo fixed or one word changed inside the quote"),
    ("typography", "typography changed (quotes, dashes, spaces)"),
    ("around", "words changed in the text just around the quote"),
    ("deleted", "the quote's paragraph deleted (right answer: unanchored)"),
    ("rewritten", "the quote's sentence rewritten (right answer: unanchored)"),
    ("reextracted", "re-extracted: boilerplate lines added, text re-flowed"),
    ("copied", "the quoted sentence also copied elsewhere"),
    ("beside", "the sentence next to the quote's, in its paragraph, rewritten"),
)
GONE = {"deleted", "rewritten"}  # the passage is no longer there
SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)")
WORD = re.compile(r"\w+")
TOKEN = re.compile(r"\S+")
BOILERPLATE = (
    "Advertisement",
    "Share this article",
    "Continue reading below",
    "Sign up for our newsletter",
    "Photo: Getty Images",
    "Read more",
    "Related: The stories you may have missed",
    "Skip to main content",
)
NOTES = (
    "Update: This article has been updated with additional reporting.",
    "Correction: An earlier version of this story misstated a date.",
    "Advertisement",
    "Editor's note: This story was first published last week and has been updated.",
)


# -- articles --------------------------------------------------------------------------------


def _readability_paras(path: Path) -> list[str]:
    import lxml.html

    root = lxml.html.fromstring(path.read_text("utf-8"))
    out = []
    blocks = ("p", "h1", "h2", "h3", "h4", "li", "blockquote", "pre")
    inner = "|".join(f".//{t}" for t in blocks)
    for el in root.iter(*blocks):
        if el.xpath(inner):  # its text comes with the blocks inside it
            continue
        text = " ".join("".join(str(t) for t in el.itertext()).split())
        if text:
            out.append(text)
    return out


def articles(modern_limit: int = 130) -> list[tuple[str, list[str]]]:
    """(name, paragraphs) of every usable article, in a fixed order."""
    out: list[tuple[str, list[str]]] = []

    def usable(paras: list[str]) -> bool:
        return len(paras) >= 6 and sum(len(p.split()) for p in paras) >= 300

    pages = CORPUS / "readability-pages"
    for page in sorted(pages.iterdir()) if pages.is_dir() else []:
        f = page / "expected.html"
        if f.is_file():
            paras = _readability_paras(f)
            if usable(paras):
                out.append((f"readability/{page.name}", paras))
    truth = CORPUS / "modern-pages" / "ground-truth.json"
    if truth.is_file():
        data = json.loads(truth.read_text("utf-8"))
        taken = 0
        for key in sorted(data):
            if data[key].get("page_type") != "article" or taken >= modern_limit:
                continue
            paras = [" ".join(p.split()) for p in str(data[key]["articleBody"]).split("\n")]
            paras = [p for p in paras if p]
            if usable(paras):
                out.append((f"modern/{key}", paras))
                taken += 1
    return out


# -- highlights ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Highlight:
    kind: str  # sentence, fragment, phrase, paragraph
    start: int
    end: int
    para: int  # index of the paragraph holding its start


def para_starts(paras: list[str]) -> list[int]:
    starts, pos = [], 0
    for p in paras:
        starts.append(pos)
        pos += len(p) + len(SEP)
    return starts


def highlights(paras: list[str], rnd: random.Random) -> list[Highlight]:
    starts = para_starts(paras)
    sents: list[tuple[int, int, int]] = []
    for i, p in enumerate(paras):
        for s, e in sentence_bounds(p):
            if 20 <= e - s <= 400 and len(p[s:e].split()) >= 4:
                sents.append((i, starts[i] + s, starts[i] + e))
    out: list[Highlight] = []
    for i, s, e in rnd.sample(sents, min(4, len(sents))):
        out.append(Highlight("sentence", s, e, i))
    for kind, lo, hi, n in (("fragment", 3, 12, 4), ("phrase", 1, 3, 3)):
        pool = sents
        for _ in range(n * 5):
            if len([h for h in out if h.kind == kind]) >= n or not pool:
                break
            i, s, e = rnd.choice(pool)
            text = paras[i][s - starts[i] : e - starts[i]]
            toks = list((WORD if kind == "phrase" else TOKEN).finditer(text))
            if len(toks) < lo:
                continue
            k = rnd.randint(lo, min(hi, len(toks)))
            j = rnd.randint(0, len(toks) - k)
            a, b = toks[j].start(), toks[j + k - 1].end()
            if kind == "fragment":  # a selection ends on a word, not on its punctuation
                while b > a and not text[b - 1].isalnum():
                    b -= 1
                while a < b and not text[a].isalnum():
                    a += 1
            if b - a < 4:
                continue
            out.append(Highlight(kind, s + a, s + b, i))
    paragraph_pool = [i for i, p in enumerate(paras) if len(p) >= 80]
    for i in rnd.sample(paragraph_pool, min(2, len(paragraph_pool))):
        out.append(Highlight("paragraph", starts[i], starts[i] + len(paras[i]), i))
    return out


# -- edits, with the highlight's true position tracked through them ----------------------------

Edit = tuple[int, int, str]  # replace text[a:b] by the string


def apply(text: str, edits: list[Edit]) -> tuple[str, Callable[[int, bool], int]]:
    """The edited text and a map old offset -> new offset (``end``: the offset ends a span)."""
    edits = sorted(edits, key=lambda e: (e[0], e[1]))
    parts, pos = [], 0
    for a, b, r in edits:
        assert a >= pos, "overlapping edits"
        parts.append(text[pos:a])
        parts.append(r)
        pos = b
    parts.append(text[pos:])

    def mapped(p: int, end: bool) -> int:
        shift = 0
        for a, b, r in edits:
            if a < p < b:  # inside a replaced stretch: its edge
                return a + shift + (len(r) if end else 0)
            if b < p or (b == p and (not end or a < b)):
                shift += len(r) - (b - a)
        return p + shift

    return "".join(parts), mapped


def sentence_spans(paras: list[str]) -> list[tuple[int, int]]:
    starts = para_starts(paras)
    out = []
    for i, p in enumerate(paras):
        for s, e in sentence_bounds(p):
            out.append((starts[i] + s, starts[i] + e))
    return out


def typo(word: str, rnd: random.Random) -> str:
    """The word with one letter swapped, dropped or replaced (a different word)."""
    while True:
        i = rnd.randrange(len(word) - 1)
        how = rnd.randrange(3)
        if how == 0 and word[i] != word[i + 1]:
            new = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        elif how == 1:
            new = word[:i] + word[i + 1 :]
        else:
            new = word[:i] + rnd.choice("aeiourstn") + word[i + 1 :]
        if new.lower() != word.lower():
            return new


def word_swap(word: str, rnd: random.Random, vocab: list[str]) -> str:
    """A different word: a typo of this one, or another word of the corpus."""
    if len(word) >= 3 and rnd.random() < 0.6:
        return typo(word, rnd)
    new = rnd.choice(vocab)
    while new.lower() == word.lower():
        new = rnd.choice(vocab)
    return new


Truth = tuple[int, int] | None  # the passage's span in the changed text; None: it is gone


def change(
    kind: str,
    text: str,
    paras: list[str],
    h: Highlight,
    rnd: random.Random,
    other: list[str],
    vocab: list[str],
) -> tuple[str, Truth, list[Truth]]:
    """The changed text, the passage's true span in it (None: it is gone), and the other
    answers that are just as true: where the very same text also comes from deleting or
    copying an identical neighbouring paragraph instead, no locator can tell which was
    done, and the passage's span under that other edit is right too."""
    starts = para_starts(paras)
    bounds = [*starts, len(text) + len(SEP)]
    last = max(i for i, s in enumerate(starts) if s < h.end)
    edits: list[Edit] = []
    if kind == "none":
        pass
    elif kind == "above":
        at = h.para if rnd.random() < 0.5 else rnd.randint(0, h.para)
        new = [rnd.choice(NOTES)] + ([rnd.choice(other)] if rnd.random() < 0.5 else [])
        edits.append((starts[at], starts[at], SEP.join(new) + SEP))
    elif kind == "inside":
        words = list(WORD.finditer(text, h.start, h.end))
        w = rnd.choice(words)
        if len(words) == 1 and len(w.group()) >= 3:  # a one-word quote: a typo of it (a
            word = typo(w.group(), rnd)  # different word would leave nothing of the passage)
        else:
            word = word_swap(w.group(), rnd, vocab)
        edits.append((w.start(), w.end(), word))
    elif kind == "typography":
        for m in re.finditer(r"[\"'\u2018\u2019\u201c\u201d]|\u2014|--|\u2026|\.\.\.|\. ", text):
            c = m.group()
            rep = {
                '"': "\u201c" if m.start() == 0 or text[m.start() - 1].isspace() else "\u201d",
                "'": "\u2019",
                "\u2018": "'",
                "\u2019": "'",
                "\u201c": '"',
                "\u201d": '"',
                "\u2014": "--",
                "--": "\u2014",
                "\u2026": "...",
                "...": "\u2026",
                ". ": ".  " if rnd.random() < 0.3 else ".\u00a0",
            }[c]
            edits.append((m.start(), m.end(), rep))
    elif kind == "around":
        before = [
            m for m in WORD.finditer(text, max(0, h.start - 30), h.start) if m.end() < h.start
        ]
        after = [m for m in WORD.finditer(text, h.end, h.end + 30) if m.start() > h.end]
        sides = rnd.choice(("before", "after", "both"))
        for side, pool in (("before", before), ("after", after)):
            if pool and sides in (side, "both"):
                w = rnd.choice(pool)
                edits.append((w.start(), w.end(), word_swap(w.group(), rnd, vocab)))
    elif kind == "deleted":
        a, b = starts[h.para], bounds[last + 1]
        if b > len(text):  # the last paragraph: the blank line before it goes with it
            a, b = max(0, a - len(SEP)), len(text)
        new_text, _ = apply(text, [(a, b, "")])
        return new_text, None, same_text_truths(text, new_text, h, starts, a, b, "")
    elif kind == "rewritten":
        if h.kind == "paragraph":  # every sentence of it, and what follows the last one
            edits.append((h.start, h.end, " ".join(rnd.sample(other, 3))))
        for s, e in [] if h.kind == "paragraph" else sentence_spans(paras):
            if s < h.end and h.start < e:
                edits.append((s, e, rnd.choice(other)))
        new_text, _ = apply(text, edits)
        return new_text, None, []
    elif kind == "reextracted":
        for _ in range(rnd.randint(2, 5)):
            at = rnd.choice(starts)
            edits.append((at, at, rnd.choice(BOILERPLATE) + SEP))
        for s in starts[1:]:  # blank lines become single line breaks or more
            if rnd.random() < 0.4:
                edits.append((s - 2, s, rnd.choice(("\n", "\n\n\n", "\n \n"))))
        for i in rnd.sample(range(len(paras)), min(3, len(paras))):  # some hard-wrapped
            for m in re.finditer(r" ", paras[i]):
                if m.start() % 9 == 0:
                    edits.append((starts[i] + m.start(), starts[i] + m.end(), "\n"))
    elif kind == "copied":
        copy = text[h.start : h.end]
        if h.kind != "paragraph":
            for s, e in sentence_spans(paras):
                if s <= h.start and h.end <= e:
                    copy = text[s:e]
        at = rnd.choice(starts[: h.para] + starts[last + 1 :] or [0])
        edits.append((at, at, copy + SEP))
        new_text, mapped = apply(text, edits)
        true = (mapped(h.start, False), mapped(h.end, True))
        return new_text, true, same_text_truths(text, new_text, h, starts, at, at, copy + SEP)
    elif kind == "beside":
        # A news update: the sentence after (or before) the quote's own, in its paragraph,
        # rewritten; the quote's sentence is untouched (none beside it: nothing changes).
        spans = sentence_spans(paras)
        mine = [i for i, (s, e) in enumerate(spans) if s < h.end and h.start < e]
        after = rnd.random() < 0.5
        j = (mine[-1] + 1 if after else mine[0] - 1) if mine else -1
        if 0 <= j < len(spans):
            s, e = spans[j]
            para = max(i for i, p in enumerate(starts) if p <= h.start)
            same = max(i for i, p in enumerate(starts) if p <= s) == para
            if same and (s >= h.end if after else e <= h.start):
                edits.append((s, e, rnd.choice(other)))
    else:
        raise ValueError(kind)
    new_text, mapped = apply(text, edits)
    return new_text, (mapped(h.start, False), mapped(h.end, True)), []


def same_text_truths(
    text: str, new_text: str, h: Highlight, starts: list[int], a: int, b: int, r: str
) -> list[Truth]:
    """The passage's span under each other edit of the same kind giving ``new_text``: the
    block ``text[a:b]`` deleted (``r`` empty) or ``r`` inserted at ``a == b``, done at another
    paragraph boundary instead (identical paragraphs side by side)."""
    bounds = set(starts) | {s - len(SEP) for s in starts}  # where a paragraph block may begin
    places: list[int] = []
    if not r:  # deleting n characters at lo or at lo + 1 gives the same text iff these agree
        n = b - a
        lo = a
        while lo > 0 and text[lo - 1] == text[lo - 1 + n]:
            lo -= 1
            places.append(lo)
        lo = a
        while lo + n < len(text) and text[lo] == text[lo + n]:
            lo += 1
            places.append(lo)
    else:  # inserting r at two places gives the same text iff r repeats between them
        n = len(r)
        for step in (-n, n):
            lo = a + step
            while 0 <= lo <= len(text) and text[min(lo, a) : max(lo, a)] == r * (abs(lo - a) // n):
                places.append(lo)
                lo += step
    out: list[Truth] = []
    for lo in sorted(places):
        alt = (lo, lo + (b - a), r)
        if lo not in bounds:
            continue
        alt_text, mapped = apply(text, [alt])
        assert alt_text == new_text
        if alt[0] < h.end and h.start < alt[1]:
            continue  # the passage is gone under this edit too: nothing new
        truth = (mapped(h.start, False), mapped(h.end, True))
        if truth not in out:
            out.append(truth)
    return out


# -- scoring ---------------------------------------------------------------------------------


def verdict(found: tuple[int, int] | None, true: Truth, also: Sequence[Truth] = ()) -> str:
    """right / unanchored / wrong, against the true span or any equally true one."""
    answers = [true, *also]
    results = [_verdict(found, t) for t in answers]
    for v in ("right", "unanchored"):
        if v in results:
            return v
    return "wrong"


def _verdict(found: tuple[int, int] | None, true: Truth) -> str:
    if true is None:
        return "right" if found is None else "wrong"
    if found is None:
        return "unanchored"
    overlap = min(found[1], true[1]) - max(found[0], true[0])
    size = max(found[1] - found[0], true[1] - true[0])
    return "right" if overlap >= 0.5 * size else "wrong"


def evaluate(
    arts: list[tuple[str, list[str]]], show: str | None = None, seed: int = 14
) -> dict[str, Counter[str]]:
    vocab = sorted({w for _, ps in arts for p in ps[:5] for w in WORD.findall(p) if len(w) > 3})
    others = [s for _, ps in arts for p in ps[:6] for s in sentences_of(p) if 40 < len(s) < 250]
    counts: dict[str, Counter[str]] = {k: Counter() for k, _ in KINDS}
    for name, paras in arts:
        rnd = random.Random(f"{seed}:{name}")
        text = SEP.join(paras)
        own = set(sentences_of(text))
        other = [s for s in rnd.sample(others, 40) if s not in own]
        for h in highlights(paras, rnd):
            sel = anchor.make_selector(text, h.start, h.end)
            for kind, _ in KINDS:
                # (A kind added later draws from its own generator: the others' edits stay
                # those of earlier runs.)
                r = random.Random(f"{seed}:{name}:{h.start}:{kind}") if kind == "beside" else rnd
                new, true, also = change(kind, text, paras, h, r, other, vocab)
                found = anchor.locate(
                    new, sel.quote, sel.prefix, sel.suffix, sel.start, sel.end, sel.text_hash
                )
                v = verdict(found, true, also)
                counts[kind][v] += 1
                counts[kind]["two answers"] += bool(also)
                counts[kind][f"{h.kind}:{v}"] += 1
                if show == kind and v != "right":
                    got = new[found[0] : found[1]] if found else None
                    want = new[true[0] : true[1]] if true else None
                    print(f"--- {name} {h.kind} {v}\n quote: {sel.quote!r}")
                    print(f" want:  {want!r}\n got:   {got!r}")
    return counts


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence (ending in . ! or ?), leading spaces left out; linear."""
    out, pos = [], 0
    for m in SENTENCE_END.finditer(text):
        s = pos
        while s < m.start() and text[s].isspace():
            s += 1
        if s < m.start():
            out.append((s, m.end()))
        pos = m.end()
    return out


def sentences_of(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_bounds(text)]


def pct(n: int, total: int) -> str:
    return f"{100 * n / total:.1f}%" if total else "-"


def table(counts: dict[str, Counter[str]], title: str) -> None:
    print(f"\n{title}\n")
    print("| change to the article | cases | placed right | left unanchored | placed WRONG |")
    print("| --- | ---: | ---: | ---: | ---: |")
    total: Counter[str] = Counter()
    for kind, label in KINDS:
        c = counts[kind]
        n = c["right"] + c["unanchored"] + c["wrong"]
        total.update({k: c[k] for k in ("right", "unanchored", "wrong")})
        print(
            f"| {label} | {n} | {pct(c['right'], n)} | {pct(c['unanchored'], n)}"
            f" | {pct(c['wrong'], n)} |"
        )
    n = sum(total.values())
    print(
        f"| **all** | {n} | {pct(total['right'], n)} | {pct(total['unanchored'], n)}"
        f" ({total['unanchored']}) | **{pct(total['wrong'], n)}** ({total['wrong']}) |"
    )
    by_hl: Counter[str] = Counter()
    for c in counts.values():
        by_hl.update({k: v for k, v in c.items() if ":" in k})
    parts = []
    for hk in ("sentence", "fragment", "phrase", "paragraph"):
        n = sum(by_hl[f"{hk}:{v}"] for v in ("right", "unanchored", "wrong"))
        parts.append(
            f"{hk} {pct(by_hl[f'{hk}:right'], n)}/{pct(by_hl[f'{hk}:unanchored'], n)}"
            f"/{pct(by_hl[f'{hk}:wrong'], n)}"
        )
    print("by highlight (right/unanchored/WRONG): " + "; ".join(parts))
    two = {kind: counts[kind]["two answers"] for kind, _ in KINDS if counts[kind]["two answers"]}
    if two:
        print(
            "cases with two right answers (the same new text also comes from deleting or copying"
            " an identical neighbouring paragraph): "
            + ", ".join(f"{kind} {n}" for kind, n in two.items())
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--show", help="print the failures of one kind of change (tuning half)")
    ap.add_argument("--half", choices=("even", "odd", "both"), default="both")
    ap.add_argument("--speed", action="store_true", help="also print the 20,000-word timings")
    args = ap.parse_args()
    arts = articles()
    halves = {"even": arts[0::2], "odd": arts[1::2]}
    t = time.perf_counter()
    for half in ("even", "odd"):
        if args.half not in (half, "both"):
            continue
        part = halves[half]
        counts = evaluate(part, show=args.show if half == "even" else None)
        n_hl = sum(counts["none"][k] for k in ("right", "unanchored", "wrong"))
        table(counts, f"### {half} half: {len(part)} articles, {n_hl} highlights")
    print(f"\n({time.perf_counter() - t:.0f} s)")
    if args.speed:
        from bench import anchor_bench

        print()
        anchor_bench.main()
        hostile()


def hostile() -> None:
    """Placement time on 100,000-word texts built to make every stage work hardest: the same
    few words over and over (every context and every seed matches everywhere), and the
    corpus's prose repeated; quotes with a word changed, so that no stage succeeds early."""
    prose = " ".join(p for _, ps in articles(modern_limit=20)[:20] for p in ps).split()
    texts = {
        "one word repeated": " ".join(["data"] * 100_000),
        "two words alternating": " ".join(["the", "cat"] * 50_000),
        "prose repeated": " ".join((prose * (100_000 // len(prose) + 1))[:100_000]),
    }
    for label, text in texts.items():
        rnd = random.Random(5)
        worst = total = 0.0
        for _ in range(5):
            a = rnd.randrange(len(text) // 2)
            a = text.index(" ", a) + 1
            b = a
            for _ in range(rnd.choice((1, 3, 12))):
                b = text.index(" ", b + 1)
            sel = anchor.make_selector(text, a, b)
            quote = sel.quote[:-1] + ("x" if sel.quote[-1] != "x" else "y")
            anchor._prepare.cache_clear()
            changed = text[:a] + quote + text[b:] + " tail"
            t = time.perf_counter()
            anchor.locate(changed, quote + "z", sel.prefix, sel.suffix, sel.start, sel.end, "")
            took = time.perf_counter() - t
            worst, total = max(worst, took), total + took
        mean = total / 5
        print(f"100,000 words, {label:<24} worst {worst * 1e3:8.1f} ms, mean {mean * 1e3:8.1f} ms")


if __name__ == "__main__":
    main()
