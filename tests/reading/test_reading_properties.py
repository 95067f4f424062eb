"""Properties over all of Unicode (control characters, NUL, BOM, lone
surrogates, HTML and Markdown fragments, quotation marks, long tokens):

- reading any file gives an Article or an InputError, never another exception;
- segmenting any Article loses no word: the words of the title, byline,
  headings and blocks (after clutter removal) come out in order, all of them
  (an interview's labels are read once per speaker, see conftest.expected_words),
  and every quotation's speaker is one of the script's speakers;
- the sentence splitter gives the text back, modulo white space.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audio_artigo.errors import InputError
from audio_artigo.model import Article, Block, Section
from audio_artigo.reading.quotes import split_quotes
from audio_artigo.sources.reader import read_article
from audio_artigo.reading.segmenter import segment
from audio_artigo.reading.sentences import split_sentences

from .conftest import expected_words, script_words, words

FRAGMENTS = [
    # quotation marks, dashes, list markers
    "“", "”", "„", "«", "»", '"', "'", "‘", "’", "—", " — ", "– ", "- ", "• ", "* ", "d'água", '32" e',
    # line breaks and odd characters
    "\n", "\n\n", "\r\n", "\r", "\t", "\x00", "\ufeff", "\ud800", "\udfff", "\x0b", "\x0c", "\x85", "\u2028", "\u00ad",
    # HTML
    "<p>", "</p>", "<q>", "</q>", "<blockquote>", "</blockquote>", "<h1>", "</h1>", "<h2>", "</h2>", "<article>",
    "<nav>", "<aside>", "<footer>", "<header>", "<br>", "<br/>", "<!--", "-->", "<![CDATA[", "<!DOCTYPE html>",
    "&amp;", "&#0;", "&#xD800;", "&eacute;", "<script>", "</script>", "<div", ">", "<li>", "<table><tr><td>",
    '<meta name="author" content="', '<link rel="canonical" href="', "<title>", " | Site", '<p class="byline">',
    # Markdown
    "# ", "## ", "### ", "> ", "```", "**", "*", "_", "[", "](", ")", "![", "---\n", "| a | b |\n|---|---|\n",
    "1. ", "<q>", "title: x\n",
    # sentence ends and their traps
    "Sr.", "Dr. ", "...", "…", ". ", "! ", "? ", "4,83", "3.720", "I.A.", "www.x.com.br", "DeepSeek-R1",
    "GPT-4.5", "J. R. R. ", "etc. ", "(...)",
    # clutter, bylines, speech
    "Ver também", "Leia também:", "Foto: ", "(Foto: X)", "Compartilhe", "Publicidade", "Por Fulana de Tal",
    "disse", ", disse Chen.", "afirmou:", "ção", "É",
    # interviews, speakers and their attributions
    "P: ", "R: ", "Eugênio: ", "Folha — ", "Prof. Carlos: ", "segundo o ministro", "disse ele", "— contou o motorista",
    ". — ", "'forno'", "Sant'Ana", "A frase, do presidente", "de acordo com", ", que reforçou:",
]  # fmt: skip

any_character = st.characters(exclude_categories=())
pieces = st.one_of(
    st.text(any_character, max_size=12),
    st.sampled_from(FRAGMENTS),
    st.text("ab .", max_size=8),
    st.integers(1, 3000).map(lambda length: "x" * length),  # long tokens
)
texts = st.lists(pieces, max_size=25).map("".join)
short_texts = st.lists(pieces, max_size=12).map("".join)  # an article has many: generating them is the slow part
block_kinds = st.sampled_from(["paragraph", "paragraph", "list_item", "blockquote"])
blocks = st.builds(Block, block_kinds, short_texts)
sections = st.builds(Section, st.one_of(st.none(), short_texts), st.lists(blocks, max_size=5))
articles = st.builds(
    Article,
    title=short_texts,
    sections=st.lists(sections, min_size=1, max_size=3),
    source=st.just("x"),
    identity=st.just("x"),
    byline=st.one_of(st.none(), short_texts),
)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(content=st.one_of(texts.map(lambda text: text.encode("utf-8", "surrogatepass")), st.binary(max_size=200)), suffix=st.sampled_from([".txt", ".md", ".markdown", ".html", ".htm", ".TXT", ".pdf", ""]))
def test_reading_anything_gives_an_article_or_an_input_error(scratch, content, suffix):
    path = scratch / f"artigo{suffix}"
    path.write_bytes(content)
    try:
        article = read_article(path)
    except InputError as error:
        assert "\n" not in str(error) and str(path) in str(error)
        return
    assert article.title.strip()
    assert any(section.blocks for section in article.sections)
    for section in article.sections:
        for block in section.blocks:
            assert block.text and block.text == " ".join(block.text.split())


@settings(max_examples=1000, deadline=None)
@given(article=articles, keep_related=st.booleans())
def test_segmenting_any_article_loses_no_word(article, keep_related):
    script = segment(article, keep_related=keep_related)
    assert script_words(script) == expected_words(article, keep_related)
    names = [speaker.name for speaker in script.speakers]
    assert len(names) == len(set(names))
    for chapter in script.chapters:
        for paragraph in chapter.paragraphs:
            assert paragraph
            for piece in paragraph:
                assert piece.kind in ("narration", "quote")
                assert words(piece.text) and piece.text == piece.text.strip()
                assert piece.speaker is None or (piece.kind == "quote" and piece.speaker in names)


@settings(max_examples=800, deadline=None)
@given(text=texts)
def test_quotation_detection_loses_no_word(text):
    segments = split_quotes(text)
    assert [word for piece in segments for word in words(piece.text)] == words(text)
    assert all(first.kind != second.kind or first.kind == "quote" for first, second in zip(segments, segments[1:]))


@settings(max_examples=1000, deadline=None)
@given(text=texts)
def test_sentences_give_back_the_text(text):
    sentences = split_sentences(text)
    assert "".join("".join(sentences).split()) == "".join(text.split())
    assert all(sentence and sentence == sentence.strip() for sentence in sentences)
