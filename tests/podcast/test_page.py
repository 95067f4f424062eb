"""index.html in headless Chromium, served by ``audio-artigo serve``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from lxml import html
from mutagen.mp3 import MP3

from audio_artigo.podcast.config import PodcastConfig
from audio_artigo.podcast.publish import publish

from .episodes import stage_episode
from .servers import serve_command

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture(scope="module")
def show(tmp_path_factory):
    folder = tmp_path_factory.mktemp("page")
    config = PodcastConfig(title="Jornal Falado")
    older = publish(folder, stage_episode(folder, "artigo-a", seconds=3.0, seed=1), config)
    newer = publish(
        folder,
        stage_episode(
            folder, "artigo-b", title="Chuva & <alagamentos>", seconds=6.0, seed=2,
            chapter_titles=("Abertura", "Alagamentos", "Previsão", "Serviço"),
            speakers=(None, "Anderson Pomini", "Anderson Pomini", "Ana <Sá> & Filhos"),
        ),  # fmt: skip
        config,
    )
    return folder, config, [newer, older]


@pytest.fixture(scope="module")
def browser_page(show):
    if not CHROMIUM.exists():
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    folder, _, _ = show
    with serve_command(folder) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.goto(base + "/")
        yield page, errors
        browser.close()


def test_the_page_shows_the_show_its_episodes_and_the_feed(browser_page, show):
    page, errors = browser_page
    _, config, episodes = show
    assert page.title() == "Jornal Falado"
    assert page.locator("h1").inner_text() == "Jornal Falado"
    assert page.locator(".episode h3").all_inner_texts() == [episode.title for episode in episodes]
    assert page.locator(".subscribe input").input_value() == config.feed_url
    assert page.locator("link[type='application/rss+xml']").get_attribute("href") == "feed.xml"
    assert errors == []


def test_the_player_reads_the_duration_from_the_server(browser_page, show):
    page, _ = browser_page
    folder, _, episodes = show
    for index, episode in enumerate(episodes):
        audio = f"document.querySelectorAll('.episode audio')[{index}]"
        page.wait_for_function(f"{audio}.duration > 0", timeout=15_000)
        duration = page.evaluate(f"{audio}.duration")
        assert duration == pytest.approx(MP3(folder / episode.audio_file).info.length, abs=0.15)


def test_clicking_a_chapter_seeks_to_its_start(browser_page, show):
    page, errors = browser_page
    _, _, episodes = show
    chapter = episodes[0].chapters[2]
    page.evaluate(
        """() => {
            const audio = document.querySelector('.episode audio');
            window.seekedAt = null;
            audio.addEventListener('seeked', () => { window.seekedAt = audio.currentTime; }, { once: true });
        }"""
    )
    page.locator(".episode").first.locator(".chapters button").nth(2).click()
    page.wait_for_function("window.seekedAt !== null", timeout=15_000)

    assert page.evaluate("window.seekedAt") == pytest.approx(chapter.start, abs=0.1)
    current = page.locator(".episode").first.locator(".chapters button[aria-current='true']")
    current.wait_for(timeout=15_000)
    assert chapter.title in current.inner_text()
    assert errors == []


def test_opening_the_transcript_shows_its_lines_from_the_vtt(browser_page):
    page, errors = browser_page
    episode = page.locator(".episode").first
    episode.locator(".transcript summary").click()
    episode.locator(".cues .cue").first.wait_for(timeout=15_000)
    lines = episode.locator(".cues .cue").all_inner_texts()
    assert [line.strip() for line in lines] == [
        "Abertura: frase 1.", "Alagamentos: frase 2.", "Previsão: frase 3.", "Serviço: frase 4.",
    ]  # fmt: skip
    assert errors == []


def test_the_transcript_shows_who_speaks_each_quotation(browser_page):
    page, errors = browser_page
    episode = page.locator(".episode").first
    if not episode.locator(".transcript").evaluate("details => details.open"):  # another test may have opened it
        episode.locator(".transcript summary").click()
    episode.locator(".cues .cue").first.wait_for(timeout=15_000)
    turns = episode.locator(".cues .turn")
    # One paragraph per turn; a quoted speaker's opens with their name (once for both of
    # Anderson Pomini's lines), the narrator's has none.
    assert turns.count() == 3
    assert [turns.nth(number).locator(".speaker").all_inner_texts() for number in range(3)] == [
        [], ["Anderson Pomini:"], ["Ana <Sá> & Filhos:"],
    ]  # fmt: skip
    assert [line.strip() for line in turns.nth(1).locator(".cue").all_inner_texts()] == ["Alagamentos: frase 2.", "Previsão: frase 3."]
    assert "Anderson Pomini:" in turns.nth(1).inner_text()
    assert errors == []


def test_the_page_without_a_browser_escapes_text_once_and_links_every_file(show):
    folder, _, episodes = show
    page = html.fromstring((folder / "index.html").read_bytes())
    assert page.findtext(".//h3") == "Chuva & <alagamentos>"
    for article, episode in zip(page.findall(".//article"), episodes):
        assert article.find(".//audio").get("src") == episode.audio_file
        assert article.find(".//track").get("src") == episode.transcript_file
        starts = [float(button.get("data-start")) for button in article.findall(".//button")]
        assert starts == [chapter.start for chapter in episode.chapters]
