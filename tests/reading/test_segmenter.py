"""The Script: chapters, quotations and clutter on the three example articles,
and the chapter rules on small ones."""

from __future__ import annotations

import json
import time

from click.testing import CliRunner

from audio_artigo.cli import cli
from audio_artigo.model import Article, Block, Section
from audio_artigo.sources.reader import read_article
from audio_artigo.reading.segmenter import segment

from .conftest import DATA, expected_words, script_words, words


def segment_json(path, *options) -> dict:
    result = CliRunner().invoke(cli, ["segment", "--json", *options, str(path)])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout_bytes.decode("utf-8"))


def all_segments(script_json: dict) -> list[dict]:
    return [segment for chapter in script_json["chapters"] for paragraph in chapter["paragraphs"] for segment in paragraph]


def quotes_of(script_json: dict) -> list[str]:
    return [segment["text"] for segment in all_segments(script_json) if segment["kind"] == "quote"]


def narration_of(script_json: dict) -> str:
    return " ".join(segment["text"] for segment in all_segments(script_json) if segment["kind"] == "narration")


def test_acceptance_1_safra_recorde(safra):
    script = segment_json(safra)
    assert set(script) == {"title", "speakers", "chapters"}
    assert script["title"] == "Safra de grãos deve bater recorde e movimentar R$ 1,2 trilhão em 2025"
    assert [chapter["title"] for chapter in script["chapters"]] == [script["title"], "Clima ajudou no Centro-Oeste", "Exportações e logística"]
    assert quotes_of(script) == [
        "Foi a melhor janela de plantio dos últimos 5 anos. O produtor conseguiu plantar no tempo certo e colher sem chuva em cima",
        "A saca de 60 kg chegou a ser negociada a R$ 118 em março, contra R$ 145 no mesmo mês de 2023. Quem não travou o preço antes vai sentir no caixa",
        "Sem a Ferrogrão, o caminhão continua rodando 2 mil km até o porto",
    ]
    narration = narration_of(script)
    assert "afirmou o presidente da Aprosoja-MT, Lucas Costa Beber" in narration
    assert "disse." in narration
    assert "Leia também" not in narration and "Preço do café" not in narration and "Plano Safra" not in narration
    items = ["soja: 168,3 milhões de toneladas (+13,3%);", "arroz: 12,1 milhões de toneladas."]
    assert all(item in narration for item in items)
    assert not any(mark in quote for quote in quotes_of(script) for mark in "“”«»\"—")


def test_acceptance_1_keep_related(safra):
    narration = narration_of(segment_json(safra, "--keep-related"))
    assert "Leia também" in narration and "Governo anuncia Plano Safra de R$ 516 bi" in narration


def test_acceptance_2_ia_xangai(ia_xangai):
    script = segment_json(ia_xangai)
    source = ia_xangai.read_text(encoding="utf-8")
    quoted = [line[1 : line.index("”")] for line in source.splitlines() if line.startswith("“")]
    assert len(quoted) == 7
    assert quotes_of(script) == quoted
    assert any("(o que)" in quote for quote in quotes_of(script))
    narration = narration_of(script)
    for attribution in ("disse Chen Jie, vice-prefeito de Xangai", "disse Xiong.", "disse Chen.", "disse Andrew Aitken", "disse Aitken.", "disse Jiang Daxin"):
        assert attribution in narration
    assert "Ver também" not in narration and "Como o DeepSeek mudou" not in narration
    # One chapter per paragraph after the first: 17 paragraphs, 16 chapters after the opening one.
    chapters = script["chapters"]
    assert len(chapters) == 17
    assert [len(chapter["paragraphs"]) for chapter in chapters] == [2] + [1] * 16
    assert chapters[2]["title"] == "Com o tema IA Moldando o…"
    assert chapters[1]["title"] == "Nos últimos anos, Xangai tem reforçado…"


# Times are CPU seconds of this process, so a busy machine does not fail them.


def test_acceptance_3_unbalanced_marks_lose_nothing_and_are_fast():
    paragraph = "Ele disse “que não voltaria » e saiu « sem « falar” com ninguém \" e mais “texto. " * 2000
    article = Article("Título", [Section(None, [Block("paragraph", paragraph), Block("paragraph", "“Outro sem fim")])], "x", "x")
    started = time.process_time()
    script = segment(article)
    assert time.process_time() - started < 1.0
    assert script_words(script) == expected_words(article)


def test_acceptance_3_a_single_50000_word_paragraph_is_fast_and_whole():
    sentence = "O produtor “conseguiu plantar no tempo certo”, disse Beber, e o — preço caiu. "
    paragraph = sentence * (50_000 // len(words(sentence)) + 1)
    article = Article("Título", [Section(None, [Block("paragraph", paragraph)])], "x", "x")
    assert len(words(paragraph)) >= 50_000
    started = time.process_time()
    script = segment(article)
    assert time.process_time() - started < 1.0
    assert script_words(script) == expected_words(article)


def test_acceptance_4_vacinacao(vacinacao):
    script = segment_json(vacinacao)
    text = " ".join(segment["text"] for segment in all_segments(script))
    for clutter in ("Início", "Mais lidas", "Todos os direitos reservados", "Dólar fecha"):
        assert clutter not in text
    assert [chapter["title"] for chapter in script["chapters"][1:]] == ["Casos de SRAG em alta", "Onde se vacinar"]
    assert quotes_of(script) == [
        "A vacina é segura, gratuita e é a forma mais eficaz de evitar casos graves. Não deixe para depois.",
        "quem tem doença crônica precisa se vacinar já.",
    ]


def test_opening_chapter_title_byline_and_lead(tmp_path):
    path = tmp_path / "nota.txt"
    path.write_text("Título\n\nPor Fulana de Tal\n\nPrimeiro parágrafo.\nSegundo parágrafo, mais longo que seis palavras.\n", encoding="utf-8")
    script = segment(read_article(path))
    assert script.byline == "Por Fulana de Tal"
    assert script.lead == "Primeiro parágrafo."
    opening, second = script.chapters
    assert opening.title == "Título"
    assert [[segment.text for segment in paragraph] for paragraph in opening.paragraphs] == [["Título"], ["Por Fulana de Tal"], ["Primeiro parágrafo."]]
    assert second.title == "Segundo parágrafo, mais longo que seis…"


def test_a_closing_line_crediting_the_reporting_stays_in_the_last_chapter_and_is_narration(tmp_path):
    path = tmp_path / "nota.txt"
    path.write_text("Título\n\nPrimeiro parágrafo.\n\nSegundo parágrafo da nota.\n\n— Com informações da Reuters\n", encoding="utf-8")
    script = segment(read_article(path))
    assert [chapter.title for chapter in script.chapters] == ["Título", "Segundo parágrafo da nota."]
    assert [(segment.kind, segment.text) for segment in script.chapters[-1].paragraphs[-1]] == [("narration", "— Com informações da Reuters")]


def test_sections_open_with_their_heading(safra):
    script = segment(read_article(safra))
    for chapter in script.chapters[1:]:
        assert [segment.text for segment in chapter.paragraphs[0]] == [chapter.title]
    assert script.lead.startswith("Estimativa da Conab")  # the subtitle


def test_chapters_never_start_inside_a_quotation_or_after_a_colon():
    blocks = [
        Block("paragraph", "Abertura da matéria."),
        Block("paragraph", "O prefeito explicou o plano: “Primeiro vamos ampliar a rede."),
        Block("paragraph", "“Depois, vamos contratar mais gente."),
        Block("paragraph", "“E no fim tudo estará pronto”, disse."),
        Block("paragraph", "O secretário completou:"),
        Block("paragraph", "— Não há dinheiro para tudo — afirmou."),
        Block("list_item", "um item"),
        Block("paragraph", "Outro assunto."),
    ]
    script = segment(Article("Título", [Section(None, blocks)], "x", "x"))
    assert [len(chapter.paragraphs) for chapter in script.chapters] == [2, 3, 3, 1]
    assert script.chapters[1].title == "O prefeito explicou o plano: “Primeiro…"


def test_wordless_paragraphs_are_dropped():
    script = segment(Article("Título", [Section(None, [Block("paragraph", "Texto."), Block("paragraph", "* * *"), Block("paragraph", "Mais.")])], "x", "x"))
    assert [[segment.text for segment in paragraph] for chapter in script.chapters for paragraph in chapter.paragraphs] == [["Título"], ["Texto."], ["Mais."]]


def test_a_news_page_whose_headline_sits_outside_its_article_element():
    script = segment(read_article(DATA / "chuva-sp.html"))
    paragraphs = [" ".join(segment.text for segment in paragraph) for chapter in script.chapters for paragraph in chapter.paragraphs]
    assert paragraphs[:4] == [
        "Chuva forte atinge SP e causa alagamentos; Defesa Civil emite alerta",
        "Por Maria Silva, g1 SP",  # the visible byline, not the meta tag's "g1 SP"
        "Temporal derrubou árvores e deixou 200 mil imóveis sem energia na capital paulista nesta segunda-feira.",
        "Uma chuva forte atingiu a cidade de São Paulo na tarde desta segunda-feira (10), causando alagamentos em vários pontos.",
    ]
    assert script.lead.startswith("Temporal derrubou")
    assert [chapter.title for chapter in script.chapters[1:]] == ["Árvores caídas"]
    text = " ".join(paragraphs)
    for clutter in ("São Paulo Chuva", "Atualizado", "Compartilh", "Foto:", "LEIA TAMBÉM", "raios", "Publicidade", "WhatsApp", "Mais lidas", "Copyright"):
        assert clutter not in text
    quotes = [segment.text for chapter in script.chapters for paragraph in chapter.paragraphs for segment in paragraph if segment.kind == "quote"]
    assert quotes == ["A previsão é de mais chuva à noite", "Fiquei duas horas preso no trânsito"]
