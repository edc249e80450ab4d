"""``import-notes`` speed: files of 5,000 to 80,000 Web Annotations into a fresh store.

Run: ``.venv/bin/python -m bench.import_bench``. Each annotation carries a quote with context,
a position, a note and a tag, spread over 50 articles; the whole file is checked, then written
in one transaction. Prints the time and the rate for each size: the rate should hold as the
file grows (the import is linear in its size), and the in-run reference line — ``json.loads``
of the same file — shows how busy the machine was.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

from tui_reader.export import import_json
from tui_reader.store import Store

SIZES = (5_000, 20_000, 80_000)


def annotations(n: int) -> list[dict[str, object]]:
    return [
        {
            "type": "Annotation",
            "id": f"https://annotations.example/{i}",
            "created": "2025-01-02T03:04:05Z",
            "body": [
                {"type": "TextualBody", "value": f"A note on passage {i}, with “quotes” — é"},
                {"type": "TextualBody", "purpose": "tagging", "value": f"tag{i % 20}"},
            ],
            "target": {
                "source": f"https://news.example/{i % 50}",
                "selector": [
                    {
                        "type": "TextQuoteSelector",
                        "exact": f"the passage number {i} of the text",
                        "prefix": "what came before it, ",
                        "suffix": ", and what came after",
                    },
                    {"type": "TextPositionSelector", "start": i, "end": i + 30},
                ],
            },
        }
        for i in range(n)
    ]


def main() -> None:
    print(f"{'annotations':>11}  {'file':>8}  {'json.loads':>10}  {'import':>8}  {'rate':>10}")
    for n in SIZES:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "notes.json"
            text = json.dumps(annotations(n), ensure_ascii=False)
            path.write_text(text, encoding="utf-8")
            t0 = time.perf_counter()
            json.loads(text)
            loads = time.perf_counter() - t0
            store = Store.open(Path(tmp) / "reader.sqlite3")
            try:
                t0 = time.perf_counter()
                result = import_json(store, path)
                took = time.perf_counter() - t0
            finally:
                store.close()
            assert result.added == n, result.summary()
            size = path.stat().st_size / 2**20
            print(f"{n:>11,}  {size:>6.1f}MB  {loads:>9.2f}s  {took:>7.2f}s  {n / took:>7,.0f}/s")


if __name__ == "__main__":
    main()
