"""Publishing: a staged episode becomes part of the show.

``build`` leaves an episode's three files as temporary files in the output
folder and calls :func:`publish`, which, under the folder's publish lock,
gives them their final names, records the episode in the catalogue and
rewrites feed.xml and index.html.

What stays true whatever happens (a crash, a full disk, two builds at once):

- a file name is used once: an updated article gets new names
  (``slug-2.mp3``...), so the bytes behind a URL in the feed never change;
- the catalogue is the commit point: files are renamed into place before
  the catalogue lists them, and the feed is rewritten after, so every
  episode the feed lists has its files, with the recorded size and SHA-256;
- files of replaced versions stay on disk (an app may be mid-download) but
  are no longer listed.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import time
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from audio_artigo import atomicio
from audio_artigo.podcast.catalogue import Catalogue, locked_catalogue
from audio_artigo.errors import PublishError
from audio_artigo.podcast.feed import write_show_files
from audio_artigo.model import Episode, StagedEpisode
from audio_artigo.podcast.config import PodcastConfig, load_config

STALE_TEMP_SECONDS = 15 * 60
"""Temporary files untouched for this long are left over from a crash: the next publish removes them."""

_SUFFIXES = {"audio_file": ".mp3", "chapters_file": ".chapters.json", "transcript_file": ".vtt"}


def publish(out_dir: Path, staged: StagedEpisode, config: PodcastConfig | None = None) -> Episode:
    """Publish ``staged`` into ``out_dir`` and return the episode as listed.

    The staged files are consumed: moved into place, or removed when the
    article's published audio is byte-for-byte the same (the published
    episode is returned) or when publishing fails (PublishError, with the
    previous state intact).
    """
    out_dir = Path(out_dir)
    config = config or load_config(out_dir)
    _check_slug(staged.episode.slug)
    staged_files = (staged.audio, staged.chapters_json, staged.transcript)
    try:
        size, sha256 = _size_and_sha256(staged.audio)  # before the lock: other builds need not wait
        with locked_catalogue(out_dir) as catalogue:
            _remove_stale_temp_files(out_dir, keep=staged_files)
            listed = catalogue.find(staged.episode.identity)
            if listed is not None and listed.episode.sha256 == sha256:
                write_show_files(out_dir, config, catalogue)  # the config may have changed
                return listed.episode
            stem = _unused_stem(out_dir, catalogue, staged.episode.slug)
            episode = replace(
                staged.episode,
                **{field: stem + suffix for field, suffix in _SUFFIXES.items()},
                size=size,
                sha256=sha256,
            )
            moved = _move_into_place(staged, episode, out_dir)
            try:
                now = datetime.now(timezone.utc).replace(microsecond=0)
                published = catalogue.record(episode, catalogue.show_guid(config), now)
            except BaseException:
                _remove(moved)  # never listed, never served by name in the feed: safe to drop
                raise
            write_show_files(out_dir, config, catalogue)
            return published.episode
    except OSError as exc:
        raise PublishError(f"cannot publish {staged.episode.slug} in {out_dir}: {exc.strerror or exc}") from exc
    finally:
        _remove(staged_files)  # consumed in every case; already moved when published


def _check_slug(slug: str) -> None:
    """The slug becomes file names in the output folder: it must be one plain name."""
    if not slug or slug.startswith(".") or any(char in slug for char in "/\\\0"):
        raise ValueError(f"slug {slug!r} cannot be a file name")


def _size_and_sha256(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def _unused_stem(out_dir: Path, catalogue: Catalogue, slug: str) -> str:
    """``slug``, or else the first of ``slug-2``, ``slug-3``... never used in this folder.

    A name counts as used if the catalogue ever published it or if any file
    of that name is on disk (say, left by a crash before the catalogue listed it).
    """
    for stem in itertools.chain([slug], (f"{slug}-{number}" for number in itertools.count(2))):
        taken_on_disk = any((out_dir / (stem + suffix)).exists() for suffix in _SUFFIXES.values())
        if not taken_on_disk and not catalogue.stem_used(stem):
            return stem
    raise AssertionError("unreachable: itertools.count is endless")


def _move_into_place(staged: StagedEpisode, episode: Episode, out_dir: Path) -> list[Path]:
    """Rename the staged files to their final names (none of which exists: see _unused_stem)."""
    moved: list[Path] = []
    try:
        for temp, final_name in (
            (staged.chapters_json, episode.chapters_file),
            (staged.transcript, episode.transcript_file),
            (staged.audio, episode.audio_file),
        ):
            final = out_dir / final_name
            os.replace(temp, final)
            moved.append(final)
        atomicio.fsync_dir(out_dir)
    except BaseException:
        _remove(moved)
        raise
    return moved


def _remove_stale_temp_files(out_dir: Path, keep: tuple[Path, ...]) -> None:
    """Remove temporary files a crashed build or publish left behind."""
    cutoff = time.time() - STALE_TEMP_SECONDS
    kept = {path.resolve() for path in keep}
    for entry in os.scandir(out_dir):
        if not atomicio.is_temporary(entry.name) or not entry.is_file(follow_symlinks=False):
            continue
        with contextlib.suppress(OSError):
            if entry.stat(follow_symlinks=False).st_mtime < cutoff and Path(entry.path).resolve() not in kept:
                os.unlink(entry.path)


def _remove(paths) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            os.unlink(path)
