"""Clutter: related links, photo credits, share prompts and ad labels go; the
article's own text stays."""

from __future__ import annotations

from audio_artigo.reading.clutter import remove_clutter
from audio_artigo.model import Block, Section


def texts(sections):
    return [(section.title, [block.text for block in section.blocks]) for section in sections]


def paragraphs(*texts_and_kinds):
    return [Block(kind, text) for text, kind in texts_and_kinds]


def test_a_related_heading_and_its_list_go():
    sections = [
        Section(None, paragraphs(("Texto da matéria.", "paragraph"), ("LEIA TAMBÉM:", "paragraph"), ("Outra notícia", "list_item"), ("Mais uma", "list_item"), ("Fim.", "paragraph")))
    ]
    assert texts(remove_clutter(sections)) == [(None, ["Texto da matéria.", "Fim."])]


def test_without_a_list_the_headline_lines_after_a_related_heading_go():
    sections = [
        Section(None, paragraphs(("Texto.", "paragraph"), ("» Veja também", "paragraph"), ("Governo anuncia Plano Safra de R$ 516 bi", "paragraph"), ("Um parágrafo de verdade, com ponto final.", "paragraph")))
    ]
    assert texts(remove_clutter(sections)) == [(None, ["Texto.", "Um parágrafo de verdade, com ponto final."])]


def test_keep_related_keeps_them():
    blocks = paragraphs(("Texto.", "paragraph"), ("Saiba mais", "paragraph"), ("Outra notícia", "list_item"), ("Leia mais: Preço do café sobe 40%", "paragraph"))
    assert texts(remove_clutter([Section(None, blocks)], keep_related=True)) == [(None, ["Texto.", "Saiba mais", "Outra notícia", "Leia mais: Preço do café sobe 40%"])]
    assert texts(remove_clutter([Section(None, blocks)])) == [(None, ["Texto."])]


def test_a_related_section_goes_and_what_follows_its_links_joins_the_section_before():
    sections = [
        Section(None, paragraphs(("Abertura.", "paragraph"))),
        Section("Clima", paragraphs(("Choveu.", "paragraph"))),
        Section("Notícias relacionadas", paragraphs(("Outra", "list_item"), ("Nota final da redação.", "paragraph"))),
    ]
    assert texts(remove_clutter(sections)) == [(None, ["Abertura."]), ("Clima", ["Choveu.", "Nota final da redação."])]


def test_credits_share_prompts_and_ads_go():
    blocks = paragraphs(
        ("Foto: Beltrano/Agência Brasil", "paragraph"),
        ("(Crédito: Divulgação)", "paragraph"),
        ("Imagem: Reprodução/Instagram", "paragraph"),
        ("Compartilhe esta notícia", "paragraph"),
        ("Siga-nos no Instagram e no X", "paragraph"),
        ("Clique aqui para receber as notícias no WhatsApp", "paragraph"),
        ("Publicidade", "paragraph"),
        ("📲 Participe do canal do g1 SP no WhatsApp", "paragraph"),
        ("10/02/2025 18h42 · Atualizado há 2 horas", "paragraph"),
        ("Publicado em 12 de maio de 2025", "paragraph"),
        ("A ponte (Foto: Fulano/Folhapress) caiu ontem.", "paragraph"),
    )
    assert texts(remove_clutter([Section(None, blocks)])) == [(None, ["A ponte caiu ontem."])]


def test_article_text_that_starts_like_clutter_stays():
    blocks = paragraphs(
        ("Imagem de satélite mostra o avanço do desmatamento na região.", "paragraph"),
        ("Fotos antigas ajudaram a polícia a identificar o suspeito.", "paragraph"),
        ("Compartilhar dados com outros países é uma exigência do acordo, disse o ministro, que defendeu a medida em entrevista coletiva na tarde desta segunda-feira em Brasília, ao lado de outros membros do governo federal.", "paragraph"),
        ("Leia também o que disseram os especialistas.", "paragraph"),
        ("12/06 é a data do próximo levantamento.", "paragraph"),
    )
    assert texts(remove_clutter([Section(None, blocks)])) == [(None, [block.text for block in blocks])]


def test_the_article_is_not_changed():
    sections = [Section(None, paragraphs(("Leia também", "paragraph"), ("x", "list_item"), ("Texto.", "paragraph")))]
    remove_clutter(sections)
    assert len(sections[0].blocks) == 3
