"""An article's metadata — title, byline, date, site, canonical URL, lead image — from the
page's JSON-LD, Open Graph / Twitter / Dublin Core meta tags and ``<title>``."""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin

from lxml.html import HtmlElement

from tui_reader.extract.dates import DATE_WORDS, strip_dates
from tui_reader.htmltext import decode_entities
from tui_reader.sanitize import cap_line, clean_line, clean_url
from tui_reader.words import words

_ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "reviewnewsarticle",
        "backgroundnewsarticle",
        "blogposting",
        "liveblogposting",
        "socialmediaposting",
        "techarticle",
        "scholarlyarticle",
        "report",
        "webpage",
        "creativework",
        "review",
        "medicalwebpage",
    }
)
# What sites put between the headline and their name, spaced: trafilatura's set (its
# HTMLTITLE_REGEX: "|", dashes, "•", "·", "*", "~", "<", ">", guillemets...), with "/", "\\"
# and "::" ("Site :: Headline"). From the start of a whitespace run only (from inside one,
# "\s+" rescanned the run).
_TITLE_SEPARATORS = re.compile(r"(?<!\s)\s+(?:::|[|\-–—\\/<>«»‹›·•⁄*⋆~:])\s+")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


@dataclass
class Metadata:
    title: str = ""
    byline: str = ""
    published: str = ""
    site_name: str = ""
    url: str = ""
    lead_image: str = ""
    page_title: str = ""  # the <title> as given, for spotting the headline repeated in the body
    headings: tuple[str, ...] = ()  # other names the headline goes by (og:title...)
    article_body: str = ""  # the page's own schema.org articleBody (JSON-LD), if it gives one
    says_article: bool = False  # Open Graph type "article" or a JSON-LD Article of some kind
    # The page says the article is not free to read (schema.org's isAccessibleForFree: false,
    # which news and newsletter sites give search engines for their paywalled articles).
    not_free: bool = False


def base_url(root: HtmlElement, url: str) -> str:
    """The URL relative links resolve against: the page's <base href>, else its own URL."""
    for base in root.iter("base"):
        href = (base.get("href") or "").strip()
        if href:
            try:
                return urljoin(url, href) if url else href
            except ValueError:
                break
    return url


def _json_ld_objects(root: HtmlElement) -> Iterator[dict[str, Any]]:
    for script in root.xpath("//script[@type='application/ld+json']"):
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):  # (not JSON; nested past the stack; huge numbers)
            continue
        stack = deque([data])  # (list.pop(0) was quadratic in a long JSON array)
        while stack:
            item = stack.popleft()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                graph = item.get("@graph")
                if isinstance(graph, list):
                    stack.extend(graph)
                yield item


def _types(obj: dict[str, Any]) -> set[str]:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.lower() for k in kinds if isinstance(k, str)}


def _said(value: Any) -> str:
    """A name or title as the page means it: a string from JSON-LD or a meta tag's content,
    with the character references decoded that sites leave in them ("&#8217;", "&amp;": the
    HTML parser decoded the attribute once, JSON not at all). Not for URLs: "&copy=1" in one
    is no "©"."""
    return decode_entities(value) if isinstance(value, str) else ""


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [_said(value)]
    if isinstance(value, dict):
        name = value.get("name")
        return [_said(name)] if isinstance(name, str) else []
    if isinstance(value, list):
        return [n for v in value for n in _names(v)]
    return []


def _image_url(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return str(value.get("url") or value.get("contentUrl") or "")
    if isinstance(value, list) and value:
        return _image_url(value[0])
    return ""


def normalize_date(value: str) -> str:
    """An ISO 8601 date or date-time for what a page says, or "" when it is not a date."""
    value = value.strip()
    if not value:
        return ""
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            match = _ISO_DATE.match(value)
            if match:
                try:
                    parsed = datetime.fromisoformat(match.group(0))
                except ValueError:
                    return ""
                return parsed.date().isoformat()
    if parsed is None:
        return ""
    if len(value) <= 10:
        return parsed.date().isoformat()
    return parsed.isoformat(timespec="seconds")


_BYLINE_PREFIX = re.compile(
    r"^(?:(?:written|posted|words|story)\s+by|by|authors?|par|von|por|door|di|av|af)"
    r"(?::\s*|\s+|$)",
    re.I,
)
# A reading time beside the name ("7 min", "5 min read", "3 minute read").
_READING_TIME = re.compile(
    r"\b\d{1,3}\s?(?:min(?:ute)?s?\.?)(?:\s+read(?:ing)?(?:\s+time)?)?\b", re.I
)
# The label of a date given apart from the byline ("Jane Doe Last updated"), at its end.
_DATE_LABEL = re.compile(r"\s(?:last\s)?(?:published|updated|posted|modified)\s?:?$", re.I)
# What a page's script printed for no name.
_NO_NAME = frozenset({"undefined", "null", "none", "unknown", "n/a"})
_EDGE_PUNCTUATION = "—–-|·•,:;/ "
# The words a date was given with, at the end of a byline once the date is gone: "on", "at",
# and the section named before them ("Jane Doe in News on"); a bounded name, no backtracking
# beyond it.
_BEFORE_DATE = re.compile(r"(?:\s+in\s+[^\s,|·•][^,|·•]{0,40}?)?\s+(?:on|at)[\s,:|·•-]*$", re.I)


def clean_byline(text: str) -> str:
    """ "By Jane Doe —" → "Jane Doe"; "By Jane Doe in News on 3 Nov 2016" → "Jane Doe"."""
    line = clean_line(text)
    undated = strip_dates(line)
    if undated != line:
        # What led to the date: "on", "at", and the section before it ("in News on").
        undated = _BEFORE_DATE.sub("", undated)
    undated = _DATE_LABEL.sub("", _READING_TIME.sub("", undated).rstrip(_EDGE_PUNCTUATION))
    text = _BYLINE_PREFIX.sub("", undated).strip(_EDGE_PUNCTUATION)
    text = _BYLINE_PREFIX.sub("", text).strip(_EDGE_PUNCTUATION)
    text = " ".join(text.split())
    if text.casefold() in _NO_NAME:
        return ""
    if not re.search(r"[^\W\d_]{2,}", DATE_WORDS.sub(" ", text)):
        return ""  # only "Updated at" was left of a date
    return text


def _similar(a: str, b: str) -> bool:
    words_a = set(words(a))
    words_b = words(b)
    extra = [w for w in words_b if w not in words_a]
    return bool(words_b) and len(" ".join(extra)) / max(len(" ".join(words_b)), 1) < 0.25


def _json_ld_title(article: dict[str, Any], page_title: str) -> str:
    """JSON-LD's headline, or its name when the two differ and only the name matches the page
    (sites put a description in one or the other)."""
    name, headline = article.get("name"), article.get("headline")
    if isinstance(name, str) and isinstance(headline, str) and name != headline:
        name, headline = _said(name), _said(headline)
        if _similar(page_title, headline) and not _similar(page_title, name):
            return headline
        return name
    return _said(headline)


def _looks_like_url(text: str) -> bool:
    return bool(re.match(r"^(?:https?:)?//|^www\.", text))


def _clean_title(title: str, site_name: str) -> str:
    """The page title without the site's name tacked on ("Headline | Site")."""
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    site = site_name.casefold()
    if site:
        kept = [p for p in parts if p.casefold() != site]
        if kept and len(kept) < len(parts):
            return " - ".join(kept)
    first, last = parts[0], parts[-1]
    if len(first.split()) >= 3 and len(first) >= len(last):
        return first
    if len(last.split()) >= 3 and len(last) > len(first):
        return last
    if len(parts) == 2 and len(last.split()) == 1 and len(first) > len(last):
        return first  # "Topic - Site"
    return title


def _false(value: Any) -> bool:
    return value is False or (isinstance(value, str) and value.strip().lower() == "false")


def _not_free(obj: dict[str, Any]) -> bool:
    """Whether a JSON-LD article says it (or a part of it) is not free to read."""
    if _false(obj.get("isAccessibleForFree")):
        return True
    parts = obj.get("hasPart")
    parts = parts if isinstance(parts, list) else [parts]
    return any(isinstance(p, dict) and _false(p.get("isAccessibleForFree")) for p in parts[:50])


def _says_article(article: dict[str, Any], meta: dict[str, str]) -> bool:
    return bool(article) or meta.get("og:type", "").strip().lower() == "article"


def extract_metadata(root: HtmlElement, url: str, base: str) -> Metadata:
    meta: dict[str, str] = {}
    for el in root.iter("meta"):
        content = el.get("content")
        if not content or not content.strip():
            continue
        for attr in ("property", "name", "itemprop"):
            for key in (el.get(attr) or "").lower().split():
                meta.setdefault(key, content.strip())
    article: dict[str, Any] = {}
    publisher = ""
    body = ""
    not_free = _false(meta.get("isaccessibleforfree"))  # (microdata's itemprop)
    for obj in _json_ld_objects(root):
        kinds = _types(obj)
        if kinds & _ARTICLE_TYPES and not not_free:
            not_free = _not_free(obj)
        declared = obj.get("articleBody")
        if kinds & _ARTICLE_TYPES and isinstance(declared, str) and len(declared) > len(body):
            body = declared  # (a forum post's articleBody is the first post: not the page)
        if kinds & _ARTICLE_TYPES and not article:
            article = obj
            publisher = next(iter(_names(obj.get("publisher"))), "")
        elif "organization" in kinds or "newsmediaorganization" in kinds:
            publisher = publisher or next(iter(_names(obj)), "")

    def first(*values: Any) -> str:
        for value in values:
            if isinstance(value, str) and clean_line(value):
                return cap_line(clean_line(value))
        return ""

    site_name = first(
        _said(meta.get("og:site_name")), publisher, _said(meta.get("application-name"))
    )
    title_el = root.find(".//title")
    page_title = clean_line(title_el.text_content()) if title_el is not None else ""
    h1s = [clean_line(h.text_content()) for h in root.iter("h1")]
    title = first(
        _json_ld_title(article, page_title),
        *map(_said, map(meta.get, ("og:title", "twitter:title", "dc.title", "parsely-title"))),
        _clean_title(page_title, site_name),
        *h1s[:1],
    )
    authors = [a for a in _names(article.get("author")) if not _looks_like_url(a)]
    byline = first(
        ", ".join(dict.fromkeys(clean_line(a) for a in authors if clean_line(a))),
        *(
            _said(v)
            for k in ("author", "article:author", "parsely-author", "dc.creator", "byl")
            if (v := meta.get(k)) and not _looks_like_url(v)
        ),
    )
    published = ""
    for candidate in (
        article.get("datePublished"),
        meta.get("article:published_time"),
        meta.get("og:published_time"),
        meta.get("datepublished"),
        meta.get("dc.date.issued"),
        meta.get("dc.date"),
        meta.get("dcterms.created"),
        meta.get("date"),
        meta.get("pubdate"),
        meta.get("publishdate"),
        meta.get("parsely-pub-date"),
        meta.get("sailthru.date"),
        *(t.get("datetime") for t in root.xpath("//time[@pubdate or @itemprop='datePublished']")),
        meta.get("og:article:published_time"),
        # Microdata's datePublished on any element (a <p datetime=...>, a <span content=...>).
        *(
            t.get("datetime") or t.get("content")
            for t in root.xpath("//*[@itemprop='datePublished'][@datetime or @content]")
        ),
        # Else the page's first machine-readable date, as a reader sees it under a headline
        # ("Published <time datetime=...>"); not one of a list's items, which dates the item.
        *root.xpath("//time[not(ancestor::li)]/@datetime"),
        # An article's own "post meta" list ("Published on <time>"): on a page that says it
        # is an article, the first date of a list is its own, not one of a list's items.
        *(root.xpath("//time[ancestor::li]/@datetime")[:1] if _says_article(article, meta) else ()),
    ):
        if isinstance(candidate, str) and (published := normalize_date(candidate)):
            break
    canonical = ""
    for link in root.xpath("//link[@rel and @href]"):
        if "canonical" in link.get("rel", "").lower().split():
            canonical = link.get("href", "")
            break
    lead = first(
        meta.get("og:image"),
        meta.get("og:image:url"),
        meta.get("twitter:image"),
        meta.get("twitter:image:src"),
        _image_url(article.get("image")),
    )
    return Metadata(
        title=title,
        byline=clean_byline(byline),
        published=published,
        site_name=site_name,
        url=_absolute(canonical or meta.get("og:url", ""), base) or url,
        lead_image=_absolute(lead, base),
        page_title=page_title,
        headings=tuple(
            t for t in map(_said, (meta.get("og:title"), meta.get("twitter:title"))) if t
        ),
        article_body=body,
        says_article=_says_article(article, meta),
        not_free=not_free,
    )


def _absolute(link: str, base: str) -> str:
    link = link.strip()
    if not link:
        return ""
    try:
        url = urljoin(base, link) if base else link
    except ValueError:
        return ""
    return clean_url(url) if url.lower().startswith(("http://", "https://")) else ""
