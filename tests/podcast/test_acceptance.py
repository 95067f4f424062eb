"""The issue's acceptance checks, through the real ``audio-artigo build`` and the tiny test voice."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import feedparser
import httpx
import podcastparser
import pytest
from lxml import etree
from mutagen.mp3 import MP3

from tests.conftest import TINY_VOICE

from .conftest import assert_consistent
from .episodes import chapter_frames
from .servers import raw_get, serve_command


ARTICLE_A = """Chuva forte alaga ruas de São Paulo

A chuva que caiu na tarde desta terça-feira alagou ruas da zona sul. A Defesa Civil pediu cuidado.

## Previsão

Segundo os meteorologistas, a chuva deve continuar até sexta-feira.
"""

ARTICLE_B = """Prefeitura anuncia obras no centro

A prefeitura anunciou obras de recuperação de calçadas no centro da cidade.

## Prazos

As obras começam em março e devem durar seis meses.
"""


def build(out_dir: Path, *articles: Path) -> subprocess.CompletedProcess:
    command = [
        sys.executable, "-m", "audio_artigo", "build", *map(str, articles),
        "--voice", str(TINY_VOICE), "--out", str(out_dir), "--offline", "--workers", "1",
    ]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=out_dir.parent)


@pytest.fixture
def articles(tmp_path):
    a, b = tmp_path / "chuva.txt", tmp_path / "obras.txt"
    a.write_text(ARTICLE_A, encoding="utf-8")
    b.write_text(ARTICLE_B, encoding="utf-8")
    return a, b


def test_two_built_articles_are_read_by_both_clients_with_sizes_durations_and_chapters(tmp_path, articles):
    out_dir = tmp_path / "output"
    result = build(out_dir, *articles)
    assert result.returncode == 0, result.stderr
    feed = (out_dir / "feed.xml").read_bytes()

    parsed = podcastparser.parse("http://127.0.0.1:8000/feed.xml", io.BytesIO(feed))
    fed = feedparser.parse(feed)
    assert len(parsed["episodes"]) == len(fed.entries) == 2 and not fed.bozo
    for item, entry in zip(parsed["episodes"], fed.entries):
        audio = out_dir / item["enclosures"][0]["url"].rsplit("/", 1)[1]
        size, length = audio.stat().st_size, MP3(audio).info.length
        frames = chapter_frames(audio)
        assert len(frames) >= 2
        assert item["enclosures"][0]["file_size"] == int(entry.enclosures[0].length) == size
        assert item["total_time"] == int(entry.itunes_duration) == round(length)
        assert [(c["start"], c["title"]) for c in item["chapters"]] == [(ms // 1000, t) for ms, t in frames]
        psc = [(round(c["start_parsed"].total_seconds() * 1000), c["title"]) for c in entry.psc_chapters["chapters"]]
        assert psc == frames
        assert entry.podcast_transcript["type"] == "text/vtt"
    assert_consistent(out_dir)


def test_rebuilding_an_edited_article_keeps_its_identity_and_lists_only_the_new_file(tmp_path, articles):
    out_dir = tmp_path / "output"
    assert build(out_dir, *articles).returncode == 0
    before = {item.findtext("title"): item for item in etree.fromstring((out_dir / "feed.xml").read_bytes()).iter("item")}

    articles[0].write_text(ARTICLE_A.replace("pediu cuidado", "pediu muito cuidado"), encoding="utf-8")
    result = build(out_dir, articles[0])
    assert result.returncode == 0, result.stderr

    after = {item.findtext("title"): item for item in etree.fromstring((out_dir / "feed.xml").read_bytes()).iter("item")}
    old, new = before["Chuva forte alaga ruas de São Paulo"], after["Chuva forte alaga ruas de São Paulo"]
    assert new.findtext("guid") == old.findtext("guid")
    assert new.findtext("pubDate") == old.findtext("pubDate")
    old_url, new_url = old.find("enclosure").get("url"), new.find("enclosure").get("url")
    assert new_url != old_url
    assert old_url.encode() not in (out_dir / "feed.xml").read_bytes()
    assert (out_dir / old_url.rsplit("/", 1)[1]).is_file()
    assert len(after) == 2
    assert_consistent(out_dir)


def test_two_builds_at_once_into_one_folder_both_end_up_in_the_feed(tmp_path, articles):
    out_dir = tmp_path / "output"
    out_dir.mkdir()
    command = [sys.executable, "-m", "audio_artigo", "build", "--voice", str(TINY_VOICE), "--out", str(out_dir),
               "--offline", "--workers", "1"]  # fmt: skip
    processes = [subprocess.Popen([*command, str(article)], stderr=subprocess.PIPE, text=True) for article in articles]
    for process in processes:
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr

    assert sorted(assert_consistent(out_dir)) == ["chuva.mp3", "obras.mp3"]
    assert len(feedparser.parse((out_dir / "feed.xml").read_bytes()).entries) == 2


def test_serve_answers_ranges_and_refuses_traversal_for_a_built_episode(tmp_path, articles):
    out_dir = tmp_path / "output"
    assert build(out_dir, articles[0]).returncode == 0
    (tmp_path / "pyproject.toml").write_text("SECRET", encoding="utf-8")
    data = (out_dir / "chuva.mp3").read_bytes()

    with serve_command(out_dir) as base:
        response = httpx.get(base + "/chuva.mp3", headers={"Range": "bytes=100-199"})
        assert response.status_code == 206 and response.content == data[100:200]
        assert httpx.get(base + "/chuva.mp3", headers={"Range": "bytes=999999999-"}).status_code == 416
        for target in ("/../pyproject.toml", "/%2e%2e/pyproject.toml"):
            status, _, body = raw_get(base, target)
            assert status == 404 and b"SECRET" not in body
