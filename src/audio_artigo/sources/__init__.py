"""Where articles come from: files (plain text, Markdown, HTML pages).

``read_source`` is the one entry point: a file path (later also a URL) in,
an ``Article`` out, or an ``InputError`` naming the input and the cause.
"""

from __future__ import annotations

from pathlib import Path

from audio_artigo.model import Article


def read_source(ref: str | Path) -> Article:
    """The article at ``ref``: a file path."""
    from audio_artigo.sources.reader import read_article

    return read_article(Path(ref))
