"""`audio-artigo follow FEED` against a local newsroom: passes, corrections, failures, state, selection."""

from __future__ import annotations

import io
import re
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

import feedparser
import podcastparser
import pytest
from lxml import etree

from audio_artigo.sources.feeds import FeedItem, parse_feed
from audio_artigo.sources.follow import FollowOptions, backoff, parse_duration, parse_since, select_items
from tests.conftest import TINY_VOICE
from tests.pipeline.conftest import run_cli

from .conftest import page_html, rss

PAGES = ("chuva", "obras", "feira")


def follow_args(*feeds, out, extra=()) -> list[str]:
    return ["follow", *feeds, "--voice", str(TINY_VOICE), "--out", str(out), "--offline", "--workers", "1", *extra]


def lines(stdout: str) -> dict[str, str]:
    """Item URL -> its status, from follow's output."""
    found = {}
    for line in stdout.splitlines():
        status, _, rest = line.partition(" ")
        if status in ("new", "corrected", "unchanged", "failed"):
            found[rest.strip().split()[0].rstrip(":")] = status
    return found


def listed(out) -> dict[str, str]:
    """GUID -> enclosure URL of every item in feed.xml, checked by podcastparser and feedparser."""
    data = (out / "feed.xml").read_bytes()
    items = etree.fromstring(data).findall("channel/item")
    guids = [item.findtext("guid") for item in items]
    assert len(guids) == len(set(guids)), "an item is listed twice"
    parsed = podcastparser.parse("http://127.0.0.1:8000/feed.xml", io.BytesIO(data))
    assert len(parsed["episodes"]) == len(items)
    assert not feedparser.parse(data).bozo
    return {item.findtext("guid"): item.find("enclosure").get("url") for item in items}


def clips(out) -> set[str]:
    return {str(path) for path in (out / ".cache" / "clips").rglob("*.npz")}


def publish_site(newsroom, names=PAGES) -> str:
    for name in names:
        newsroom.page(f"/noticias/{name}.html", page_html(name))
    return newsroom.page("/feed.xml", rss(newsroom, [f"/noticias/{name}.html" for name in names]), content_type="application/rss+xml")


def test_follow_publishes_new_items_then_costs_only_conditional_gets_then_publishes_a_correction_and_a_new_item(
    newsroom, cli_env, tmp_path, record_property
):
    feed = publish_site(newsroom)
    out = tmp_path / "out"

    started = time.monotonic()
    first = run_cli(follow_args(feed, out=out), cli_env)
    first_seconds = time.monotonic() - started
    assert set(lines(first.stdout).values()) == {"new"} and len(lines(first.stdout)) == 3
    assert first.stdout.strip().splitlines()[-1] == "pass: 3 new, 0 corrected, 0 unchanged, 0 failed"
    episodes = listed(out)
    assert len(episodes) == 3
    spoken = clips(out)

    newsroom.clear_log()
    started = time.monotonic()
    second = run_cli(follow_args(feed, out=out), cli_env)
    second_seconds = time.monotonic() - started
    assert set(lines(second.stdout).values()) == {"unchanged"} and len(lines(second.stdout)) == 3
    assert clips(out) == spoken, "the second pass synthesised something"
    assert listed(out) == episodes
    page_requests = [request for request in newsroom.log if request.path.startswith("/noticias/")]
    assert len(page_requests) == 3 and all(request.status == 304 and "If-None-Match" in request.headers for request in page_requests)
    ratio = second_seconds / first_seconds
    record_property("second_pass_time_ratio", round(ratio, 3))
    print(f"\nfollow: first pass {first_seconds:.2f} s, second pass {second_seconds:.2f} s: ratio {ratio:.3f}")

    edited = page_html("obras").replace("duram seis meses", "duram oito meses")
    newsroom.page("/noticias/obras.html", edited)
    newsroom.page("/noticias/vacina.html", page_html("vacina"))
    newsroom.page("/feed.xml", rss(newsroom, ["/noticias/vacina.html", *(f"/noticias/{name}.html" for name in PAGES)]), content_type="application/rss+xml")
    third = run_cli(follow_args(feed, out=out), cli_env)
    statuses = lines(third.stdout)
    assert statuses == {
        newsroom.url("/noticias/vacina.html"): "new",
        newsroom.url("/noticias/chuva.html"): "unchanged",
        newsroom.url("/noticias/obras.html"): "corrected",
        newsroom.url("/noticias/feira.html"): "unchanged",
    }
    now = listed(out)
    assert len(now) == 4 and set(episodes) < set(now)
    changed = [guid for guid in episodes if now[guid] != episodes[guid]]
    assert len(changed) == 1 and now[changed[0]].endswith("/obras-2.mp3")
    new_clips = clips(out) - spoken
    assert 0 < len(new_clips) <= 6, "the correction synthesised more than its changed sentence, or the new item nothing"


def test_a_page_furniture_change_is_no_correction(newsroom, cli_env, tmp_path):
    feed = publish_site(newsroom, ["chuva"])
    out = tmp_path / "out"
    run_cli(follow_args(feed, out=out), cli_env)
    furniture = page_html("chuva").replace("Outra notícia do dia", "Há 2 horas: outra notícia").replace("© Jornal", "© 2025 Jornal")
    newsroom.page("/noticias/chuva.html", furniture)
    again = run_cli(follow_args(feed, out=out), cli_env)
    assert lines(again.stdout) == {newsroom.url("/noticias/chuva.html"): "unchanged"}
    assert newsroom.requests_for("/noticias/chuva.html")[-1].status == 200  # fetched whole, compared by hash


def test_an_item_that_fails_does_not_stop_the_others_and_is_published_once_it_answers(newsroom, cli_env, tmp_path):
    for name in ("chuva", "obras"):
        newsroom.page(f"/noticias/{name}.html", page_html(name))
    feed = newsroom.page("/feed.xml", rss(newsroom, ["/noticias/chuva.html", "/noticias/atrasada.html", "/noticias/obras.html"]))
    out = tmp_path / "out"
    first = run_cli(follow_args(feed, out=out), cli_env, check=False)
    assert first.returncode == 1
    assert lines(first.stdout) == {
        newsroom.url("/noticias/chuva.html"): "new",
        newsroom.url("/noticias/atrasada.html"): "failed",
        newsroom.url("/noticias/obras.html"): "new",
    }
    assert f"failed     {newsroom.url('/noticias/atrasada.html')}: HTTP 404 Not Found" in first.stdout
    assert first.stdout.strip().splitlines()[-1] == "pass: 2 new, 0 corrected, 0 unchanged, 1 failed"

    newsroom.page("/noticias/atrasada.html", page_html("feira"))
    second = run_cli(follow_args(feed, out=out), cli_env)
    assert lines(second.stdout)[newsroom.url("/noticias/atrasada.html")] == "new"
    assert len(listed(out)) == 3


def test_a_feed_that_cannot_be_read_exits_2_and_the_others_are_still_followed(newsroom, cli_env, tmp_path):
    feed = publish_site(newsroom, ["chuva"])
    broken = newsroom.page("/quebrado.xml", "<html><body>isto não é um feed</body></html>", content_type="text/html")
    result = run_cli(follow_args(newsroom.url("/sumiu.xml"), broken, feed, out=tmp_path / "out"), cli_env, check=False)
    assert result.returncode == 2
    assert f"audio-artigo: error: {newsroom.url('/sumiu.xml')}: HTTP 404 Not Found" in result.stderr
    assert f"audio-artigo: error: {broken}: not a feed" in result.stderr
    assert lines(result.stdout) == {newsroom.url("/noticias/chuva.html"): "new"}
    assert result.stdout.strip().splitlines()[-1].endswith("; 2 feeds unreadable")


@pytest.mark.parametrize("feed", ["http://[::1/feed.xml", "http://127.0.0.1:99999/feed.xml", "ftp://127.0.0.1/feed.xml"])
def test_a_feed_url_that_can_never_be_fetched_is_one_line_and_nothing_is_written(cli_env, tmp_path, feed):
    result = run_cli(follow_args(feed, out=tmp_path / "out"), cli_env, check=False)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith(f"audio-artigo: error: {feed}: ") and result.stderr.count("\n") == 1, result.stderr
    assert not (tmp_path / "out").exists()


def test_every_keeps_polling_until_sigterm_then_exits_0(newsroom, cli_env, tmp_path):
    feed = publish_site(newsroom, ["chuva"])
    command = [sys.executable, "-m", "audio_artigo", *follow_args(feed, out=tmp_path / "out", extra=["--every", "0.5s"])]
    process = subprocess.Popen(command, env=cli_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        passes = []
        deadline = time.monotonic() + 120
        while len(passes) < 2 and time.monotonic() < deadline:
            line = process.stdout.readline()
            if line.startswith("pass:"):
                passes.append(line.strip())
        assert passes == ["pass: 1 new, 0 corrected, 0 unchanged, 0 failed", "pass: 0 new, 0 corrected, 1 unchanged, 0 failed"]
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
        process.stderr.close()


def test_a_second_follow_into_the_same_folder_is_refused_while_one_runs(newsroom, cli_env, tmp_path):
    import fcntl

    out = tmp_path / "out"
    out.mkdir()
    with open(out / ".follow.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        result = run_cli(follow_args(publish_site(newsroom, ["chuva"]), out=out), cli_env, check=False)
    assert result.returncode == 2 and "another `audio-artigo follow` is running" in result.stderr


# -- Feed formats ------------------------------------------------------------------------------------------


def test_atom_json_feed_news_sitemaps_and_sitemap_indexes_are_followed(newsroom, cli_env, tmp_path):
    for name in ("chuva", "obras"):
        newsroom.page(f"/noticias/{name}.html", page_html(name))
    atom = newsroom.page("/atom.xml", """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>J</title><id>urn:j</id><updated>2025-03-04T10:00:00Z</updated>
<entry><title>Chuva</title><id>urn:chuva</id><updated>2025-03-04T10:00:00Z</updated><link rel="alternate" href="/noticias/chuva.html"/></entry>
</feed>""", content_type="application/atom+xml")
    json_feed = newsroom.page("/feed.json", '{"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": ['
                              f'{{"id": "1", "url": "{newsroom.url("/noticias/obras.html")}", "date_published": "2025-03-05T09:00:00-03:00"}}]}}',
                              content_type="application/feed+json")  # fmt: skip
    news = newsroom.page("/news-sitemap.xml", f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>{newsroom.url("/noticias/chuva.html")}</loc><news:news><news:publication><news:name>J</news:name><news:language>pt</news:language></news:publication>
<news:publication_date>2025-03-04T18:20:00-03:00</news:publication_date><news:title>Chuva forte</news:title></news:news></url></urlset>""",
                         content_type="application/xml")  # fmt: skip
    newsroom.page("/sitemap-1.xml", f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                  f'<url><loc>{newsroom.url("/noticias/obras.html")}</loc><lastmod>2025-03-05</lastmod></url></urlset>', content_type="application/xml")  # fmt: skip
    index = newsroom.page("/sitemap.xml", f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                          f'<sitemap><loc>{newsroom.url("/sitemap-1.xml")}</loc><lastmod>2025-03-05</lastmod></sitemap></sitemapindex>',
                          content_type="application/xml")  # fmt: skip
    result = run_cli(follow_args(atom, json_feed, news, index, out=tmp_path / "out"), cli_env)
    assert [line.split()[0] for line in result.stdout.splitlines()[:-1]] == ["new", "new", "unchanged", "unchanged"]
    assert len(listed(tmp_path / "out")) == 2


def test_feed_dates_and_order():
    data = b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>/velha</loc><lastmod>2024-01-01</lastmod></url><url><loc>/nova</loc><lastmod>2025-03-01T10:00:00-03:00</lastmod></url></urlset>"""
    feed = parse_feed(data, "https://jornal.example/sitemap.xml")
    assert [item.url for item in feed.items] == ["https://jornal.example/nova", "https://jornal.example/velha"]
    assert feed.items[0].published == datetime(2025, 3, 1, 13, tzinfo=timezone.utc)


def test_items_are_chosen_by_date_pattern_and_count():
    now = datetime(2025, 3, 10, tzinfo=timezone.utc)
    items = [
        FeedItem(f"https://j.example/{slug}", f"g{number}", title, now - timedelta(days=number))
        for number, (slug, title) in enumerate([("politica/a", "Eleição"), ("esporte/b", "Jogo"), ("politica/c", "Voto"), ("politica/d", "Urna")])
    ]
    options = FollowOptions(feeds=[], build=None)
    assert [item.guid for item in select_items(items + items[:1], options)] == ["g0", "g1", "g2", "g3"]
    options.max_items = 2
    assert [item.guid for item in select_items(items, options)] == ["g0", "g1"]
    options.max_items, options.include, options.exclude = 50, re.compile("/politica/"), re.compile("Urna")
    assert [item.guid for item in select_items(items, options)] == ["g0", "g2"]
    options.include = options.exclude = None
    options.since = parse_since("2025-03-08T12:00Z", now)
    assert [item.guid for item in select_items(items, options)] == ["g0", "g1"]
    options.since = parse_since("12h", now)
    assert [item.guid for item in select_items(items, options)] == ["g0"]


def test_durations_dates_and_backoff():
    assert parse_duration("10m") == 600 and parse_duration("1h30m") == 5400 and parse_duration("90s") == 90 and parse_duration("2d") == 172800
    for bad in ("", "dez minutos", "10x", "m"):
        with pytest.raises(ValueError):
            parse_duration(bad)
    assert parse_since("2025-03-01T08:00-03:00") == datetime(2025, 3, 1, 11, tzinfo=timezone.utc)
    assert parse_since("20250301T080000-0300") == datetime(2025, 3, 1, 11, tzinfo=timezone.utc)  # ISO 8601's basic form
    for bad in ("ontem", "2025"):  # a bare number is not read as seconds back
        with pytest.raises(ValueError):
            parse_since(bad)
    minutes = [backoff(failures) / timedelta(minutes=1) for failures in range(1, 8)]
    assert minutes == [0, 5, 15, 45, 135, 360, 360]  # 405 minutes capped at 6 hours


def test_a_failing_item_waits_out_its_backoff(newsroom, cli_env, tmp_path):
    newsroom.page("/noticias/chuva.html", page_html("chuva"))
    feed = newsroom.page("/feed.xml", rss(newsroom, ["/noticias/chuva.html", "/noticias/sumiu.html"]))
    out = tmp_path / "out"
    for attempt in range(3):
        result = run_cli(follow_args(feed, out=out), cli_env, check=False)
        assert result.returncode == 1
    # Tried on the first pass, again on the next one, then not before five minutes.
    assert len(newsroom.requests_for("/noticias/sumiu.html")) == 2
    assert "2 failures in a row; next try after" in result.stdout
