"""Articles and images at URLs: a fetched page becomes an Article like a saved one.

The page's bytes are decoded by ``reader.page_text`` (the charset rules of
``charset.py``, the same as for a saved .html file) and read by
``reader.article_from_text``, given what only fetching knows: the URL the
page came from (after redirects), against which its relative links
(canonical URL, lead image) are made absolute.
"""

from __future__ import annotations

import io
import urllib.parse
from dataclasses import dataclass

from audio_artigo.model import Article
from audio_artigo.sources.fetch import Fetched, FetchError, Fetcher, FetchLimits, HostPolicy

PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml"})
UNLABELLED_TYPES = frozenset({"", "application/octet-stream", "binary/octet-stream"})
"""Served without a useful media type: looked at to see whether it is a page."""
ACCEPT_PAGE = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"
ACCEPT_IMAGE = "image/jpeg,image/png;q=0.9,image/*;q=0.5"
IMAGE_MAX_PIXELS = 40_000_000
"""An image larger than this is not decoded (Pillow's guard against decompression bombs)."""


def read_url(url: str, limits: FetchLimits | None = None) -> Article:
    """The article at ``url``; FetchError (an InputError) naming the URL and the cause."""
    with Fetcher(limits) as fetcher:
        return article_from_page(fetch_page(fetcher, url), url)


def fetch_page(
    fetcher: Fetcher, url: str, policy: HostPolicy | None = None, etag: str | None = None, last_modified: str | None = None
) -> Fetched:
    """Fetch a page (conditionally, given ``etag`` / ``last_modified``); FetchError if it is not an HTML page."""
    fetched = fetcher.fetch(url, accept=ACCEPT_PAGE, policy=policy, etag=etag, last_modified=last_modified)
    if fetched.not_modified or fetched.content_type in PAGE_TYPES:
        return fetched
    if fetched.content_type in UNLABELLED_TYPES and _looks_like_html(fetched.body):
        return fetched
    served = fetched.content_type or "no Content-Type"
    raise FetchError(f"{_name(url)}: not an HTML page ({served})")


def article_from_page(fetched: Fetched, url: str) -> Article:
    """The article of a fetched page (``url``: as the user or the feed gave it, for messages)."""
    from audio_artigo.sources.reader import article_from_text, page_text

    name = _name(url)
    address = urllib.parse.urldefrag(fetched.url)[0]
    text = page_text(fetched.body, name, fetched.charset)
    return article_from_text(text, "html", name, source=address, default_identity=address, url=address)


@dataclass(frozen=True)
class Image:
    data: bytes
    suffix: str
    """".jpg" or ".png": what podcast apps take as episode art."""


def fetch_image(fetcher: Fetcher, url: str) -> Image:
    """An article's lead image, as JPEG or PNG (other formats converted); FetchError if it cannot be had."""
    fetched = fetcher.fetch(url, accept=ACCEPT_IMAGE)
    data = fetched.body
    if data.startswith(b"\xff\xd8\xff"):
        return Image(data, ".jpg")
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return Image(data, ".png")
    return Image(_as_jpeg(data, _name(url)), ".jpg")


def _as_jpeg(data: bytes, name: str) -> bytes:
    """WebP, GIF, AVIF... converted to JPEG, which every podcast app shows."""
    import warnings

    from PIL import Image as PILImage

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            PILImage.MAX_IMAGE_PIXELS = IMAGE_MAX_PIXELS
            with PILImage.open(io.BytesIO(data)) as image:
                image.load()
                buffer = io.BytesIO()
                image.convert("RGB").save(buffer, "JPEG", quality=88)
    except Exception as exc:  # Pillow raises many kinds for what is not an image it can read
        raise FetchError(f"{name}: not an image ({type(exc).__name__})") from None
    return buffer.getvalue()


def _looks_like_html(body: bytes) -> bool:
    head = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<!--")) or b"<html" in head


def _name(url: str) -> str:
    return url if url.isprintable() else repr(url)
