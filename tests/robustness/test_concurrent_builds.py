"""Several ``build`` processes publishing into one folder at once.

Each round starts, all together, in a copy of a folder that holds a
published episode: builds of new articles (one of them synthesised by two
worker processes), a second build of one of those same articles, and a
build of a correction of the published one. Afterwards every episode is in
the feed exactly once, the feed lists exactly what the catalogue does, and
the published state is valid.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import sqlite3

from lxml import etree

from audio_artigo.podcast.catalogue import CATALOGUE_NAME

from .builds import check_published_state, published_in, run
from .scale import scaled


def news(number: int) -> str:
    return f"Notícia número {number}\n\nA notícia {number} conta o que aconteceu no bairro nesta semana.\n"


def test_builds_running_at_once_publish_every_episode_exactly_once(published, tmp_path, record_property):
    rounds, new_articles = scaled(1, 20), scaled(2, 5)
    builds = 0
    for number in range(rounds):
        site = published.copy(tmp_path / f"round-{number}")
        before = published_in(site.out)
        articles = [site.article(f"noticia-{n}", news(n)) for n in range(new_articles)]
        commands = [site.build_args(article) for article in articles]
        commands.append(site.build_args(articles[0]))  # the same article twice
        commands.append(site.build_args(site.root / "articles" / "vacina.txt", workers=2))
        commands.append(site.build_args(site.root / "articles" / "corrigido" / "chuva.txt"))

        with concurrent.futures.ThreadPoolExecutor(len(commands)) as starter:
            outcomes = list(starter.map(lambda args: run(site, args), commands))
        for outcome in outcomes:
            assert outcome.returncode == 0, outcome.describe()
        builds += len(outcomes)

        after = check_published_state(site.out, before)
        assert len(after.listed) == len(before.listed) + new_articles + 1  # each article once; the correction replaces
        (corrected,) = before.listed
        assert after.listed[corrected] != before.listed[corrected]
        titles = [item.findtext("title") for item in etree.parse(str(site.out / "feed.xml")).findall("channel/item")]
        assert sorted(titles) == sorted(set(titles))
        with contextlib.closing(sqlite3.connect(site.out / CATALOGUE_NAME)) as db:
            catalogued = {audio for (audio,) in db.execute("SELECT audio_file FROM episodes")}
            stems = {stem for (stem,) in db.execute("SELECT stem FROM used_stems")}
        assert catalogued == set(after.listed.values())
        assert {name.removesuffix(".mp3") for name in catalogued} <= stems
    record_property("cases", builds)

