"""The server: a real uvicorn on 127.0.0.1, probed over httpx and raw sockets."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audio_artigo.podcast.config import PodcastConfig
from audio_artigo.podcast.publish import publish

from .episodes import stage_episode
from .servers import header, raw_get, server_thread

SECRET = b"SECRET-MARKER-outside-the-folder"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A served folder with one episode, and things around it that must never be served."""
    root = tmp_path_factory.mktemp("server")
    (root / "pyproject.toml").write_bytes(SECRET)
    (root / "secret.mp3").write_bytes(SECRET)
    folder = root / "output"
    folder.mkdir()
    episode = publish(folder, stage_episode(folder, "artigo-a", seconds=2.0), PodcastConfig())
    (folder / ".x.mp3.abc123.tmp").write_bytes(SECRET)
    (folder / ".hidden.mp3").write_bytes(SECRET)
    (folder / "podcast.toml").write_bytes(SECRET)
    (folder / "notes.txt").write_bytes(SECRET)
    (folder / "sub").mkdir()
    (folder / "sub" / "inner.mp3").write_bytes(SECRET)
    os.symlink(root / "secret.mp3", folder / "leak.mp3")
    os.symlink("../pyproject.toml", folder / "leak.xml")
    os.symlink("/etc/passwd", folder / "passwd.vtt")
    os.symlink(".catalogue.sqlite3", folder / "catalogue.json")
    os.symlink(episode.audio_file, folder / "alias.mp3")
    with server_thread(folder) as base:
        yield base, folder, episode


def get(base, path, **headers):
    return httpx.get(base + path, headers=headers, timeout=10)


def test_a_range_gets_206_and_exactly_those_bytes(site):
    base, folder, episode = site
    data = (folder / episode.audio_file).read_bytes()

    response = get(base, "/" + episode.audio_file, Range="bytes=100-199")

    assert response.status_code == 206
    assert response.content == data[100:200]
    assert response.headers["content-range"] == f"bytes 100-199/{len(data)}"
    assert response.headers["content-type"] == "audio/mpeg"

    status, head, body = raw_get(base, "/" + episode.audio_file, {"Range": "bytes=100-199"})
    assert status == 206 and body == data[100:200]


@pytest.mark.parametrize(
    "value, expected_body",
    [("bytes=-100", lambda d: d[-100:]), ("bytes=0-", lambda d: d), ("bytes=5-5", lambda d: d[5:6]),
     ("bytes=0-18446744073709551616", lambda d: d)],
)  # fmt: skip
def test_other_satisfiable_ranges(site, value, expected_body):
    base, folder, episode = site
    data = (folder / episode.audio_file).read_bytes()
    response = get(base, "/" + episode.audio_file, Range=value)
    assert response.status_code == 206 and response.content == expected_body(data)


@pytest.mark.parametrize("value", ["bytes=999999999-", "bytes=-0", "bytes=18446744073709551616-"])
def test_unsatisfiable_ranges_get_416(site, value):
    base, folder, episode = site
    size = (folder / episode.audio_file).stat().st_size
    response = get(base, "/" + episode.audio_file, Range=value)
    assert response.status_code == 416
    assert response.headers["content-range"] == f"bytes */{size}"


def test_several_ranges_get_a_multipart_206(site):
    base, folder, episode = site
    data = (folder / episode.audio_file).read_bytes()
    response = get(base, "/" + episode.audio_file, Range="bytes=0-9,100-109")
    assert response.status_code == 206
    assert response.headers["content-type"].startswith("multipart/byteranges; boundary=")
    assert data[0:10] in response.content and data[100:110] in response.content


MALFORMED_RANGES = [
    "bytes=abc", "bytes=", "bytes", "items=0-1", "bytes=5-2", "bytes=--", "bytes=1-2-3", "bytes=0x10-0x20",
    "bytes= 1 - 2 ", "bytes=-", "bytes=,,,", "bytes=-18446744073709551616", "bytes=" + "9" * 5000 + "-",
    "bytes=" + ",".join(f"{2 * n}-{2 * n}" for n in range(1000)), "bytes=0-0," * 200 + "0-0",
]  # fmt: skip


# Sent over a raw socket: HTTP clients refuse to send some of these.
@pytest.mark.parametrize("value", MALFORMED_RANGES, ids=range(len(MALFORMED_RANGES)))
def test_malformed_and_abusive_ranges_never_fail_the_server(site, value):
    base, _, episode = site
    status, _, _ = raw_get(base, "/" + episode.audio_file, {"Range": value})
    assert status in (200, 206, 400, 416)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet="bytes=0123456789-, \t;x", max_size=40))
def test_any_range_header_gets_an_answer_not_an_error(site, value):
    base, folder, episode = site
    status, head, body = raw_get(base, "/" + episode.audio_file, {"Range": value})
    assert status in (200, 206, 400, 416)
    content_range = header(head, b"content-range")  # none on a multipart answer
    if status == 206 and content_range:
        first, last = content_range.split()[1].split(b"/")[0].split(b"-")
        data = (folder / episode.audio_file).read_bytes()
        assert body == data[int(first) : int(last) + 1]


def test_head_gives_the_headers_and_no_body(site):
    base, folder, episode = site
    size = (folder / episode.audio_file).stat().st_size
    response = httpx.head(base + "/" + episode.audio_file, timeout=10)
    assert response.status_code == 200
    assert response.headers["content-length"] == str(size)
    assert response.headers["accept-ranges"] == "bytes"
    assert response.content == b""

    status, head, body = raw_get(base, "/" + episode.audio_file, {"Range": "bytes=100-199"}, method="HEAD")
    assert status == 206 and body == b""


def test_content_types_and_caching(site):
    base, _, episode = site
    expected = {
        "/": ("text/html; charset=utf-8", "no-cache"),
        "/index.html": ("text/html; charset=utf-8", "no-cache"),
        "/feed.xml": ("application/rss+xml; charset=utf-8", "no-cache"),
        "/" + episode.audio_file: ("audio/mpeg", "public, max-age=31536000, immutable"),
        "/" + episode.chapters_file: ("application/json", "public, max-age=31536000, immutable"),
        "/" + episode.transcript_file: ("text/vtt; charset=utf-8", "public, max-age=31536000, immutable"),
    }
    for path, (content_type, cache) in expected.items():
        response = get(base, path)
        assert response.status_code == 200, path
        assert (response.headers["content-type"], response.headers["cache-control"]) == (content_type, cache), path
        assert response.headers["x-content-type-options"] == "nosniff"
    cover = [name for name in os.listdir(site[1]) if name.startswith("cover-")][0]
    assert get(base, "/" + cover).headers["content-type"] == "image/png"


def test_a_current_copy_gets_304(site):
    base, _, _ = site
    etag = get(base, "/feed.xml").headers["etag"]
    response = get(base, "/feed.xml", **{"If-None-Match": etag})
    assert response.status_code == 304 and response.content == b""


def test_a_symlink_inside_the_folder_to_a_published_file_is_served(site):
    base, folder, episode = site
    assert get(base, "/alias.mp3").content == (folder / episode.audio_file).read_bytes()


def test_other_methods_are_refused(site):
    base, _, episode = site
    assert httpx.post(base + "/" + episode.audio_file, timeout=10).status_code == 405


REFUSED_TARGETS = [
    "/../pyproject.toml", "/%2e%2e/pyproject.toml", "/%2E%2E/pyproject.toml", "/..%2fpyproject.toml",
    "/%2e%2e%2fpyproject.toml", "/%252e%252e/pyproject.toml", "/%252e%252e%252fpyproject.toml",
    "/%c0%ae%c0%ae/pyproject.toml", "/%c0%ae%c0%ae%c0%afpyproject.toml", "/..%00/pyproject.toml",
    "/pyproject.toml%00.mp3", "/secret.mp3%00", "//etc/passwd", "/%2fetc%2fpasswd", "/%2e%2e%5csecret.mp3",
    "/..%5csecret.mp3", "/./../secret.mp3", "/output/../../secret.mp3", "/..", "/%2e%2e", "/.", "/%2e",
    "/leak.mp3", "/leak.xml", "/passwd.vtt", "/catalogue.json", "/.catalogue.sqlite3", "/.publish.lock",
    "/.x.mp3.abc123.tmp", "/.hidden.mp3", "/podcast.toml", "/notes.txt", "/sub/inner.mp3", "/sub%2finner.mp3",
    "/does-not-exist.mp3", "/..\\secret.mp3", "/\\..\\secret.mp3", "/a/../../secret.mp3",
]  # fmt: skip


@pytest.mark.parametrize("target", REFUSED_TARGETS)
def test_nothing_outside_the_published_files_is_served(site, target):
    base, _, _ = site
    status, head, body = raw_get(base, target)
    assert status == 404, head
    assert SECRET not in body and b"root:" not in body


def test_an_absolute_form_target_is_confined_too(site):
    base, _, _ = site
    status, head, body = raw_get(base, base + "/../pyproject.toml")
    assert status == 404 and SECRET not in body


def test_serve_refuses_a_missing_folder(tmp_path):
    from audio_artigo.errors import InputError
    from audio_artigo.podcast.server import serve

    with pytest.raises(InputError, match="no such folder"):
        serve(Path(tmp_path / "missing"))
