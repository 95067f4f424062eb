"""Running audio-artigo on a Celery cluster with a shared clip store and one publisher.

``celery -A audio_artigo.dist worker`` (or ``audio-artigo worker``) runs a
worker; ``audio-artigo build --backend celery`` submits articles. An
article goes through four tasks, each on its own queue, each idempotent
(its outputs named by content, written only if absent):

    prepare   segment, normalise and plan the article (episode.prepare);
              look up all its clips in the store at once; queue the
              missing ones in batches (synth) and queue assemble
    synth     speak a batch of clips into the store; each worker process
              loads its voices once and keeps them
    assemble  once every clip is in the store: loudness, encoding, tags,
              transcript (episode.encode_to_target, episode.assemble);
              the files go to the store for the publisher
    publish   one worker, one process: owns the output folder, its SQLite
              catalogue and lock; publishes as a local build does

Imported only on the cluster's paths: a local build needs nothing of this.
"""

import os

# Before numpy loads (as the command line does): one thread per process.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from audio_artigo.dist.app import app  # noqa: E402

__all__ = ["app"]
