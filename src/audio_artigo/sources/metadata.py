"""What a page says about itself: JSON-LD, OpenGraph, <link rel="canonical">, <meta>.

Read from the parsed page (``dom.soup``) before anything is taken out of it.
JSON-LD is searched for the article object (``NewsArticle``, ``Article``,
``ReportageNewsArticle``..., at the top, in a list, in ``@graph`` or under
``mainEntity``), and ``@id`` references are followed. A script that is not
valid JSON is skipped, never an error. Every URL is made absolute against
the page's own address (its canonical URL, or the URL it was fetched from)
and kept only when it is http(s).
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from audio_artigo.sources.text import collapse

ARTICLE_TYPES = frozenset(
    "article newsarticle reportagenewsarticle analysisnewsarticle opinionnewsarticle backgroundnewsarticle "
    "reviewnewsarticle askpublicnewsarticle satiricalarticle blogposting liveblogposting socialmediaposting "
    "report techarticle scholarlyarticle".split()
)
JSON_LD_MAX_CHARS = 2_000_000
"""A JSON-LD script longer than this is not read (a page's metadata is a few kilobytes)."""
JSON_LD_MAX_NODES = 20_000
"""At most this many JSON objects and lists are looked at in a page's JSON-LD."""
_COMMENTS_AND_CDATA = re.compile(r"^\s*(?:<!--|//\s*<!\[CDATA\[|<!\[CDATA\[)|(?:-->|//\s*\]\]>|\]\]>)\s*$")
_NAME_SEPARATORS = re.compile(r"\s*(?:[,;&]|\s(?:e|and|y|et)\s)\s*")
_TRAILING_COMMAS = re.compile(r",(\s*[\]}])")


@dataclass
class PageMetadata:
    headline: str = ""
    """JSON-LD ``headline`` (or ``name``) of the article object."""
    og_title: str = ""
    twitter_title: str = ""
    title_tag: str = ""
    """The <title>, as it is (often "Headline | Site")."""
    site_name: str = ""
    canonical_url: str = ""
    """<link rel="canonical"> or og:url, absolute."""
    authors: list[str] = field(default_factory=list)
    published: str = ""
    image_url: str = ""
    description: str = ""
    article_body: str = ""
    """JSON-LD ``articleBody``: the publisher's own text of the article."""


def read_metadata(tree, page_url: str | None = None) -> PageMetadata:
    """The metadata of a parsed page; ``page_url`` is where it was fetched from, if it was."""
    article, graph = _json_ld_article(tree)
    metas, article_authors = _metas(tree)
    meta = PageMetadata()
    canonical = _link(tree, "canonical") or metas.get("og:url", "")
    meta.canonical_url = _absolute(canonical, page_url or "")
    base = meta.canonical_url or page_url or ""
    meta.headline = _text(article.get("headline")) or _text(article.get("name"))
    meta.og_title = metas.get("og:title", "")
    meta.twitter_title = metas.get("twitter:title", "")
    meta.title_tag = collapse(tree.title.get_text()) if tree.title is not None else ""
    meta.site_name = metas.get("og:site_name", "") or _name(_resolve(article.get("publisher"), graph))
    meta.authors = _authors(article.get("author"), graph) or _meta_authors(metas, article_authors)
    meta.published = _iso_date(_text(article.get("datePublished"))) or _iso_date(
        metas.get("article:published_time", "") or metas.get("datepublished", "") or metas.get("og:article:published_time", "")
    )
    image = _image(_resolve(article.get("image"), graph)) or _image(_resolve(article.get("thumbnailUrl"), graph))
    for candidate in (image, metas.get("og:image:secure_url", ""), metas.get("og:image", ""), metas.get("og:image:url", ""), metas.get("twitter:image", "")):
        meta.image_url = _absolute(candidate, base)
        if meta.image_url:
            break
    meta.description = _text(article.get("description")) or metas.get("og:description", "") or metas.get("description", "")
    meta.article_body = _text(article.get("articleBody"))
    return meta


# -- <meta> and <link> ---------------------------------------------------------


def _metas(tree) -> tuple[dict[str, str], list[str]]:
    """The page's <meta property|name|itemprop=... content=...> (the first of each, keys
    in lower case), and every article:author (a page may name several)."""
    found: dict[str, str] = {}
    article_authors: list[str] = []
    for tag in tree.find_all("meta"):
        key = tag.get("property") or tag.get("name") or tag.get("itemprop")
        content = tag.get("content")
        if not isinstance(key, str) or not isinstance(content, str):
            continue
        key = key.strip().lower()
        value = collapse(content)
        if key == "article:author":
            article_authors.append(value)
        if value and key not in found:
            found[key] = value
    return found, article_authors


def _meta_authors(metas: dict[str, str], article_authors: list[str]) -> list[str]:
    names = [value for value in article_authors if _is_name(value)]
    if not names and _is_name(metas.get("author", "")):
        names = [metas["author"]]
    return _unique(names)


def _link(tree, rel: str) -> str:
    for tag in tree.find_all("link", href=True):
        rels = tag.get("rel") or []
        if isinstance(rels, str):
            rels = rels.split()
        if rel in (value.lower() for value in rels):
            return str(tag.get("href")).strip()
    return ""


# -- JSON-LD -------------------------------------------------------------------


def _json_ld_article(tree) -> tuple[dict, dict[str, dict]]:
    """The page's JSON-LD article object (or {}) and every object by its @id."""
    documents = []
    for script in tree.find_all("script"):
        kind = str(script.get("type") or "").split(";")[0].strip().lower()
        if kind != "application/ld+json":
            continue
        source = script.string or script.get_text()
        if len(source) > JSON_LD_MAX_CHARS:
            continue
        document = _load_json(source)
        if document is not None:
            documents.append(document)
    objects = list(_objects(documents))
    graph = {node["@id"]: node for node in objects if isinstance(node.get("@id"), str)}
    articles = [node for node in objects if _types(node) & ARTICLE_TYPES]
    if not articles:
        return {}, graph
    # The article object that says most: a body, then a headline.
    return max(articles, key=lambda node: (bool(node.get("articleBody")), bool(node.get("headline")))), graph


def _load_json(source: str):
    """A JSON-LD script's data, or None; HTML comment or CDATA wrappers and trailing commas are forgiven."""
    text = _COMMENTS_AND_CDATA.sub("", source.strip())
    for attempt in (text, _TRAILING_COMMAS.sub(r"\1", text)):
        try:
            return json.loads(attempt, strict=False)
        except (ValueError, RecursionError):
            continue
    return None


def _objects(documents: list):
    """Every JSON object in the documents, without recursion and at most JSON_LD_MAX_NODES."""
    stack = list(reversed(documents))
    seen = 0
    while stack and seen < JSON_LD_MAX_NODES:
        node = stack.pop()
        seen += 1
        if isinstance(node, dict):
            yield node
            stack.extend(reversed([value for value in node.values() if isinstance(value, (dict, list))]))
        elif isinstance(node, list):
            stack.extend(reversed([value for value in node if isinstance(value, (dict, list))]))


def _types(node: dict) -> set[str]:
    kind = node.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {value.rsplit("/", 1)[-1].lower() for value in kinds if isinstance(value, str)}


def _resolve(value, graph: dict[str, dict]):
    """An {"@id": ...} reference replaced by the object it names, when the page has it."""
    if isinstance(value, dict) and set(value) <= {"@id", "@type"} and isinstance(value.get("@id"), str):
        return graph.get(value["@id"], value)
    if isinstance(value, list):
        return [_resolve(item, graph) for item in value[:50]]
    return value


def _authors(value, graph: dict[str, dict]) -> list[str]:
    value = _resolve(value, graph)
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items[:50]:
        item = _resolve(item, graph)
        name = _name(item) if isinstance(item, dict) else _text(item)
        names += [part for part in _split_names(name) if _is_name(part)]
    return _unique(names)


def _split_names(text: str) -> list[str]:
    """ "Fulana de Tal e Beltrano Souza" as one string is two authors; "Ana e Silva" may be one."""
    parts = [part for part in _NAME_SEPARATORS.split(text) if part]
    if len(parts) > 1 and all(len(part.split()) >= 2 and part[:1].isupper() for part in parts):
        return parts
    return [part for part in re.split(r"\s*[,;&]\s*", text) if part]


def _name(value) -> str:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        return _text(value.get("name"))
    return ""


def _image(value) -> str:
    """A URL from an image value: a string, an ImageObject, or a list of either."""
    if isinstance(value, list):
        value = next((item for item in value if item), None)
    if isinstance(value, dict):
        value = value.get("url") or value.get("contentUrl") or value.get("@id")
    return _text(value)


def _text(value) -> str:
    """A JSON-LD string value, its HTML entities and tags (some CMSs leave them) undone."""
    if isinstance(value, list):
        value = next((item for item in value if isinstance(item, str) and item.strip()), "")
    if not isinstance(value, str):
        return ""
    value = html.unescape(value)
    if "<" in value:
        value = re.sub(r"<[^<>]{0,500}>", " ", value)
    return collapse(value)


# -- Values ------------------------------------------------------------------


def _is_name(text: str) -> bool:
    """An author's name, not a profile URL or a sentence."""
    text = text.strip()
    return bool(text) and len(text) <= 80 and "://" not in text and not text.startswith(("www.", "@")) and any(c.isalpha() for c in text)


def _iso_date(text: str) -> str:
    """A date and time as ISO 8601 ("2024-05-02T10:00:00-03:00"), or "" when it is not one."""
    text = text.strip()
    if not text:
        return ""
    candidate = re.sub(r"([+-]\d\d)(\d\d)$", r"\1:\2", text.replace(" ", "T", 1) if re.match(r"\d{4}-\d\d-\d\d \d", text) else text)
    try:
        return datetime.fromisoformat(candidate).isoformat()
    except ValueError:
        return ""


def _absolute(url: str, base: str) -> str:
    url = url.strip()
    if not url:
        return ""
    try:
        absolute = urljoin(base, url) if base else url
        scheme = urlsplit(absolute).scheme
    except ValueError:
        return ""
    return absolute if scheme in ("http", "https") and absolute.isprintable() else ""


def _unique(names: list[str]) -> list[str]:
    seen: set[str] = set()
    unique = []
    for name in names:
        name = collapse(name)
        if name.casefold() not in seen:
            seen.add(name.casefold())
            unique.append(name)
    return unique
