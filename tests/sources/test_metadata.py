"""What a page says about itself: JSON-LD in its variants, OpenGraph,
<link rel="canonical">, <meta name="author">; broken metadata is skipped."""

from __future__ import annotations

import json

import pytest

from audio_artigo.sources import dom
from audio_artigo.sources.metadata import read_metadata
from audio_artigo.sources.reader import article_from_text

BODY = "<h1>Manchete da matéria</h1>" + "<p>Um parágrafo da matéria, com palavras bastantes para ser lido como texto.</p>" * 3


def page(head: str, body: str = BODY) -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body><article>{body}</article></body></html>"


def ld(data) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def metadata(head: str, url: str | None = None):
    return read_metadata(dom.soup(page(head), "p.html"), url)


ARTICLE = {
    "@type": "NewsArticle",
    "headline": "Manchete da matéria",
    "datePublished": "2025-03-14T09:12:44-03:00",
    "author": {"@type": "Person", "name": "Fulana de Tal"},
    "publisher": {"@type": "Organization", "name": "Jornal Exemplo"},
    "image": "https://jornal.example/foto.jpg",
    "articleBody": "Um parágrafo da matéria.",
}


@pytest.mark.parametrize(
    "data",
    [
        ARTICLE,
        [{"@type": "BreadcrumbList"}, ARTICLE],
        {"@context": "https://schema.org", "@graph": [{"@type": "WebSite", "name": "Jornal"}, ARTICLE]},
        {"@type": "WebPage", "mainEntity": ARTICLE},
        {**ARTICLE, "@type": ["ReportageNewsArticle", "NewsArticle"]},
        {**ARTICLE, "@type": "http://schema.org/Article"},
    ],
    ids=["object", "list", "graph", "main entity", "type list", "type URL"],
)
def test_the_article_object_is_found_wherever_it_sits(data):
    meta = metadata(ld(data))
    assert meta.headline == "Manchete da matéria"
    assert meta.authors == ["Fulana de Tal"]
    assert meta.published == "2025-03-14T09:12:44-03:00"
    assert meta.site_name == "Jornal Exemplo"
    assert meta.image_url == "https://jornal.example/foto.jpg"
    assert meta.article_body == "Um parágrafo da matéria."


@pytest.mark.parametrize(
    ("author", "names"),
    [
        ("Fulana de Tal", ["Fulana de Tal"]),
        (["Fulana de Tal", "Beltrano Souza"], ["Fulana de Tal", "Beltrano Souza"]),
        ([{"@type": "Person", "name": "Fulana de Tal"}, {"name": "Beltrano Souza"}], ["Fulana de Tal", "Beltrano Souza"]),
        ("Fulana de Tal e Beltrano Souza", ["Fulana de Tal", "Beltrano Souza"]),
        ("Fulana de Tal, Beltrano Souza", ["Fulana de Tal", "Beltrano Souza"]),
        ("Maria e Silva", ["Maria e Silva"]),
        ({"@type": "Organization", "name": "Redação"}, ["Redação"]),
        ("https://www.facebook.com/fulana", []),
        ({"@id": "#fulana"}, ["Fulana pelo @id"]),
    ],
)
def test_authors_as_objects_strings_lists_and_references(author, names):
    data = {"@graph": [{**ARTICLE, "author": author}, {"@type": "Person", "@id": "#fulana", "name": "Fulana pelo @id"}]}
    assert metadata(ld(data)).authors == names


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        ({"@type": "ImageObject", "url": "https://jornal.example/a.jpg", "width": 800}, "https://jornal.example/a.jpg"),
        (["https://jornal.example/b.jpg", "https://jornal.example/c.jpg"], "https://jornal.example/b.jpg"),
        ([{"url": "/d.jpg"}], "https://jornal.example/d.jpg"),
        ("javascript:alert(1)", ""),
    ],
)
def test_the_lead_image_is_an_absolute_http_url(image, expected):
    head = ld({**ARTICLE, "image": image}) + '<link rel="canonical" href="https://jornal.example/noticia">'
    assert metadata(head).image_url == expected


@pytest.mark.parametrize(
    "script",
    [
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Manchete da matéria"</script>',
        '<script type="application/ld+json">' + "[" * 100_000 + "</script>",
        '<script type="application/ld+json"></script>',
        '<script type="application/ld+json">null</script>',
        '<script type="application/ld+json">{"@type": "NewsArticle", "author": 42, "image": {"url": 7}, "headline": ["x"]}</script>',
    ],
    ids=["unclosed", "deeply nested", "empty", "null", "wrong types"],
)
def test_broken_json_ld_is_skipped(script):
    head = script + '<meta property="og:title" content="Manchete da matéria"><meta name="author" content="Fulana de Tal">'
    meta = metadata(head)
    assert meta.og_title == "Manchete da matéria"
    article = article_from_text(page(head), "html", "p.html", "p.html", "p")
    assert article.title == "Manchete da matéria"
    assert article.authors == ["Fulana de Tal"]


def test_json_ld_a_browser_forgives_is_read():
    wrapped = '<script type="application/ld+json"><!--\n{"@type": "NewsArticle", "headline": "Com vírgula",}\n--></script>'
    assert metadata(wrapped).headline == "Com vírgula"
    entities = ld({**ARTICLE, "headline": "Prefeito &amp; vice <b>anunciam</b>"})
    assert metadata(entities).headline == "Prefeito & vice anunciam"


def test_opengraph_canonical_and_meta_author():
    head = """<meta property="og:title" content="Manchete da matéria">
    <meta property="og:site_name" content="Jornal Exemplo">
    <meta property="og:image" content="/fotos/a.jpg">
    <meta property="og:url" content="https://jornal.example/og">
    <meta property="article:published_time" content="2025-03-14 09:12:44-0300">
    <meta property="article:author" content="https://facebook.com/jornal">
    <meta property="article:author" content="Beltrano Souza">
    <link rel="canonical" href="/noticia/manchete">"""
    meta = metadata(head, url="https://jornal.example/amp/manchete?utm=x")
    assert meta.canonical_url == "https://jornal.example/noticia/manchete"
    assert meta.image_url == "https://jornal.example/fotos/a.jpg"
    assert meta.site_name == "Jornal Exemplo"
    assert meta.published == "2025-03-14T09:12:44-03:00"
    assert meta.authors == ["Beltrano Souza"]
    assert metadata('<meta property="og:url" content="https://jornal.example/og">').canonical_url == "https://jornal.example/og"
    assert metadata('<meta name="author" content="Fulana de Tal">').authors == ["Fulana de Tal"]
    assert metadata('<meta property="article:published_time" content="ontem">').published == ""


def test_the_article_carries_the_metadata_and_the_url_it_came_from():
    head = ld(ARTICLE) + '<link rel="canonical" href="/noticia">'
    article = article_from_text(page(head), "html", "p", "https://jornal.example/x", "x", url="https://jornal.example/amp/x")
    assert article.url == "https://jornal.example/amp/x"
    assert article.canonical_url == article.identity == "https://jornal.example/noticia"
    assert (article.authors, article.published, article.site_name) == (["Fulana de Tal"], "2025-03-14T09:12:44-03:00", "Jornal Exemplo")
    assert article.byline == "Por Fulana de Tal"
    assert article.image_url == "https://jornal.example/foto.jpg"
    bare = article_from_text(page(""), "html", "p", "p.html", "p")
    assert (bare.canonical_url, bare.authors, bare.published, bare.site_name, bare.image_url) == (None, [], None, None, None)
    assert bare.identity == "p"
