"""Whatever a page holds, the page reader gives an Article or an InputError,
in time that grows with the page; and only the HTML path loads trafilatura."""

from __future__ import annotations

import json
import subprocess
import sys

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audio_artigo.errors import InputError
from audio_artigo.sources.reader import article_from_text, read_article
from tests.reading.test_reading_pathological import assert_linear

from .conftest import PAGES

PROSE = "<p>A prefeitura anunciou nesta segunda-feira um plano de obras para recuperar as pontes da cidade.</p>"
PAGE_PIECES = [
    PROSE, "<h1>Manchete</h1>", "<h2>Seção</h2>", "<article>", "</article>", "<div class='comments'>", "<div class='hidden'>",
    "</div>", "<blockquote>", "</blockquote>", "<q>", "</q>", "<ul><li>", "<a href='/x'>", "</a>", "<p>Leia também:</p>",
    "<p>Há 2 horas</p>", "<p>Ouvir o texto</p>", '<script type="application/ld+json">', "</script>", '{"@type": "NewsArticle", ',
    '"headline": "Manchete"', '"author": [{"name": "Fulana"}, "Beltrano", 3]', "}", "[", "]", '{"@graph": [', ",",
    '<meta property="og:title" content="Manchete">', '<link rel="canonical" href="/x">', '<meta property="og:image" content="',
    "javascript:x", "<title>Manchete | Jornal</title>", "<figure><figcaption>Foto: Agência</figcaption></figure>",
    "&#0;", "&#xFFFE;", "\x00", "\ud800", "<!--", "-->",
]  # fmt: skip
pages = st.lists(st.one_of(st.sampled_from(PAGE_PIECES), st.text(max_size=6)), max_size=40).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(page=pages, url=st.sampled_from([None, "https://jornal.example/a/b", "ftp://x", "http://[::1"]))
def test_any_page_gives_an_article_or_an_input_error(page, url):
    try:
        article = article_from_text(page, "html", "p.html", "p.html", "p", url=url)
    except InputError as error:
        assert "\n" not in str(error)
        return
    assert article.title and any(section.blocks for section in article.sections)
    for value in (article.canonical_url, article.image_url):
        assert value is None or value.startswith(("http://", "https://"))


def test_a_big_page_with_furniture_is_read_in_linear_time(tmp_path):
    furniture = (
        "<div class='comments'><p>Os comentários não representam a opinião do jornal.</p></div>"
        "<div class='mais-lidas'><a href='/1'><p>Outra manchete da página</p></a><span>Há 2 horas</span></div>"
    )

    def read(count: int):
        path = tmp_path / f"{count}.html"
        if not path.exists():
            body = (PROSE * 3 + furniture) * (count // 4)
            path.write_text(f"<html><head>{_ld()}</head><body><article><h1>Manchete</h1>{body}</article></body></html>", encoding="utf-8")
        return read_article(path)

    assert_linear(read, lambda count: count, 2_000)


def test_deeply_nested_furniture_is_read_in_linear_time(tmp_path):
    body = "".join(PROSE.replace("cidade", f"cidade {number}") for number in range(5))

    def read(depth: int):
        path = tmp_path / f"nested-{depth}.html"
        if not path.exists():
            nested = "<div class='share comments'>" * depth + "<p>Um comentário lá no fundo da página.</p>" + "</div>" * depth
            path.write_text(f"<html><body><h1>Manchete</h1>{body}{nested}</body></html>", encoding="utf-8")
        return read_article(path)

    assert len(read(5_000).sections[0].blocks) == 5
    assert_linear(read, lambda depth: depth, 5_000)


def test_nested_boxes_of_links_are_read_in_linear_time(tmp_path):
    """Every link is weighed as a teaser's headline in the box around it; a box around the
    whole rest of the page must not cost its whole text for each of them."""
    body = "".join(PROSE.replace("cidade", f"cidade {number}") for number in range(5))

    def read(depth: int):
        path = tmp_path / f"links-{depth}.html"
        if not path.exists():
            nested = "".join(f"<div><p><a href='/n{n}'>Outra manchete número {n} do jornal</a></p>" for n in range(depth)) + "</div>" * depth
            path.write_text(f"<html><body><h1>Manchete</h1>{body}{nested}</body></html>", encoding="utf-8")
        return read_article(path)

    assert_linear(read, lambda depth: depth, 1_000)


def _ld() -> str:
    return '<script type="application/ld+json">' + json.dumps({"@type": "NewsArticle", "headline": "Manchete"}) + "</script>"


def test_only_the_html_path_loads_trafilatura(tmp_path):
    article = tmp_path / "nota.txt"
    article.write_text("Título\nUm parágrafo.\n", encoding="utf-8")
    check = (
        "import sys; from audio_artigo.sources.reader import read_article; "
        "read_article(sys.argv[1]); print(sorted(m for m in ('trafilatura', 'bs4', 'lxml') if m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", check, str(article)], capture_output=True, text=True, check=True).stdout.strip() == "[]"
    loaded = subprocess.run([sys.executable, "-c", check, str(PAGES / "g1-ponte-teresina.html")], capture_output=True, text=True, check=True)
    assert "trafilatura" in loaded.stdout
    help_imports = subprocess.run([sys.executable, "-X", "importtime", "-m", "audio_artigo", "--help"], capture_output=True, text=True, check=True)
    assert "audio_artigo.cli" in help_imports.stderr and "trafilatura" not in help_imports.stderr
