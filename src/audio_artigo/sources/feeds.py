"""A newsroom's feed -> the articles it lists: RSS 2.0, RSS 1.0, Atom, JSON Feed, sitemaps.

- RSS and Atom are read by feedparser, given the bytes (it fetches nothing);
- JSON Feed (https://jsonfeed.org/version/1.1) by ``json``;
- sitemaps (``<urlset>``, with or without Google News' ``<news:news>``) and
  sitemap indexes (``<sitemapindex>``) by lxml with entity expansion, DTD
  loading and network access off.

No legitimate feed declares entities, so a feed whose bytes hold
``<!ENTITY`` (billion laughs, external entities) is refused before any
parser sees it. What is fetched is bounded by ``sources.fetch``.

Items come out newest first when every item has a date (a sitemap lists its
URLs in any order), else in the feed's own order.
"""

from __future__ import annotations

import calendar
import json
import re
import urllib.parse
from dataclasses import dataclass, field
from datetime import datetime, timezone

from audio_artigo.errors import InputError

_ENTITY_DECLARATION = re.compile(rb"<!\s*ENTITY", re.IGNORECASE)
_SITEMAP_NEWS = "http://www.google.com/schemas/sitemap-news/0.9"
_JSON_FEED_VERSION = "https://jsonfeed.org/version/"


class FeedError(InputError):
    """A feed could not be read: it is not a feed, or it is hostile."""


@dataclass
class FeedItem:
    url: str
    """The article's page, absolute."""
    guid: str
    """The feed's own id for the item (RSS guid, Atom id, JSON Feed id), else its URL."""
    title: str = ""
    published: datetime | None = None
    """When the feed says it was published or last updated (UTC)."""


@dataclass
class Feed:
    url: str
    kind: str
    """"rss", "atom", "json", "sitemap" or "sitemapindex" (whose items are sitemaps)."""
    items: list[FeedItem] = field(default_factory=list)


def parse_feed(data: bytes, url: str, content_type: str = "", name: str | None = None) -> Feed:
    """The items of the feed whose bytes are ``data`` (fetched from ``url``); FeedError if it is none."""
    name = name or url
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if content_type.endswith("json") or head.startswith(b"{"):
        return newest_first(_json_feed(data, url, name))
    if _declares_entities(data):
        raise FeedError(f"{name}: the feed declares XML entities (refused: no feed needs them, attacks do)")
    root = _root_name(data)
    if root in ("urlset", "sitemapindex"):
        return newest_first(_sitemap(data, url, name, root))
    return newest_first(_rss_or_atom(data, url, name))


def _declares_entities(data: bytes) -> bool:
    if _ENTITY_DECLARATION.search(data):
        return True
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return "<!ENTITY" in data.decode(codec, errors="replace").upper().replace("<! ", "<!")
    return False


def _safe_parser():
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True, remove_pis=True)


def _root_name(data: bytes) -> str | None:
    """The local name of the document's first element, or None if the bytes are not XML."""
    from lxml import etree

    parser = etree.XMLPullParser(events=("start",), resolve_entities=False, no_network=True, load_dtd=False)
    try:
        for start in range(0, min(len(data), 1 << 20), 4096):
            parser.feed(data[start : start + 4096])
            for _event, element in parser.read_events():
                return etree.QName(element).localname
    except etree.XMLSyntaxError:
        return None
    return None


def _rss_or_atom(data: bytes, url: str, name: str) -> Feed:
    import feedparser

    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    version = parsed.get("version") or ""
    if not version and not parsed.entries:
        raise FeedError(f"{name}: not a feed (RSS, Atom, JSON Feed or sitemap)")
    items = []
    for entry in parsed.entries:
        link = entry.get("link") or next((link.get("href") for link in entry.get("links", []) if link.get("href")), None)
        if not link:
            continue
        absolute = _absolute(url, str(link))
        when = entry.get("published_parsed") or entry.get("updated_parsed")
        published = datetime.fromtimestamp(calendar.timegm(when), timezone.utc) if when else None
        items.append(FeedItem(absolute, str(entry.get("id") or absolute), str(entry.get("title") or ""), published))
    return Feed(url, "atom" if version.startswith("atom") else "rss", items)


def _json_feed(data: bytes, url: str, name: str) -> Feed:
    try:
        document = json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise FeedError(f"{name}: not a JSON Feed ({exc.__class__.__name__})") from None
    if not isinstance(document, dict) or not str(document.get("version", "")).startswith(_JSON_FEED_VERSION):
        raise FeedError(f"{name}: JSON that is not a JSON Feed (no https://jsonfeed.org/version/ version)")
    items = []
    entries = document.get("items")
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict):
            continue
        link = entry.get("url") or entry.get("external_url")
        if not isinstance(link, str) or not link.strip():
            continue
        absolute = _absolute(url, link)
        when = _parse_date(entry.get("date_published") or entry.get("date_modified"))
        items.append(FeedItem(absolute, str(entry.get("id") or absolute), str(entry.get("title") or ""), when))
    return Feed(url, "json", items)


def _sitemap(data: bytes, url: str, name: str, root_name: str) -> Feed:
    from lxml import etree

    try:
        root = etree.fromstring(data, parser=_safe_parser())
    except etree.XMLSyntaxError as exc:
        raise FeedError(f"{name}: broken sitemap XML ({exc})") from None
    entry_name = "url" if root_name == "urlset" else "sitemap"
    items = []
    for entry in root:
        if not isinstance(entry.tag, str) or etree.QName(entry).localname != entry_name:
            continue
        fields = {etree.QName(child).localname: child for child in entry if isinstance(child.tag, str)}
        location = (fields["loc"].text or "").strip() if "loc" in fields else ""
        if not location:
            continue
        absolute = _absolute(url, location)
        title, when = "", _parse_date(fields["lastmod"].text if "lastmod" in fields else None)
        news = fields.get("news")
        if news is not None and news.tag == f"{{{_SITEMAP_NEWS}}}news":
            title = (news.findtext(f"{{{_SITEMAP_NEWS}}}title") or "").strip()
            when = _parse_date(news.findtext(f"{{{_SITEMAP_NEWS}}}publication_date")) or when
        items.append(FeedItem(absolute, absolute, title, when))
    return Feed(url, "sitemap" if root_name == "urlset" else "sitemapindex", items)


def newest_first(feed: Feed) -> Feed:
    if feed.items and all(item.published for item in feed.items):
        feed.items.sort(key=lambda item: item.published, reverse=True)
    return feed


_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


def _absolute(base: str, link: str) -> str:
    """A relative link made absolute against the feed's URL; a link with a scheme kept as it is
    (urljoin would turn "file:///etc/passwd" into "file://etc/passwd": the report must show what the feed said)."""
    link = link.strip()
    return link if _SCHEME.match(link) else urllib.parse.urljoin(base, link)


def _parse_date(text: object) -> datetime | None:
    """An ISO 8601 / W3C date or date-time (a sitemap's lastmod, a JSON Feed's date) in UTC."""
    if not isinstance(text, str) or not text.strip():
        return None
    text = text.strip().replace("Z", "+00:00").replace("z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment.replace(tzinfo=moment.tzinfo or timezone.utc).astimezone(timezone.utc)
