"""Quotation detection: one-paragraph cases in data/quotes.cases, and
quotations that run from one paragraph to the next."""

from __future__ import annotations

import pytest

from audio_artigo.model import Block
from audio_artigo.reading.quotes import quote_paragraphs, split_quotes

from .conftest import read_cases


def render(segments) -> str:
    return " | ".join(f"[{'Q' if segment.kind == 'quote' else 'N'}] {segment.text}" for segment in segments)


@pytest.mark.parametrize(("text", "expected"), read_cases("quotes.cases"))
def test_quote_cases(text, expected):
    assert render(split_quotes(text)) == expected


def test_a_quotation_continued_over_paragraphs_by_the_journalistic_convention():
    blocks = [
        Block("paragraph", "Ele explicou o plano: “Primeiro vamos ampliar a rede."),
        Block("paragraph", "“Depois, vamos contratar mais gente."),
        Block("paragraph", "“E no fim tudo estará pronto”, disse. Outro “assunto qualquer”, comentou."),
        Block("paragraph", "Fim da matéria."),
    ]
    paragraphs = quote_paragraphs(blocks)
    assert [render(paragraph.segments) for paragraph in paragraphs] == [
        "[N] Ele explicou o plano: | [Q] Primeiro vamos ampliar a rede.",
        "[Q] Depois, vamos contratar mais gente.",
        "[Q] E no fim tudo estará pronto | [N] disse. Outro | [Q] assunto qualquer | [N] comentou.",
        "[N] Fim da matéria.",
    ]
    assert [paragraph.continues_quote for paragraph in paragraphs] == [False, True, True, False]


def test_an_unclosed_chain_falls_back_to_narration():
    blocks = [
        Block("paragraph", "Ele explicou: “Primeiro vamos ampliar a rede."),
        Block("paragraph", "“Depois, vamos contratar mais gente."),
        Block("paragraph", "Nenhuma aspa fecha a citação."),
    ]
    paragraphs = quote_paragraphs(blocks)
    assert [render(paragraph.segments) for paragraph in paragraphs] == [
        "[N] Ele explicou: “Primeiro vamos ampliar a rede.",
        "[N] “Depois, vamos contratar mais gente.",
        "[N] Nenhuma aspa fecha a citação.",
    ]
    assert not any(paragraph.continues_quote for paragraph in paragraphs)


def test_a_paragraph_that_closes_a_chain_can_open_the_next():
    blocks = [
        Block("paragraph", "“Um longo depoimento"),
        Block("paragraph", "“que termina aqui”, disse ela. E depois: “Outro depoimento"),
        Block("paragraph", "“que também acaba”, completou."),
    ]
    assert [render(paragraph.segments) for paragraph in quote_paragraphs(blocks)] == [
        "[Q] Um longo depoimento",
        "[Q] que termina aqui | [N] disse ela. E depois: | [Q] Outro depoimento",
        "[Q] que também acaba | [N] completou.",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A vacina é segura, gratuita e eficaz. Não deixe para depois.", "[Q] A vacina é segura, gratuita e eficaz. Não deixe para depois."),
        ("“A vacina é segura”, disse a coordenadora.", "[Q] A vacina é segura | [N] disse a coordenadora."),
        ("“Uma citação que ninguém fecha", "[Q] Uma citação que ninguém fecha"),
        ("— Regiane de Paula, coordenadora", "[N] — Regiane de Paula, coordenadora"),
    ],
)
def test_block_quotations(text, expected):
    assert render(quote_paragraphs([Block("blockquote", text)])[0].segments) == expected


def test_a_heading_ends_a_quotation_because_each_section_is_segmented_apart():
    # quote_paragraphs is given one section's blocks: the chain cannot close here.
    paragraphs = quote_paragraphs([Block("paragraph", "Ele disse: “Vamos ampliar a rede agora.")])
    assert render(paragraphs[0].segments) == "[N] Ele disse: “Vamos ampliar a rede agora."


def test_a_short_dash_line_right_after_a_block_quotation_says_who_said_it():
    blocks = [
        Block("blockquote", "“O desafio agora é a produtividade.”"),
        Block("paragraph", "— Bruno Ottoni, pesquisador do iDados"),
        Block("paragraph", "— Não sei — disse o vizinho."),
    ]
    assert [render(paragraph.segments) for paragraph in quote_paragraphs(blocks)] == [
        "[Q] O desafio agora é a produtividade.",
        "[N] — Bruno Ottoni, pesquisador do iDados",
        "[Q] Não sei | [N] disse o vizinho.",
    ]
