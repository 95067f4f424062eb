"""Where the cluster is: the broker and the clip store, from the environment or podcast.toml's ``[dist]``.

Nothing here imports Celery: the command line reads these settings to say,
in one line, what cannot be reached.
"""

from __future__ import annotations

import os
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from audio_artigo.errors import ConfigError

QUEUES = ("prepare", "synth", "assemble", "publish")
DEFAULT_QUEUES = ("prepare", "synth", "assemble")
"""What ``audio-artigo worker`` consumes unless told otherwise: never ``publish``, which has exactly one consumer."""

DEFAULT_BROKER = "redis://127.0.0.1:6379/0"
DEFAULT_VISIBILITY_TIMEOUT = 1800
"""Seconds: longer than any task runs (an hour-long episode's assembly takes about a minute)."""
DEFAULT_MAX_TASKS_PER_CHILD = 500
"""Tasks before Celery replaces a worker process: a safety net only. Synthesis memory is bounded without
replacing processes (dist.tasks.VOICE_LIFETIME_CLIPS), which stalled a worker for seconds each time."""


@dataclass(frozen=True)
class DistSettings:
    broker: str = DEFAULT_BROKER
    store: str | None = None
    store_options: dict = field(default_factory=dict)
    visibility_timeout: int = DEFAULT_VISIBILITY_TIMEOUT
    max_tasks_per_child: int = DEFAULT_MAX_TASKS_PER_CHILD

    def require_store(self) -> str:
        if not self.store:
            raise ConfigError(
                "the celery backend needs a clip store every worker can read: set AUDIO_ARTIGO_STORE "
                "(s3://bucket/prefix, file:///mnt/shared/clips) or store in podcast.toml's [dist]"
            )
        return self.store


def dist_settings(folder: Path | None = None) -> DistSettings:
    """The environment's settings, else the ``[dist]`` table of the podcast.toml found from ``folder`` (see load_config)."""
    from audio_artigo.podcast.config import load_config

    table = load_config(folder or Path(os.environ.get("AUDIO_ARTIGO_OUT") or "output")).dist
    store = os.environ.get("AUDIO_ARTIGO_STORE") or table.store
    return DistSettings(
        broker=os.environ.get("AUDIO_ARTIGO_BROKER") or table.broker or DEFAULT_BROKER,
        store=store_url(store) if store else None,
        store_options=dict(table.store_options),
        visibility_timeout=table.visibility_timeout or DEFAULT_VISIBILITY_TIMEOUT,
        max_tasks_per_child=table.max_tasks_per_child or DEFAULT_MAX_TASKS_PER_CHILD,
    )


def store_url(location: str) -> str:
    """A folder named by path becomes a file:// URL: every worker then reads it as the same shared folder."""
    if "://" in location:
        return location
    return "file://" + urllib.parse.quote(str(Path(location).expanduser().resolve()))


def local_folder() -> Path:
    """This machine's part of the cache on a worker (voice copies, voices fetched from the store)."""
    configured = os.environ.get("AUDIO_ARTIGO_CACHE_DIR")
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "audio-artigo"
