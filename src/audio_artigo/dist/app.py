"""The Celery application: queues, delivery guarantees, and what a worker does when it starts and stops."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from celery import Celery, signals

from audio_artigo.dist.settings import QUEUES, dist_settings

SETTINGS = dist_settings()

app = Celery("audio_artigo", broker=SETTINGS.broker, include=["audio_artigo.dist.tasks"])
app.conf.update(
    # A task is acknowledged when it has finished, not when it starts: a
    # worker killed mid-task leaves it to be delivered again (at once when
    # only the pool's process died; after the visibility timeout when the
    # whole worker did). Every task is idempotent, so a second run is harmless.
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_serializer="json",
    accept_content=["json"],
    task_ignore_result=True,  # progress and outcomes are on the board (dist/board.py), not in a result backend
    task_default_queue="prepare",
    worker_max_tasks_per_child=SETTINGS.max_tasks_per_child,
    worker_send_task_events=False,
    broker_connection_timeout=5,
    broker_connection_retry_on_startup=True,
    broker_transport_options={
        "visibility_timeout": SETTINGS.visibility_timeout,
        # Look for the tasks of vanished workers at a twentieth of the visibility timeout (kombu's default: 100 s).
        "unacked_restore_interval": max(1, SETTINGS.visibility_timeout // 20),
        "unacked_restore_throttle": 2,
        "socket_connect_timeout": 5,
        "socket_timeout": 30,
    },
    task_publish_retry=False,  # a broker that cannot be reached is reported, not retried for minutes
)

_heartbeat = None


def publisher_owner(out_dir: Path) -> str:
    """Who holds the publish queue: this machine and its output folder (the same publisher restarted is the same owner)."""
    import socket

    return f"{socket.gethostname()}:{Path(out_dir).resolve()}"


def publish_dir() -> Path:
    return Path(os.environ.get("AUDIO_ARTIGO_OUT") or "output")


def _refuse(message: str) -> None:
    print(f"audio-artigo: error: {message}", file=sys.stderr, flush=True)
    os._exit(2)


@signals.celeryd_after_setup.connect
def _check_worker(sender, instance, **_kwargs) -> None:
    """Before consuming: a publisher runs alone, one task at a time, and holds the publish queue."""
    from audio_artigo.dist.board import Board, Heartbeat

    queues = sorted(instance.app.amqp.queues.consume_from or {})
    unknown = [queue for queue in queues if queue not in QUEUES]
    if unknown:
        _refuse(f"unknown queue {unknown[0]!r} (the queues: {', '.join(QUEUES)})")
    board = Board(SETTINGS.broker)
    publisher = None
    if "publish" in queues:
        if instance.concurrency != 1:
            _refuse("the publish queue is consumed by one process: --concurrency 1 (it owns the output folder and its catalogue)")
        publisher = publisher_owner(publish_dir())
        holder = board.claim_publisher(publisher)
        if holder is not None:
            _refuse(f"another publisher holds the publish queue ({holder}); its claim lapses 30 s after it stops")
    if "synth" in queues:
        # Loaded once here, before the pool's processes are forked from this one: each of them
        # (and each replacement) then starts with onnxruntime and Piper imported. Voices load
        # after the fork, in each process, on its first batch.
        import audio_artigo.synthesis.piper_engine  # noqa: F401
    global _heartbeat
    info = {"name": sender, "queues": queues, "concurrency": instance.concurrency, "pid": os.getpid()}
    if publisher:
        info["out"] = str(publish_dir().resolve())
    _heartbeat = Heartbeat(board, sender, info, publisher).start()


@signals.worker_shutdown.connect
def _stop_heartbeat(**_kwargs) -> None:
    if _heartbeat is not None:
        _heartbeat.stop()
