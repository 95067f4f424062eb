"""Hostile HTTP against ``audio-artigo serve``: never a 5xx, never a byte from outside the folder.

Every request is written byte for byte on a raw socket (HTTP clients refuse
to send most of these) to the real ``serve`` command, serving a copy of a
built folder with secrets around it and symlinks leading out of it:

- Range headers: Starlette's own test cases, edge numbers (``bytes=-0``,
  2^64, a thousand ranges, a 100 KB header...), and seeded random ones; every
  answer that carries bytes carries exactly the bytes of the file it names;
- path traversal in every encoding: ``..`` written as ``%2e``, ``%252e``,
  ``%c0%ae`` (overlong UTF-8), full-width dots..., with every kind of slash,
  NUL, absolute paths and absolute-form targets, and symlinks out of the folder.

tests/podcast/test_server.py has the handwritten cases; this file has the numbers.
"""

from __future__ import annotations

import itertools
import os
import random
import re
import threading

import pytest

from audio_artigo import atomicio
from tests.podcast.servers import header, send, server_thread, serve_command

from .scale import scaled

SECRET = b"SECRET-MARKER-outside-the-folder"
ANSWERS = {200, 206, 400, 404, 405, 414, 416, 431}
"""Every status an answer may have; anything else (a 5xx above all) fails."""


@pytest.fixture(scope="module")
def served(published, tmp_path_factory):
    """``audio-artigo serve`` on a copy of the published folder, secrets and symlinks around it."""
    root = tmp_path_factory.mktemp("served")
    site = published.copy(root / "site")
    for name in ("secret.mp3", "pyproject.toml", "passwd"):
        (site.root / name).write_bytes(SECRET)
    (site.out / ".x.mp3.abc123.tmp").write_bytes(SECRET)
    (site.out / "notes.txt").write_bytes(SECRET)
    os.symlink(site.root / "secret.mp3", site.out / "leak.mp3")
    os.symlink("../pyproject.toml", site.out / "leak.xml")
    os.symlink("/etc/passwd", site.out / "passwd.vtt")
    os.symlink("..", site.out / "up")
    os.symlink(site.root, site.out / "root.mp3")
    with serve_command(site.out) as base:
        yield base, site.out, (site.out / "chuva.mp3").read_bytes()


def check_range_answer(status, head: bytes, body: bytes, data: bytes) -> None:
    """A Range request's answer is a known status, and its bytes are exactly the file's."""
    assert status in ANSWERS, head
    assert SECRET not in body
    if status == 200:
        assert body == data
    elif status == 416:
        assert header(head, b"content-range") == f"bytes */{len(data)}".encode()
    elif status == 206:
        assert int(header(head, b"content-length")) == len(body)
        content_type = header(head, b"content-type")
        if content_type.startswith(b"multipart/byteranges"):
            boundary = content_type.split(b"boundary=")[1]
            parts = body.split(b"--" + boundary)
            assert parts[0] == b"" and parts[-1] == b"--"
            for part in parts[1:-1]:
                part_head, _, part_body = part.partition(b"\r\n\r\n")
                _check_slice(header(b"\r\n" + part_head, b"content-range"), part_body.removesuffix(b"\r\n"), data)
        else:
            _check_slice(header(head, b"content-range"), body, data)


def _check_slice(content_range: bytes, body: bytes, data: bytes) -> None:
    first, last, size = map(int, re.fullmatch(rb"bytes (\d+)-(\d+)/(\d+)", content_range).groups())
    assert size == len(data) and body == data[first : last + 1]


# -- Range -------------------------------------------------------------------------------------------


def starlette_cases(size: int) -> list[str]:
    """The Range values Starlette's own tests send (starlette 1.10, tests/test_responses.py)."""
    return [
        "bytes=0-4", "bytes=0-100", "bytes=0-100, 200-300", "bytes=200-300",
        "bytes=" + ",".join(f"{n}-{n}" for n in range(0, 200, 2)), "bytes=" + ",".join(f"{n}-{n}" for n in range(0, 202, 2)),
        "bytes: 0-1000", f"bytes=0-{size + 1}", f"bytes={size + 1}-", "items=0-100", "bytes=", "bytes=100-0",
        "bytes=5-4", "bytes=5-5", "bytes=0-100, 50-200", "bytes=100-200, 0-50", "bytes=100, 0-50", "bytes= - , 0-50",
        "bytes=abc-def, 0-50", "bytes=-100", "bytes=-1000",
    ]  # fmt: skip


def edge_cases(size: int) -> list[str]:
    huge = 2**64
    return [
        "bytes=-0", f"bytes=0-{huge}", f"bytes={huge}-", f"bytes=-{huge}", f"bytes={huge - 1}-{huge}",
        f"bytes={2**63 - 1}-", f"bytes=0-{10**400}", f"bytes={size - 1}-", f"bytes={size}-", f"bytes=-{size}",
        f"bytes=-{size + 1}", "bytes=0-0,-1", "bytes=-1,0-0", "bytes=0-", "bytes=-", "bytes=--1", "bytes=-1-2",
        "bytes=1-2-3", "bytes=0x10-0x20", "bytes=1e3-2e3", "bytes=١-٢", "bytes=𝟙-𝟚", "bytes=+1-+2", "bytes=1 -2",
        "bytes=\t0-1", "BYTES=0-1", "bytes =0-1", "bytes=0-1;q=1", "bytes=0-1,", ",bytes=0-1", "bytes=,,,0-1",
        "bytes=" + ",".join(f"{2 * n}-{2 * n}" for n in range(1000)), "bytes=" + "0-0," * 1000 + "0-0",
        "bytes=" + ",".join(f"{n}-" for n in range(99)), "bytes=" + "9" * 5000 + "-", "bytes=0-" + "9" * 5000,
        "bytes=" + "1-2," * 25_000,
    ]  # fmt: skip


def random_range(rng: random.Random, size: int) -> str:
    """A Range value from a loose grammar: mostly well-formed, sometimes broken in small ways."""

    def number() -> str:
        return str(rng.choice([0, 1, 2, rng.randrange(size), size - 1, size, size + 1, rng.randrange(10**6), 2**64, 2**63 - 1]))

    def one_range() -> str:
        form = rng.randrange(8)
        if form == 0:
            return f"-{number()}"
        if form == 1:
            return f"{number()}-"
        if form == 2:
            return rng.choice(["", "-", "--", "a-b", " ", "-0", "0--1", "x"])
        return f"{number()}-{number()}"

    count = rng.choice([1, 1, 1, 2, 3, rng.randrange(1, 120), rng.randrange(1, 1500)])
    unit = rng.choice(["bytes=", "bytes=", "bytes=", "Bytes=", "bytes =", "bytes:", "items=", "", "bytes"])
    return unit + rng.choice([",", ", ", ",,"]).join(one_range() for _ in range(count))


def test_range_headers_get_the_bytes_they_ask_for_or_a_clean_refusal(served, record_property):
    base, _, data = served
    size = len(data)
    rng = random.Random(20241129)
    values = starlette_cases(size) + edge_cases(size) + [random_range(rng, size) for _ in range(scaled(500, 6000))]
    satisfiable = {"bytes=0-4", "bytes=0-100", "bytes=200-300", "bytes=-100", "bytes=0-100, 200-300", "bytes=0-", f"bytes={size - 1}-"}
    for value in values:
        status, head, body = send(base, b"/chuva.mp3", [("Range", value)])
        try:
            assert status == 206 or value not in satisfiable, head
            check_range_answer(status, head, body, data)
        except AssertionError as failure:
            failure.add_note(f"Range: {value[:200]}")
            raise
    record_property("cases", len(values))


def test_ranges_with_if_range_head_and_other_files(served, record_property):
    base, folder, data = served
    etag = header(send(base, b"/chuva.mp3", method=b"HEAD")[1], b"etag").decode()
    # A matching strong validator gets the range; a stale or weak one, the whole file.
    for validator, wanted in ((etag, 206), ('"stale"', 200), ("W/" + etag, 200)):
        status, head, body = send(base, b"/chuva.mp3", [("Range", "bytes=0-9"), ("If-Range", validator)])
        assert status == wanted, (validator, head)
        check_range_answer(status, head, body, data)
    cases = [
        (b"/chuva.mp3", [("Range", "bytes=0-9"), ("Range", "bytes=10-19")], b"GET", data),
        (b"/chuva.mp3", [("Range", "bytes=0-9,20-29")], b"HEAD", b""),
        (b"/feed.xml", [("Range", "bytes=0-9")], b"GET", (folder / "feed.xml").read_bytes()),
        (b"/", [("Range", "bytes=-10")], b"GET", (folder / "index.html").read_bytes()),
        (b"/chuva.vtt", [("Range", "bytes=0-0,2-2")], b"GET", (folder / "chuva.vtt").read_bytes()),
        (b"/missing.mp3", [("Range", "bytes=0-9")], b"GET", None),
        (b"/leak.mp3", [("Range", "bytes=0-9")], b"GET", None),
    ]
    for target, headers, method, expected in cases:
        status, head, body = send(base, target, headers, method)
        assert status in ANSWERS and SECRET not in body, (target, headers, head)
        if expected is None:
            assert status == 404
        elif method == b"GET":
            check_range_answer(status, head, body, expected)
        else:
            assert status == 206 and body == b""
    record_property("cases", len(cases) + 3)


# -- Traversal ------------------------------------------------------------------------------------------

DOTS = [
    b"..", b"%2e%2e", b"%2E%2E", b".%2e", b"%2e.", b"%252e%252e", b"%25252e%25252e", b"%c0%ae%c0%ae", b"%c0%2e%c0%2e",
    b"%e0%80%ae%e0%80%ae", b"%u002e%u002e", b"\xc0\xae\xc0\xae", b"\xef\xbc\x8e\xef\xbc\x8e", b"%ef%bc%8e%ef%bc%8e",
    b"...", b"..%00", b"%2e%2e%00", b"..;", b". .",
]  # fmt: skip
SLASHES = [b"/", b"%2f", b"%2F", b"%252f", b"\\", b"%5c", b"%255c", b"%c0%af", b"%c1%9c", b"%e0%80%af", b"//", b"/./", b"\xc0\xaf"]
PREFIXES = [b"/", b"//", b"/./", b"/sub/", b"/chuva.mp3/", b"/%2e/", b"/up/", b"/index.html/"]
OUTSIDE = [b"secret.mp3", b"pyproject.toml", b"etc/passwd", b"passwd", b"site/secret.mp3"]
ENDINGS = [b"", b"%00", b"%00.mp3", b"?x=.mp3", b"#.mp3", b";.mp3", b"%20", b"."]


def combined_traversals() -> list[bytes]:
    """Every combination: prefix, 1-4 steps up in one encoding, a file outside, an ending."""
    return [
        prefix + (dots + slash) * depth + outside + ending
        for prefix, dots, slash, depth, outside, ending in itertools.product(PREFIXES, DOTS, SLASHES, range(1, 5), OUTSIDE, ENDINGS)
    ]


SINGULAR_TRAVERSALS = [
    b"/etc/passwd", b"//etc/passwd", b"/%2fetc%2fpasswd", b"/%252fetc%252fpasswd", b"/\\etc\\passwd",
    b"/leak.mp3", b"/leak.xml", b"/passwd.vtt", b"/root.mp3", b"/up", b"/up/", b"/up/secret.mp3",
    b"/up%2fsecret.mp3", b"/up%2Fsite%2Fsecret.mp3", b"/.x.mp3.abc123.tmp", b"/notes.txt", b"/.catalogue.sqlite3",
    b"/.publish.lock", b"/.cache/", b"/%2ecache/records/digests.json", b"/chuva.mp3%00", b"/chuva.mp3\x00",
    b"*", b"secret.mp3", b"../secret.mp3", b"http://127.0.0.1/../secret.mp3", b"http://127.0.0.1/%2e%2e/secret.mp3",
    b"http://evil.example/..%2fsecret.mp3", b"/" + b"../" * 200 + b"etc/passwd", b"/" + b"a/" * 5000,
]  # fmt: skip
"""Targets of their own: absolute paths, symlinks out, hidden files, absolute-form and odd request targets."""


def test_no_request_reads_outside_the_folder(served, record_property):
    base, _, _ = served
    combined = combined_traversals()
    chosen = SINGULAR_TRAVERSALS + random.Random(7).sample(combined, min(scaled(400, 12_000), len(combined)))
    for target in chosen:
        for method in (b"GET", b"HEAD"):
            status, head, body = send(base, target, method=method)
            assert status is None or status in ANSWERS - {200, 206}, (target, head)
            assert SECRET not in body and b"root:" not in body, target
    record_property("cases", 2 * len(chosen))


# -- A feed being republished -----------------------------------------------------------------------


def test_a_feed_being_republished_is_served_whole(tmp_path, record_property):
    """feed.xml is renamed over again and again while the server runs: each answer is one version, whole (index.html is served the same way)."""
    versions = [b'<?xml version="1.0"?><rss>' + letter * length + b"</rss>" for letter, length in ((b"a", 1000), (b"b", 50_000))]
    atomicio.write_bytes(tmp_path / "feed.xml", versions[0])
    stop = threading.Event()

    def republish() -> None:
        for number in itertools.count():
            if stop.is_set():
                return
            atomicio.write_bytes(tmp_path / "feed.xml", versions[number % 2], durable=False)

    requests = scaled(400, 5000)
    answers = []
    with server_thread(tmp_path) as base:
        publisher = threading.Thread(target=republish)
        publisher.start()
        try:
            for _ in range(requests):
                status, head, body = send(base, b"/feed.xml")
                answers.append((status, body in versions))
        finally:
            stop.set()
            publisher.join()
    assert answers.count((200, True)) == requests, f"{requests - answers.count((200, True))} torn or failed answers"
    record_property("cases", requests)
