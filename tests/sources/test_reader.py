"""Reading articles: plain text, Markdown and HTML into the same Article shape,
and one-line InputErrors for whatever cannot be read."""

from __future__ import annotations

from pathlib import Path

import pytest

from audio_artigo.errors import InputError
from audio_artigo.model import Block, Section
from audio_artigo.sources.reader import read_article


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


# -- Plain text ----------------------------------------------------------------


def test_plain_text_reference_article(ia_xangai):
    article = read_article(ia_xangai)
    assert article.title == "IA permanece um dos principais setores de Xangai"
    assert article.format == "text"
    assert article.identity == "ia-xangai"
    assert len(article.sections) == 1 and article.sections[0].title is None
    blocks = article.sections[0].blocks
    assert blocks[0].text.startswith("A inteligência artificial (IA) continuará")
    assert [block.text for block in blocks if block.kind == "list_item"][0] == "Desenvolvedores globais: Como o DeepSeek mudou o mundo da tecnologia"
    assert sum(block.kind == "paragraph" for block in blocks) == 18  # 17 paragraphs and "Ver também"


def test_plain_text_lines_blank_lines_lists_and_byline(tmp_path):
    path = write(
        tmp_path,
        "nota.txt",
        "\n\n  Título da nota  \n\nPor Fulana de Tal, da Reuters\n\nPrimeiro parágrafo.\nSegundo parágrafo.\n\n"
        "Itens:\n- um\n• dois\n* três\n",
    )
    article = read_article(path)
    assert article.title == "Título da nota"
    assert article.byline == "Por Fulana de Tal, da Reuters"
    assert article.sections == [
        Section(
            None,
            [
                Block("paragraph", "Primeiro parágrafo."),
                Block("paragraph", "Segundo parágrafo."),
                Block("paragraph", "Itens:"),
                Block("list_item", "um"),
                Block("list_item", "dois"),
                Block("list_item", "três"),
            ],
        )
    ]


def test_a_hard_wrapped_text_file_has_one_paragraph_per_blank_line(tmp_path):
    path = write(
        tmp_path,
        "wrapped.txt",
        "Título\n\nA safra brasileira de grãos deve atingir 322 milhões\nde toneladas, segundo a Conab.\n\n"
        "O valor bruto da produção deve chegar\na R$ 1,2 trilhão.\n",
    )
    blocks = read_article(path).sections[0].blocks
    assert [block.text for block in blocks] == [
        "A safra brasileira de grãos deve atingir 322 milhões de toneladas, segundo a Conab.",
        "O valor bruto da produção deve chegar a R$ 1,2 trilhão.",
    ]


def test_sentences_that_only_look_like_bylines_stay(tmp_path):
    path = write(tmp_path, "a.txt", "Título\nPor isso, o governo recuou.\nPor Que o Brasil importa tanto trigo?\n")
    article = read_article(path)
    assert article.byline is None
    assert len(article.sections[0].blocks) == 2


def test_bom_crlf_control_characters_and_decomposed_accents(tmp_path):
    path = write(tmp_path, "a.txt", b"\xef\xbb\xbfT\xc3\xadtulo\r\nUm\x07 par\xc3\xa1grafo\x0bcom\ttab e ac\x65\xcc\x81nto.\r\n")
    article = read_article(path)
    assert article.title == "Título"
    assert article.sections[0].blocks == [Block("paragraph", "Um parágrafo com tab e acénto.")]


# -- Markdown ------------------------------------------------------------------


def test_markdown_article(safra):
    article = read_article(safra)
    assert article.format == "markdown"
    assert article.title == "Safra de grãos deve bater recorde e movimentar R$ 1,2 trilhão em 2025"
    assert [section.title for section in article.sections] == [None, "Clima ajudou no Centro-Oeste", "Exportações e logística"]
    opening = article.sections[0].blocks
    assert opening[0].text.startswith("Estimativa da Conab aponta")  # the bold subtitle, without its marks
    assert "**" not in opening[0].text
    lists = [block.text for block in article.sections[2].blocks if block.kind == "list_item"]
    assert lists[0] == "soja: 168,3 milhões de toneladas (+13,3%);"


def test_markdown_marks_are_dropped_and_blockquotes_kept(tmp_path):
    path = write(
        tmp_path,
        "a.md",
        "# O *título*\n\nTexto com **negrito**, [um link](http://x.com) e `código`.\n\n"
        "![foto da ponte](ponte.jpg)\n\n> Uma citação\n> em bloco.\n\n### Subtítulo menor\n\n"
        "Ela disse <q>chega</q> e saiu.\n\n1. primeiro\n2. segundo\n\n```\nlinha de código\n```\n",
    )
    article = read_article(path)
    assert article.title == "O título"
    assert article.sections[0].blocks == [
        Block("paragraph", "Texto com negrito, um link e código."),
        Block("blockquote", "Uma citação em bloco."),
        Block("paragraph", "Subtítulo menor"),
        Block("paragraph", "Ela disse “chega” e saiu."),
        Block("list_item", "primeiro"),
        Block("list_item", "segundo"),
        Block("paragraph", "linha de código"),
    ]


def test_markdown_front_matter(tmp_path):
    path = write(
        tmp_path,
        "a.md",
        "---\ntitle: 'Título do front matter'\nauthor: Fulana de Tal\ncanonical: https://jornal.example/a\ntags:\n  - safra\n---\n\nTexto.\n",
    )
    article = read_article(path)
    assert (article.title, article.byline, article.identity) == ("Título do front matter", "Por Fulana de Tal", "https://jornal.example/a")
    assert (article.canonical_url, article.authors) == ("https://jornal.example/a", ["Fulana de Tal"])
    assert article.sections[0].blocks == [Block("paragraph", "Texto.")]


def test_a_leading_rule_is_not_front_matter(tmp_path):
    path = write(tmp_path, "a.md", "---\nTexto que não é YAML, apenas prosa.\n---\n\n# Título\n\nCorpo.\n")
    article = read_article(path)
    assert article.title == "Título"
    # Markdown reads it as a rule and a heading: the text stays.
    assert article.sections[0].title == "Texto que não é YAML, apenas prosa."


def test_markdown_without_a_title_heading_uses_the_first_line(tmp_path):
    article = read_article(write(tmp_path, "a.md", "Primeira linha\n\nSegundo parágrafo.\n"))
    assert article.title == "Primeira linha"
    assert article.sections[0].blocks == [Block("paragraph", "Segundo parágrafo.")]


# -- HTML ----------------------------------------------------------------------


def test_html_news_page(vacinacao):
    article = read_article(vacinacao)
    assert article.format == "html"
    assert article.title == "Campanha de vacinação contra a gripe é ampliada para toda a população em SP"
    assert article.identity == "vacinacao-sp"
    assert [section.title for section in article.sections] == [None, "Casos de SRAG em alta", "Onde se vacinar"]
    text = " ".join(block.text for section in article.sections for block in section.blocks)
    for clutter in ("Início", "Saúde |", "Mais lidas", "Dólar fecha", "Todos os direitos reservados", "Jornal Exemplo"):
        assert clutter not in text
    kinds = [block.kind for block in article.sections[1].blocks]
    assert kinds == ["paragraph", "blockquote", "paragraph"]
    assert "reforçou: “quem tem doença crônica precisa se vacinar já”." in article.sections[1].blocks[2].text


PAGE = """<!DOCTYPE html><html><head>
<title>Título da aba | Jornal</title>
<link rel="canonical" href="https://jornal.example/noticia">
<meta name="author" content="Redação">
<style>p {{ color: red }}</style><script>var x = "não leia";</script>
</head><body>
<header><a href="/">Jornal</a><form><input value="Buscar"></form></header>
{body}
<footer>Rodapé</footer>
</body></html>"""


def test_html_metadata_and_dropped_elements(tmp_path):
    body = """<main><h1>Manchete</h1>
<p class="byline">Por <a rel="author" href="/f">Fulana de Tal</a></p>
<figure><img src="a.jpg"><figcaption>Foto: Beltrano/Agência</figcaption></figure>
<p>Primeiro<br>parágrafo<br><br>Segundo parágrafo.</p>
<p hidden>Escondido.</p><div aria-hidden="true">Também escondido.</div>
<noscript>Ative o JavaScript.</noscript>
<h3>Um intertítulo</h3><ul><li>Item <q>um</q></li></ul>
<blockquote><p>Citação longa.</p><footer>— Sicrano</footer></blockquote>
</main>"""
    article = read_article(write(tmp_path, "pagina.html", PAGE.format(body=body)))
    assert article.title == "Manchete"
    assert article.identity == "https://jornal.example/noticia"
    assert article.byline == "Por Fulana de Tal"
    assert article.sections == [
        Section(
            None,
            [
                Block("paragraph", "Primeiro parágrafo"),
                Block("paragraph", "Segundo parágrafo."),
                Block("paragraph", "Um intertítulo"),
                Block("list_item", "Item “um”"),
                Block("blockquote", "Citação longa."),
                Block("paragraph", "Sicrano"),
            ],
        )
    ]


@pytest.mark.parametrize(
    ("markup", "byline"),
    [
        ('<div class="byline"><span>By:</span> <a class="author" href="/a">Chloé Lauvergnier</a></div>', "Por Chloé Lauvergnier"),
        ('<div class="author">Posted By: Hannah Curran</div>', "Por Hannah Curran"),
        ('<div class="author">Firmado por Redacción</div>', "Por Redacción"),
        ('<div class="author">Par Lilian Alemagna</div>', "Por Lilian Alemagna"),
        ('<div class="byline">CBC News · Posted: Jul 30, 2019 1:05 PM EDT</div>', "Por CBC News"),
        ('<p class="author"><span>Osmar Portilho</span></p><p class="author">Do UOL, em São Paulo</p>', "Por Osmar Portilho"),
        ('<p class="author">Autor: Osmar Portilho</p>', "Por Osmar Portilho"),
        (  # the authors of other stories' teasers are not the article's
            '<p>Por <a class="author" href="/kab">Kab Niang</a></p><div class="lista"><div><h3><a href="/x">Greve chega à terceira semana na universidade</a></h3>'
            '<a class="listPosts-author" href="/p">Philippe Douroux</a></div><div><h3><a href="/y">Estudantes ocupam prédio da reitoria</a></h3>'
            '<a class="listPosts-author" href="/h">Hervé Hinopay</a></div></div>',
            "Por Kab Niang",
        ),
    ],
)
def test_html_bylines_in_other_languages_lose_their_label_and_their_date(tmp_path, markup, byline):
    body = f"<main><h1>Manchete</h1>{markup}<p>Primeiro parágrafo da notícia.</p></main>"
    article = read_article(write(tmp_path, "p.html", PAGE.format(body=body)))
    assert article.byline == byline
    assert [block.text for block in article.sections[0].blocks] == ["Primeiro parágrafo da notícia."]


def test_html_title_falls_back_to_the_page_title_and_author_to_meta(tmp_path):
    article = read_article(write(tmp_path, "p.htm", PAGE.format(body="<p>Só um parágrafo.</p>")))
    assert article.title == "Título da aba"
    assert article.byline == "Por Redação"
    assert article.sections[0].blocks == [Block("paragraph", "Só um parágrafo.")]


def test_html_prefers_the_article_with_the_most_text_and_og_url(tmp_path):
    html = """<html><head><meta property="og:url" content="https://jornal.example/og"></head><body>
<article><p>Comentário curto.</p></article>
<article><h1>Manchete</h1><p>O texto principal da notícia, bem mais longo que o comentário.</p></article>
</body></html>"""
    article = read_article(write(tmp_path, "p.html", html))
    assert article.identity == "https://jornal.example/og"
    assert article.sections[0].blocks == [Block("paragraph", "O texto principal da notícia, bem mais longo que o comentário.")]


def test_html_entities_are_not_expanded_beyond_html_and_nothing_is_fetched(tmp_path):
    html = """<?xml version="1.0"?><!DOCTYPE html [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY ext SYSTEM "file:///etc/passwd">]><html><body><h1>T</h1><p>A &amp; B &eacute; &lol2; &ext;</p></body></html>"""
    article = read_article(write(tmp_path, "p.html", html))
    text = article.sections[0].blocks[-1].text
    assert text.startswith("A & B é")
    assert "lollol" not in text and "root:" not in text


def test_deeply_nested_html_keeps_its_text(tmp_path):
    depth = 5000
    html = "<html><body><h1>Fundo</h1>" + "<div>" * depth + "<p>No fundo.</p>" + "</div>" * depth + "<p>Depois.</p></body></html>"
    article = read_article(write(tmp_path, "deep.html", html))
    assert [block.text for block in article.sections[0].blocks] == ["No fundo.", "Depois."]


# -- Errors --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("binario.txt", b"abc\x00def", "binary"),
        ("latin1.txt", "Título\nCoração".encode("latin-1"), "not UTF-8"),
        ("utf16.txt", "Título\nTexto".encode("utf-16"), "UTF-16"),
        ("vazio.txt", b"", "no article text"),
        ("brancos.md", b" \n\n\t \n", "no article text"),
        ("so-titulo.txt", "Só o título\n".encode(), "no article text"),
        ("sem-texto.html", b"<html><head><script>x()</script></head><body><nav>Menu</nav></body></html>", "no article text"),
        ("documento.pdf", b"%PDF-1.4", "unknown article format"),
        ("sem-extensao", b"Texto", "unknown article format"),
    ],
)
def test_unreadable_articles_raise_one_line_input_errors(tmp_path, name, content, message):
    path = write(tmp_path, name, content)
    with pytest.raises(InputError) as error:
        read_article(path)
    assert message in str(error.value)
    assert str(path) in str(error.value)
    assert "\n" not in str(error.value)


def test_a_stray_nul_late_in_a_saved_page_is_a_control_character_not_a_binary_file(tmp_path):
    """Real saved pages carry the odd NUL (a CMS's date widget); a binary file has one near the start."""
    html = "<html><body><div class='top'>" + "<span>menu</span>" * 600 + "\x00</div>"
    html += "<h1>Obras na ponte</h1><p>A ponte será reformada.</p></body></html>"
    article = read_article(write(tmp_path, "nul.html", html.encode()))
    assert article.title == "Obras na ponte" and "A ponte será reformada." in [b.text for b in article.sections[0].blocks]


def test_missing_files_and_folders_raise_input_errors(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_article(tmp_path / "nao-existe.txt")
    folder = tmp_path / "pasta.md"
    folder.mkdir()
    with pytest.raises(InputError, match="is a directory"):
        read_article(folder)


def test_html_kicker_before_the_headline_goes_and_a_long_h2_under_it_is_the_subtitle(tmp_path):
    html = """<html><body><article><header>
<a class="kicker" href="/economia">Economia</a> <span>Agronegócio</span>
<h1>Safra deve bater recorde</h1>
<h2>Estimativa da Conab aponta colheita de 322,3 milhões de toneladas</h2>
</header>
<p>Primeiro parágrafo.</p><h2>Clima</h2><p>Choveu.</p></article></body></html>"""
    article = read_article(write(tmp_path, "p.html", html))
    assert article.title == "Safra deve bater recorde"
    assert article.sections == [
        Section(None, [Block("paragraph", "Estimativa da Conab aponta colheita de 322,3 milhões de toneladas"), Block("paragraph", "Primeiro parágrafo.")]),
        Section("Clima", [Block("paragraph", "Choveu.")]),
    ]


def test_html_text_before_a_late_headline_is_kept(tmp_path):
    body = "<p>" + "Um parágrafo longo do corpo da matéria. " * 10 + "</p>"
    html = f"<html><body><main>{body}<h1>Manchete no fim</h1><p>Depois.</p></main></body></html>"
    article = read_article(write(tmp_path, "p.html", html))
    assert article.title == "Manchete no fim"
    assert [block.text for block in article.sections[0].blocks][1:] == ["Depois."]
