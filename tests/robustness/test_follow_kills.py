"""`follow` killed with SIGKILL at random moments of its passes loses nothing and publishes every item once.

Each folder follows its own feed on a local newsroom. Round after round,
the newsroom changes (a page's text edited, a new item), a `follow` pass
starts and is killed at a random moment of it (its whole process group);
what is published must stay sound after every kill (feed parses, every
enclosure whole, nothing lost). At the end a pass runs to completion, and
then: every item of the feed is listed exactly once, with the text the page
has now (a further pass finds everything unchanged), and the feed parses
with podcastparser and feedparser.
"""

from __future__ import annotations

import random
import subprocess
import sys
import time

import feedparser

from tests.conftest import TINY_VOICE
from tests.sources.conftest import rss
from tests.sources.newsroom import Newsroom

from .builds import Site, check_published_state, each_in_parallel, published_in, reap_group, run_command
from .scale import scaled

FOLDERS = scaled(2, 4)
KILLS_PER_FOLDER = scaled(10, 40)
"""Kills that land while a pass runs, per folder (a pass that ends before its kill does not count)."""
START_PAGES = 3

PAGE = """<html><head><title>{title} | Jornal</title><link rel="canonical" href="https://jornal.example/{folder}/{number}"></head>
<body><article><h1>{title}</h1><p>{text}</p></article></body></html>"""
SENTENCES = [
    "A prefeitura anunciou obras no centro da cidade.",
    "A chuva alagou ruas da zona sul na tarde de terça.",
    "A feira de livros reúne editoras até domingo.",
    "O metrô terá horário ampliado no fim de semana.",
    "A vacinação foi ampliada para toda a população.",
]


class Desk:
    """One folder's feed on the newsroom: its pages and their versions."""

    def __init__(self, newsroom: Newsroom, folder: str, rng: random.Random):
        self.newsroom, self.folder, self.rng = newsroom, folder, rng
        self.versions: list[int] = []
        for _ in range(START_PAGES):
            self.add_page()

    def path(self, number: int) -> str:
        return f"/{self.folder}/noticia-{number}.html"

    def add_page(self) -> None:
        self.versions.append(0)
        self._publish(len(self.versions) - 1)

    def edit_page(self) -> None:
        number = self.rng.randrange(len(self.versions))
        self.versions[number] += 1
        self._publish(number)

    def _publish(self, number: int) -> None:
        text = f"{SENTENCES[number % len(SENTENCES)]} Versão {self.versions[number]} da notícia {number}."
        self.newsroom.page(self.path(number), PAGE.format(title=f"Notícia {number} de {self.folder}", folder=self.folder, number=number, text=text))
        paths = [self.path(n) for n in reversed(range(len(self.versions)))]
        self.newsroom.page(f"/{self.folder}/feed.xml", rss(self.newsroom, paths), content_type="application/rss+xml")

    @property
    def feed(self) -> str:
        return self.newsroom.url(f"/{self.folder}/feed.xml")


def follow_args(site: Site, desk: Desk) -> list[str]:
    return [sys.executable, "-m", "audio_artigo", "follow", desk.feed, "--voice", str(TINY_VOICE), "--out", str(site.out),
            "--offline", "--workers", "1"]  # fmt: skip


def kill_at_random(site: Site, desk: Desk, delay: float) -> float | None:
    """Start a pass and SIGKILL its process group after ``delay`` seconds.

    Returns None when the kill came while it ran, else how long the pass took.
    """
    started = time.monotonic()
    process = subprocess.Popen(
        follow_args(site, desk), cwd=site.root, env=site.env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        while time.monotonic() - started < delay:
            if process.poll() is not None:
                assert process.returncode == 0
                return time.monotonic() - started
            time.sleep(0.01)
        return None if process.poll() is None else time.monotonic() - started
    finally:
        reap_group(process)


def test_follow_killed_at_random_moments_publishes_every_item_exactly_once(tmp_path, record_property):
    with Newsroom() as newsroom:
        first_pass = {}

        def run_folder(index: int) -> int:
            rng = random.Random(index)
            desk = Desk(newsroom, f"mesa{index}", rng)
            site = Site(tmp_path / f"site{index}")
            trial = Site(tmp_path / f"trial{index}")
            started = time.monotonic()
            outcome = run_command(trial, follow_args(trial, desk))
            assert outcome.returncode == 0, outcome.describe()
            first_pass[index] = time.monotonic() - started

            kills = 0
            before = None
            pass_seconds = first_pass[index]  # how long a pass takes: it shrinks as passes finish before their kill
            for round_number in range(3 * KILLS_PER_FOLDER):
                if kills == KILLS_PER_FOLDER:
                    break
                if round_number % 3 == 1:
                    desk.edit_page()
                elif round_number % 5 == 4:
                    desk.add_page()
                finished_in = kill_at_random(site, desk, rng.uniform(0, pass_seconds))
                if finished_in is None:
                    kills += 1
                else:
                    pass_seconds = finished_in
                if (site.out / "feed.xml").exists():
                    before = check_published_state(site.out, before or published_in(site.out))

            final = run_command(site, follow_args(site, desk))
            assert final.returncode == 0, final.describe()
            check_published_state(site.out, before or published_in(site.out))
            now = published_in(site.out)
            assert len(now.listed) == len(desk.versions), "an item is missing or listed twice"
            feed = (site.out / "feed.xml").read_bytes()
            parsed = feedparser.parse(feed)
            assert not parsed.bozo and len(parsed.entries) == len(desk.versions)
            assert len({entry.title for entry in parsed.entries}) == len(desk.versions)

            again = run_command(site, follow_args(site, desk))
            assert again.returncode == 0, again.describe()
            assert again.stdout.strip().splitlines()[-1] == f"pass: 0 new, 0 corrected, {len(desk.versions)} unchanged, 0 failed"
            return kills

        kills = each_in_parallel(run_folder, list(range(FOLDERS)), describe=lambda index: f"folder {index}")
    assert sum(kills) >= min(20, FOLDERS * KILLS_PER_FOLDER), f"only {sum(kills)} kills came while a pass ran"
    record_property("cases", sum(kills))
    print(f"\nfollow killed {sum(kills)} times in mid-pass; first passes took {first_pass}")
