"""CLI commands of the cluster: worker, status (``build --backend celery`` is in cli/build.py)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import click


@click.command()
@click.option("--queues", help="Queues to consume, comma-separated: prepare, synth, assemble, publish. Default: "
              "prepare,synth,assemble. The publish queue has exactly one worker in the cluster, with one process, "
              "on the machine that owns the output folder.")
@click.option("--concurrency", type=click.IntRange(min=1), help="Worker processes (one voice per process in memory). Default: one per CPU; 1 for publish.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path),
              help="The publisher's output folder (episodes, feed, catalogue). Default: $AUDIO_ARTIGO_OUT or output/.")
@click.option("--cache-dir", type=click.Path(path_type=Path),
              help="This machine's part of the cache (voices' optimised copies). Default: $AUDIO_ARTIGO_CACHE_DIR or ~/.cache/audio-artigo.")
@click.option("--loglevel", default="info", show_default=True, type=click.Choice(["debug", "info", "warning", "error"]))
@click.option("--hostname", "-n", help="The worker's node name (default: QUEUES-PID@HOST).")
def worker(queues, concurrency, out_dir, cache_dir, loglevel, hostname):
    """Run a cluster worker (Celery; the broker from $AUDIO_ARTIGO_BROKER or podcast.toml's [dist])."""
    from audio_artigo.dist.worker import run_worker

    names = [queue.strip() for queue in queues.split(",") if queue.strip()] if queues is not None else None
    run_worker(names, concurrency, out_dir, cache_dir, loglevel, hostname)


@click.command()
@click.option("--all", "show_all", is_flag=True, help="Also list the articles published lately.")
@click.option("--json", "as_json", is_flag=True, help="Print the board as JSON.")
def status(show_all, as_json):
    """List the cluster's queued, running and failed articles, and its workers."""
    from audio_artigo.dist.client import status as cluster_status

    board = cluster_status()
    if as_json:
        click.echo(json.dumps({
            "queued": board.queued, "running": board.running, "failed": board.failed,
            "published": board.published, "workers": board.workers,
        }, ensure_ascii=False, indent=2))
        return
    rows = [*board.queued[:QUEUED_SHOWN], *board.running, *board.failed, *(board.published if show_all else [])]
    for record in rows:
        click.echo(f"{record['id']}  {record.get('source', '')}  {_state(record)}")
    if len(board.queued) > QUEUED_SHOWN:
        click.echo(f"... and {len(board.queued) - QUEUED_SHOWN} more queued (--json lists them all)")
    if not rows:
        click.echo("no article queued, running or failed" + ("" if show_all else " (--all lists those published)"))
    click.echo(f"{len(board.queued)} queued, {len(board.running)} running, {len(board.failed)} failed, {len(board.published)} published lately")
    for worker in board.workers:
        click.echo(f"worker {worker['name']}: {','.join(worker['queues'])}, {worker['concurrency']} process(es)"
                   + (f", publishing into {worker['out']}" if worker.get("out") else ""))
    if not board.workers:
        click.echo("no worker is running")


QUEUED_SHOWN = 20


def _state(record: dict) -> str:
    state = record.get("state", "")
    if state == "synthesising":
        return f"synthesising {min(record['done'], record['clips'])}/{record['clips']} clips"
    if state == "failed":
        return f"failed: {record.get('reason', '')}"
    if state == "published":
        return f"published {time.strftime('%Y-%m-%d %H:%M', time.localtime(record['updated']))}"
    return state


COMMANDS: list[click.Command] = [worker, status]
