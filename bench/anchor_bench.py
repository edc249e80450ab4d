"""Re-anchoring speed on a 20,000-word article.

Run: ``.venv/bin/python -m bench.anchor_bench``. Prints the time of each kind of placement and,
as the in-run reference, a plain bit-parallel scan of the whole text (what a fuzzy search
without seeds would cost), so the figures can be compared on a busy machine.
"""

from __future__ import annotations

import os
import random
import re
import time
from collections.abc import Callable
from pathlib import Path

from tui_reader import anchor

SHARED = Path(
    os.environ.get("TUI_READER_SHARED", Path(__file__).resolve().parents[1].parent / "shared")
)
PAGES = SHARED / "corpus" / "readability-pages"


def corpus_text(words: int) -> str:
    """Paragraphs of the corpus's expected texts until ``words`` words."""
    import lxml.html

    paras: list[str] = []
    count = 0
    for page in sorted(PAGES.iterdir()):
        f = page / "expected.html"
        if not f.is_file():
            continue
        root = lxml.html.fromstring(f.read_text("utf-8"))
        for el in root.iter("p"):
            text = " ".join("".join(str(t) for t in el.itertext()).split())
            if len(text) > 80:
                paras.append(text)
                count += len(text.split())
            if count >= words:
                return "\n\n".join(paras)
    return "\n\n".join(paras)


def best_of(n: int, fn: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(n):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def main() -> None:
    text = corpus_text(20_000)
    rnd = random.Random(3)
    sentences = list(re.finditer(r"[A-Z][^.!?\n]{80,300}[.!?]", text))
    picks = rnd.sample(sentences, 20)
    print(f"text: {len(text.split()):,} words, {len(text):,} characters; 20 quotes")

    def selectors() -> list[anchor.Selector]:
        return [anchor.make_selector(text, m.start(), m.end()) for m in picks]

    sels = selectors()
    edited = "A new opening paragraph.\n\n" + text
    for m in picks:  # every quote lightly reworded
        s = m.group()
        edited = edited.replace(s, s.replace(" ", "  ", 3).replace("e", "é", 2), 1)
    removed = text
    for m in picks:
        removed = removed.replace(m.group(), "")

    def run(target: str) -> list[tuple[int, int] | None]:
        return [
            anchor.locate(target, s.quote, s.prefix, s.suffix, s.start, s.end, s.text_hash)
            for s in sels
        ]

    def prepare_cold() -> None:
        anchor._prepare.cache_clear()
        anchor._prepare(edited)

    def reference() -> None:
        folded = anchor._prepare(text).folded
        anchor._myers(anchor._fold_plain(sels[0].quote), folded, anchored=False)

    rows = [
        ("reference: one unseeded scan of the whole text", best_of(3, reference)),
        ("prepare a new text (fold + offset map)", best_of(3, prepare_cold)),
        ("20 quotes, text unchanged (hash)", best_of(3, lambda: run(text))),
        ("20 quotes, text shifted and reworded (fuzzy)", best_of(3, lambda: run(edited))),
        ("20 quotes, their sentences deleted (unanchored)", best_of(3, lambda: run(removed))),
    ]
    placed = sum(r is not None for r in run(edited))
    unplaced = sum(r is None for r in run(removed))
    ref = rows[0][1]
    for label, secs in rows:
        print(f"{label:<50} {secs * 1000:9.2f} ms  {secs / ref:6.2f}x reference")
    print(f"reworded quotes placed: {placed}/20; deleted quotes left unanchored: {unplaced}/20")


if __name__ == "__main__":
    main()
