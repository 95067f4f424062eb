"""Shared fixtures for the podcast tests (episodes: episodes.py; servers: servers.py)."""

from __future__ import annotations

import hashlib
import io
import sqlite3
from pathlib import Path
from urllib.parse import unquote

import podcastparser
import pytest
from lxml import etree

from audio_artigo.atomicio import is_temporary
from audio_artigo.podcast.catalogue import CATALOGUE_NAME
from audio_artigo.podcast.feed import PODCAST


@pytest.fixture
def out_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty output folder; the current folder is another empty one (no podcast.toml)."""
    folder = tmp_path / "output"
    folder.mkdir()
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    return folder


def assert_consistent(out_dir: Path) -> list[str]:
    """The published state is valid: what a crash or a failure must never break.

    The feed is valid against the catalogue (see assert_feed_valid). Returns
    the listed audio file names.
    """
    with sqlite3.connect(out_dir / CATALOGUE_NAME) as db:
        recorded = dict(db.execute("SELECT audio_file, sha256 FROM episodes"))
    return assert_feed_valid(out_dir, recorded)


def assert_feed_valid(out_dir: Path, recorded: dict[str, str]) -> list[str]:
    """feed.xml parses (lxml, gPodder's podcastparser); every listed enclosure is
    no temporary file and exists with its listed length and the SHA-256
    ``recorded`` for its file name; its chapters and transcript exist. Returns
    the listed audio file names."""
    feed = (out_dir / "feed.xml").read_bytes()
    items = etree.fromstring(feed).findall("channel/item")
    assert len(podcastparser.parse("http://127.0.0.1:8000/feed.xml", io.BytesIO(feed))["episodes"]) == len(items)
    listed = []
    for item in items:
        enclosure = item.find("enclosure")
        name = file_name(enclosure.get("url"))
        listed.append(name)
        assert not is_temporary(name) and name in recorded, name
        data = (out_dir / name).read_bytes()
        assert len(data) == int(enclosure.get("length"))
        assert hashlib.sha256(data).hexdigest() == recorded[name], name
        for tag in ("chapters", "transcript"):
            assert (out_dir / file_name(item.find(f"{{{PODCAST}}}{tag}").get("url"))).is_file()
    return listed


def file_name(url: str) -> str:
    """The file a feed or page URL points at, in the output folder."""
    return unquote(url.rsplit("/", 1)[1])