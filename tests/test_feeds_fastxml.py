"""The lxml fast path gives exactly what feedparser gives, or declines.

Every check compares the two paths on the same bytes: ``parse_feed`` with the fast path on,
and with it off (feedparser only). A difference in any field of any entry fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_reader.feeds.parse import ParsedFeed

from .conftest import CORPUS, fast_path_takes, parse_both

FEEDS = CORPUS / "feeds"
URL = "http://example.org/feeds/main.xml"


def _both(data: bytes, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    return parse_both(data, URL, monkeypatch)


_taken = fast_path_takes


def _corpus_feeds() -> list[Path]:
    return sorted(FEEDS.glob("*.xml"))


@pytest.mark.skipif(not FEEDS.is_dir(), reason="corpus not present")
def test_every_corpus_feed_reads_the_same_both_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    feeds = _corpus_feeds()
    taken = 0
    differ: list[str] = []
    for path in feeds:
        data = path.read_bytes()
        slow, fast = _both(data, monkeypatch)
        if slow != fast:
            differ.append(path.name)
        taken += _taken(data)
    assert differ == []
    # The fast path must carry most real feeds, or it is not worth having.
    assert taken >= 0.8 * len(feeds), f"fast path read only {taken} of {len(feeds)} feeds"


def test_the_bundled_welcome_feed_reads_the_same_both_ways(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tui_reader.feeds.welcome import welcome_bytes

    data = welcome_bytes()
    assert _taken(data)
    slow, fast = _both(data, monkeypatch)
    assert isinstance(slow, ParsedFeed) and len(slow.entries) >= 5
    assert fast == slow


def _rss(items: str, channel: str = "<title>Feed</title><link>http://example.org/</link>") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:media="http://search.yahoo.com/mrss/"'
        ' xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"'
        ' xmlns:atom="http://www.w3.org/2005/Atom">'
        f"<channel>{channel}{items}</channel></rss>"
    ).encode()


def _atom(entries: str, head: str = "<title>Feed</title>", root_attrs: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<feed xmlns="http://www.w3.org/2005/Atom"{root_attrs}'
        ' xmlns:media="http://search.yahoo.com/mrss/">'
        f"{head}{entries}</feed>"
    ).encode()


def _rdf(body: str) -> bytes:
    """An RSS 1.0 document: ``body`` is what goes inside rdf:RDF (channel, items, image)."""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        ' xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"{body}</rdf:RDF>"
    ).encode()


_RDF_CHANNEL = (
    '<channel rdf:about="http://example.org/"><title>Feed</title>'
    "<link>http://example.org/</link></channel>"
)
_RDF_ITEM = (
    '<item rdf:about="http://example.org/1"><title>A</title>'
    "<link>http://example.org/1</link></item>"
)


# A post with a picture, as Mastodon writes its RSS: the picture's alt text follows the post.
_MASTODON = _rss(
    "<item><guid>https://social.example/@a/1</guid><link>https://social.example/@a/1</link>"
    "<description>&lt;p&gt;The post itself&lt;/p&gt;</description>"
    '<media:content url="https://social.example/a.png" type="image/png" medium="image">'
    '<media:description type="plain">Alt text of the picture</media:description>'
    "</media:content></item>"
    "<item><guid>https://social.example/@a/2</guid>"
    '<media:content url="https://social.example/b.png" type="image/png" medium="image">'
    '<media:description type="plain">Alt text first</media:description></media:content>'
    "<description>&lt;p&gt;Then the post&lt;/p&gt;</description></item>"
)
# A video, as YouTube writes its Atom: the only description is the media group's.
_YOUTUBE = _atom(
    '<entry><id>yt:video:1</id><title>A video</title><link href="https://video.example/1"/>'
    "<media:group><media:title>A video</media:title>"
    "<media:description>What the video is about</media:description></media:group></entry>"
)


SAME_BOTH_WAYS = {
    "guid stands in for a missing link": _rss(
        "<item><title>A</title><guid>http://example.org/a</guid></item>"
        '<item><title>B</title><guid isPermaLink="false">b-1</guid></item>'
        "<item><title>C</title><guid>http://example.org/c</guid><link>http://example.org/c2</link></item>"
    ),
    "a second description is the content": _rss(
        "<item><title>A</title><description>one</description>"
        "<description>&lt;p&gt;two&lt;/p&gt;</description></item>"
    ),
    "content:encoded and description in either order": _rss(
        "<item><title>A</title><content:encoded><![CDATA[<p>full</p>]]></content:encoded>"
        "<description>short</description></item>"
        "<item><title>B</title><description>short</description>"
        "<content:encoded><![CDATA[<p>full</p>]]></content:encoded></item>"
    ),
    "feed summary then description carries content into the first item": _rss(
        "<item><title>A</title><description>d1</description><itunes:summary>s1</itunes:summary>"
        "</item><item><title>B</title><description>d2</description>"
        "<itunes:summary>s2</itunes:summary></item>",
        channel="<title>Feed</title><itunes:summary>About</itunes:summary>"
        "<description>More</description><link>http://example.org/</link>",
    ),
    "media titles and descriptions by depth": _rss(
        "<item><media:group><media:title>mt</media:title>"
        "<media:description>md</media:description></media:group>"
        "<title>Real</title><link>http://example.org/1</link></item>"
        "<item><title></title><media:content url='http://example.org/x.jpg'>"
        "<media:title>deep</media:title></media:content><link>http://example.org/2</link></item>"
        "<item><media:title>only media</media:title><link>http://example.org/3</link></item>"
    ),
    "an image and a text input beside the feed's title": _rss(
        "<item><title>A</title><link>http://example.org/1</link></item>",
        channel="<image><url>http://example.org/i.png</url><title>Logo</title>"
        "<link>http://example.org/</link><width>88</width></image>"
        "<title>Feed</title><link>http://example.org/</link>"
        "<textInput><title>Search</title><description>d</description><name>q</name>"
        "<link>http://example.org/search</link></textInput>",
    ),
    "first non-empty title wins": _rss(
        "<item><title></title><title>Second</title><title>Third</title>"
        "<link>http://example.org/1</link></item>"
    ),
    "titles that look like HTML, entities, C1 and double UTF-8": _rss(
        "<item><title>Fish &amp;amp; Chips &lt;b&gt;bold&lt;/b&gt;</title>"
        "<link>http://example.org/1</link></item>"
        "<item><title>caf\u00c3\u00a9</title><link>http://example.org/2</link></item>"
        "<item><title>\u0093quoted\u0094</title><link>http://example.org/4</link></item>"
        "<item><title>5 &lt; 6 &amp;copy; ok</title><link>http://example.org/3</link></item>"
    ),
    "link text with entities and relative links": _rss(
        "<item><title>A</title><link>http://example.org/?a=1&amp;amp;b=2&amp;c;</link></item>"
        "<item><title>B</title><link>/relative/path</link></item>"
        "<item><title>C</title><link>  http:///example.org//x  </link></item>"
    ),
    "atom links by rel and type, ids as links": _atom(
        "<entry><id>http://example.org/e1</id><title>1</title>"
        '<link rel="self" href="http://example.org/self"/></entry>'
        '<entry><id>tag:example.org,2024:2</id><title>2</title><link href="/rel"/>'
        '<link rel="alternate" type="application/pdf" href="http://example.org/p.pdf"/></entry>'
        '<entry><id>3</id><title>3</title><link href=""/>'
        '<link rel="ALTERNATE" type="TEXT/HTML" href="http://example.org/three"/></entry>'
    ),
    "atom authors and text types": _atom(
        "<entry><id>1</id><title type='html'>&lt;em&gt;Hi&lt;/em&gt; there</title>"
        "<author><name>Ann</name><email>ann@example.org</email></author>"
        "<summary type='text'>plain &lt;b&gt;text&lt;/b&gt;</summary>"
        "<content type='html'>&lt;p&gt;body&lt;/p&gt;</content>"
        "<updated>2024-03-01T10:00:00Z</updated><published>2024-02-29T09:00:00+01:00</published>"
        "</entry>"
        "<entry><id>2</id><title>t</title><author><uri>http://example.org/bo</uri></author>"
        "<author><email>bo@example.org</email></author></entry>"
    ),
    # Absolute links and ids under a base: given back as they are (fastxml reads such a link
    # without urljoin), or changed by urljoin (an empty query or fragment, parameters) as
    # feedparser changes them; under a base urlparse refuses, urljoin fails and they are "".
    "absolute links and ids under xml:base": _atom(
        "<entry><id>http://example.org/e/1?x=1#f</id><title>1</title>"
        '<link href="https://other.example.org:8080/a/b.html?q=1&amp;r=2#frag"/></entry>'
        "<entry><id>http://example.org/e/2</id><title>2</title>"
        '<link href="http://example.org/a;p?"/></entry>'
        "<entry><id>http://example.org/e/3?</id><title>3</title>"
        '<link href="http://example.org/a/../b#"/></entry>',
        root_attrs=' xml:base="http://example.org/base/"',
    ),
    "absolute links under a base urlparse refuses": _atom(
        '<entry><id>http://example.org/e/1</id><title>1</title><link href="http://e.org/x"/>'
        "</entry>",
        root_attrs=' xml:base="http://[::1/base/"',
    ),
    "xml:base on the feed and on entries, carried over as feedparser does": _atom(
        '<entry xml:base="http://other.example.org/dir/"><id>1</id><title>1</title>'
        '<link href="page.html"/></entry>'
        '<entry><id>2</id><title>2</title><link href="next.html"/></entry>',
        root_attrs=' xml:base="http://example.org/base/"',
    ),
    "xhtml content, titles and summaries": _atom(
        '<entry><id>1</id><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
        "An <em>xhtml</em> title &amp; more</div></title>"
        '<summary type="xhtml"> <div xmlns="http://www.w3.org/1999/xhtml" xml:lang="en">'
        '<p xml:lang="fr" class="A" xmlns:foo="http://foo.example/" foo:Bar="1" bar="2"'
        " TITLE='say \"hi\"'>One<br/>two &lt; three</p></div> </summary>"
        '<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
        "<div>first</div><div>second</div></div></content></entry>"
        '<entry><id>2</id><title>t</title><content type="xhtml">'
        '<div xmlns="http://www.w3.org/1999/xhtml">a</div>'
        '<div xmlns="http://www.w3.org/1999/xhtml">b</div></content>'
        '<link href="/two"/></entry>'
        '<entry><id>3</id><title>t</title><content type="xhtml">'
        '<div xmlns="http://www.w3.org/1999/xhtml" xml:base="http://elsewhere.example.org/">'
        '<a href="x">x</a></div></content><link href="/three"/></entry>',
        root_attrs=' xml:base="http://example.org/"',
    ),
    "atom 0.3": (
        b'<?xml version="1.0" encoding="utf-8"?>\n'
        b'<feed version="0.3" xmlns="http://purl.org/atom/ns#">'
        b'<title>Old</title><link rel="alternate" type="text/html" href="http://example.org/"/>'
        b'<entry><title>E</title><link rel="alternate" type="text/html" href="http://example.org/e"/>'
        b"<id>tag:example.org,2004:1</id><issued>2004-01-01T10:00:00Z</issued>"
        b"<modified>2004-01-02T10:00:00Z</modified>"
        b'<content type="text/html" mode="escaped">&lt;p&gt;body&lt;/p&gt;</content>'
        b'<content type="application/xhtml+xml" mode="xml">'
        b'<div xmlns="http://www.w3.org/1999/xhtml"><p>x</p></div></content>'
        b"</entry></feed>"
    ),
    "elements in a default namespace feedparser does not know (WordPress)": _rss(
        "<item><title>A</title><link>http://example.org/1</link>"
        '<post-id xmlns="com-wordpress:feed-additions:1">149732</post-id></item>'
        '<item><Title xmlns="urn:x-unknown">B as a title</Title>'
        "<link>http://example.org/2</link></item>",
        channel="<title>Feed</title><link>http://example.org/</link>"
        '<site xmlns="com-wordpress:feed-additions:1">76661723</site>',
    ),
    "an element in a default namespace feedparser does not know in XHTML content": _atom(
        '<entry><id>1</id><title>t</title><content type="xhtml">'
        '<div xmlns="http://www.w3.org/1999/xhtml"><p>a <Foo xmlns="urn:x" A="1">b</Foo></p>'
        "</div></content></entry>"
    ),
    "empty links under an xml:base (RSS)": _rss(
        "<item><title>A</title><link/><guid/></item>"
        "<item><title>B</title><link> </link><comments/></item>"
        "<item><title>C</title><link>c.html</link></item>",
        channel="<title>Feed</title><link/>",
    ).replace(b'<rss version="2.0"', b'<rss version="2.0" xml:base="http://example.org/d/"'),
    "empty links under an xml:base (Atom)": _atom(
        "<entry><id>1</id><title>A</title><link/></entry>"
        '<entry><id>2</id><title>B</title><link href=""/></entry>',
        root_attrs=' xml:base="http://example.org/d/"',
    ),
    "a Mastodon post with a picture": _MASTODON,
    "a YouTube video": _YOUTUBE,
    "an RSS 1.0 channel before its items": _rdf(_RDF_CHANNEL + _RDF_ITEM),
    # Blogger's Atom: an avatar element, attributes and no text, inside each author.
    "an element feedparser does not know, without text, in an author": _atom(
        '<entry><id>1</id><title>t</title><author><name>N</name><gd:image xmlns:gd="urn:g"'
        ' rel="http://schemas.google.com/g/2005#thumbnail" src="http://example.org/a.png"/>'
        "</author></entry>"
    ),
    # feedparser repairs double-encoded UTF-8 ("\u00c3\u00a9" for "\u00e9") whatever the
    # declared encoding: it converts every document to UTF-8 before it parses it.
    "double-encoded UTF-8 in an ASCII document": _rss(
        "<item><title>caf&#195;&#169;</title><author>&#226;&#128;&#153;</author>"
        "<guid>1</guid></item>"
    ).replace(b'encoding="utf-8"', b'encoding="ascii"'),
    "double-encoded UTF-8 in a Latin-1 document": "<?xml version='1.0' encoding='iso-8859-1'?>"
    "<feed xmlns='http://www.w3.org/2005/Atom'><title>\u00c3\u00a9t\u00c3\u00a9</title>"
    "<entry><id>1</id><title>t\u00e9</title><summary>\u00c3\u00a9</summary></entry>"
    "</feed>".encode("iso-8859-1"),
    # feedparser names an attribute in a namespace it does not know by its local name.
    "a link's href in a namespace feedparser does not know": _atom(
        '<entry><id>1</id><title>t</title><link xmlns:x="urn:x" x:href="http://example.org/1"/>'
        "</entry>"
    ),
    # feedparser takes its version from the first namespace declaration that names one:
    # Atom 1.0's, on an Atom 0.3 feed, makes it "atom10" (and its XHTML div is stripped).
    "an Atom 0.3 feed that declares Atom 1.0's namespace": (
        b'<feed xmlns="http://purl.org/atom/ns#" xmlns:a="http://www.w3.org/2005/Atom"'
        b' version="0.3"><title>F</title><entry><id>1</id><title>t</title>'
        b'<content type="application/xhtml+xml" mode="xml">'
        b'<div xmlns="http://www.w3.org/1999/xhtml">x</div></content></entry></feed>'
    ),
    "an RSS 1.0 document that declares Atom's namespace after its own": _rdf(
        _RDF_CHANNEL + _RDF_ITEM
    ).replace(b" xmlns:dc=", b' xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc=', 1),
    # Several authors are named from feedparser's list of them (parse._author): "Jo Smith,
    # Ann", each by the name feedparser reads from its text or its one <name> part.
    "authors: raw RSS, dc:creator": _rss(
        "<item><title>A</title><author>jo@example.org (Jo Smith)</author>"
        "<dc:creator>Ann</dc:creator><link>http://example.org/1</link></item>"
    ),
    "authors: dc:creators, one an address alone, one twice": _rss(
        "<item><title>A</title><dc:creator>Ann Lee</dc:creator><dc:creator>bo@example.org"
        "</dc:creator><dc:creator> Ann Lee </dc:creator><dc:creator>Cy &amp; Co (Editor)"
        "</dc:creator><link>http://example.org/1</link></item>"
    ),
    "authors: text with the address in angle brackets, then a blank one": _rss(
        "<item><title>A</title><itunes:author>Ann &lt;ann@example.org&gt;</itunes:author>"
        "<dc:creator>Bo</dc:creator><dc:creator> </dc:creator>"
        "<link>http://example.org/1</link></item>"
    ),
    "authors: an address after 300 characters that may start one": _rss(
        "<item><title>t</title><dc:creator>Ann</dc:creator><dc:creator>"
        + "x" * 300
        + "@example.org</dc:creator></item>"
    ),
    "authors: Atom names": _atom(
        "<entry><id>1</id><title>t</title><author><name>Ann Lee</name></author>"
        "<author><name>Bo Roe</name></author><author><name>Cy</name></author></entry>"
    ),
    "authors: the Atom feed's, for an entry without its own": _atom(
        "<entry><id>1</id><title>t</title></entry>",
        head="<title>Feed</title><author><name>Ann</name></author><author><name>Bo</name></author>",
    ),
    "dates in every form feedparser reads": _rss(
        "<item><title>A</title><pubDate>Tue, 10 Jun 2003 04:00:00 GMT</pubDate>"
        "<dc:date>2003-06-11T05:00:00+02:00</dc:date><link>http://example.org/1</link></item>"
        "<item><title>B</title><pubDate>not a date</pubDate><link>http://example.org/2</link></item>"
    ),
}


@pytest.mark.parametrize("case", sorted(SAME_BOTH_WAYS))
def test_fast_path_copies_feedparser(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    data = SAME_BOTH_WAYS[case]
    assert _taken(data), "the fast path should read this document"
    slow, fast = _both(data, monkeypatch)
    assert isinstance(slow, ParsedFeed) and slow.entries
    assert fast == slow


@pytest.mark.parametrize("fast", [False, True])
def test_an_attachments_description_is_the_entrys_text_only_when_it_has_none(
    fast: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """media:description (a picture's alt text, a video's description) had become the
    entry's content after its real description: a Mastodon post read as its alt text."""
    import tui_reader.feeds.parse as parse_module

    monkeypatch.setattr(parse_module, "FAST_PATH", fast)
    if fast:
        assert _taken(_MASTODON) and _taken(_YOUTUBE)  # the fast path reads both
    posts = parse_module.parse_feed(_MASTODON, URL).entries
    assert [e.text for e in posts] == ["The post itself", "Then the post"]
    assert "Alt text" not in posts[0].content + posts[0].summary
    (video,) = parse_module.parse_feed(_YOUTUBE, URL).entries
    assert video.text == "What the video is about"


def test_entries_with_empty_links_under_a_base_do_not_share_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An empty <link/> is no link, also under an xml:base: the fast path had made every such
    entry's link the base itself, so they all pointed at one page (and read as one)."""
    slow, fast = _both(SAME_BOTH_WAYS["empty links under an xml:base (RSS)"], monkeypatch)
    assert isinstance(fast, ParsedFeed)
    assert [e.url for e in fast.entries] == ["", "", "http://example.org/d/c.html"]
    assert fast.site_url == ""  # the channel's empty link neither
    assert fast == slow


DECLINED = {
    # feedparser merges an entry's authors part by part: "N (e@example.org)" from these two.
    "a second author after one given in parts": _atom(
        "<entry><id>1</id><title>t</title><author><name>N</name></author>"
        "<author><email>e@example.org</email></author></entry>"
    ),
    # An author given in parts after one given as text: merged into it.
    "an Atom name after an author given as text": _rss(
        "<item><title>t</title><dc:creator>Ann</dc:creator>"
        "<atom:author><atom:name>Bo</atom:name></atom:author></item>"
    ),
    "a second author, with an email part": _atom(
        "<entry><id>1</id><title>t</title><author><name>N</name></author>"
        "<author><name>M</name><email>m@example.org</email></author></entry>"
    ),
    "an author in parts after another author": _rss(
        "<item><title>t</title><author>r@example.org (R)</author>"
        "<atom:author><atom:email>e@example.org</atom:email></atom:author></item>"
    ),
    "not well-formed": _rss("<item><title>A &nbsp; B</title></item>"),
    "a DOCTYPE": b'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY x "y">]>'
    + _rss("<item><title>&x;</title></item>").split(b"\n", 1)[1],
    "svg inside xhtml content": _atom(
        '<entry><id>1</id><title>t</title><content type="xhtml">'
        '<div xmlns="http://www.w3.org/1999/xhtml"><svg xmlns="http://www.w3.org/2000/svg">'
        "<title>x</title></svg></div></content></entry>"
    ),
    # XLink in scope anywhere in xhtml content: declared above it, or inside it.
    "xlink declared on the root, around xhtml content": _atom(
        '<entry><id>1</id><title>t</title><content type="xhtml">'
        '<div xmlns="http://www.w3.org/1999/xhtml"><p>a</p></div></content></entry>',
        root_attrs=' xmlns:xl="http://www.w3.org/1999/xlink"',
    ),
    "xlink declared inside xhtml content": _atom(
        '<entry><id>1</id><title>t</title><content type="xhtml">'
        '<div xmlns="http://www.w3.org/1999/xhtml"><p>a<b xmlns:xl="http://www.w3.org/1999/xlink">'
        "c</b></p></div></content></entry>"
    ),
    "non-xhtml elements inside xhtml content": _atom(
        '<entry><id>1</id><title>t</title><content type="xhtml">'
        '<div xmlns="http://www.w3.org/1999/xhtml"><p>a</p></div><link xmlns="" href="x"/>'
        "</content></entry>"
    ),
    "markup in a title": _atom("<entry><id>1</id><title>a <b>b</b></title></entry>"),
    "a default namespace feedparser does not know, also bound to a prefix": _rss(
        "<item><title>A</title><link>http://example.org/1</link>"
        '<wp:site xmlns:wp="com-wordpress:feed-additions:1">1</wp:site>'
        '<post-id xmlns="com-wordpress:feed-additions:1">2</post-id></item>'
    ),
    "a source element": _rss(
        "<item><title>A</title><source url='http://example.org/s'>S</source></item>"
    ),
    "base64 content": _atom(
        "<entry><id>1</id><title>t</title><content mode='base64' type='text/html'>PGI+aGk8L2I+"
        "</content></entry>"
    ),
    "a text input that feedparser leaves early": _rss(
        "<item><title>A</title><link>http://example.org/1</link></item>",
        channel="<title>Feed</title><textInput><extra>x</extra><title>Search</title></textInput>",
    ),
    # feedparser remembers the depth of the last title it took, and takes no second title at
    # that depth: after an item's (or an image's) title, the channel's own is dropped.
    "an RSS 1.0 item before the channel": _rdf(_RDF_ITEM + _RDF_CHANNEL),
    "an RSS 1.0 image before the channel": _rdf(
        '<image rdf:about="http://example.org/i.png"><title>Logo</title>'
        "<url>http://example.org/i.png</url><link>http://example.org/</link></image>"
        + _RDF_CHANNEL
        + _RDF_ITEM
    ),
    # The text of an element feedparser does not know, with attributes, is the author's own.
    "text inside an unknown element in an author": _rss(
        "<item><title>A</title><dc:creator>Ann<x:note xmlns:x='urn:x' kind='k'>Bee</x:note>"
        "</dc:creator></item>"
    ),
    # feedparser reads the subtitle as text: the tagline's start is text to it, its end ends the
    # subtitle early, and the entries' content after it was lost.
    "an element feedparser handles inside the feed's subtitle": _atom(
        '<entry><id>1</id><title>t</title><content type="xhtml">'
        '<div xmlns="http://www.w3.org/1999/xhtml"><p>C</p></div></content></entry>',
        head="<title>Feed</title><subtitle>S<tagline/></subtitle>",
    ),
    "a subtitle inside an entry's rights": _atom(
        "<entry><id>1</id><title>t</title><rights>R<subtitle/></rights>"
        '<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>C</p></div>'
        "</content></entry>"
    ),
    "a media title inside a subtitle in a media group": _rss(
        "<item><link>http://example.org/1</link><media:group><itunes:subtitle>S"
        "<media:title>M</media:title></itunes:subtitle></media:group></item>"
    ),
    "an href in a namespace feedparser does not know, on an item (CDF's)": _rss(
        '<item xmlns:x="urn:x" x:href="http://example.org/c"><title>A</title></item>'
    ),
    "an RSS 1.0 document that declares Atom's namespace before its own": _rdf(
        _RDF_CHANNEL + _RDF_ITEM
    ).replace(b"<rdf:RDF ", b'<rdf:RDF xmlns:atom="http://www.w3.org/2005/Atom" ', 1),
    "an image inside an item": _rss(
        "<item><title>A</title><image><title>I</title><link>http://example.org/i</link></image>"
        "</item>"
    ),
}


@pytest.mark.parametrize("case", sorted(DECLINED))
def test_fast_path_declines_what_it_cannot_copy(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    data = DECLINED[case]
    assert not _taken(data)
    slow, fast = _both(data, monkeypatch)  # feedparser reads it either way
    assert fast == slow


def test_hostile_feed_text_is_cleaned_on_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _rss(
        "<item><title>[bold]x[/bold] \u202eevil \u0085 [@click=app.quit]q[/]</title>"
        "<link>javascript:alert(1)</link>"
        "<description>&lt;script&gt;alert(1)&lt;/script&gt;&lt;p&gt;ok&lt;/p&gt;</description>"
        "</item>"
    )
    assert _taken(data)
    slow, fast = _both(data, monkeypatch)
    assert fast == slow
    assert isinstance(fast, ParsedFeed)
    entry = fast.entries[0]
    assert "\u202e" not in entry.title and "\x85" not in entry.title
    assert entry.title.startswith("[bold]x[/bold]")  # kept as text, shown literally
    assert entry.url == ""  # not an http(s) link
    assert "alert" not in entry.text and "ok" in entry.text


# Dates the fast path reads itself (W3C and RFC 822 in their common forms) and their edges:
# days, hours and offsets out of range, overflow past year 1 or 9999, fractional seconds that
# round up, forms one character away (then feedparser's own parsers read them).
_DATES = [
    "2009-01-12T11:44:15Z",
    "2009-01-12T11:44:15-06:00",
    "2009-01-12T11:44:15.123+05:30",
    "2008-02-29T23:59:59.9999999999999999Z",
    "2009-02-29T11:44:15Z",
    "2009-01-12T24:00:00Z",
    "2009-01-12T11:44:60Z",
    "2009-13-12T11:44:15Z",
    "2021-06-01T10:00:00+25:00",
    "2021-06-01T10:00:00-00:75",
    "0001-01-01T00:30:00+01:00",
    "9999-12-31T23:30:00-01:00",
    "2009-01-12t11:44:15z",
    "2009-01-12 11:44:15Z",
    "Mon, 01 Jan 2001 00:00:00 +0000",
    "Tue, 10 Jun 2003 04:00:00 GMT",
    "Thu, 01 Oct 2009 12:00:00 UT",
    "1 Oct 2009 12:00:00 Z",
    "Sat, 01 Jan 0001 00:10:00 +0100",
    "Fri, 31 Dec 9999 23:59:00 -0100",
    "Tue, 31 Feb 2021 10:00:00 GMT",
    "Sun, 09 Oct 2009 12:00:60 +9999",
    "Sun, 09 Oct 2009 12:00:00 EST",
    "Sun,  9 Oct 2009 12:00:00 GMT",
    "Sun, 09 oct 2009 12:00:00 GMT",
]


def test_common_dates_are_feedparsers() -> None:
    from tui_reader.feeds.fastxml import _common_date, _fp

    read = [value for value in _DATES if _common_date(value) is not None]
    assert len(read) >= 8  # (the common forms are read, not left to feedparser)
    for value in _DATES:
        found = _common_date(value)
        assert found is None or found == _fp().parse_date(value), value


def test_strip_div_knowing_the_top_elements_is_feedparsers_loop() -> None:
    """_strip_div told how many elements the content holds at its top skips feedparser's
    depth loop for one; the same pieces either way, for random contents as xhtml() writes
    them (tags, escaped text that never starts with "<", blank text at the edges)."""
    import random

    from tui_reader.feeds.fastxml import _strip_div

    rng = random.Random(17)
    texts = ["", " ", "\n  ", "x", " y ", "&lt;b&gt;", "\xa0"]

    def element(pieces: list[str], depth: int) -> None:
        name = rng.choice(["div", "p", "span", "divx", "b"])
        pieces.append(rng.choice([f"<{name}>", f'<{name} class="c">']))
        for _ in range(rng.randint(0, 3) if depth < 3 else 0):
            if rng.random() < 0.5:
                pieces.append(rng.choice(texts[1:]))
            element(pieces, depth + 1)
        pieces.append(f"</{name}>")

    for _ in range(5000):
        pieces: list[str] = []
        if rng.random() < 0.5:
            pieces.append(rng.choice(texts[1:]))
        top = rng.choice([0, 1, 1, 1, 2, 3])
        for _ in range(top):
            element(pieces, 0)
            if rng.random() < 0.5:
                pieces.append(rng.choice(texts[1:]))
        assert _strip_div(list(pieces), top) == _strip_div(list(pieces)), pieces


@pytest.mark.parametrize(
    "attributes",
    [
        'Base="http://a.example/" base="http://b.example/"',  # the last of one name
        'base="http://b.example/" Base="http://a.example/"',
        'base="http://b.example/" xml:base="http://c.example/"',  # xml:base first
        'xml:base="http://c.example/" base="http://b.example/"',
        'xml:base="" base="http://b.example/"',  # (an empty xml:base: the base above)
        'email:base="http://e.example/"',  # "email:base" to feedparser: not a base
        'x:bAsE="http://x.example/"',  # a namespace it does not know: "base"
        'n:base="http://n.example/"',  # one it knows without a prefix: "base"
        'x:base="http://x.example/" base="http://b.example/"',  # the plain one wins
        'base="http://b.example/" x:base="http://x.example/"',
        'database="http://d.example/" base2="http://e.example/" xbase="http://f.example/"',
    ],
)
def test_base_attributes_are_read_as_feedparser_reads_them(
    attributes: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Which attribute sets an item's base: feedparser names attributes by its own prefixes
    ("email:base" is none), keeps the last of one name and prefers xml:base."""
    data = (
        '<rss version="2.0" xmlns:email="http://purl.org/rss/1.0/modules/email/"'
        ' xmlns:x="urn:x" xmlns:n="http://example.com/necho"><channel><title>F</title>'
        f"<item {attributes}><title>t</title><link>rel/x</link>"
        '<guid isPermaLink="false">g</guid></item></channel></rss>'
    ).encode()
    assert _taken(data)
    slow, fast = _both(data, monkeypatch)
    assert isinstance(slow, ParsedFeed) and slow.entries[0].url.endswith("/rel/x")
    assert fast == slow


def test_the_elements_read_as_text_are_feedparsers() -> None:
    """TEXT_CONSTRUCTS is every element whose start handler makes feedparser read what follows
    as text (raises its content depth), in a feed and in an entry."""
    from feedparser.api import StrictFeedParser

    from tui_reader.feeds.fastxml import TEXT_CONSTRUCTS

    found = set()
    names = sorted(m[len("_start_") :] for m in dir(StrictFeedParser) if m.startswith("_start_"))
    for in_entry in (False, True):
        for name in names:
            parser = StrictFeedParser("http://example.org/", "en", "utf-8")
            parser.infeed = 1
            if in_entry:
                parser._start_item({})
            before = parser.incontent
            try:
                getattr(parser, "_start_" + name)({})
            except (KeyError, IndexError, AttributeError, TypeError):
                continue  # (a handler that needs attributes or a context: not a text one)
            if parser.incontent > before:
                found.add(name)
    assert len(found) >= 10
    assert found == TEXT_CONSTRUCTS
