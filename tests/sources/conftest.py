"""Fixtures for the input side's tests: the example articles (shared with the
reading tests), the project's own saved pages with gold strings, and the local
newsroom (tests/sources/newsroom.py) with the pages it serves."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.reading.conftest import ia_xangai, safra, vacinacao  # noqa: F401 - fixtures

from .newsroom import DATA, Newsroom

PAGES = Path(__file__).resolve().parent / "data"
"""Pages written in the layouts of Brazilian news sites, each NAME.html with NAME.gold.json."""


def gold_pages() -> list[tuple[Path, dict]]:
    return [
        (path.with_name(path.name.removesuffix(".gold.json") + ".html"), json.loads(path.read_text(encoding="utf-8")))
        for path in sorted(PAGES.glob("*.gold.json"))
    ]


@pytest.fixture
def newsroom():
    with Newsroom() as server:
        yield server


def page_html(name: str) -> str:
    """A page the tests carry (tests/sources/data/NAME.html)."""
    return (DATA / f"{name}.html").read_text(encoding="utf-8")


def rss(newsroom: Newsroom, paths: list[str], title: str = "Jornal do Bairro") -> str:
    """An RSS 2.0 feed listing ``paths`` of the newsroom, newest first."""
    items = "".join(
        f"<item><title>Item {number}</title><link>{newsroom.url(path) if path.startswith('/') else path}</link>"
        f"<guid isPermaLink=\"false\">guid-{path}</guid>"
        f"<pubDate>Tue, 04 Mar 2025 {20 - number:02d}:00:00 GMT</pubDate></item>"
        for number, path in enumerate(paths)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>{newsroom.url('/')}</link><description>Notícias</description>{items}</channel></rss>"
    )


@pytest.fixture
def cli_env(tmp_path):
    """The CLI's environment: no voice installed, the voice repository unreachable."""
    from tests.pipeline.conftest import UNREACHABLE_REPOSITORY

    env = dict(os.environ)
    env["AUDIO_ARTIGO_VOICES_DIR"] = str(tmp_path / "voices")
    env["AUDIO_ARTIGO_VOICES_URL"] = UNREACHABLE_REPOSITORY
    env.pop("AUDIO_ARTIGO_CACHE_DIR", None)
    return env
