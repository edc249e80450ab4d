"""Players an article embeds (a video host's frame, ``<video>``, ``<audio>``) leave a line that
links to what they play, "Embedded: its title", where they stood: they had vanished, and the
reader could not tell the story had a video. A page that is only a player gives that line,
not "no article text found". An advert's or a tracker's frame leaves nothing."""

from __future__ import annotations

import pytest

from tui_reader.document import Document
from tui_reader.extract import extract_html

P = [
    "The harbour authority said on Tuesday that the old pier would close for repairs after"
    " inspectors found cracks in three of its supporting columns.",
    "Local businesses near the pier said they feared a quiet winter, and one cafe owner said"
    " most of her customers came from the ferry queue.",
    "The council has set aside two million pounds for the repairs, and a spokesperson said the"
    " final figure would depend on what divers find.",
]
URL = "https://news.example/2024/pier.html"
EMBED = "https://video.example/embed/abc123"


def article(*middle: str) -> str:
    parts = [f"<p>{P[0]}</p>", *middle, f"<p>{P[1]}</p><p>{P[2]}</p>"]
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Pier</title></head><body>'
        f"<article><h1>Pier</h1>{''.join(parts)}</article></body></html>"
    )


def markdown(doc: Document) -> str:
    return doc.to_markdown()


@pytest.mark.parametrize(
    ("player", "line"),
    [
        (
            f'<iframe width="560" src="{EMBED}" title="Divers inspect the pier" allowfullscreen>'
            "</iframe>",
            f"[Embedded: Divers inspect the pier]({EMBED})",
        ),
        (
            f'<iframe data-src="{EMBED}" allow="autoplay; encrypted-media"></iframe>',
            f"[Embedded]({EMBED})",
        ),
        (
            '<audio controls src="/media/ep42.mp3"><a href="/media/ep42.mp3">Download the'
            " episode (MP3)</a></audio>",
            "[Audio](https://news.example/media/ep42.mp3)",
        ),
        (
            '<video controls poster="/p.jpg" title="The pier at dawn">'
            '<source src="clip.mp4" type="video/mp4">Your browser cannot play this.</video>',
            "[Video: The pier at dawn](https://news.example/2024/clip.mp4)",
        ),
    ],
)
def test_a_player_leaves_a_line_linking_to_what_it_plays(player: str, line: str) -> None:
    doc = extract_html(article(player), URL)
    text = markdown(doc)
    assert line in text
    # Where it stood: after the first paragraph, before the second.
    assert text.index(P[0][:40]) < text.index(line) < text.index(P[1][:40])
    assert "Download the episode" not in text and "cannot play" not in text


def test_a_player_inside_a_paragraph_is_a_link_in_it() -> None:
    player = f'<iframe src="{EMBED}" title="Clip" allowfullscreen></iframe>'
    doc = extract_html(article(f"<p>Watch the divers: {player} (two minutes).</p>"), URL)
    assert f"Watch the divers: [Embedded: Clip]({EMBED}) (two minutes)." in markdown(doc)


@pytest.mark.parametrize(
    "frame",
    [
        '<iframe src="https://ads.example/slot?id=7" width="300" height="250"></iframe>',
        '<iframe src="https://track.example/px" style="display:none"></iframe>',
        f'<iframe src="{EMBED}" allowfullscreen hidden></iframe>',
        '<iframe srcdoc="&lt;p&gt;x&lt;/p&gt;" allowfullscreen></iframe>',  # (no address)
        '<video controls src="blob:https://news.example/1f2e"></video>',
    ],
)
def test_what_is_no_player_or_plays_nothing_leaves_nothing(frame: str) -> None:
    doc = extract_html(article(frame), URL)
    assert [b.text for b in doc.blocks] == P  # the three paragraphs (the title is no block)


def test_a_page_that_is_only_a_video_gives_its_line() -> None:
    page = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Watch: divers</title>'
        '<meta property="og:type" content="video.other"></head><body><main><h1>Watch: divers'
        f'</h1><div class="video-embed"><iframe src="{EMBED}" title="YouTube video player"'
        " allowfullscreen></iframe></div></main></body></html>"
    )
    doc = extract_html(page, URL)
    assert f"[Embedded: YouTube video player]({EMBED})" in markdown(doc)
