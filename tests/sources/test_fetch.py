"""sources.fetch against a real HTTP server on 127.0.0.1: redirects, limits, encodings, failures."""

from __future__ import annotations

import gzip
import socket
import threading
import time
import tracemalloc
import zlib

import brotli
import pytest

from audio_artigo import __version__
from audio_artigo.sources.fetch import FetchError, Fetcher, FetchLimits, HostPolicy

from .newsroom import Route, endless, redirect, trickle

PAGE = "<html><body><article><h1>Título</h1><p>Coração e ação.</p></article></body></html>"


def fetch(url: str, limits: FetchLimits | None = None, **options):
    with Fetcher(limits) as fetcher:
        return fetcher.fetch(url, **options)


def refused(url: str, limits: FetchLimits | None = None, **options) -> str:
    with pytest.raises(FetchError) as error:
        fetch(url, limits, **options)
    message = str(error.value)
    assert message.startswith(url + ": ") and "\n" not in message
    return message.removeprefix(url + ": ")


def test_a_page_comes_with_the_tools_user_agent_and_its_validators(newsroom):
    url = newsroom.page("/a.html", PAGE)
    fetched = fetch(url)
    assert fetched.body == PAGE.encode() and fetched.status == 200 and fetched.content_type == "text/html"
    assert fetched.charset == "utf-8"
    (request,) = newsroom.requests_for("/a.html")
    assert request.headers["User-Agent"].startswith(f"audio-artigo/{__version__} ")
    again = fetch(url, etag=fetched.etag)
    assert again.not_modified and again.body == b""
    assert fetch(url, last_modified=fetched.last_modified).not_modified
    assert [request.status for request in newsroom.requests_for("/a.html")] == [200, 304, 304]


def test_redirects_are_followed_up_to_five_and_loops_are_caught(newsroom):
    newsroom.page("/final.html", PAGE)
    for hop in range(1, 6):
        newsroom.serve(f"/hop{hop}", redirect(f"/hop{hop + 1}" if hop < 5 else "/final.html", status=301 if hop % 2 else 307))
    fetched = fetch(newsroom.url("/hop1"))
    assert fetched.url == newsroom.url("/final.html") and len(fetched.redirects) == 5

    newsroom.serve("/hop0", redirect("/hop1"))
    assert refused(newsroom.url("/hop0")) == "more than 5 redirects"

    newsroom.serve("/loop-a", redirect("/loop-b"))
    newsroom.serve("/loop-b", redirect(newsroom.url("/loop-a#frag")))
    assert refused(newsroom.url("/loop-a")).startswith("redirect loop (back to ")


@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1/"])
def test_a_redirect_to_another_scheme_is_refused(newsroom, target):
    newsroom.serve("/r", redirect(target))
    assert "only http and https URLs are fetched" in refused(newsroom.url("/r"))


def test_every_hop_is_checked_against_the_host_policy(newsroom):
    other = socket.create_server(("127.0.0.1", 0))
    connections = []
    threading.Thread(target=lambda: connections.append(other.accept()), daemon=True).start()
    try:
        target = f"http://127.0.0.1:{other.getsockname()[1]}/secret"
        newsroom.serve("/r", redirect(target))
        policy = HostPolicy.for_feed(newsroom.url("/feed.xml"))
        message = refused(newsroom.url("/r"), policy=policy)
        assert "redirected to" in message and "is not the feed's own" in message
        assert refused(target, policy=policy).startswith(f"host 127.0.0.1:{other.getsockname()[1]} is not the feed's own")
        allowed = HostPolicy.for_feed(newsroom.url("/feed.xml"), [f"127.0.0.1:{other.getsockname()[1]}"])
        assert allowed.permits(target)
        time.sleep(0.1)
        assert connections == []
    finally:
        other.close()


def test_the_host_policy_takes_the_default_ports_of_http_and_https_as_one_host():
    policy = HostPolicy.for_feed("https://www.jornal.example/rss", ["fotos.jornal.example"])
    assert policy.permits("http://www.jornal.example/a") and policy.permits("https://WWW.jornal.example:443/b")
    assert policy.permits("https://fotos.jornal.example/c.jpg")
    assert not policy.permits("https://www.jornal.example:8080/a")
    assert not policy.permits("https://jornal.example/a") and not policy.permits("https://evil.example/a")
    assert not policy.permits("https://www.jornal.example@evil.example/a")


def test_a_server_that_trickles_is_cut_off_at_the_deadline(newsroom):
    newsroom.serve("/slow", trickle(every=0.2))
    started = time.monotonic()
    assert refused(newsroom.url("/slow"), FetchLimits(deadline=1.0, read_timeout=5)) == "took longer than 1 s (the time limit)"
    assert time.monotonic() - started < 2.5


def test_headers_trickled_a_byte_at_a_time_are_cut_off_too():
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        connection, _ = listener.accept()
        connection.recv(4096)
        for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 1000:
            if stop.is_set():
                break
            connection.sendall(bytes([byte]))
            time.sleep(0.05)
        connection.close()

    threading.Thread(target=serve, daemon=True).start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/"
    try:
        started = time.monotonic()
        assert "took longer than 1 s" in refused(url, FetchLimits(deadline=1.0))
        assert time.monotonic() - started < 2.5
    finally:
        stop.set()
        listener.close()


def test_a_server_that_says_nothing_hits_the_read_timeout(newsroom):
    listener = socket.create_server(("127.0.0.1", 0))
    accepted = []
    threading.Thread(target=lambda: accepted.append(listener.accept()), daemon=True).start()
    try:
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/"
        assert refused(url, FetchLimits(read_timeout=0.5)) == "the server sent nothing for 0.5 s"
    finally:
        listener.close()


def test_the_size_limit_holds_with_and_without_a_content_length(newsroom):
    limits = FetchLimits(max_bytes=100_000)
    big = newsroom.page("/big.html", "<p>" + "a" * 200_000 + "</p>")
    assert refused(big, limits) == "larger than 100000 bytes (the size limit)"
    newsroom.serve("/endless", endless(50 << 20))
    assert refused(newsroom.url("/endless"), FetchLimits(max_bytes=1 << 20)) == "larger than 1 MB (the size limit)"
    exact = newsroom.page("/exact.html", "a" * 100_000)
    assert len(fetch(exact, limits).body) == 100_000


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "raw-deflate", "br"])
def test_compressed_pages_are_decoded(newsroom, encoding):
    body = (PAGE * 200).encode()
    if encoding == "gzip":
        data = gzip.compress(body)
    elif encoding == "br":
        data = brotli.compress(body)
    else:
        wrapped = encoding == "deflate"
        compressor = zlib.compressobj(wbits=zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        data = compressor.compress(body) + compressor.flush()
    header = "deflate" if "deflate" in encoding else encoding
    url = newsroom.serve("/z.html", Route(body=data, headers={"Content-Type": "text/html", "Content-Encoding": header}))
    assert fetch(url).body == body
    (request,) = newsroom.requests_for("/z.html")
    assert set(request.headers["Accept-Encoding"].replace(" ", "").split(",")) == {"gzip", "deflate", "br"}


def _gzip_bomb(decoded: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    zeros = bytes(1 << 20)
    return b"".join([*(compressor.compress(zeros) for _ in range(decoded >> 20)), compressor.flush()])


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_a_decompression_bomb_is_bounded_by_the_limit_on_decoded_bytes(newsroom, encoding):
    decoded = 200 << 20
    data = _gzip_bomb(decoded) if encoding == "gzip" else brotli.compress(bytes(decoded), quality=1)
    assert len(data) < 1 << 20
    url = newsroom.serve("/bomb.html", Route(body=data, headers={"Content-Type": "text/html", "Content-Encoding": encoding}))
    tracemalloc.start()
    try:
        assert refused(url, FetchLimits(max_bytes=2 << 20)) == "larger than 2 MB (the size limit)"
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 12 << 20, f"{peak / 2**20:.1f} MiB held while decoding a 200 MiB bomb with a 2 MiB limit"


@pytest.mark.parametrize(
    ("status", "cause"), [(404, "HTTP 404 Not Found"), (410, "HTTP 410 Gone"), (500, "HTTP 500 Internal Server Error"), (503, "HTTP 503 Service Unavailable")]
)
def test_http_errors_name_their_status(newsroom, status, cause):
    url = newsroom.serve("/e", Route(status, b"nope", {"Content-Type": "text/html"}, validators=False))
    assert refused(url) == cause


def test_connection_failures_say_what_happened():
    closed = socket.create_server(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    assert refused(f"http://127.0.0.1:{port}/a.html") == "connection refused"
    assert refused("http://nao-existe.invalid/a.html") == "host name not found"
    assert refused("file:///etc/passwd") == "only http and https URLs are fetched, not file:"
    assert refused("http:///sem-host") == "no host in the URL"
