"""``audio-artigo worker``: a thin wrapper over ``celery worker`` with this application.

It checks what ``celery worker`` would only retry for ever (a broker that
cannot be reached: one line, exit 2), names the worker after its queues and
process (several workers on one machine), and gives the publish queue its
one process.
"""

from __future__ import annotations

import os
from pathlib import Path

from audio_artigo.errors import ConfigError


def run_worker(
    queues: list[str] | None = None,
    concurrency: int | None = None,
    out_dir: Path | None = None,
    cache_dir: Path | None = None,
    loglevel: str = "info",
    hostname: str | None = None,
) -> None:
    from audio_artigo.dist.settings import DEFAULT_QUEUES, QUEUES

    queues = list(DEFAULT_QUEUES) if queues is None else queues
    unknown = [queue for queue in queues if queue not in QUEUES]
    if unknown or not queues:
        raise ConfigError(f"unknown queue {unknown[0] if unknown else ''!r} (the queues: {', '.join(QUEUES)})")
    if "publish" in queues:
        if concurrency not in (None, 1):
            raise ConfigError("the publish queue is consumed by one process: --concurrency 1 (it owns the output folder and its catalogue)")
        concurrency = 1
    if out_dir is not None:
        os.environ["AUDIO_ARTIGO_OUT"] = str(out_dir)
    if cache_dir is not None:
        os.environ["AUDIO_ARTIGO_CACHE_DIR"] = str(cache_dir)

    from audio_artigo.build import available_cpus
    from audio_artigo.dist.client import connect
    from audio_artigo.dist.settings import dist_settings

    connect(dist_settings())
    from audio_artigo.dist import app

    argv = [
        "worker",
        "--queues", ",".join(queues),
        "--concurrency", str(concurrency or available_cpus()),
        "--loglevel", loglevel,
        "--hostname", hostname or f"{'+'.join(queues)}-{os.getpid()}@%h",
    ]  # fmt: skip
    app.worker_main(argv)
