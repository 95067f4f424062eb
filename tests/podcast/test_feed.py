"""feed.xml as real podcast clients read it: gPodder's podcastparser and feedparser."""

from __future__ import annotations

import email.utils
import io
import uuid
from datetime import datetime, timezone

import feedparser
import podcastparser
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree, html
from mutagen.mp3 import MP3

from audio_artigo.podcast.catalogue import PublishedEpisode
from audio_artigo.podcast.feed import ITUNES, PODCAST, render_feed
from audio_artigo.model import ChapterMark, Episode
from audio_artigo.podcast.config import PODCAST_GUID_NAMESPACE, PodcastConfig, xml_safe
from audio_artigo.podcast.publish import publish

from .episodes import chapter_frames, stage_episode

CONFIG = PodcastConfig(
    title="Jornal Falado",
    description="As notícias do dia, lidas.",
    author="Redação do Jornal",
    email="podcast@example.org",
    base_url="https://example.org/podcast/",
)


def publish_two(out_dir):
    first = publish(out_dir, stage_episode(out_dir, "artigo-a", seed=1), CONFIG)
    second = publish(
        out_dir,
        stage_episode(
            out_dir, "artigo-b", title="Chuva forte em São Paulo", seconds=4.5, seed=2,
            chapter_titles=("Abertura", "Alagamentos", "Previsão", "Serviço"),
        ),  # fmt: skip
        CONFIG,
    )
    return [first, second]


def test_podcastparser_reads_both_episodes_with_sizes_durations_and_chapters(out_dir):
    episodes = publish_two(out_dir)

    parsed = podcastparser.parse(CONFIG.feed_url, io.BytesIO((out_dir / "feed.xml").read_bytes()))

    assert parsed["title"] == CONFIG.title
    assert len(parsed["episodes"]) == 2
    by_url = {item["enclosures"][0]["url"]: item for item in parsed["episodes"]}
    for episode in episodes:
        audio = out_dir / episode.audio_file
        item = by_url[CONFIG.url_for(episode.audio_file)]
        assert item["enclosures"] == [
            {"url": CONFIG.url_for(episode.audio_file), "file_size": audio.stat().st_size, "mime_type": "audio/mpeg"}
        ]
        assert item["total_time"] == round(MP3(audio).info.length)
        # podcastparser keeps whole seconds of Podlove chapter starts.
        frames = chapter_frames(audio)
        assert [(c["start"], c["title"]) for c in item["chapters"]] == [(ms // 1000, t) for ms, t in frames]
        assert item["guid"] and item["title"] == episode.title


def test_feedparser_reads_both_episodes_with_sizes_durations_chapters_and_transcripts(out_dir):
    episodes = publish_two(out_dir)

    parsed = feedparser.parse((out_dir / "feed.xml").read_bytes())

    assert not parsed.bozo, parsed.get("bozo_exception")
    assert len(parsed.entries) == 2
    by_url = {entry.enclosures[0].href: entry for entry in parsed.entries}
    for episode in episodes:
        audio = out_dir / episode.audio_file
        entry = by_url[CONFIG.url_for(episode.audio_file)]
        enclosure = entry.enclosures[0]
        assert int(enclosure.length) == audio.stat().st_size
        assert enclosure.type == "audio/mpeg"
        assert int(entry.itunes_duration) == round(MP3(audio).info.length)
        chapters = [(round(c["start_parsed"].total_seconds() * 1000), c["title"]) for c in entry.psc_chapters["chapters"]]
        assert chapters == chapter_frames(audio)
        assert entry.podcast_chapters == {"url": CONFIG.url_for(episode.chapters_file), "type": "application/json+chapters"}
        assert entry.podcast_transcript == {
            "url": CONFIG.url_for(episode.transcript_file), "type": "text/vtt", "language": "pt-BR", "rel": "captions",
        }  # fmt: skip
        assert (out_dir / episode.chapters_file).is_file() and (out_dir / episode.transcript_file).is_file()


def test_feed_has_the_tags_apple_and_podcasting_2_require(out_dir):
    publish_two(out_dir)
    root = etree.fromstring((out_dir / "feed.xml").read_bytes())
    it = {"itunes": ITUNES, "podcast": PODCAST}

    assert root.tag == "rss" and root.get("version") == "2.0"
    assert root.nsmap["podcast"] == "https://podcastindex.org/namespace/1.0"
    channel = root.find("channel")
    assert channel.findtext("title") == CONFIG.title
    assert channel.findtext("description") == CONFIG.description
    assert channel.findtext("language") == "pt-BR"
    assert channel.find("itunes:image", it).get("href").startswith(CONFIG.public_url + "cover-")
    assert channel.find("itunes:category", it).get("text") == "News"
    assert channel.findtext("itunes:explicit", namespaces=it) == "false"
    assert channel.findtext("itunes:author", namespaces=it) == CONFIG.author
    assert channel.findtext("itunes:owner/itunes:email", namespaces=it) == CONFIG.email
    expected_show_guid = uuid.uuid5(PODCAST_GUID_NAMESPACE, "example.org/podcast/feed.xml")
    assert channel.findtext("podcast:guid", namespaces=it) == str(expected_show_guid)

    for item in channel.findall("item"):
        assert item.findtext("title") and item.findtext("description")
        enclosure = item.find("enclosure")
        assert enclosure.get("type") == "audio/mpeg" and int(enclosure.get("length")) > 0
        guid = item.find("guid")
        assert guid.get("isPermaLink") == "false"
        identity = "artigo-a" if enclosure.get("url").endswith("artigo-a.mp3") else "artigo-b"
        assert guid.text == str(uuid.uuid5(expected_show_guid, identity))
        published = email.utils.parsedate_to_datetime(item.findtext("pubDate"))
        assert published.utcoffset() is not None
        assert item.findtext("itunes:duration", namespaces=it).isdigit()
        assert item.find("podcast:chapters", it).get("type") == "application/json+chapters"
        transcript = item.find("podcast:transcript", it)
        assert (transcript.get("type"), transcript.get("language")) == ("text/vtt", "pt-BR")


HOSTILE = "Prefeito & vice <b>dizem</b> \"não\" e 'sim' ]]> fim\x00\x01\x0b\x1f\ufffe\ud800 😀"
HOSTILE_CLEAN = "Prefeito & vice <b>dizem</b> \"não\" e 'sim' ]]> fim 😀"


def test_hostile_text_is_escaped_once_and_illegal_characters_removed(out_dir):
    staged = stage_episode(
        out_dir, "hostil", title=HOSTILE, description="Lead " + HOSTILE, chapter_titles=(HOSTILE, "Depois"), seed=3
    )
    publish(out_dir, staged, CONFIG)
    data = (out_dir / "feed.xml").read_bytes()

    assert b"&amp;amp;" not in data and b"&amp;lt;" not in data
    item = etree.fromstring(data).find("channel/item")
    assert item.findtext("title") == HOSTILE_CLEAN
    assert item.findtext("description") == "Lead " + HOSTILE_CLEAN + "\n\n" + CONFIG.disclosure
    assert podcastparser.parse(CONFIG.feed_url, io.BytesIO(data))["episodes"][0]["title"] == HOSTILE_CLEAN
    parsed = feedparser.parse(data)
    assert not parsed.bozo
    assert parsed.entries[0].title == HOSTILE_CLEAN
    assert parsed.entries[0].psc_chapters["chapters"][0]["title"] == HOSTILE_CLEAN

    page = etree.HTML((out_dir / "index.html").read_bytes())
    assert page.findtext(".//h3") == HOSTILE_CLEAN
    assert page.find(".//button").xpath("string()").endswith(HOSTILE_CLEAN)


def _in_memory_episode(title: str, description: str, chapter_title: str) -> PublishedEpisode:
    episode = Episode(
        slug="x", title=xml_safe(title), identity="x", source="x.txt", description=xml_safe(description),
        author=None, duration=61.5, chapters=[ChapterMark(xml_safe(chapter_title), 0.0, 61.5)],
        engine="piper", voice="v", audio_file="x.mp3", chapters_file="x.chapters.json",
        transcript_file="x.vtt", size=1234, sha256="0" * 64,
    )  # fmt: skip
    moment = datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    return PublishedEpisode(episode=episode, guid=str(uuid.uuid4()), published=moment, updated=moment)


@settings(max_examples=150, deadline=None)
@given(st.text(), st.text(), st.text(), st.text(min_size=1))
def test_any_text_gives_a_feed_that_parses_and_reads_back_the_same(title, description, chapter, show_title):
    show_title = xml_safe(show_title) or "x"
    config = PodcastConfig(title=show_title)
    episode = _in_memory_episode(title, description, chapter)

    root = etree.fromstring(render_feed(config, uuid.uuid4(), [episode], "cover.png"))

    assert root.findtext("channel/title") == show_title
    item = root.find("channel/item")
    assert (item.findtext("title") or "") == xml_safe(title)
    lead = xml_safe(description) or xml_safe(title)
    assert item.findtext("description") == (lead + "\n\n" if lead else "") + config.disclosure
    chapter_element = item.find("{http://podlove.org/simple-chapters}chapters")[0]
    assert chapter_element.get("title") == xml_safe(chapter)
    assert chapter_element.get("start") == "00:00:00.000"
    assert item.findtext("{http://www.itunes.com/dtds/podcast-1.0.dtd}duration") == "62"


def test_an_unchanged_catalogue_renders_the_same_bytes():
    episode = _in_memory_episode("Título", "Lead", "Capítulo")
    show_guid = uuid.uuid4()
    assert render_feed(CONFIG, show_guid, [episode], "c.png") == render_feed(CONFIG, show_guid, [episode], "c.png")


def test_file_names_are_percent_encoded_in_urls(out_dir):
    published = publish(out_dir, stage_episode(out_dir, "notícia", slug="notícia de hoje", seed=4), CONFIG)
    item = etree.fromstring((out_dir / "feed.xml").read_bytes()).find("channel/item")
    assert published.audio_file == "notícia de hoje.mp3"
    assert item.find("enclosure").get("url") == CONFIG.public_url + "not%C3%ADcia%20de%20hoje.mp3"


def test_the_page_says_who_reads_each_episode_and_marks_drafts():
    from dataclasses import replace

    from audio_artigo.podcast.site import render_index

    piper = _in_memory_episode("Piper", "Lead", "Capítulo")
    piper = replace(piper, episode=replace(piper.episode, voice="pt_BR-faber-medium", quote_voice="pt_BR-cadu-medium"))
    draft = _in_memory_episode("Rascunho", "Lead", "Capítulo")
    draft = replace(draft, episode=replace(draft.episode, engine="espeak", voice="eSpeak NG pt-br"))
    page = html.fromstring(render_index(CONFIG, [piper, draft], "c.png"))
    meta = [p.text_content() for p in page.xpath('//p[@class="meta"]')]
    assert meta[0].endswith("voz pt_BR-faber-medium, citações na voz pt_BR-cadu-medium")
    assert meta[1].endswith("rascunho lido por eSpeak NG")
    # The synthetic-voice disclosure is said of every episode; the draft keeps its label beside it.
    assert [p.text_content() for p in page.xpath('//p[@class="disclosure"]')] == [CONFIG.disclosure] * 2
    assert "rascunho" in page.xpath('//article')[1].text_content()
