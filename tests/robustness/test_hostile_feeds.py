"""Hostile feeds and items: each refused or bounded, with a one-line report, no file written for it,
and no connection to a host the feed does not name.

A feed decides which URLs `follow` fetches. Feed-level attacks (billion
laughs, external entities, an external DTD, a feed of 100 MB, a feed that
trickles) make the feed unreadable: exit 2. Item-level attacks (a page of
100 MB, a compression bomb, a page that trickles a byte a second, a
redirect loop, a redirect or a link to another host, file: and other
schemes) fail their item only: one line each, the good item beside them
is published, exit 1. A feed of 100,000 items is read within the limits:
only --max-items of them are looked at.
"""

from __future__ import annotations

import subprocess
import sys
import time
import zlib

from tests.conftest import TINY_VOICE
from tests.sources.conftest import page_html, rss
from tests.sources.newsroom import Newsroom, Route, endless, redirect, trickle

from .builds import Site, reap_group, run_command
from .scale import STRESS
from .test_hostile_xml import ConnectionCounter

TIMEOUT = 5.0 if STRESS else 2.0
"""--timeout of these runs: the slow servers below must be cut off by it."""
MAX_SIZE = "10M" if STRESS else "1M"
HUGE = (100 << 20) if STRESS else (20 << 20)
"""The oversized page and feed: 100 MB under make stress."""


def follow(site: Site, *feeds: str, extra: tuple[str, ...] = ()):
    command = [sys.executable, "-m", "audio_artigo", "follow", *feeds, "--voice", str(TINY_VOICE), "--out", str(site.out),
               "--offline", "--workers", "1", "--timeout", str(TIMEOUT), "--max-size", MAX_SIZE, *extra]  # fmt: skip
    return run_command(site, command, timeout=300)


def episodes(site: Site) -> list[str]:
    return sorted(path.name for path in site.out.glob("*.mp3")) if site.out.exists() else []


def gzip_bomb(decoded: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    zeros = bytes(1 << 20)
    return b"".join([*(compressor.compress(zeros) for _ in range(decoded >> 20)), compressor.flush()])


def hostile_feeds(newsroom: Newsroom, secret, counter_port: int) -> dict[str, tuple[str, str]]:
    """name -> (feed URL, what the one line must say)."""
    item = f"<item><title>x</title><link>{newsroom.url('/noticias/chuva.html')}</link><description>&ent;</description></item>"
    laughs = '<!ENTITY lol0 "lol">' + "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))
    channel = f"<rss version=\"2.0\"><channel><title>T &ent;</title>{item}</channel></rss>"
    documents = {
        "billion laughs": (f'<?xml version="1.0"?><!DOCTYPE rss [{laughs}<!ENTITY ent "&lol9;">]>{channel}', "declares XML entities"),
        "external entity (file)": (f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY ent SYSTEM "file://{secret}">]>{channel}', "declares XML entities"),
        "external entity (http)": (
            f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY ent SYSTEM "http://127.0.0.1:{counter_port}/e">]>{channel}', "declares XML entities"
        ),
        "parameter entity": (
            f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY % p SYSTEM "http://127.0.0.1:{counter_port}/p.dtd"> %p;]>{channel}',
            "declares XML entities",
        ),
        "sitemap with entities": (
            f'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY ent SYSTEM "file://{secret}">]>'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&ent;</loc></url></urlset>',
            "declares XML entities",
        ),
    }
    feeds = {}
    for name, (document, cause) in documents.items():
        feeds[name] = (newsroom.page(f"/hostil/{len(feeds)}.xml", document, content_type="application/rss+xml"), cause)
    feeds["a feed of 100 MB"] = (newsroom.serve("/hostil/enorme.xml", endless(HUGE, "application/rss+xml")), "larger than")
    feeds["a feed that trickles"] = (newsroom.serve("/hostil/lento.xml", trickle(every=0.5)), "took longer than")
    feeds["a feed that redirects in a loop"] = (newsroom.serve("/hostil/volta.xml", redirect("/hostil/volta.xml")), "redirect loop")
    return feeds


def test_hostile_feeds_are_refused_with_one_line_and_exit_2(tmp_path, record_property):
    secret = tmp_path / "secret.txt"
    secret.write_text("SEGREDO-DO-SERVIDOR", encoding="utf-8")
    counter = ConnectionCounter()
    try:
        with Newsroom() as newsroom:
            newsroom.page("/noticias/chuva.html", page_html("chuva"))
            cases = hostile_feeds(newsroom, secret, counter.port)
            for name, (url, cause) in cases.items():
                site = Site(tmp_path / name.replace(" ", "-").replace("(", "").replace(")", ""))
                started = time.monotonic()
                outcome = follow(site, url)
                assert time.monotonic() - started < 60, name
                assert outcome.returncode == 2, f"{name}: {outcome.describe()}"
                errors = outcome.stderr.strip().splitlines()
                assert len(errors) == 1 and errors[0].startswith(f"audio-artigo: error: {url}: ") and cause in errors[0], f"{name}: {errors}"
                assert "SEGREDO" not in outcome.stdout + outcome.stderr
                assert episodes(site) == [], name
            assert not [request for request in newsroom.log if request.path == "/noticias/chuva.html"]
    finally:
        counter.listener.close()
    assert counter.connections == 0
    record_property("cases", len(cases))


def test_an_external_dtd_is_never_loaded(tmp_path, record_property):
    counter = ConnectionCounter()
    try:
        with Newsroom() as newsroom:
            newsroom.page("/noticias/chuva.html", page_html("chuva"))
            document = rss(newsroom, ["/noticias/chuva.html"]).replace(
                "<rss ", f'<!DOCTYPE rss SYSTEM "http://127.0.0.1:{counter.port}/rss.dtd"><rss ', 1
            )
            outcome = follow(Site(tmp_path / "site"), newsroom.page("/feed.xml", document, content_type="application/rss+xml"))
            assert outcome.returncode == 0 and outcome.stdout.startswith("new "), outcome.describe()
    finally:
        counter.listener.close()
    assert counter.connections == 0
    record_property("cases", 1)


def test_hostile_items_fail_alone_with_one_line_each_and_reach_no_other_host(tmp_path, record_property):
    counter = ConnectionCounter()
    elsewhere = f"http://127.0.0.1:{counter.port}"
    try:
        with Newsroom() as newsroom:
            newsroom.page("/noticias/chuva.html", page_html("chuva"))
            routes = {
                "/hostil/enorme.html": (endless(HUGE), "larger than"),
                "/hostil/bomba.html": (
                    Route(200, gzip_bomb(HUGE), {"Content-Type": "text/html", "Content-Encoding": "gzip"}), "larger than"
                ),
                "/hostil/lenta.html": (trickle(every=0.5), "took longer than"),
                "/hostil/volta.html": (redirect("/hostil/volta.html#de-novo"), "redirect loop"),
                "/hostil/fora.html": (redirect(f"{elsewhere}/segredo"), "is not the feed's own"),
                "/hostil/ftp.html": (redirect("ftp://127.0.0.1/x"), "only http and https"),
                "/hostil/malformada.html": (redirect("http://[::1/x"), "broken HTTP answer (Invalid URL in location header"),
            }
            for path, (route, _cause) in routes.items():
                newsroom.serve(path, route)
            links = {
                **{newsroom.url(path): cause for path, (_route, cause) in routes.items()},
                f"{elsewhere}/segredo.html": "is not the feed's own",
                "file:///etc/passwd": "only http and https URLs are fetched, not file:",
                "javascript:alert(1)": "only http and https URLs are fetched",
                "gopher://127.0.0.1/": "only http and https URLs are fetched, not gopher:",
                "http://[::1/x": "not a valid URL",
                "http://127.0.0.1:99999/x": "not a valid URL (Port out of range",
            }
            feed = newsroom.page("/feed.xml", rss(newsroom, ["/noticias/chuva.html", *links]), content_type="application/rss+xml")
            site = Site(tmp_path / "site")
            outcome = follow(site, feed)
            assert outcome.returncode == 1, outcome.describe()
            lines = outcome.stdout.strip().splitlines()
            assert lines[0].startswith(f"new        {newsroom.url('/noticias/chuva.html')}")
            for link, cause in links.items():
                # (feedparser writes "file:///etc/passwd" as "file://etc/passwd": slashes aside)
                (line,) = [line for line in lines if line.split()[1].rstrip(":").replace("/", "") == link.replace("/", "")]
                assert line.startswith("failed ") and cause in line, line
            assert lines[-1] == f"pass: 1 new, 0 corrected, 0 unchanged, {len(links)} failed"
            assert episodes(site) == ["chuva.mp3"]
    finally:
        counter.listener.close()
    assert counter.connections == 0
    record_property("cases", len(links))


def test_a_feed_of_100000_items_is_read_within_the_limits(tmp_path, record_property):
    with Newsroom() as newsroom:
        newsroom.page("/noticias/chuva.html", page_html("chuva"))
        newsroom.page("/noticias/obras.html", page_html("obras"))
        items = [f"<item><link>{newsroom.url(f'/n/{number}.html')}</link></item>" for number in range(100_000)]
        items[:2] = [f"<item><link>{newsroom.url('/noticias/chuva.html')}</link></item>", f"<item><link>{newsroom.url('/noticias/obras.html')}</link></item>"]
        body = '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>' + "".join(items) + "</channel></rss>"
        feed = newsroom.page("/feed.xml", body, content_type="application/rss+xml")
        site = Site(tmp_path / "site")
        started = time.monotonic()
        outcome = subprocess_follow(site, feed, ("--max-items", "3", "--max-size", "20M"))
        seconds = time.monotonic() - started
        assert outcome.returncode == 1, outcome.describe()  # the third item, /n/2.html, is a 404
        assert outcome.stdout.strip().splitlines()[-1] == "pass: 2 new, 0 corrected, 0 unchanged, 1 failed"
        assert len({request.path for request in newsroom.log}) == 4  # the feed and three items, nothing more
    print(f"\na feed of 100,000 items ({len(body) / 1e6:.1f} MB): one pass in {seconds:.1f} s")
    record_property("cases", 1)


def subprocess_follow(site: Site, feed: str, extra: tuple[str, ...]):
    command = [sys.executable, "-m", "audio_artigo", "follow", feed, "--voice", str(TINY_VOICE), "--out", str(site.out),
               "--offline", "--workers", "1", *extra]  # fmt: skip
    process = subprocess.Popen(command, cwd=site.root, env=site.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=300)
    finally:
        reap_group(process)
    from .builds import Outcome

    return Outcome(process.returncode, stdout, stderr)
