"""What the reader gives is text XML can carry: no control characters, non-characters or lone surrogates.

The article's text ends up in feed.xml, the page, the transcript and the MP3's
tags. Plain text is cleaned as it is decoded; HTML and Markdown also write
characters as references (``&#1;``, ``&#xFFFE;``), decoded after that.
"""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audio_artigo.errors import InputError
from audio_artigo.sources.reader import read_article
from tests.reading.test_reading_properties import FRAGMENTS, any_character

CHARACTER_REFERENCES = [
    "&#0;", "&#1;", "&#x1f;", "&#x7f;", "&#x85;", "&#x9f;", "&#xb;", "&#12;", "&#xFFFE;", "&#xffff;", "&#xD800;",
    "&#xDFFF;", "&#x110000;", "&#65279;", "&#xAD;", "&#x2028;", "&nbsp;", "&shy;", "&#x10FFFF;",
]  # fmt: skip
_NOT_FOR_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")

pieces = st.one_of(st.text(any_character, max_size=8), st.sampled_from(FRAGMENTS), st.sampled_from(CHARACTER_REFERENCES))
documents = st.lists(pieces, max_size=30).map("".join)


def texts_of(article) -> list[str]:
    texts = [article.title, article.byline or ""]
    for section in article.sections:
        texts.append(section.title or "")
        texts += [block.text for block in section.blocks]
    return texts


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    return tmp_path_factory.mktemp("reader-output")


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=documents, suffix=st.sampled_from([".html", ".md", ".txt"]), wrapped=st.booleans())
def test_the_reader_gives_text_that_xml_can_carry(scratch, document, suffix, wrapped):
    if wrapped and suffix == ".html":
        document = f"<html><body><article><h1>Título {document}</h1><p>{document}</p></article></body></html>"
    elif wrapped:
        document = f"# Título {document}\n\n{document}\n"
    path = scratch / f"artigo{suffix}"
    path.write_bytes(document.encode("utf-8", "surrogatepass"))
    try:
        article = read_article(path)
    except InputError:
        return
    for text in texts_of(article):
        assert not [char for char in text if unicodedata.category(char) == "Cc"], repr(text)
        assert not _NOT_FOR_XML.search(text), repr(text)
