"""`build URL` and `segment URL` against a local newsroom; the article's metadata in the episode."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys

import feedparser
import podcastparser
import pytest
from lxml import etree
from mutagen.id3 import ID3

from audio_artigo.build import BuildOptions, build
from audio_artigo.podcast.catalogue import CATALOGUE_NAME, locked_catalogue
from audio_artigo.sources import read_source
from audio_artigo.voices.cast import VoiceRequest
from tests.conftest import ROOT, TINY_VOICE
from tests.pipeline.conftest import run_cli

from .conftest import page_html
from .newsroom import DATA, Route, endless, redirect, trickle

ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"


def build_args(*articles, out) -> list[str]:
    return ["build", *map(str, articles), "--voice", str(TINY_VOICE), "--out", str(out), "--offline", "--workers", "1"]


def cues(vtt: str) -> list[str]:
    """The transcript's cue texts, without their times."""
    return [line for line in vtt.splitlines() if line and "-->" not in line and line != "WEBVTT" and not line.isdigit()]


def test_build_url_gives_the_episode_structure_of_the_saved_page(newsroom, cli_env, tmp_path):
    url = newsroom.page("/noticias/chuva.html", page_html("chuva"))
    from_url = run_cli(build_args(url, out=tmp_path / "url"), cli_env)
    from_file = run_cli(build_args(DATA / "chuva.html", out=tmp_path / "file"), cli_env)
    assert "chuva.mp3" in from_url.stdout and "chuva.mp3" in from_file.stdout

    def structure(out):
        chapters = json.loads((out / "chuva.chapters.json").read_text(encoding="utf-8"))
        feed = etree.fromstring((out / "feed.xml").read_bytes())
        (item,) = feed.findall("channel/item")
        return (
            [chapter["title"] for chapter in chapters["chapters"]],
            cues((out / "chuva.vtt").read_text(encoding="utf-8")),
            item.findtext("title"),
            item.findtext("link"),
            item.findtext("guid"),
        )

    assert structure(tmp_path / "url") == structure(tmp_path / "file")
    assert structure(tmp_path / "url")[3] == "https://jornal.example/noticias/chuva"  # the canonical URL
    with sqlite3.connect(tmp_path / "url" / CATALOGUE_NAME) as db:
        assert db.execute("SELECT source FROM episodes").fetchone() == (url,)
    assert str(ID3(tmp_path / "url" / "chuva.mp3")["WOAS"].url) == "https://jornal.example/noticias/chuva"


def test_segment_url_prints_the_same_json_as_the_saved_page(newsroom, cli_env):
    for name in ("chuva", "vacina"):
        url = newsroom.page(f"/{name}.html", page_html(name))
        from_url = run_cli(["segment", url, "--json"], cli_env)
        from_file = run_cli(["segment", DATA / f"{name}.html", "--json"], cli_env)
        assert from_url.stdout == from_file.stdout and json.loads(from_url.stdout)["chapters"]


def test_a_latin1_page_served_as_utf8_reads_right(newsroom):
    html = page_html("obras").replace('<meta charset="utf-8">', "")
    url = newsroom.page("/obras.html", html.encode("cp1252"), content_type="text/html; charset=utf-8")
    article = read_source(url)
    assert article.title == "Prefeitura anuncia obras no centro"
    assert "recuperação de calçadas" in article.sections[0].blocks[0].text


FAILURES = {
    # path on the newsroom (or a whole URL) -> (how it is served, the cause the line must give)
    "/sumiu.html": (None, "HTTP 404 Not Found"),
    "/erro.html": (Route(500, b"x", {"Content-Type": "text/html"}, validators=False), "HTTP 500 Internal Server Error"),
    "/documento.pdf": (Route(200, b"%PDF-1.4 ...", {"Content-Type": "application/pdf"}), "not an HTML page (application/pdf)"),
    "/enorme.html": (endless(30 << 20), "larger than 1 MB (the size limit)"),
    "/lento.html": (trickle(every=0.3), "took longer than 1.5 s (the time limit)"),
    "/volta-a": (redirect("/volta-b"), "redirect loop (back to "),
    "/vazia.html": (Route(200, b"<html><body><nav><a href='/'>Capa</a></nav></body></html>", {"Content-Type": "text/html"}), "no article text found"),
    "http://nao-existe.invalid/a.html": (None, "host name not found"),
    "http://127.0.0.1:9/a.html": (None, "connection refused"),
    "ftp://127.0.0.1/a.html": (None, "only http and https URLs are fetched, not ftp:"),
}


@pytest.mark.parametrize("target", list(FAILURES), ids=lambda target: target.rsplit("/", 1)[-1] or target)
def test_each_failure_of_a_url_is_one_line_exit_2_and_nothing_written(newsroom, cli_env, tmp_path, target):
    route, cause = FAILURES[target]
    if route is not None:
        newsroom.serve(target, route)
    newsroom.serve("/volta-b", redirect("/volta-a"))
    url = newsroom.url(target) if target.startswith("/") else target
    good = newsroom.page("/chuva.html", page_html("chuva"))
    out = tmp_path / "out"
    result = run_cli([*build_args(good, url, out=out), "--timeout", "1.5", "--max-size", "1M"], cli_env, check=False)
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"audio-artigo: error: {url}: "), result.stderr
    assert cause in result.stderr
    assert not out.exists()


def test_every_input_is_checked_before_any_voice_is_looked_up(newsroom, cli_env, tmp_path):
    """No --voice: the default voices would be downloaded; the bad input must stop the build first."""
    repository = newsroom.url("/voices/")
    cli_env["AUDIO_ARTIGO_VOICES_URL"] = repository
    good = newsroom.page("/chuva.html", page_html("chuva"))
    for bad in ("typo.txt", newsroom.url("/sumiu.html")):
        result = run_cli(["build", good, bad, "--out", tmp_path / "out"], cli_env, check=False)
        assert result.returncode == 2 and bad in result.stderr and result.stderr.count("\n") == 1
    assert not [request for request in newsroom.log if request.path.startswith("/voices/")]
    assert not (tmp_path / "out").exists() and not (tmp_path / "voices").exists()


@pytest.mark.parametrize(
    ("article", "modules"),
    [
        ("examples/ia-xangai.txt", ("httpx", "httpcore", "feedparser", "brotli", "audio_artigo.sources.fetch")),
        # (a page's reader, trafilatura, brings urllib3 and with it brotli: not ours to avoid)
        (str(DATA / "chuva.html"), ("httpx", "httpcore", "feedparser", "audio_artigo.sources.fetch")),
    ],
    ids=["text", "page"],
)
def test_a_build_from_files_imports_no_network_module(tmp_path, article, modules):
    script = f"""
import sys
from pathlib import Path
from audio_artigo.build import BuildOptions, build
from audio_artigo.voices.cast import VoiceRequest
build([{article!r}], BuildOptions(out_dir=Path({str(tmp_path / 'out')!r}), voices=VoiceRequest(voice={str(TINY_VOICE)!r}, offline=True), workers=1))
print(sorted(name for name in {modules!r} if name in sys.modules))
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT)
    assert result.stdout.strip() == "[]"


# -- The article's metadata in the episode ---------------------------------------------------


def _jpeg() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "#c04020").save(buffer, "JPEG")
    return buffer.getvalue()


def test_the_episode_carries_the_articles_link_authors_date_and_lead_image(newsroom, tmp_path):
    image = _jpeg()
    newsroom.serve("/fotos/lead.jpg", Route(200, image, {"Content-Type": "image/jpeg"}))
    newsroom.serve("/fotos/lead.webp", Route(200, _webp(), {"Content-Type": "image/webp"}))
    article = read_source(newsroom.page("/noticias/chuva.html", page_html("chuva")))
    article.authors = ["Ana Souza", "Bruno Lima"]
    article.published = "2025-03-04T18:20:00-03:00"
    article.image_url = newsroom.url("/fotos/lead.jpg")
    second = read_source(newsroom.page("/noticias/obras.html", page_html("obras")))
    second.image_url = newsroom.url("/fotos/lead.webp")
    options = BuildOptions(out_dir=tmp_path / "out", voices=VoiceRequest(voice=str(TINY_VOICE), offline=True), workers=1)
    first, converted = build([article, second], options)

    assert re.fullmatch(r"image-[0-9a-f]{16}\.jpg", first.image_file)
    assert (tmp_path / "out" / first.image_file).read_bytes() == image
    assert (tmp_path / "out" / converted.image_file).read_bytes().startswith(b"\xff\xd8\xff")  # WebP -> JPEG
    feed_bytes = (tmp_path / "out" / "feed.xml").read_bytes()
    items = {item.findtext("title"): item for item in etree.fromstring(feed_bytes).findall("channel/item")}
    item = items[article.title]
    assert item.findtext("link") == "https://jornal.example/noticias/chuva"
    assert item.findtext(f"{ITUNES}author") == "Ana Souza, Bruno Lima"
    assert item.find(f"{ITUNES}image").get("href") == f"http://127.0.0.1:8000/{first.image_file}"
    tags = ID3(tmp_path / "out" / first.audio_file)
    assert str(tags["TDRC"]) == "2025-03-04" and tags["WOAS"].url == "https://jornal.example/noticias/chuva"
    assert str(tags["TPE1"]) == "Ana Souza, Bruno Lima"

    parsed = podcastparser.parse("http://127.0.0.1:8000/feed.xml", __import__("io").BytesIO(feed_bytes))
    by_title = {episode["title"]: episode for episode in parsed["episodes"]}
    assert by_title[article.title]["link"] == "https://jornal.example/noticias/chuva"
    assert by_title[article.title]["episode_art_url"].endswith(first.image_file)
    entry = next(entry for entry in feedparser.parse(feed_bytes).entries if entry.title == article.title)
    assert entry.author == "Ana Souza, Bruno Lima" and entry.image.href.endswith(first.image_file)

    page = etree.HTML((tmp_path / "out" / "index.html").read_bytes())
    assert first.image_file in page.xpath("//article//img/@src")
    assert "https://jornal.example/noticias/chuva" in page.xpath("//article//h3/a/@href")


def _webp() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), "#2040c0").save(buffer, "WEBP")
    return buffer.getvalue()


@pytest.mark.parametrize("served", [None, Route(200, b"<html>not an image</html>", {"Content-Type": "image/jpeg"})], ids=["missing", "broken"])
def test_a_missing_or_broken_lead_image_is_noted_and_the_cover_used(newsroom, tmp_path, served):
    if served is not None:
        newsroom.serve("/fotos/x.jpg", served)
    article = read_source(newsroom.page("/chuva.html", page_html("chuva")))
    article.image_url = newsroom.url("/fotos/x.jpg")
    warnings = []

    class Collect:
        def warn(self, message):
            warnings.append(message)

        info = start = advance = lambda *args: None

    options = BuildOptions(out_dir=tmp_path / "out", voices=VoiceRequest(voice=str(TINY_VOICE), offline=True), workers=1)
    (episode,) = build([article], options, Collect())
    assert episode.image_file == ""
    assert any(article.image_url in warning and "show's cover" in warning for warning in warnings)
    item = etree.fromstring((tmp_path / "out" / "feed.xml").read_bytes()).find("channel/item")
    assert re.search(r"/cover-[0-9a-f]{12}\.png$", item.find(f"{ITUNES}image").get("href"))


def test_an_older_catalogue_gets_the_new_columns_in_place(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with sqlite3.connect(out / CATALOGUE_NAME) as db:
        db.executescript(
            """CREATE TABLE episodes (identity TEXT PRIMARY KEY, guid TEXT NOT NULL UNIQUE, published TEXT NOT NULL,
            updated TEXT NOT NULL, slug TEXT NOT NULL, title TEXT NOT NULL, source TEXT NOT NULL, description TEXT NOT NULL,
            author TEXT, duration REAL NOT NULL, chapters TEXT NOT NULL, engine TEXT NOT NULL, voice TEXT NOT NULL,
            quote_voice TEXT, audio_file TEXT NOT NULL, chapters_file TEXT NOT NULL, transcript_file TEXT NOT NULL,
            size INTEGER NOT NULL, sha256 TEXT NOT NULL);
            INSERT INTO episodes VALUES ('velho', 'g-1', '2024-01-01T00:00:00+00:00', '2024-01-01T00:00:00+00:00', 'velho',
            'Velho', 'velho.txt', 'd', NULL, 1.0, '[]', 'piper', 'v', NULL, 'velho.mp3', 'velho.chapters.json', 'velho.vtt', 1, 'x');"""
        )
    with locked_catalogue(out) as catalogue:
        (listed,) = catalogue.episodes()
    assert listed.episode.title == "Velho" and listed.episode.link is None and listed.episode.image_file == ""
    with sqlite3.connect(out / CATALOGUE_NAME) as db:
        columns = {row[1] for row in db.execute("PRAGMA table_info(episodes)")}
    assert {"link", "image_file", "article_date"} <= columns


def test_a_relative_canonical_link_is_made_absolute_against_the_page(newsroom):
    html = page_html("feira").replace("https://jornal.example/noticias/feira", "/noticias/feira-de-livros")
    url = newsroom.page("/n/123.html", html) + "?utm_source=rss"
    article = read_source(url + "#topo")
    assert article.identity == newsroom.url("/noticias/feira-de-livros")
    assert article.url == url and article.source == url
