"""The acceptance checks of the cluster: Redis, moto's S3 server, two synth workers, a publisher, prepare and assemble.

Articles go through ``audio-artigo build --backend celery`` with the tiny
voice; the published files are read back with the real podcast parsers and
compared with a local build made from the same clips.
"""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
from pathlib import Path

import feedparser
import podcastparser
import redis
from mutagen.mp3 import MP3

from tests.conftest import EXAMPLES, TINY_VOICE
from tests.dist.conftest import Cluster
from tests.pipeline.conftest import run_cli
from tests.podcast.episodes import chapter_frames
from tests.reading.conftest import DATA as READING_DATA

ARTICLES = [EXAMPLES / "ia-xangai.txt", READING_DATA / "safra-recorde.md", READING_DATA / "vacinacao-sp.html"]
PREFIX = "audio-artigo/"


def catalogue_rows(out: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(out / ".catalogue.sqlite3") as connection:
        return connection.execute("SELECT identity, guid, audio_file FROM episodes ORDER BY identity").fetchall()


def feed_items(out: Path) -> list[dict]:
    """The feed's items as both podcastparser and feedparser read them (they must agree)."""
    feed = (out / "feed.xml").read_bytes()
    parsed = podcastparser.parse("http://127.0.0.1:8000/feed.xml", io.BytesIO(feed))
    fed = feedparser.parse(feed)
    assert not fed.bozo, fed.bozo_exception
    assert len(parsed["episodes"]) == len(fed.entries)
    items = []
    for item, entry in zip(parsed["episodes"], fed.entries):
        audio = out / item["enclosures"][0]["url"].rsplit("/", 1)[1]
        assert item["enclosures"][0]["file_size"] == int(entry.enclosures[0].length) == audio.stat().st_size
        assert item["total_time"] == int(entry.itunes_duration) == round(MP3(audio).info.length)
        assert [(c["start"], c["title"]) for c in item["chapters"]] == [(ms // 1000, t) for ms, t in chapter_frames(audio)]
        assert entry.podcast_transcript["type"] == "text/vtt"
        items.append({"guid": item["guid"], "audio": audio, "title": item["title"]})
    return items


def status(cluster: Cluster) -> dict:
    return json.loads(cluster.cli("status", "--json").stdout)


def audio_frames(path: Path) -> bytes:
    """The MP3 after its ID3v2 tag (whose size is in the tag's header, as a syncsafe integer)."""
    data = path.read_bytes()
    assert data[:3] == b"ID3"
    size = 0
    for byte in data[6:10]:
        size = size << 7 | byte
    return data[10 + size :]


def download_store(cluster: Cluster, folder: Path) -> None:
    """The bucket's cache entries, laid out as a local cache folder (the same names)."""
    for key in cluster.s3.keys(PREFIX):
        target = folder / key.removeprefix(PREFIX)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(cluster.s3.get(key))


def show_options(folder: Path) -> list[str]:
    """The show's frame and sound for a build: a spoken intro and outro (with a date), an intro jingle."""
    import numpy as np
    import soundfile

    jingle = folder / "vinheta.wav"
    seconds = np.arange(int(0.8 * 44100)) / 44100
    soundfile.write(jingle, 0.3 * np.sin(2 * np.pi * 660 * seconds), 44100)
    return ["--intro", "Você está ouvindo {show}. {title}.", "--outro", "Publicado em {date}.", "--intro-audio", str(jingle)]


def test_three_articles_are_published_once_as_a_local_build_would_from_the_same_clips(running_cluster, tmp_path):
    cluster = running_cluster
    show = show_options(tmp_path)
    result = cluster.build(*ARTICLES, extra=show)
    out = cluster.root / "out"
    assert result.stdout.count(str(out)) == 3, result.stdout

    # Each article once in the catalogue and once in a valid feed.
    rows = catalogue_rows(out)
    assert len(rows) == 3 and len({guid for _, guid, _ in rows}) == 3
    items = feed_items(out)
    assert sorted(item["audio"].name for item in items) == sorted(audio for _, _, audio in rows)
    published = status(cluster)["published"]
    assert {record["state"] for record in published} == {"published"}
    # The batch that completed each article's clips started its assembly, without waiting for assemble's next look.
    board = redis.Redis.from_url(cluster.broker)
    assert all(board.exists(f"audio-artigo:episode:{record['id']}:woken") for record in published)

    # The clips are in the bucket, and nothing is left of the hand-over to the publisher.
    clips = cluster.s3.keys(PREFIX + "clips/")
    assert len(clips) > 50 and all(key.endswith(".npz") for key in clips)
    assert not cluster.s3.keys(PREFIX + "episodes/")

    # A local build from a copy of the bucket speaks nothing (every clip was there) and writes the same episodes.
    cache = tmp_path / "cache"
    download_store(cluster, cache)
    before = set(cache.rglob("*.npz"))
    local = tmp_path / "local"
    run_cli(["build", *ARTICLES, "--voice", TINY_VOICE, "--out", local, "--cache-dir", cache, *show], cluster.env, cwd=tmp_path)
    assert {path for path in (cache / "clips").rglob("*.npz")} <= before  # no clip synthesised
    for _identity, _guid, audio_file in rows:
        stem = audio_file.removesuffix(".mp3")
        for suffix in (".vtt", ".chapters.json"):
            assert (out / f"{stem}{suffix}").read_text() == (local / f"{stem}{suffix}").read_text(), stem + suffix
        assert chapter_frames(out / audio_file) == chapter_frames(local / audio_file)
        assert audio_frames(out / audio_file) == audio_frames(local / audio_file)
        cues = (out / f"{stem}.vtt").read_text()
        assert "Você está ouvindo audio-artigo." in cues and "Publicado em " in cues  # the show's frame, spoken


def test_a_correction_synthesises_only_the_changed_sentence(running_cluster, tmp_path):
    cluster = running_cluster
    article = tmp_path / "correcao.txt"
    text = (EXAMPLES / "ia-xangai.txt").read_text(encoding="utf-8")
    article.write_text(text.replace("Xiong", "Xiong Jijun", 1), encoding="utf-8")  # a version of its own, so its clips are new
    cluster.build(article)
    before = set(cluster.s3.keys(PREFIX + "clips/"))

    edited = "A conferência foi realizada de 20 a 23 de fevereiro em Xangai."
    article.write_text(article.read_text(encoding="utf-8").replace("A conferência foi realizada de 21 a 23 de fevereiro em Xangai.", edited), encoding="utf-8")
    cluster.build(article)

    written = set(cluster.s3.keys(PREFIX + "clips/")) - before
    assert len(written) == 1  # the store's writes: one clip, the edited sentence
    correction, first = [r for r in status(cluster)["published"] if r["source"] == str(article)]  # newest first
    assert correction["written"] == correction["clips"] == 1 and first["submitted"] < correction["submitted"]

    out = cluster.root / "out"
    rows = [row for row in catalogue_rows(out) if row[2].startswith("correcao")]
    assert len(rows) == 1 and rows[0][2] == "correcao-2.mp3"  # the same GUID, a new file
    assert [item["audio"].name for item in feed_items(out) if item["audio"].name.startswith("correcao")] == ["correcao-2.mp3"]


def test_a_failed_article_is_reported_with_its_reason_and_the_others_are_published(running_cluster, tmp_path):
    cluster = running_cluster
    empty = tmp_path / "vazio.txt"
    empty.write_text("—\n\n…\n", encoding="utf-8")  # read fine, but nothing in it can be spoken
    good = tmp_path / "boa.md"
    shutil.copy(READING_DATA / "safra-recorde.md", good)
    good.write_text(good.read_text(encoding="utf-8").replace("# ", "# Boa: ", 1), encoding="utf-8")

    result = cluster.build(empty, good, check=False)
    assert result.returncode == 2
    assert "boa.mp3" in result.stdout
    assert f"audio-artigo: error: {empty}: nothing to read aloud\n" in result.stderr
    assert "Traceback" not in result.stderr

    failed = {record["source"]: record for record in status(cluster)["failed"]}
    assert failed[str(empty)]["reason"] == f"{empty}: nothing to read aloud"
    text = cluster.cli("status").stdout
    assert f"failed: {empty}: nothing to read aloud" in text


def test_no_wait_prints_the_episode_ids_and_status_follows_them(running_cluster, tmp_path):
    cluster = running_cluster
    article = tmp_path / "espera.md"
    shutil.copy(READING_DATA / "safra-recorde.md", article)
    article.write_text(article.read_text(encoding="utf-8").replace("# ", "# Espera: ", 1), encoding="utf-8")
    result = cluster.build(article, "--no-wait")
    episode_id, source = result.stdout.split()
    assert source == str(article) and len(episode_id) == 16

    from tests.dist.conftest import wait_for

    wait_for(lambda: any(r["id"] == episode_id for r in status(cluster)["published"]), 120, "the article to be published")
    assert "espera.mp3" in [row[2] for row in catalogue_rows(cluster.root / "out")]


def test_follow_through_the_cluster_publishes_each_item_once_and_a_second_pass_builds_nothing(running_cluster):
    from tests.sources.conftest import page_html, rss
    from tests.sources.newsroom import Newsroom

    cluster = running_cluster
    out = cluster.root / "out"  # follow runs beside the publisher: its truth is the publisher's catalogue
    with Newsroom() as newsroom:
        for name in ("chuva", "obras"):
            newsroom.page(f"/noticias/{name}.html", page_html(name))
        feed = newsroom.page("/feed.xml", rss(newsroom, ["/noticias/chuva.html", "/noticias/obras.html"]), content_type="application/rss+xml")
        follow = ["follow", feed, "--backend", "celery", "--voice", TINY_VOICE, "--out", out, "--offline"]
        first = cluster.cli(*follow)
        assert first.stdout.strip().splitlines()[-1] == "pass: 2 new, 0 corrected, 0 unchanged, 0 failed", first.stdout
        submitted = len(status(cluster)["published"])
        second = cluster.cli(*follow)
        assert second.stdout.strip().splitlines()[-1] == "pass: 0 new, 0 corrected, 2 unchanged, 0 failed", second.stdout
    assert len(status(cluster)["published"]) == submitted  # nothing sent to the cluster the second time
    identities = [identity for identity, _guid, _file in catalogue_rows(out) if "/noticias/" in identity]
    assert len(identities) == 2
