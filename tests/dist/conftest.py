"""A real cluster on 127.0.0.1: Redis, moto's S3 server, and Celery workers as separate processes.

Every server is started by the tests on a free port and stopped after them;
every worker runs in its own process group, which teardown kills whole, and
checks that no process of it survives.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import ROOT, TINY_VOICE
from tests.pipeline.conftest import UNREACHABLE_REPOSITORY

BUCKET = "clips"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


@pytest.fixture(scope="session")
def redis_server():
    """A private redis-server on a free port (no persistence); its URL."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    import redis

    client = redis.Redis(port=port)
    wait_for(lambda: _pings(client), 10, "redis-server")
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(10)


def _pings(client) -> bool:
    try:
        return client.ping()
    except Exception:  # noqa: BLE001 - not up yet
        return False


@pytest.fixture(scope="session")
def s3_server():
    """moto's S3 server on a free port; its endpoint URL."""
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


S3_ENVIRONMENT = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}


def new_bucket(endpoint: str) -> "S3":
    import boto3

    client = boto3.client("s3", endpoint_url=endpoint, **{name.lower(): value for name, value in S3_ENVIRONMENT.items() if name != "AWS_DEFAULT_REGION"}, region_name="us-east-1")
    name = f"{BUCKET}-{os.urandom(4).hex()}"
    client.create_bucket(Bucket=name)
    return S3(client, name, endpoint)


@pytest.fixture
def s3(s3_server, monkeypatch):
    """A fresh bucket on the moto server; this process's environment points s3fs at it."""
    import fsspec

    for name, value in {**S3_ENVIRONMENT, "AWS_ENDPOINT_URL": s3_server}.items():
        monkeypatch.setenv(name, value)
    fsspec.filesystem("s3").clear_instance_cache()
    return new_bucket(s3_server)


@dataclass
class S3:
    client: object
    bucket: str
    endpoint: str

    def keys(self, prefix: str = "") -> dict[str, int]:
        """Every object under ``prefix``: key -> size."""
        found = {}
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix):
            found.update({entry["Key"]: entry["Size"] for entry in page.get("Contents", [])})
        return found

    def get(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read()


@dataclass
class Cluster:
    root: Path
    env: dict
    broker: str
    store: str
    s3: S3
    workers: dict[str, subprocess.Popen] = field(default_factory=dict)

    def start_worker(self, name: str, *args: str, launcher: list[str] | None = None, cache: str | None = None) -> subprocess.Popen:
        """A worker process of its own session (``audio-artigo worker ARGS``, or ``launcher`` + ARGS)."""
        log = open(self.root / f"{name}.log", "wb")
        env = dict(self.env, AUDIO_ARTIGO_CACHE_DIR=str(self.root / (cache or name)))
        command = launcher or [sys.executable, "-m", "audio_artigo", "worker"]
        process = subprocess.Popen(
            [*command, *args, "--hostname", f"{name}@test"], cwd=self.root, env=env,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        self.workers[name] = process
        return process

    def wait_for_workers(self, *names: str, timeout: float = 60) -> None:
        from audio_artigo.dist.board import Board

        board = Board(self.broker)

        def up():
            for name, process in self.workers.items():
                if process.poll() is not None:
                    raise AssertionError(f"worker {name} exited: {(self.root / f'{name}.log').read_text(errors='replace')[-3000:]}")
            return {f"{name}@test" for name in names} <= {worker["name"] for worker in board.workers()}

        wait_for(up, timeout, f"workers {', '.join(names)}", interval=0.2)

    def kill(self, name: str) -> None:
        """SIGKILL a worker's whole process group (its main process and its pool's processes)."""
        process = self.workers.pop(name)
        with _suppress_lookup():
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)

    def cli(self, *args, check: bool = True, timeout: float = 300, cwd: Path | None = None) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "-m", "audio_artigo", *map(str, args)], cwd=cwd or self.root, env=self.env,
            capture_output=True, text=True, timeout=timeout,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"exit {result.returncode}\nstdout: {result.stdout}\nstderr: {result.stderr}\n" + self.logs())
        return result

    def build(self, *articles, extra=(), **kwargs) -> subprocess.CompletedProcess:
        return self.cli("build", "--backend", "celery", *articles, "--voice", TINY_VOICE, *extra, **kwargs)

    def logs(self) -> str:
        return "\n".join(f"--- {log.name}\n{log.read_text(errors='replace')[-2000:]}" for log in sorted(self.root.glob("*.log")))

    def stop(self) -> None:
        for name in list(self.workers):
            process = self.workers.pop(name)
            with _suppress_lookup():
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                pass
            with _suppress_lookup():
                os.killpg(process.pid, signal.SIGKILL)  # the pool's processes too, whatever the main one did
            process.wait(10)
            assert _group_is_gone(process.pid), f"a process of worker {name} survived"


class _suppress_lookup:
    def __enter__(self):
        return self

    def __exit__(self, kind, value, traceback):
        return kind is ProcessLookupError


def _group_is_gone(pgid: int) -> bool:
    for _ in range(50):
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def new_cluster(root: Path, broker: str, s3: "S3") -> Cluster:
    """A broker (a fresh Redis database), an S3 bucket, and the environment every process of the cluster shares."""
    import redis

    redis.Redis.from_url(broker).flushdb()
    root.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update(S3_ENVIRONMENT)
    env.update(
        AWS_ENDPOINT_URL=s3.endpoint,
        AUDIO_ARTIGO_BROKER=broker,
        AUDIO_ARTIGO_STORE=f"s3://{s3.bucket}/audio-artigo",
        AUDIO_ARTIGO_OUT=str(root / "out"),
        AUDIO_ARTIGO_VOICES_DIR=str(root / "voices"),
        AUDIO_ARTIGO_VOICES_URL=UNREACHABLE_REPOSITORY,
        PYTHONPATH=str(ROOT),
    )
    env.pop("AUDIO_ARTIGO_CACHE_DIR", None)
    # What a vanished worker held goes back to the queue after 4 s (in production: 30 min).
    (root / "podcast.toml").write_text("[dist]\nvisibility_timeout = 4\n", encoding="utf-8")
    return Cluster(root, env, broker, env["AUDIO_ARTIGO_STORE"], s3)


def start_workers(cluster: Cluster, synth_launcher: list[str] | None = None) -> None:
    """Two synth workers, one publisher (``audio-artigo worker``), and prepare + assemble started by ``celery -A audio_artigo.dist worker``."""
    for name in ("synth1", "synth2"):
        cluster.start_worker(name, "--queues", "synth", "--concurrency", "1", launcher=synth_launcher)
    cluster.start_worker("publisher", "--queues", "publish")
    cluster.start_worker(
        "prepare", "-Q", "prepare,assemble", "--concurrency", "1", "--loglevel", "info",
        launcher=[sys.executable, "-m", "celery", "-A", "audio_artigo.dist", "worker"],
    )
    cluster.wait_for_workers("synth1", "synth2", "publisher", "prepare")


@pytest.fixture(scope="module")
def running_cluster(tmp_path_factory, redis_server, s3_server):
    """The cluster of the acceptance checks, shared by a module's tests."""
    cluster = new_cluster(tmp_path_factory.mktemp("cluster"), redis_server, new_bucket(s3_server))
    try:
        start_workers(cluster)
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def cluster(tmp_path, redis_server, s3_server):
    """A cluster with no worker yet (the test starts those it needs)."""
    cluster = new_cluster(tmp_path / "cluster", redis_server, new_bucket(s3_server))
    try:
        yield cluster
    finally:
        cluster.stop()
