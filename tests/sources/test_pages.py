"""Whole news pages: the project's own pages in the layouts of Brazilian sites
(tests/sources/data, with gold strings), and the dev set in ../shared/pages
when it is there.

Each page is read as a user reads it (``read_article`` then ``segment``) and
scored with the measure of ``make pages``: the title, every body string read,
no boilerplate string read (in the text or a chapter title).
"""

from __future__ import annotations

import pytest

from audio_artigo.reading.segmenter import segment
from audio_artigo.sources.reader import read_article
from tools.page_score import Reading, main, pages_in, score_page

from .conftest import PAGES, gold_pages

PAGE_IDS = [page.stem for page, _ in gold_pages()]


def reading_of(page) -> Reading:
    script = segment(read_article(page))
    texts = [segment.text for chapter in script.chapters for paragraph in chapter.paragraphs for segment in paragraph]
    return Reading(script.title, texts, [chapter.title for chapter in script.chapters])


@pytest.mark.parametrize(("page", "gold"), gold_pages(), ids=PAGE_IDS)
def test_our_pages_are_read_without_their_furniture(page, gold):
    misses: list[str] = []
    score = score_page(gold, reading_of(page), misses)
    assert misses == []
    assert (score.titles, score.kept, score.dropped) == (1, len(gold["must_include"]), len(gold["must_exclude"]))


@pytest.mark.parametrize(("page", "gold"), gold_pages(), ids=PAGE_IDS)
def test_our_pages_metadata(page, gold):
    article = read_article(page)
    expected = gold["expected_metadata"]
    assert article.canonical_url == expected["canonical_url"]
    assert article.identity == expected["canonical_url"]
    assert article.authors == expected["authors"]
    assert article.published == expected["published"]
    assert article.site_name == expected["site_name"]
    assert article.image_url == expected["image_url"]


def test_structure_survives_the_extraction():
    """Sections, list items, block quotations and inline quotations are the DOM reader's."""
    article = read_article(PAGES / "folha-reforma-tributaria.html")
    assert [section.title for section in article.sections] == [None, "Cesta básica"]
    assert [block.kind for block in article.sections[1].blocks][-2] == "blockquote"
    listed = read_article(PAGES / "band-enem.html")
    items = [block.text for section in listed.sections for block in section.blocks if block.kind == "list_item"]
    assert items == ["Inscrições: até 13 de junho", "Pagamento da taxa: até 18 de junho", "Provas: 9 e 16 de novembro"]
    quoted = read_article(PAGES / "gazeta-do-povo-pedagio.html")
    blocks = [block for section in quoted.sections for block in section.blocks]
    assert ("blockquote", "Foi o maior deságio da história das concessões rodoviárias do Paraná.") in [(b.kind, b.text) for b in blocks]
    assert quoted.byline == "Por Katia Brembatti"
    assert read_article(PAGES / "folha-reforma-tributaria.html").byline == "Por Thiago Resende e Idiana Tomazelli"


def test_the_standfirst_under_the_headline_is_read_once():
    script = segment(read_article(PAGES / "g1-ponte-teresina.html"))
    opening = [paragraph[0].text for paragraph in script.chapters[0].paragraphs]
    assert opening[:3] == [
        "Ponte sobre o rio Poti será interditada por 90 dias para obras em Teresina",
        "Por Gilcilene Araújo, g1 PI",
        "Tráfego de veículos será desviado para as pontes Juscelino Kubitschek e Wall Ferraz a partir de segunda-feira (17).",
    ]
    assert script.lead.startswith("Tráfego de veículos")


def test_the_scorer_compares_the_project_with_trafilatura_alone(tmp_path, capsys):
    for name in ("g1-ponte-teresina", "campo-grande-news-incendio"):
        for suffix in (".html", ".gold.json"):
            (tmp_path / f"{name}{suffix}").write_bytes((PAGES / f"{name}{suffix}").read_bytes())
    assert main([str(tmp_path), "--show"]) == 0
    out = capsys.readouterr().out
    assert "audio-artigo      titles 2/2 | body kept 11/11 | boilerplate dropped 16/16" in out
    trafilatura_total = out.split("totals")[1].splitlines()[2]
    assert trafilatura_total.startswith("    trafilatura alone titles 2/2 | body kept 11/11 | boilerplate dropped ")
    assert "READ: Participe do canal do g1 PI no WhatsApp" in out  # what trafilatura alone reads


def test_the_scorer_refuses_a_folder_without_pages(tmp_path, capsys):
    assert main([str(tmp_path), "--no-trafilatura"]) == 2
    assert "no NAME.html + NAME.gold.json pages" in capsys.readouterr().err


def test_the_dev_pages(shared):
    """../shared/pages: every title, every body string, at least 100 of the 105 boilerplate strings."""
    total_titles = total_kept = total_body = total_dropped = total_boilerplate = 0
    for page, gold in pages_in(shared / "pages"):
        score = score_page(gold, reading_of(page))
        total_titles += score.titles
        total_kept, total_body = total_kept + score.kept, total_body + score.body
        total_dropped, total_boilerplate = total_dropped + score.dropped, total_boilerplate + score.boilerplate
    assert total_titles == 18
    assert total_kept == total_body == 126
    assert total_dropped >= 100 and total_boilerplate == 105
