"""Where articles come from: files (plain text, Markdown, HTML pages), URLs and feeds.

``read_source`` is the one entry point: a file path or an http(s) URL in,
an ``Article`` out, or an ``InputError`` naming the input and the cause.
The modules: ``reader`` (a file or decoded text -> Article), ``text`` (what
every format shares: clean-up, sections, bylines), ``page`` (a whole news
page -> the article), with ``dom`` (its structure), ``boilerplate`` (page
furniture) and ``metadata`` (what the page says of itself), ``charset`` (a
page's bytes -> text), ``limits`` and ``fetch`` (bounded HTTP), ``web`` (a
page or an image at a URL), ``feeds`` (RSS, Atom, JSON Feed, sitemaps ->
items) and ``follow`` (keeping a podcast in step with feeds). The network modules are
imported only when a URL is read: building from files never loads httpx.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from audio_artigo.model import Article

if TYPE_CHECKING:
    from audio_artigo.sources.limits import FetchLimits


def is_url(ref: str | Path) -> bool:
    """Whether ``ref`` is written as a URL ("scheme://..."): fetched (http, https) or refused, never read as a file."""
    text = str(ref)
    scheme, sep, _ = text.partition("://")
    return bool(sep) and scheme.isascii() and scheme[:1].isalpha() and all(c.isalnum() or c in "+-." for c in scheme)


def read_source(ref: str | Path, limits: FetchLimits | None = None) -> Article:
    """The article at ``ref``: a file path, or an http(s) URL fetched within ``limits``."""
    if isinstance(ref, str) and is_url(ref):
        from audio_artigo.sources.web import read_url

        return read_url(ref, limits)
    from audio_artigo.sources.reader import read_article

    return read_article(Path(ref))
