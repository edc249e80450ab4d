"""Re-anchoring on real pairs of article versions: pages from the readability corpus (the text
of expected.html, block by block, as a Document), edited the way re-fetches and re-extractions
change articles."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest

from tests.conftest import CORPUS
from tui_reader.anchor import locate, make_selector, place
from tui_reader.document import Block, Document

PAGES = CORPUS / "readability-pages"
# Long-form prose in several styles: news, magazine, technical, encyclopedia.
NAMES = (
    "guardian-1",
    "nytimes-2",
    "lwn-1",
    "medium-1",
    "quanta-1",
    "seattletimes-1",
    "aclu",
    "wikipedia",
)
SENTENCE = re.compile(r"[^.!?]*[.!?]+(?=\s|$)")

pytestmark = pytest.mark.skipif(not PAGES.is_dir(), reason="corpus not present")


def paragraphs(name: str) -> list[str]:
    root = lxml.html.fromstring((PAGES / name / "expected.html").read_text("utf-8"))
    out = []
    for el in root.iter("p", "h1", "h2", "h3", "h4", "li", "blockquote", "pre"):
        if el.tag == "blockquote" and el.find(".//p") is not None:
            continue
        text = " ".join("".join(str(t) for t in el.itertext()).split())
        if text:
            out.append(text)
    return out


def doc_text(paras: list[str]) -> str:
    return Document(blocks=tuple(Block("paragraph", p) for p in paras)).text


def sentences(para: str) -> list[str]:
    return [s.strip() for s in SENTENCE.findall(para) if s.strip()]


def prose(paras: list[str], min_sentences: int = 3) -> list[int]:
    """Indexes of paragraphs with a few sentences, the first two unique in the page and the
    second (the one highlighted) of a good length."""
    text = doc_text(paras)
    out = []
    for i, p in enumerate(paras):
        ss = sentences(p)
        if (
            len(ss) >= min_sentences
            and 60 <= len(ss[1]) <= 400
            and len(ss[1].split(" ")) >= 10
            and text.count(ss[0]) == text.count(ss[1]) == 1
        ):
            out.append(i)
    return out


class Case:
    """A page, a highlighted sentence in one of its middle paragraphs, and its selector."""

    def __init__(self, name: str, which: int = 1) -> None:
        self.paras = paragraphs(name)
        candidates = prose(self.paras)
        if not candidates:
            pytest.skip(f"{name}: no prose paragraph")
        self.index = candidates[len(candidates) // 2]
        self.sentence = sentences(self.paras[self.index])[which]
        self.text = doc_text(self.paras)
        start = self.text.index(self.sentence)
        self.sel = make_selector(self.text, start, start + len(self.sentence))

    def locate(self, new_text: str) -> tuple[int, int] | None:
        s = self.sel
        return locate(new_text, s.quote, s.prefix, s.suffix, s.start, s.end, s.text_hash)

    def with_para(self, para: str) -> list[str]:
        return [*self.paras[: self.index], para, *self.paras[self.index + 1 :]]


def _fold(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("name", NAMES)
def test_sentences_inserted_before(name: str) -> None:
    c = Case(name)
    para = c.paras[c.index].replace(
        c.sentence, "This sentence was added in an update. " + c.sentence
    )
    paras = ["An editor's note now opens the article.", *c.with_para(para)]
    new = doc_text(paras)
    found = c.locate(new)
    assert found is not None and new[found[0] : found[1]] == c.sentence
    assert found[0] > c.sel.start


@pytest.mark.parametrize("name", NAMES)
def test_sentences_removed(name: str) -> None:
    c = Case(name)
    ss = sentences(c.paras[c.index])
    para = c.paras[c.index].replace(ss[0], "").strip()  # the sentence just before it
    paras = c.with_para(para)
    del paras[max(0, c.index - 2)]  # and a whole paragraph further up
    new = doc_text(paras)
    found = c.locate(new)
    assert found is not None and new[found[0] : found[1]] == c.sentence


@pytest.mark.parametrize("name", NAMES)
def test_paragraph_moved(name: str) -> None:
    c = Case(name)
    paras = c.paras[:]
    moved = paras.pop(c.index)
    paras.append(moved)
    new = doc_text(paras)
    found = c.locate(new)
    assert found is not None and new[found[0] : found[1]] == c.sentence
    assert found[0] > len(new) - len(moved) - 2


@pytest.mark.parametrize("name", NAMES)
def test_whitespace_reflowed(name: str) -> None:
    """Another extractor: hard-wrapped lines, doubled spaces, NBSPs."""
    c = Case(name)
    new = re.sub(r"(\S+ \S+ \S+ \S+ \S+ \S+ \S+) ", r"\1\n", c.text).replace(", ", ",  ")
    new = new.replace(" the ", " the\u00a0")
    found = c.locate(new)
    assert found is not None
    assert _fold(new[found[0] : found[1]]).replace("\u00a0", " ") == _fold(c.sentence)


@pytest.mark.parametrize("name", NAMES)
def test_quote_reworded_slightly(name: str) -> None:
    c = Case(name)
    words = c.sentence.split(" ")
    assert len(words) >= 8, c.sentence
    words[len(words) // 2] = words[len(words) // 2].upper() + "ish"
    reworded = " ".join(words).replace(",", ";", 1)
    new = doc_text(["Inserted lead.", *c.with_para(c.paras[c.index].replace(c.sentence, reworded))])
    found = place(new, c.sel.quote, c.sel.prefix, c.sel.suffix, c.sel.start, c.sel.end, "")
    assert found is not None and found.method == "fuzzy"
    assert new[found.start : found.end] == reworded


@pytest.mark.parametrize("name", NAMES)
def test_long_quote_lightly_edited(name: str) -> None:
    """A whole paragraph highlighted; a typo fixed, a word added, punctuation changed, and the
    article restructured around it."""
    c = Case(name)
    para = c.paras[c.index]
    start = c.text.index(para)
    sel = make_selector(c.text, start, start + len(para))
    ss = sentences(para)
    edited = para.replace(ss[1], ss[1].replace(" ", " really ", 1)).replace(". ", "; ", 1)
    edited = edited[:10] + edited[11:]  # a character lost
    paras = ["Update: corrected.", *c.with_para(edited)]
    other = 1 if c.index != 0 else 2
    paras.append(paras.pop(other))  # another paragraph moved to the end
    new = doc_text(paras)
    found = locate(new, sel.quote, sel.prefix, sel.suffix, sel.start, sel.end, sel.text_hash)
    assert found is not None
    assert new[found[0] : found[1]] == edited


@pytest.mark.parametrize("name", NAMES)
def test_short_quote_whose_text_disappears_is_unanchored(name: str) -> None:
    c = Case(name)
    words = c.sentence.split(" ")
    short = " ".join(words[2:4])
    start = c.text.index(c.sentence) + c.sentence.index(short)
    sel = make_selector(c.text, start, start + len(short))
    para = c.paras[c.index].replace(c.sentence, "").strip()
    paras = c.with_para(para)
    # The same two words elsewhere, in a new sentence: a confident wrong place to avoid.
    paras.insert(1, f"As noted below, {short} matters.")
    new = doc_text(paras)
    assert locate(new, sel.quote, sel.prefix, sel.suffix, sel.start, sel.end, sel.text_hash) is None


@pytest.mark.parametrize("name", NAMES)
def test_quote_appearing_twice_is_placed_by_context(name: str) -> None:
    c = Case(name)
    phrase = " ".join(c.sentence.split(" ")[1:4])
    # The phrase also appears, verbatim, in a paragraph near the top.
    paras = c.paras[:]
    paras.insert(1, f"Background: {phrase} was first reported last year.")
    text = doc_text(paras)
    start = text.index(c.sentence) + c.sentence.index(phrase)
    sel = make_selector(text, start, start + len(phrase))
    # New version: the highlighted paragraph moved to the top, the decoy pushed down.
    new_paras = paras[:]
    moved = new_paras.pop(c.index + 1)
    new_paras.insert(0, moved)
    new = doc_text(new_paras)
    found = locate(new, sel.quote, sel.prefix, sel.suffix, sel.start, sel.end, sel.text_hash)
    assert found is not None
    assert found[0] < len(moved)  # in the moved paragraph, not the decoy
    assert new[found[0] : found[1]] == phrase


def _sweep_pages() -> list[str]:
    return sorted(p.name for p in PAGES.iterdir() if (p / "expected.html").is_file())


def test_deleted_sentences_are_not_misplaced_across_the_corpus() -> None:
    """Every 7th sentence of every page is highlighted (whole, and a two-word part), then
    deleted. Nothing may be placed where its text is not."""
    checked = wrong = 0
    report: list[str] = []
    for name in _sweep_pages():
        paras = paragraphs(name)
        text = doc_text(paras)
        if len(text) < 1500:
            continue
        spans = [(m.start(), m.end()) for m in SENTENCE.finditer(text)][3::7][:12]
        for s, e in spans:
            while s < e and text[s].isspace():
                s += 1
            words = text[s:e].split(" ")
            if len(words) < 4:
                continue
            two = " ".join(words[1:3])
            two_start = s + text[s:e].index(two)
            new = text[:s] + text[e:]
            for qs, qe in ((s, e), (two_start, two_start + len(two))):
                sel = make_selector(text, qs, qe)
                if _fold(sel.quote) in _fold(new):
                    continue  # the text is still there elsewhere: placing it is not wrong
                checked += 1
                hit = place(new, sel.quote, sel.prefix, sel.suffix, sel.start, sel.end, "")
                short = len(sel.quote) < 20
                if hit is not None and (short or hit.quote_score < 0.95):
                    wrong += 1
                    report.append(
                        f"{name}: {sel.quote[:50]!r} -> {new[hit.start : hit.end][:50]!r}"
                    )
    assert checked > 1000
    # Near-identical data rows (tables rendered as text) are the only tolerated exception.
    assert wrong <= checked // 200, report


def test_large_text_stays_responsive() -> None:
    """A 20,000-word text: the fuzzy path runs from seeds, not over the whole text (the time
    itself is measured by bench/anchor_bench.py)."""
    paras = paragraphs("wikipedia-2")
    text = doc_text(paras)
    assert len(text.split()) > 15_000
    mid = text.index(". ", len(text) // 2) + 2
    end = text.index(". ", mid + 150) + 1
    sel = make_selector(text, mid, end)
    new = text[: mid + 20] + "X" + text[mid + 21 : end - 30] + "inserted words" + text[end - 30 :]
    found = place(new, sel.quote, sel.prefix, sel.suffix, sel.start, sel.end, "")
    assert found is not None and found.method == "fuzzy"
    assert abs(found.start - mid) <= 2


def test_corpus_paths_are_real() -> None:
    assert isinstance(PAGES, Path) and all((PAGES / n / "expected.html").is_file() for n in NAMES)
