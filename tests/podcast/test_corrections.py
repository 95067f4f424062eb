"""The public correction trail: every version in the catalogue, the corrected
description in the feed (read by podcastparser and feedparser), and the
earlier versions on the page (headless Chromium, through ``audio-artigo serve``)."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import feedparser
import podcastparser
import pytest
from lxml import etree, html

from audio_artigo.podcast.catalogue import CATALOGUE_NAME, Catalogue, locked_catalogue
from audio_artigo.podcast.config import DEFAULT_DISCLOSURE, PodcastConfig
from audio_artigo.podcast.feed import PODCAST
from audio_artigo.podcast.publish import publish
from tests.conftest import TINY_VOICE

from .conftest import assert_consistent, file_name
from .episodes import stage_episode
from .servers import serve_command
from .test_page import CHROMIUM, CHROMIUM_ARGS
from .test_publish import later

MONTHS = "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro".split()


def staged(out_dir: Path, text: str, seed: int):
    """A staged episode of the same article whose read text has the digest ``text``."""
    episode = stage_episode(out_dir, "artigo-a", seed=seed)
    return replace(episode, episode=replace(episode.episode, text_digest=text))


def descriptions(out_dir: Path) -> list[str]:
    return [item.findtext("description") for item in etree.fromstring((out_dir / "feed.xml").read_bytes()).iter("item")]


def test_a_corrected_text_is_noted_in_the_description_in_the_shows_time_zone(out_dir, monkeypatch):
    config = PodcastConfig(title="Jornal")
    later(monkeypatch, datetime(2026, 12, 4, 9, 0, tzinfo=timezone.utc))
    publish(out_dir, staged(out_dir, "texto-1", seed=1), config)
    assert descriptions(out_dir) == ["A prefeitura anunciou obras no centro.\n\n" + DEFAULT_DISCLOSURE]

    later(monkeypatch, datetime(2026, 12, 5, 17, 20, tzinfo=timezone.utc))  # 14h20 in São Paulo
    publish(out_dir, staged(out_dir, "texto-2", seed=2), config)
    note = "Corrigido em 5 de dezembro de 2026, 14h20: o áudio foi atualizado com o texto corrigido."
    assert descriptions(out_dir) == ["A prefeitura anunciou obras no centro.\n\n" + note + "\n\n" + DEFAULT_DISCLOSURE]
    page = html.fromstring((out_dir / "index.html").read_bytes())
    assert [p.text_content() for p in page.find_class("correction")] == [note]
    assert [p.text_content() for p in page.find_class("disclosure")] == [DEFAULT_DISCLOSURE]
    (earlier,) = page.find_class("versions")[0].iter("li")
    assert earlier.text_content().strip().startswith("4 de dezembro de 2026, 6h (antes da correção): áudio (MP3)")

    # The same text read again (the show's intro changed, say): a new version, no correction.
    later(monkeypatch, datetime(2026, 12, 6, 3, 5, tzinfo=timezone.utc))  # 0h05 on the 6th in São Paulo
    publish(out_dir, staged(out_dir, "texto-2", seed=3), config)
    assert descriptions(out_dir)[0].count("Corrigido em") == 1
    newer, older = page_versions(out_dir)
    assert newer.startswith("5 de dezembro de 2026, 14h20: áudio (MP3)")
    assert older.startswith("4 de dezembro de 2026, 6h (antes da correção): áudio (MP3)")


def page_versions(out_dir: Path) -> list[str]:
    page = html.fromstring((out_dir / "index.html").read_bytes())
    return [li.text_content().strip() for li in page.find_class("versions")[0].iter("li")]


def test_the_wording_and_the_time_zone_are_the_shows(out_dir, monkeypatch):
    config = PodcastConfig(correction_note="Atualizado em {date} às {time}.", timezone="Europe/Lisbon", disclosure="")
    publish(out_dir, staged(out_dir, "texto-1", seed=1), config)
    later(monkeypatch, datetime(2026, 3, 1, 9, 30, tzinfo=timezone.utc))
    publish(out_dir, staged(out_dir, "texto-2", seed=2), config)
    assert descriptions(out_dir) == ["A prefeitura anunciou obras no centro.\n\nAtualizado em 1º de março de 2026 às 9h30."]

    publish(out_dir, staged(out_dir, "texto-3", seed=3), replace(config, correction_note=""))
    assert descriptions(out_dir) == ["A prefeitura anunciou obras no centro."]


def test_the_catalogue_keeps_every_versions_date_and_sha256(out_dir, monkeypatch):
    moments = [datetime(2026, 12, day, 12, tzinfo=timezone.utc) for day in (1, 2, 3)]
    listed = []
    for number, moment in enumerate(moments):
        later(monkeypatch, moment)
        listed.append(publish(out_dir, staged(out_dir, f"texto-{number}", seed=number)))
    with locked_catalogue(out_dir) as catalogue:
        (published,) = catalogue.episodes()
    assert [(v.published, v.audio_file, v.sha256, v.corrected) for v in published.versions] == [
        (moment, episode.audio_file, episode.sha256, number > 0) for number, (moment, episode) in enumerate(zip(moments, listed))
    ]
    assert_consistent(out_dir)


OLD_SCHEMA = """
CREATE TABLE show (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE episodes (
    identity TEXT PRIMARY KEY, guid TEXT NOT NULL UNIQUE, published TEXT NOT NULL, updated TEXT NOT NULL,
    slug TEXT NOT NULL, title TEXT NOT NULL, source TEXT NOT NULL, description TEXT NOT NULL, author TEXT,
    duration REAL NOT NULL, chapters TEXT NOT NULL, engine TEXT NOT NULL, voice TEXT NOT NULL, quote_voice TEXT,
    audio_file TEXT NOT NULL, chapters_file TEXT NOT NULL, transcript_file TEXT NOT NULL,
    size INTEGER NOT NULL, sha256 TEXT NOT NULL
);
CREATE TABLE used_stems (stem TEXT PRIMARY KEY);
"""


def test_a_catalogue_from_before_versions_is_migrated_in_place(out_dir, monkeypatch):
    # Published by the previous audio-artigo: its catalogue has no versions table.
    first = publish(out_dir, stage_episode(out_dir, "artigo-a", seed=1))
    (out_dir / CATALOGUE_NAME).unlink()
    with sqlite3.connect(out_dir / CATALOGUE_NAME) as db:
        db.executescript(OLD_SCHEMA)
        db.execute(
            "INSERT INTO episodes VALUES ('artigo-a', 'guid-a', '2025-01-02T03:04:05+00:00', '2025-01-03T03:04:05+00:00', "
            "'artigo-a', 'Obras', 'artigo-a.txt', 'Lead.', NULL, 3.0, '[]', 'piper', 'voz', NULL, ?, ?, ?, ?, ?)",
            (first.audio_file, first.chapters_file, first.transcript_file, first.size, first.sha256),
        )
        db.execute("INSERT INTO used_stems VALUES ('artigo-a')")

    with locked_catalogue(out_dir) as catalogue:
        (published,) = catalogue.episodes()
    assert [(v.published, v.audio_file, v.sha256, v.corrected) for v in published.versions] == [
        (datetime(2025, 1, 3, 3, 4, 5, tzinfo=timezone.utc), first.audio_file, first.sha256, False)
    ]
    with sqlite3.connect(out_dir / CATALOGUE_NAME) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (1,)

    # Its next version is listed after it; without the old text's digest no correction is claimed.
    later(monkeypatch, datetime(2026, 1, 1, tzinfo=timezone.utc))
    publish(out_dir, staged(out_dir, "texto-novo", seed=2))
    assert "Corrigido" not in descriptions(out_dir)[0]
    assert page_versions(out_dir)[0].startswith("3 de janeiro de 2025, 0h04: áudio (MP3)")
    assert_consistent(out_dir)
    Catalogue(sqlite3.connect(out_dir / CATALOGUE_NAME)).close()  # opening it again migrates nothing twice
    with locked_catalogue(out_dir) as catalogue:
        assert len(catalogue.find("artigo-a").versions) == 2


ARTICLE = """Chuva forte alaga ruas de São Paulo

A chuva que caiu na tarde desta terça-feira alagou ruas da zona sul. A Defesa Civil pediu cuidado.

## Previsão

Segundo os meteorologistas, a chuva deve continuar até sexta-feira.
"""


def build(out_dir: Path, article: Path, *extra: str) -> None:
    command = [sys.executable, "-m", "audio_artigo", "build", str(article), "--voice", str(TINY_VOICE),
               "--out", str(out_dir), "--offline", "--workers", "1", *extra]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=out_dir.parent)
    assert result.returncode == 0, result.stderr


def spelled(moment: datetime) -> str:
    """How the note writes a moment, in São Paulo (the default time zone): "5 de dezembro de 2026, 14h20"."""
    local = moment.astimezone(ZoneInfo("America/Sao_Paulo"))
    day = "1º" if local.day == 1 else str(local.day)
    clock = f"{local.hour}h{local.minute:02d}" if local.minute else f"{local.hour}h"
    return f"{day} de {MONTHS[local.month - 1]} de {local.year}, {clock}"


@pytest.fixture(scope="module")
def corrected_show(tmp_path_factory):
    """An article built, then corrected and built again, with the tiny voice."""
    root = tmp_path_factory.mktemp("corrigido")
    out = root / "output"
    article = root / "chuva.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    build(out, article)
    before = etree.fromstring((out / "feed.xml").read_bytes()).find("channel/item")
    article.write_text(ARTICLE.replace("até sexta-feira", "até o domingo"), encoding="utf-8")
    build(out, article)
    with sqlite3.connect(out / CATALOGUE_NAME) as db:
        moments = [datetime.fromisoformat(when) for (when,) in db.execute("SELECT published FROM versions ORDER BY rowid")]
    return out, before, moments


def test_a_correction_is_in_the_feed_for_both_parsers_under_the_same_guid(corrected_show):
    out, before, moments = corrected_show
    feed = (out / "feed.xml").read_bytes()
    note = f"Corrigido em {spelled(moments[1])}: o áudio foi atualizado com o texto corrigido."

    (episode,) = podcastparser.parse("http://127.0.0.1:8000/feed.xml", io.BytesIO(feed))["episodes"]
    parsed = feedparser.parse(feed)
    (entry,) = parsed.entries
    assert not parsed.bozo
    assert note in episode["description"] and note in entry.summary
    assert DEFAULT_DISCLOSURE in episode["description"] and DEFAULT_DISCLOSURE in entry.summary
    assert "Corrigido" not in before.findtext("description")
    assert episode["guid"] == entry.id == before.findtext("guid")
    assert file_name(episode["enclosures"][0]["url"]) == "chuva-2.mp3"
    # The transcript and the chapters are the new version's.
    assert file_name(entry.podcast_transcript["url"]) == "chuva-2.vtt"
    assert "até o domingo" in (out / "chuva-2.vtt").read_text(encoding="utf-8")
    assert "até sexta-feira" in (out / "chuva.vtt").read_text(encoding="utf-8")
    chapters = etree.fromstring(feed).find(f"channel/item/{{{PODCAST}}}chapters")
    assert file_name(chapters.get("url")) == "chuva-2.chapters.json"
    assert_consistent(out)


def test_the_page_lists_the_earlier_version_with_a_working_link(corrected_show):
    if not CHROMIUM.exists():
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    out, _, moments = corrected_show
    with serve_command(out) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(base + "/")
            episode = page.locator(".episode")
            assert episode.locator(".correction").inner_text() == (
                f"Corrigido em {spelled(moments[1])}: o áudio foi atualizado com o texto corrigido."
            )
            assert episode.locator(".disclosure").inner_text() == DEFAULT_DISCLOSURE
            assert episode.locator("audio").get_attribute("src") == "chuva-2.mp3"
            earlier = episode.locator(".versions li")
            assert earlier.count() == 1
            assert earlier.inner_text().startswith(f"{spelled(moments[0])} (antes da correção): áudio (MP3)")
            link = earlier.locator("a", has_text="áudio (MP3)")
            with page.expect_response(lambda response: response.url.endswith("/chuva.mp3")) as answer:
                page.evaluate("href => fetch(href).then(response => response.arrayBuffer())", link.get_attribute("href"))
            response = answer.value
            assert response.status == 200 and response.body() == (out / "chuva.mp3").read_bytes()
            transcript = page.request.get(base + "/" + earlier.locator("a", has_text="transcrição").get_attribute("href"))
            assert transcript.status == 200 and "até sexta-feira" in transcript.text()
            assert errors == []
        finally:
            browser.close()
