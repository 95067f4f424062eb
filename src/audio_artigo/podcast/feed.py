"""feed.xml: the catalogue as an RSS 2.0 podcast feed.

The feed carries what Apple Podcasts requires (the iTunes tags), what
Podcasting 2.0 apps read (``podcast:guid``, ``podcast:chapters``,
``podcast:transcript``) and Podlove Simple Chapters inline for apps such as
gPodder. It is rebuilt from the catalogue after every publish, by lxml, which
escapes each text exactly once.
"""

from __future__ import annotations

import email.utils
import uuid
from datetime import datetime
from pathlib import Path

from lxml import etree

from audio_artigo import __version__
from audio_artigo.podcast import notes, site
from audio_artigo.podcast.catalogue import Catalogue, PublishedEpisode, locked_catalogue
from audio_artigo.podcast.config import FEED_NAME, PodcastConfig

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
PSC = "http://podlove.org/simple-chapters"
ATOM = "http://www.w3.org/2005/Atom"
NAMESPACES = {"itunes": ITUNES, "podcast": PODCAST, "psc": PSC, "atom": ATOM}

CHAPTERS_TYPE = "application/json+chapters"
TRANSCRIPT_TYPE = "text/vtt"


def write_feed(out_dir: Path, config: PodcastConfig) -> Path:
    """Rewrite feed.xml, and the page and cover that go with it, from the catalogue."""
    with locked_catalogue(out_dir) as catalogue:
        return write_show_files(Path(out_dir), config, catalogue)


def write_show_files(out_dir: Path, config: PodcastConfig, catalogue: Catalogue) -> Path:
    """The cover, feed.xml and index.html, each written atomically; the caller holds the lock."""
    episodes = catalogue.episodes()
    cover = site.write_cover(out_dir, config)
    feed = render_feed(config, catalogue.show_guid(config), episodes, cover)
    feed_path = out_dir / FEED_NAME
    site.write_if_changed(feed_path, feed)
    site.write_index(out_dir, config, episodes, cover)
    return feed_path


def render_feed(
    config: PodcastConfig, show_guid: uuid.UUID, episodes: list[PublishedEpisode], cover_file: str
) -> bytes:
    """The feed's bytes. Same inputs, same bytes: an unchanged catalogue leaves feed.xml untouched."""

    def add(parent, tag: str, content: str | None = None, **attributes: str):
        prefix, _, name = tag.rpartition(":")
        element = etree.SubElement(parent, f"{{{NAMESPACES[prefix]}}}{name}" if prefix else name, attributes)
        element.text = content
        return element

    rss = etree.Element("rss", {"version": "2.0"}, nsmap=NAMESPACES)
    channel = add(rss, "channel")
    add(channel, "title", config.title)
    add(channel, "link", config.public_url)
    add(channel, "description", config.description)
    add(channel, "language", config.language)
    add(channel, "generator", f"audio-artigo {__version__}")
    if episodes:
        add(channel, "lastBuildDate", _rfc2822(max(e.updated for e in episodes)))
    add(channel, "atom:link", href=config.feed_url, rel="self", type="application/rss+xml")
    cover_url = config.url_for(cover_file)
    image = add(channel, "image")
    add(image, "url", cover_url)
    add(image, "title", config.title)
    add(image, "link", config.public_url)
    add(channel, "itunes:image", href=cover_url)
    add(channel, "itunes:author", config.author)
    owner = add(channel, "itunes:owner")
    add(owner, "itunes:name", config.author)
    if config.email:
        add(owner, "itunes:email", config.email)
    add(channel, "itunes:category", text=config.category)
    add(channel, "itunes:explicit", "true" if config.explicit else "false")
    add(channel, "itunes:type", "episodic")
    add(channel, "podcast:guid", str(show_guid))

    for published in episodes:
        episode = published.episode
        item = add(channel, "item")
        add(item, "title", episode.title)
        add(item, "link", episode.link or config.public_url + "#" + site.episode_anchor(published))
        add(item, "description", notes.description(published, config))
        add(item, "guid", published.guid, isPermaLink="false")
        add(item, "pubDate", _rfc2822(published.published))
        add(item, "enclosure", url=config.url_for(episode.audio_file), length=str(episode.size), type="audio/mpeg")
        add(item, "itunes:duration", str(round(episode.duration)))
        if episode.author:
            add(item, "itunes:author", episode.author)
        add(item, "itunes:image", href=config.url_for(episode.image_file) if episode.image_file else cover_url)
        add(item, "itunes:explicit", "true" if config.explicit else "false")
        add(item, "itunes:episodeType", "full")
        add(item, "podcast:chapters", url=config.url_for(episode.chapters_file), type=CHAPTERS_TYPE)
        add(
            item,
            "podcast:transcript",
            url=config.url_for(episode.transcript_file),
            type=TRANSCRIPT_TYPE,
            language=config.language,
            rel="captions",  # the VTT is timed: apps may show it in sync with the audio
        )
        if episode.chapters:
            chapters = add(item, "psc:chapters", version="1.2")
            for chapter in episode.chapters:
                add(chapters, "psc:chapter", start=_normal_play_time(chapter.start), title=chapter.title)

    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(rss, encoding="UTF-8", pretty_print=True)


def _rfc2822(moment: datetime) -> str:
    return email.utils.format_datetime(moment)


def _normal_play_time(seconds: float) -> str:
    """Podlove's HH:MM:SS.mmm."""
    milliseconds = round(seconds * 1000)
    hours, rest = divmod(milliseconds, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"
