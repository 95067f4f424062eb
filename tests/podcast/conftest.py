"""Shared fixtures for the podcast tests (episodes: episodes.py; servers: servers.py)."""

from __future__ import annotations

import hashlib
import io
import sqlite3
from pathlib import Path

import podcastparser
import pytest
from lxml import etree

from audio_artigo.atomicio import is_temporary
from audio_artigo.catalogue import CATALOGUE_NAME


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

    The feed parses; every listed enclosure exists with the size and SHA-256
    the catalogue recorded; chapters and transcripts exist; no temporary file
    is listed. Returns the listed audio file names.
    """
    feed = (out_dir / "feed.xml").read_bytes()
    root = etree.fromstring(feed)
    parsed = podcastparser.parse("http://127.0.0.1:8000/feed.xml", io.BytesIO(feed))
    items = root.findall("channel/item")
    assert len(parsed["episodes"]) == len(items)

    with sqlite3.connect(out_dir / CATALOGUE_NAME) as db:
        recorded = dict(db.execute("SELECT audio_file, sha256 FROM episodes"))
    listed = []
    for item in items:
        enclosure = item.find("enclosure")
        name = enclosure.get("url").rsplit("/", 1)[1]
        listed.append(name)
        assert not is_temporary(name)
        data = (out_dir / name).read_bytes()
        assert len(data) == int(enclosure.get("length"))
        assert hashlib.sha256(data).hexdigest() == recorded[name]
        for tag in ("chapters", "transcript"):
            url = item.find(f"{{https://podcastindex.org/namespace/1.0}}{tag}").get("url")
            assert (out_dir / url.rsplit("/", 1)[1]).is_file()
    return listed
