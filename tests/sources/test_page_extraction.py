"""The page extractor's rules, each on a small page: the headline, the
furniture families, structure kept, and the reconciliation with trafilatura."""

from __future__ import annotations

import pytest

from audio_artigo.sources import boilerplate, dom
from audio_artigo.sources.reader import article_from_text

from .conftest import PAGES

PROSE = [
    "A prefeitura anunciou nesta segunda-feira um plano de obras para recuperar as pontes da cidade até o fim do ano.",
    "Segundo o secretário de Obras, o investimento será de R$ 40 milhões, com recursos do estado e da União.",
    "As primeiras intervenções começam em março, na ponte que liga o Centro à zona Leste, a mais antiga da capital.",
    "Moradores reclamam há anos das rachaduras e dos buracos na pista, que já provocaram acidentes graves no local.",
    "A previsão é que as obras sejam concluídas em dezembro, se não houver atraso na liberação dos recursos federais.",
]


def article_of(body: str, head: str = "", title: str = "Prefeitura anuncia plano para recuperar pontes da cidade"):
    html = f"<!DOCTYPE html><html><head>{head}</head><body>{body.replace('TITLE', title)}</body></html>"
    return article_from_text(html, "html", "p.html", "p.html", "p")


def texts(article) -> list[str]:
    return [block.text for section in article.sections for block in section.blocks]


def paragraphs(*extra_after: str, before: str = "") -> str:
    body = "".join(f"<p>{text}</p>" for text in PROSE[:3]) + "".join(extra_after) + "".join(f"<p>{text}</p>" for text in PROSE[3:])
    return f"<main><h1>TITLE</h1>{before}<div class='texto'>{body}</div></main>"


# -- The headline ----------------------------------------------------------------


OG = '<meta property="og:title" content="Prefeitura anuncia plano para recuperar pontes da cidade">'


@pytest.mark.parametrize(
    ("body", "head"),
    [
        ("<header><h1><a href='/piaui'>Piauí</a></h1></header>" + paragraphs().replace("<h1>TITLE</h1>", "<h1 class='content-head__title'>TITLE</h1>"), OG),
        ("<header><h1 class='logo'>Jornal Exemplo</h1></header>" + paragraphs().replace("h1>", "h2>"), OG),
        (paragraphs().replace("<h1>TITLE</h1>", "<h1>Cidades</h1><div class='headline'>TITLE</div>"), OG),
        (paragraphs().replace("<h1>TITLE</h1>", ""), OG),
        (paragraphs().replace("<h1>TITLE</h1>", ""), "<title>Prefeitura anuncia plano para recuperar pontes da cidade | Cidades | Jornal Exemplo</title><meta property='og:site_name' content='Jornal Exemplo'>"),
        (paragraphs(), "<title>Prefeitura anuncia plano para recuperar pontes da cidade - Jornal Exemplo</title>"),
        (paragraphs(), '<meta property="og:title" content="Prefeitura anuncia plano para recuperar pontes da cidade | Jornal Exemplo">'),
    ],
    ids=["section h1 first", "logo h1", "headline in a div", "metadata only", "title without site", "title with site", "og title with site"],
)
def test_the_title_is_the_headline_never_a_logo_nor_the_section(body, head):
    assert article_of(body, head).title == "Prefeitura anuncia plano para recuperar pontes da cidade"


def test_a_logo_h1_that_glues_the_site_name_to_the_headline_is_not_the_title():
    """<h1><span>Manchete</span><a>Jornal Exemplo</a></h1> reads "...cidadeJornal Exemplo": the headline is the <h3> that agrees."""
    head = '<meta name="twitter:title" content="Prefeitura anuncia plano para recuperar pontes da cidade">'
    logo = "<h1><span>Prefeitura anuncia plano para recuperar pontes da cidade</span><a href='/'>Jornal Exemplo</a></h1>"
    body = paragraphs().replace("<h1>TITLE</h1>", logo + "<hgroup><h3>TITLE</h3></hgroup>")
    assert article_of(body, head).title == "Prefeitura anuncia plano para recuperar pontes da cidade"
    cut = '<meta property="og:title" content="Prefeitura anuncia plano para recuperar pon…">'
    assert article_of(paragraphs(), cut).title == "Prefeitura anuncia plano para recuperar pontes da cidade"


def test_a_visible_headline_that_differs_from_the_metadata_is_kept():
    """The page shows one headline and its metadata says another (an edited headline): the listener hears the visible one."""
    head = '<meta property="og:title" content="Obras nas pontes: prefeitura divulga cronograma">'
    body = paragraphs().replace("<h1>TITLE</h1>", "<h1>Cidades</h1><h1>TITLE</h1>")
    assert article_of(body, head).title == "Prefeitura anuncia plano para recuperar pontes da cidade"


# -- Furniture -------------------------------------------------------------------


def furniture_cases() -> list[tuple[str, str]]:
    cases = []
    for line in (PAGES / "furniture.cases").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            text, _, family = line.partition("~")
            cases.append((text, family or None))
    return cases


@pytest.mark.parametrize(("text", "family"), furniture_cases())
def test_what_furniture_says(text, family):
    assert boilerplate.phrase_family(text) == family


@pytest.mark.parametrize(
    ("markup", "family"),
    [
        ('<div class="article__comments lazyload">', "comments"),
        ('<div class="apoieBox">', "paywall"),
        ('<p class="wp-caption-text">', "caption"),
        ('<div id="newsletter-signup">', "newsletter"),
        ('<div class="SocialMediaEndArticle">', "share"),
        ('<div class="hidden">', "hidden"),
        ('<div class="inline-article-recirc">', "related"),
        ('<div class="foto">', "caption"),
        ('<div class="hidden-xs col-md-9">', None),
        ('<div class="content-text__container">', None),
        ('<section class="headline">', None),
    ],
)
def test_what_furniture_is_called(markup, family):
    tag = dom.soup(markup, "x").find(["div", "p", "section"])
    assert boilerplate.element_family(tag) == family


FURNITURE = {  # the furniture, and a string of it that must not be read
    "comment widget": ("<section class='comments'><h3>Comentários (12)</h3><p>Seja bem-vindo ao debate, leitor: comente com respeito.</p></section>", "bem-vindo ao debate"),
    "newsletter": ("<div class='box-newsletter'><p>Cadastre seu e-mail e receba de graça as notícias mais importantes do dia.</p></div>", "Cadastre seu e-mail"),
    "paywall": ("<div class='paywall'><p>Você atingiu o limite de 5 reportagens gratuitas por mês neste dispositivo.</p></div>", "limite de 5 reportagens"),
    "player": ("<div class='widget'><span>Ouvir o texto</span><span>00:00</span></div>", "Ouvir o texto"),
    "reactions": ("<div><p>Como você se sentiu com essa matéria?</p><span>Feliz</span><span>Triste</span></div>", "Como você se sentiu"),
    "timestamps": ("<div class='mais-noticias'><a href='/1'><p>Chuva deixa desalojados na zona Norte</p></a><span>Há 2 horas</span></div>", "Há 2 horas"),
    "sidebar headline": ("<div class='mais-noticias'><a href='/1'><p>Chuva deixa desalojados na zona Norte</p></a><span>Há 2 horas</span></div>", "Chuva deixa desalojados"),
    "related box": ("<div class='box'><strong>Leia também:</strong><ul><li><a href='/1'>Governo anuncia novo pacote de obras</a></li></ul></div>", "novo pacote de obras"),
    "caption": ("<div class='foto'><img src='a.jpg'><p>A ponte da zona Leste (Foto: Fulano de Tal/Agência Exemplo)</p></div>", "A ponte da zona Leste"),
    "teaser article": ("<article class='teaser'><h3>Outra notícia</h3><p>Esta é outra história, com um texto que parece o de uma matéria comum.</p></article>", "outra história"),
    "teaser cards": (
        "<div class='mais'>"
        "<div class='item'><a href='/a'><h5>Câmara aprova projeto das rodovias estaduais</h5></a>"
        "<p>O texto segue para o Senado depois de uma votação apertada na noite de ontem.</p><span>12 comentários</span></div>"
        "<div class='item'><h3><a href='/b'>Chuva forte alaga ruas da zona Norte</a></h3>"
        "<p>A Defesa Civil pede que os moradores evitem as áreas de risco até amanhã.</p></div></div>",
        "segue para o Senado",
    ),
    "recirculation list": (
        "<div class='inline-article-recirc'><h2>Mais para ler</h2><ul><li>Prefeito promete reabrir o mercado municipal</li>"
        "<li>Câmara aprova o reajuste dos servidores</li></ul></div>",
        "reabrir o mercado",
    ),
    "caption paragraph": ("<p>Moradores protestam em frente à prefeitura (Vídeo enviado por um leitor)</p>", "Moradores protestam"),
    "prompt lines": (
        "<p><strong>📲 Confira as últimas notícias do g1 Piauí</strong><br>📲 Acompanhe o g1 Piauí no Facebook, no Instagram e no Twitter</p>",
        "Acompanhe o g1",
    ),
    "signup box without a form": (
        "<div class='box'><div><h2>Boletim da manhã</h2></div><div>Diário</div>"
        "<div>Comece o dia com as principais notícias da cidade.</div>"
        "<div><input type='text' placeholder='DIGITE SEU E-MAIL'><button>&gt;</button></div></div>",
        "Boletim da manhã",
    ),
    "photo box": ("<div class='foto'><img src='a.jpg'><p>O secretário de Obras, Carlos Lima.</p></div>", "Carlos Lima"),
}


@pytest.mark.parametrize(("furniture", "marker"), FURNITURE.values(), ids=FURNITURE.keys())
def test_furniture_inside_the_body_is_not_read(furniture, marker):
    body = paragraphs(furniture).replace("<main>", "<main><article>").replace("</main>", "</article></main>")
    read = " ".join(texts(article_of(body)))
    assert all(text in read for text in PROSE)
    assert marker not in read


def test_links_in_the_article_do_not_make_it_a_teaser():
    """A link inside a sentence, or a short article in a box with a link line, is the article."""
    linked = PROSE[1].replace("o investimento será de R$ 40 milhões", "<a href='/plano'>o investimento será de R$ 40 milhões</a>", 1)
    body = f"<main><h1>TITLE</h1><div class='texto'><p>{PROSE[0]}</p><p>{linked}</p></div></main>"
    assert texts(article_of(body)) == PROSE[:2]
    short = f"<main><h1>TITLE</h1><div class='nota'><p>{PROSE[0]}</p><p><a href='/edital'>Edital completo das obras</a></p></div></main>"
    assert PROSE[0] in texts(article_of(short))


def test_an_article_made_of_linked_titles_and_short_texts_is_not_a_list_of_teasers():
    """ "Cinco filmes para ver": each film under its linked title, in a box of its own."""
    films = [("Ainda Estou Aqui, de Walter Salles", PROSE[0]), ("O Agente Secreto, de Kleber Mendonça", PROSE[1]), ("Central do Brasil, de Walter Salles", PROSE[2])]
    body = "".join(f"<section><h3><a href='/filmes/{n}'>{name}</a></h3><p>{text}</p></section>" for n, (name, text) in enumerate(films))
    read = texts(article_of(f"<main><h1>TITLE</h1><p>{PROSE[3]}</p><div class='lista'>{body}</div><p>{PROSE[4]}</p></main>"))
    assert all(text in read for text in PROSE)


def test_an_element_named_like_furniture_that_holds_the_article_is_a_wrapper():
    body = paragraphs().replace("<div class='texto'>", "<div class='post has-comments share-enabled'>")
    assert texts(article_of(body)) == PROSE


def test_paragraphs_each_named_like_furniture_are_the_article():
    """Condé Nast's pages mark every paragraph of the article <p class="paywall">: together they hold it."""
    long_prose = [f"{text} O caso foi registrado no parágrafo {number} da reportagem, que segue com mais detalhes." for number, text in enumerate(PROSE)]
    body = "".join(f"<p class='paywall'>{text}</p>" for text in long_prose)
    body += "<div class='paywall-offer'><p>Assine por R$ 1,90 e leia sem limites.</p></div>"
    assert texts(article_of(f"<main><h1>TITLE</h1><article>{body}</article></main>")) == long_prose


def test_a_short_subhead_the_evidence_lacks_is_read_between_two_paragraphs():
    """Trafilatura often drops one- and two-word subheads ("Desglose"); between two paragraphs
    of the article a short heading is its subhead. Elsewhere (a sidebar's "Cortes 247") it is not."""
    from audio_artigo.sources.metadata import PageMetadata
    from audio_artigo.sources.page import Evidence, _reconcile

    evidence = Evidence.of_page("", "\n".join(PROSE))
    pieces = [
        dom.Piece("paragraph", PROSE[0]),
        dom.Piece("paragraph", "Desglose", heading_tag=True),
        dom.Piece("paragraph", PROSE[1]),
        dom.Piece("paragraph", PROSE[2]),
        dom.Piece("paragraph", "Cortes 247", heading_tag=True),
        dom.Piece("paragraph", "Continua depois da publicidade"),
    ]
    assert [piece.text for piece in _reconcile(pieces, evidence, PageMetadata())] == [PROSE[0], "Desglose", PROSE[1], PROSE[2]]


def test_a_pull_quote_repeating_the_body_is_read_once():
    pull = f"<div class='destaque'><p>{PROSE[1][:60]}</p></div>"
    assert texts(article_of(paragraphs(pull))) == PROSE


def test_hidden_elements_are_not_read():
    hidden = "<div style='display: none'><p>Texto escondido por estilo, que o leitor nunca vê na página.</p></div>"
    assert texts(article_of(paragraphs(hidden))) == PROSE


def test_a_small_page_is_read_by_the_dom_reader_alone():
    """Trafilatura gives no evidence for a page this short: the structure is read as it is."""
    article = article_of("<main><h1>TITLE</h1><p>Curto.</p><blockquote><p>Citação.</p><footer>— Sicrano</footer></blockquote></main>")
    assert [(block.kind, block.text) for block in article.sections[0].blocks] == [
        ("paragraph", "Curto."),
        ("blockquote", "Citação."),
        ("paragraph", "Sicrano"),
    ]


def test_an_attribution_under_a_kept_quotation_stays():
    quote = "<blockquote><p>O investimento é o maior da história da cidade, e vamos entregar as obras no prazo.</p><footer>— Prefeito João Silva</footer></blockquote>"
    read = texts(article_of(paragraphs(quote)))
    assert "Prefeito João Silva" in read


def test_the_end_of_the_article_in_a_box_named_like_a_paywall_is_read():
    """Some sites wrap the last paragraphs in a "paywall" element: paragraphs of the article are not an appeal."""
    long_prose = [f"{text} O caso foi registrado no parágrafo {number} da reportagem, que segue com mais detalhes." for number, text in enumerate(PROSE * 2)]
    body = "".join(f"<p>{text}</p>" for text in long_prose[:8])
    body += "<div class='content-paywall'>" + "".join(f"<p>{text}</p>" for text in long_prose[8:]) + "</div>"
    body += "<div class='paywall-offer'><p>Assine por R$ 1,90 e leia sem limites.</p></div>"
    assert texts(article_of(f"<main><h1>TITLE</h1><article>{body}</article></main>")) == long_prose


def test_a_subhead_after_a_one_line_related_link_is_read():
    related = "<p>Leia também: Governo anuncia novo pacote de obras</p><p><strong>O que muda para os motoristas</strong></p>"
    read = texts(article_of(paragraphs(related)))
    assert "O que muda para os motoristas" in read and "Leia também: Governo anuncia novo pacote de obras" not in read


def test_a_line_ending_with_a_colon_after_related_links_is_the_article():
    """After a "Leia também" label come linked headlines, and a headline never ends with a colon."""
    related = "<p>Leia também</p><ul><li><a href='/1'>Governo anuncia novo pacote de obras</a></li></ul><p>O secretário resumiu o plano assim:</p>"
    read = texts(article_of(paragraphs(related)))
    assert "O secretário resumiu o plano assim:" in read and "Governo anuncia novo pacote de obras" not in read


@pytest.mark.parametrize(
    ("field", "dropped"),
    [
        ("<input type='text' placeholder='DIGITE SEU E-MAIL'>", True),
        ("<input type='email' name='address'>", True),
        ("<input type='hidden' name='email'>", False),
        ("<input type='search' placeholder='Buscar'>", False),
    ],
)
def test_the_small_box_around_an_email_field_is_a_signup_prompt(field, dropped):
    """A newsletter signup written without a <form>: its heading and pitch go with the field,
    even where trafilatura keeps them; the article around it stays."""
    page = dom.soup(
        "<article><h1>Manchete</h1>" + "".join(f"<p>{text}</p>" for text in PROSE)
        + f"<div class='box'><div><h2>Boletim da manhã</h2></div><div>Comece o dia com as notícias.</div><div>{field}</div></div>"
        + "</article>",
        "x",
    )
    dom.drop_non_article(page.article)
    text = dom.element_text(page.article)
    assert ("Boletim da manhã" not in text) is dropped
    assert all(paragraph in text for paragraph in PROSE)
