"""Pathological inputs take time in proportion to their size.

Each check doubles the input and allows at most 2.5 times the time (best of
three runs each, plus a few milliseconds for timer noise), with only generous
absolute bounds. Sizes are chosen so that each check runs in about a second.
"""

from __future__ import annotations

import gc
import time
from pathlib import Path

import pytest

from audio_artigo.model import Article, Block, Section
from audio_artigo.sources.reader import read_article
from audio_artigo.reading.segmenter import segment
from audio_artigo.reading.sentences import split_sentences

from .conftest import expected_words, script_words

GROWTH_ALLOWED = 2.5
NOISE = 0.01  # seconds


def seconds(function, argument) -> float:
    """CPU seconds of this process (other processes on a busy machine do not
    count), with Python's cyclic garbage collector paused: its full passes walk
    the whole heap of the test session, which has nothing to do with the input."""
    gc.collect()
    gc.disable()
    try:
        started = time.process_time()
        function(argument)
        return time.process_time() - started
    finally:
        gc.enable()


def assert_linear(function, make, size: int, limit: float = 5.0, runs: int = 3) -> None:
    """Doubling the input at most multiplies the time by GROWTH_ALLOWED.

    Runs alternate between the two sizes and the best of each counts, so a
    burst of load on the machine slows both alike.
    """
    small_input, large_input = make(size), make(2 * size)
    small = large = float("inf")
    for _ in range(runs):
        small = min(small, seconds(function, small_input))
        large = min(large, seconds(function, large_input))
    assert large < limit
    assert large < GROWTH_ALLOWED * small + NOISE, f"{small:.3f}s -> {large:.3f}s when the input doubles"


def read_everything(text: str) -> None:
    """The whole reading side: segment, then split every segment into sentences."""
    script = segment(Article("Título", [Section(None, [Block("paragraph", text)])], "x", "x"))
    for chapter in script.chapters:
        for paragraph in chapter.paragraphs:
            for piece in paragraph:
                split_sentences(piece.text)


PATTERNS = {
    "a line without punctuation": lambda size: "palavra " * (size // 8),
    "one long token then !": lambda size: "a" * size + "!",
    "many spaces": lambda size: " " * size + "x",
    "many dots": lambda size: "." * size,
    "many sentence ends": lambda size: "a. " * (size // 3),
    "many abbreviations": lambda size: "Sr. X " * (size // 6),
    "many unclosed opening marks": lambda size: "“" * size,
    "mixed unbalanced marks": lambda size: "“ab” «c\" »" * (size // 10),
    "straight marks": lambda size: '"a ' * (size // 3),
    "dialogue dashes": lambda size: "— " + " — a" * (size // 4),
    "dashes after sentence ends": lambda size: "a. — b — c" * (size // 10),
    "attributions": lambda size: "“a”, disse o ministro da Fazenda, Ana Lima. “b”, completou ela. " * (size // 64),
    "names and roles": lambda size: "O presidente da APS, Anderson Pomini, e a ministra Ana Sá de Paula Lima, " * (size // 73),
    "colons and pronouns": lambda size: "Ele cobrou: “x” Ela disse que “y” Segundo ele, “z” " * (size // 48),
    "unclosed credits": lambda size: "(Foto:" * (size // 6),
    "open brackets": lambda size: "(" * size,
}


@pytest.mark.parametrize("make", PATTERNS.values(), ids=PATTERNS.keys())
def test_segmenting_and_splitting_grow_linearly(make):
    assert_linear(read_everything, make, 100_000)


def test_many_paragraphs_of_quotations_and_interview_turns_grow_linearly():
    def article(count: int) -> Article:
        blocks = []
        for number in range(count // 4):
            blocks += [
                Block("paragraph", f"P: Pergunta {number}?"),
                Block("paragraph", f"R: Resposta {number}."),
                Block("paragraph", f"“Fala {number}”, disse o ministro Rui Lima{number % 7}."),
                Block("paragraph", "— Sim — respondeu ela."),
            ]
        return Article("Título", [Section(None, blocks)], "x", "x")

    assert_linear(segment, article, 4_000)


def test_100000_quote_marks():
    def marks(count: int) -> str:
        return "Ele disse “a” e « b » e \"c\" ” « ”" * (count // 10)

    assert_linear(read_everything, marks, 100_000)
    article = Article("Título", [Section(None, [Block("paragraph", marks(100_000))])], "x", "x")
    assert script_words(segment(article)) == expected_words(article)


def test_a_10_mb_line(tmp_path):
    line = "palavra " * (10_000_000 // 8)
    paths = {}
    for size in (1_000_000, 2_000_000, 10_000_000):
        paths[size] = tmp_path / f"linha-{size}.txt"
        paths[size].write_text("Título\n" + line[:size], encoding="utf-8")

    def read_and_segment(path: Path) -> None:
        read_everything(read_article(path).sections[0].blocks[0].text)

    started = time.process_time()
    read_and_segment(paths[10_000_000])
    assert time.process_time() - started < 10.0
    assert_linear(read_and_segment, paths.get, 1_000_000)


@pytest.mark.parametrize(
    ("suffix", "make"),
    [
        (".html", lambda depth: "<html><body><h1>T</h1>" + "<div>" * depth + "<p>x</p>" + "</div>" * depth + "</body></html>"),
        (".html", lambda count: "<html><body><h1>T</h1>" + "<p>a<q>b" * (count // 2) + "</body></html>"),
        (".md", lambda count: "# T\n\n" + "[" * count + "a"),
        (".md", lambda count: "# T\n\n" + "*a" * count),
        # markdown-it-py drops what is nested more than 20 levels deep: "Texto." keeps the article readable.
        (".md", lambda count: "# T\n\nTexto.\n\n" + "> " * count + "a"),
        (".txt", lambda count: "T\n" + "- a\n" * count),
    ],
    ids=["5000 nested divs", "unclosed inline q", "markdown brackets", "markdown emphasis", "markdown nested quotes", "text list"],
)
def test_reading_pathological_files_grows_linearly(tmp_path, suffix, make):
    def read(size: int):
        path = tmp_path / f"{size}{suffix}"
        if not path.exists():
            path.write_text(make(size), encoding="utf-8")
        return read_article(path)

    assert_linear(read, lambda size: size, 5_000)
