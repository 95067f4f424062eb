"""publish(): names, identity across edits, failures, crashes and concurrent builds."""

from __future__ import annotations

import errno
import multiprocessing
import os
import sqlite3
import time
from datetime import datetime, timezone

import podcastparser
import pytest
from lxml import etree, html

import audio_artigo.podcast.publish as publish_module
from audio_artigo.podcast.catalogue import CATALOGUE_NAME, Catalogue
from audio_artigo.errors import PublishError
from audio_artigo.podcast.publish import STALE_TEMP_SECONDS, publish

from .conftest import assert_consistent
from .episodes import stage_episode


def items(out_dir):
    return etree.fromstring((out_dir / "feed.xml").read_bytes()).findall("channel/item")


def item_for(out_dir, guid):
    (item,) = [item for item in items(out_dir) if item.findtext("guid") == guid]
    return item


def later(monkeypatch, moment: datetime) -> None:
    """Make publish believe it is ``moment``."""

    class Clock(datetime):
        @classmethod
        def now(cls, tz=None):
            return moment

    monkeypatch.setattr(publish_module, "datetime", Clock)


def test_an_updated_article_keeps_guid_and_date_and_gets_new_file_names(out_dir, monkeypatch):
    first = publish(out_dir, stage_episode(out_dir, "artigo-a", seed=1))
    (item,) = items(out_dir)
    guid, pub_date = item.findtext("guid"), item.findtext("pubDate")

    later(monkeypatch, datetime(2031, 5, 6, 7, 8, 9, tzinfo=timezone.utc))
    edited = publish(out_dir, stage_episode(out_dir, "artigo-a", title="Prefeitura adia obras", seed=2))

    assert (edited.audio_file, edited.chapters_file, edited.transcript_file) == (
        "artigo-a-2.mp3", "artigo-a-2.chapters.json", "artigo-a-2.vtt",
    )  # fmt: skip
    (item,) = items(out_dir)
    assert item.findtext("guid") == guid and item.findtext("pubDate") == pub_date
    assert item.findtext("title") == "Prefeitura adia obras"
    assert item.find("enclosure").get("url").endswith("/artigo-a-2.mp3")
    assert b"artigo-a.mp3" not in (out_dir / "feed.xml").read_bytes()
    page = html.fromstring((out_dir / "index.html").read_bytes())
    assert [audio.get("src") for audio in page.iter("audio")] == ["artigo-a-2.mp3"]
    # The replaced version stays on the page, under "Versões anteriores" only.
    assert [a.get("href") for a in page.findall(".//section[@class='versions']//a")] == [
        "artigo-a.mp3", "artigo-a.vtt", "artigo-a.chapters.json",
    ]  # fmt: skip
    assert (out_dir / first.audio_file).read_bytes() != (out_dir / edited.audio_file).read_bytes()
    assert (out_dir / first.audio_file).is_file(), "an app may still be downloading the old version"
    assert etree.fromstring((out_dir / "feed.xml").read_bytes()).findtext("channel/lastBuildDate").startswith(
        "Tue, 06 May 2031"
    )
    assert assert_consistent(out_dir) == ["artigo-a-2.mp3"]


def test_identical_audio_changes_nothing(out_dir):
    first = publish(out_dir, stage_episode(out_dir, "artigo-a", seed=1))
    before = {path.name: (path.read_bytes(), path.stat().st_mtime_ns) for path in out_dir.iterdir()}

    staged = stage_episode(out_dir, "artigo-a", seed=1)
    again = publish(out_dir, staged)

    assert again == first
    after = {path.name: (path.read_bytes(), path.stat().st_mtime_ns) for path in out_dir.iterdir()}
    assert after == before
    assert not staged.audio.exists() and not staged.transcript.exists() and not staged.chapters_json.exists()


def test_a_name_is_never_used_twice(out_dir):
    publish(out_dir, stage_episode(out_dir, "artigo-a", seed=1))
    publish(out_dir, stage_episode(out_dir, "artigo-a", seed=2))
    for suffix in (".mp3", ".chapters.json", ".vtt"):  # someone tidies the folder by hand
        (out_dir / f"artigo-a{suffix}").unlink()

    third = publish(out_dir, stage_episode(out_dir, "artigo-a", seed=3))

    assert third.audio_file == "artigo-a-3.mp3"


def test_different_articles_with_the_same_slug_get_different_names(out_dir):
    one = publish(out_dir, stage_episode(out_dir, "https://example.org/2024/chuva", slug="chuva", seed=1))
    two = publish(out_dir, stage_episode(out_dir, "https://example.org/2025/chuva", slug="chuva", seed=2))

    assert (one.audio_file, two.audio_file) == ("chuva.mp3", "chuva-2.mp3")
    assert sorted(assert_consistent(out_dir)) == ["chuva-2.mp3", "chuva.mp3"]


def test_a_file_already_on_disk_is_never_overwritten(out_dir):
    (out_dir / "artigo-a.mp3").write_bytes(b"someone else's file")

    published = publish(out_dir, stage_episode(out_dir, "artigo-a", seed=1))

    assert published.audio_file == "artigo-a-2.mp3"
    assert (out_dir / "artigo-a.mp3").read_bytes() == b"someone else's file"


def test_stale_temporary_files_are_removed_and_fresh_ones_kept(out_dir):
    stale = out_dir / ".crashed.mp3.abc123.tmp"
    stale.write_bytes(b"left by a crash")
    an_hour_ago = time.time() - 3600
    os.utime(stale, (an_hour_ago, an_hour_ago))
    fresh = out_dir / ".other-build.mp3.def456.tmp"
    fresh.write_bytes(b"another build, still working")
    assert STALE_TEMP_SECONDS < 3600

    publish(out_dir, stage_episode(out_dir, "artigo-a"))

    assert not stale.exists()
    assert fresh.exists()


def test_the_returned_episode_has_its_files_size_and_sha256(out_dir):
    import hashlib

    published = publish(out_dir, stage_episode(out_dir, "artigo-a"))

    data = (out_dir / published.audio_file).read_bytes()
    assert published.size == len(data)
    assert published.sha256 == hashlib.sha256(data).hexdigest()
    assert (out_dir / published.chapters_file).read_text(encoding="utf-8").startswith('{"version": "1.2.0"')
    assert (out_dir / published.transcript_file).read_text(encoding="utf-8").startswith("WEBVTT")


@pytest.mark.parametrize("failing_call", [1, 2, 3])
def test_a_full_disk_while_moving_files_is_one_line_and_changes_nothing(out_dir, monkeypatch, failing_call):
    publish(out_dir, stage_episode(out_dir, "artigo-a", seed=1))
    feed_before = (out_dir / "feed.xml").read_bytes()
    names_before = sorted(path.name for path in out_dir.iterdir())
    real_replace, calls = os.replace, []

    def replace(source, target):
        calls.append(target)
        if len(calls) == failing_call:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_replace(source, target)

    monkeypatch.setattr(publish_module.os, "replace", replace)
    with pytest.raises(PublishError) as failure:
        publish(out_dir, stage_episode(out_dir, "artigo-b", seed=2))
    monkeypatch.undo()

    assert "\n" not in str(failure.value) and "No space left on device" in str(failure.value)
    assert (out_dir / "feed.xml").read_bytes() == feed_before
    assert sorted(path.name for path in out_dir.iterdir()) == names_before
    assert assert_consistent(out_dir) == ["artigo-a.mp3"]


def test_a_catalogue_that_cannot_be_written_is_one_line_and_changes_nothing(out_dir, monkeypatch):
    publish(out_dir, stage_episode(out_dir, "artigo-a", seed=1))
    names_before = sorted(path.name for path in out_dir.iterdir())

    def full_disk(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(Catalogue, "record", full_disk)
    with pytest.raises(PublishError, match="database or disk is full"):
        publish(out_dir, stage_episode(out_dir, "artigo-b", seed=2))

    assert sorted(path.name for path in out_dir.iterdir()) == names_before
    assert assert_consistent(out_dir) == ["artigo-a.mp3"]


def test_a_read_only_feed_write_keeps_the_previous_feed_valid(out_dir, monkeypatch):
    publish(out_dir, stage_episode(out_dir, "artigo-a", seed=1))
    feed_before = (out_dir / "feed.xml").read_bytes()

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    staged = stage_episode(out_dir, "artigo-b", seed=2)
    monkeypatch.setattr("audio_artigo.atomicio.tempfile.mkstemp", read_only)
    with pytest.raises(PublishError, match="Read-only file system"):
        publish(out_dir, staged)
    monkeypatch.undo()

    assert (out_dir / "feed.xml").read_bytes() == feed_before
    assert assert_consistent(out_dir) == ["artigo-a.mp3"]
    publish(out_dir, stage_episode(out_dir, "artigo-c", seed=3))  # the next publish catches up
    assert sorted(assert_consistent(out_dir)) == ["artigo-a.mp3", "artigo-b.mp3", "artigo-c.mp3"]


def test_a_missing_output_folder_is_a_publish_error(tmp_path):
    staged_in = tmp_path / "staging"
    staged_in.mkdir()
    with pytest.raises(PublishError, match="is not a folder"):
        publish(tmp_path / "missing", stage_episode(staged_in, "artigo-a"))


# Crashes: a child process publishes and dies (os._exit, no clean-up) at its
# n-th file rename: the three episode files, then the cover, feed and page.
def _publish_and_die_at_rename(out_dir, die_at: int) -> None:
    real_replace, calls = os.replace, []

    def replace(source, target):
        calls.append(target)
        if len(calls) == die_at:
            os._exit(70)
        real_replace(source, target)

    os.replace = replace
    publish(out_dir, stage_episode(out_dir, "artigo-b", seed=2))
    os._exit(0)


def _publish_and_die_after_catalogue_commit(out_dir) -> None:
    real_record = Catalogue.record

    def record(self, *args, **kwargs):
        real_record(self, *args, **kwargs)
        os._exit(70)

    Catalogue.record = record
    publish(out_dir, stage_episode(out_dir, "artigo-b", seed=2))
    os._exit(0)


@pytest.mark.parametrize(
    "crash",
    [("rename", n) for n in range(1, 6)] + [("after-commit", None)],
    ids=lambda crash: f"{crash[0]}-{crash[1]}" if crash[1] else crash[0],
)
def test_a_crash_at_any_step_leaves_a_valid_state_and_the_next_publish_recovers(out_dir, crash):
    publish(out_dir, stage_episode(out_dir, "artigo-a", seed=1))
    kind, step = crash
    if kind == "rename":
        target, args = _publish_and_die_at_rename, (out_dir, step)
    else:
        target, args = _publish_and_die_after_catalogue_commit, (out_dir,)
    child = multiprocessing.get_context("fork").Process(target=target, args=args)
    child.start()
    child.join(30)
    assert child.exitcode == 70

    listed = assert_consistent(out_dir)
    assert "artigo-a.mp3" in listed

    # Later, the crash's temporary files are stale, and the next publish succeeds.
    for path in out_dir.iterdir():
        os.utime(path, (time.time() - 3600, time.time() - 3600))
    publish(out_dir, stage_episode(out_dir, "artigo-c", seed=3))
    assert {"artigo-a.mp3", "artigo-c.mp3"} <= set(assert_consistent(out_dir))
    assert not [path for path in out_dir.iterdir() if path.name.endswith(".tmp")]


def _publish_when_released(out_dir, identity, slug, seed, start) -> None:
    staged = stage_episode(out_dir, identity, slug=slug, seed=seed)
    start.wait()  # every worker has staged its files: the publishes start together
    publish(out_dir, staged)


@pytest.mark.parametrize("same_slug", [False, True], ids=["own-slugs", "one-slug"])
def test_builds_running_at_once_all_end_up_in_the_feed(out_dir, same_slug):
    context = multiprocessing.get_context("fork")
    identities = [f"https://example.org/{n}/artigo" for n in range(8)]
    start = context.Barrier(len(identities))
    slugs = ["artigo" if same_slug else f"artigo-{n}" for n in range(len(identities))]
    workers = [
        context.Process(target=_publish_when_released, args=(out_dir, identity, slug, seed, start))
        for seed, (identity, slug) in enumerate(zip(identities, slugs))
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert [worker.exitcode for worker in workers] == [0] * len(workers)

    listed = assert_consistent(out_dir)  # includes: each file has the bytes its row records
    assert len(set(listed)) == len(identities)
    parsed = podcastparser.parse("http://127.0.0.1:8000/feed.xml", open(out_dir / "feed.xml", "rb"))
    assert len(parsed["episodes"]) == len(identities)
    with sqlite3.connect(out_dir / CATALOGUE_NAME) as db:
        assert db.execute("SELECT COUNT(*) FROM episodes").fetchone() == (len(identities),)
