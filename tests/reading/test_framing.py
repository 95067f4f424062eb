"""The spoken intro and outro: templates filled from the article, what the normaliser makes of them,
and what the intro says not being read twice."""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from audio_artigo.episode import _article_day, _publication_day
from audio_artigo.model import Article, Block, Section
from audio_artigo.normalize import normalize
from audio_artigo.podcast import calendar, templates
from audio_artigo.podcast.catalogue import locked_catalogue
from audio_artigo.podcast.config import PodcastConfig
from audio_artigo.podcast.publish import publish
from audio_artigo.reading import framing
from audio_artigo.reading.segmenter import segment
from audio_artigo.reading.sentences import split_sentences
from audio_artigo.sources.reader import read_article
from tests.podcast.episodes import stage_episode


def article(**page) -> Article:
    fields = {"title": "Chove em São Paulo?", "sections": [Section(None, [])], "source": "x.html", "identity": "x", "byline": "Por Ana Souza"}
    return Article(**(fields | page))


@pytest.mark.parametrize(
    "template, values, filled",
    [
        ("Você está ouvindo {show}. {title}.", {"show": "Jornal", "title": "Chove?"}, "Você está ouvindo Jornal. Chove?"),
        ("{title}. Reportagem de {author}.", {"title": "Alerta", "author": None}, "Alerta."),
        ("Do {site}! De {author}… Em {date}.", {"site": "", "author": "Ana", "date": "1º de maio de 2026"}, "De Ana… Em 1º de maio de 2026."),
        ("{{ao vivo}} {show}.", {"show": "Rádio"}, "{ao vivo} Rádio."),
        ("", {}, ""),
    ],
)
def test_a_template_is_filled_and_loses_the_sentences_whose_values_are_missing(template, values, filled):
    assert templates.problem(template, templates.FRAME_PLACEHOLDERS) is None
    assert templates.fill(template, values) == filled


def test_the_intro_reads_the_page_s_own_authors_site_and_date_as_the_normaliser_reads_dates():
    config = PodcastConfig(title="Jornal Falado", intro="{show}, do {site}. Por {authors}, em {date}.", outro="Até logo.")
    page = article(authors=["Ana Souza", "Bia Lima", "Caio Reis"], site_name="Folha Exemplo")
    frame = framing.frame_for(config, page, segment(page), date(2026, 3, 1))
    assert frame.intro == "Jornal Falado, do Folha Exemplo. Por Ana Souza, Bia Lima e Caio Reis, em 1º de março de 2026."
    assert normalize("em 1º de março de 2026.") == "em primeiro de março de dois mil e vinte e seis."
    assert frame.outro == "Até logo. " + config.disclosure
    assert frame.says_author and not frame.says_title


def test_what_the_intro_said_is_not_read_again_unless_nothing_else_would_be():
    config = PodcastConfig(intro="{title}. Reportagem de {author}.")
    page = article()
    page.sections[0].blocks = [Block("paragraph", "A chuva continua.")]
    script = segment(page)
    frame = framing.frame_for(config, page, script, None)
    assert frame.intro == "Chove em São Paulo? Reportagem de Ana Souza."
    remaining = framing.without_repeats(script, frame)
    assert [[s.text for s in p] for p in remaining.chapters[0].paragraphs] == [["A chuva continua."]]
    assert remaining.chapters[0].title == script.chapters[0].title  # chapter titles unchanged

    only_a_title = article()
    script = segment(only_a_title)
    assert framing.without_repeats(script, framing.frame_for(config, only_a_title, script, None)) == script


def test_the_frame_is_one_narrator_line_with_a_clip_per_sentence():
    (line,) = framing.frame_line("Você está ouvindo Jornal.  Em 5/12/2026.", 3, normalize, split_sentences, 1.4)
    assert (line.text, line.speaker, line.chapter) == ("Você está ouvindo Jornal. Em 5/12/2026.", "narration", 3)
    assert [clip.spoken for clip in line.clips] == ["Você está ouvindo Jornal.", "Em cinco de dezembro de dois mil e vinte e seis."]
    assert line.clips[-1].pause_after == 1.4
    assert framing.frame_line("  ", 0, normalize, split_sentences, 1.4) == []


def test_the_date_is_the_articles_then_the_first_publications_then_today(tmp_path):
    zone = "America/Sao_Paulo"
    late_evening = article(published="2026-12-05T23:30:00-03:00")
    assert _publication_day(late_evening, tmp_path, zone) == date(2026, 12, 5)
    assert _publication_day(article(published="2026-12-06T01:30:00Z"), tmp_path, zone) == date(2026, 12, 5)
    assert _publication_day(article(published="2026-12-05"), tmp_path, zone) == date(2026, 12, 5)
    today = calendar.local(datetime.now(timezone.utc), zone).date()
    assert _publication_day(article(published="ontem"), tmp_path, zone) == today

    # An article without a date, already published: the date of its first publication, whenever it is rebuilt.
    publish(tmp_path, stage_episode(tmp_path, "x"))
    with locked_catalogue(tmp_path) as catalogue:
        first = catalogue.find("x").published
    assert _publication_day(article(), tmp_path, zone) == calendar.local(first, zone).date()


def test_the_mp3s_date_tag_is_the_day_the_intro_reads():
    zone = "America/Sao_Paulo"
    assert _article_day("2026-12-06T01:30:00Z", zone) == _publication_day(article(published="2026-12-06T01:30:00Z"), Path("."), zone).isoformat() == "2026-12-05"
    assert _article_day("2026-12-05", zone) == "2026-12-05"
    assert _article_day("ontem", zone) is None and _article_day(None, zone) is None


def test_a_markdown_front_matter_author_fills_the_intro(tmp_path):
    path = tmp_path / "nota.md"
    path.write_text("---\nauthor: Ana Souza\n---\n# Alerta\n\nA chuva continua.\n", encoding="utf-8")
    page = read_article(path)
    script = segment(page)
    assert framing.frame_for(PodcastConfig(intro="De {author}."), page, script, None).intro == "De Ana Souza."
