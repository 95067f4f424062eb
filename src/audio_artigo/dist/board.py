"""The cluster's board in Redis: each article's state and progress, and the workers that are up.

Celery carries the tasks; this board is what ``build --backend celery`` and
``status`` read. It lives in the broker's Redis, so a cluster needs nothing
more to run. Each article (an *episode id*) has a hash:

    state      queued | preparing | synthesising | assembling | publishing | published | failed
    source     the article's file or URL, as given
    title      once prepared
    clips      how many clips it had to synthesise (set once, when first prepared)
    written    clips the workers wrote into the store (another build may have written some first)
    reason     why it failed (one line)
    episode    the published episode (JSON: files, duration, chapters, size)
    submitted, updated   Unix times

and a set of its clips that are in the store (``done``): adding a clip's key
twice counts it once, so a task run twice, or redelivered after a worker was
killed, never counts a clip twice. Its job (``job``, JSON) lets the synth task
that completes the set start the assembly at once (``wake``: once per article). Entries expire a week after their last
change. Workers keep a heartbeat (a key with a 30-second life, renewed every
10 seconds); the publisher holds its own, which a second publisher cannot take.
"""

from __future__ import annotations

import json
import threading
import time

from audio_artigo.errors import ClusterError

PREFIX = "audio-artigo"
RETENTION_SECONDS = 7 * 24 * 3600
HEARTBEAT_SECONDS = 10
HEARTBEAT_LIFE = 30

RUNNING = ("preparing", "synthesising", "assembling", "publishing")
FINISHED = ("published", "failed")


class Board:
    def __init__(self, broker: str):
        try:
            import redis
        except ImportError:
            raise ClusterError("the celery backend needs its extra: pip install 'audio-artigo[dist]'") from None
        if not broker.startswith(("redis://", "rediss://", "unix://")):
            raise ClusterError(f"the broker {broker} is not a Redis URL (redis://HOST:6379/0)")
        self.broker = broker
        self._errors = (redis.RedisError, OSError)
        # Seconds, not Celery's minutes of retries, before a broker that cannot be reached is reported.
        self.redis = redis.Redis.from_url(
            broker, socket_connect_timeout=3, socket_timeout=15, decode_responses=True, health_check_interval=30
        )

    def check(self) -> None:
        try:
            self.redis.ping()
        except self._errors as exc:
            raise self.unreachable(exc) from None

    def unreachable(self, exc: BaseException) -> ClusterError:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        return ClusterError(f"cannot reach the broker {_without_password(self.broker)}: {reason}")

    def _key(self, *parts: str) -> str:
        return ":".join((PREFIX, *parts))

    # Articles --------------------------------------------------------------

    def submitted(self, episode_id: str, source: str) -> None:
        """A new submission of an article: its earlier state (a failed try, a count of its clips) is forgotten."""
        now = time.time()
        key = self._key("episode", episode_id)
        with self.redis.pipeline() as pipe:
            pipe.delete(key, *(self._key("episode", episode_id, part) for part in ("done", "job", "woken")))
            pipe.hset(key, mapping={"id": episode_id, "state": "queued", "source": source, "submitted": now, "updated": now})
            pipe.expire(key, RETENTION_SECONDS)
            pipe.zadd(self._key("episodes"), {episode_id: now})
            pipe.execute()

    def update(self, episode_id: str, **fields) -> None:
        key = self._key("episode", episode_id)
        values = {name: json.dumps(value) if isinstance(value, (dict, list)) else value for name, value in fields.items()}
        with self.redis.pipeline() as pipe:
            pipe.hset(key, mapping={**values, "updated": time.time()})
            pipe.expire(key, RETENTION_SECONDS)
            pipe.execute()

    def set_clips(self, episode_id: str, count: int) -> None:
        """How many clips the article had to synthesise, when first prepared (a second preparation finds fewer)."""
        self.redis.hsetnx(self._key("episode", episode_id), "clips", count)

    def clips_done(self, episode_id: str, keys: list[str], written: int = 0) -> bool:
        """Count ``keys`` as in the store; whether every clip of the article now is."""
        done = self._key("episode", episode_id, "done")
        with self.redis.pipeline() as pipe:
            if keys:
                pipe.sadd(done, *keys)
            pipe.expire(done, RETENTION_SECONDS)
            if written:
                pipe.hincrby(self._key("episode", episode_id), "written", written)
            pipe.scard(done)
            pipe.hget(self._key("episode", episode_id), "clips")
            *_, count, clips = pipe.execute()
        return clips is not None and count >= int(clips)

    def keep_job(self, episode_id: str, job: str) -> None:
        """The article's job (JSON), for whoever completes its clips to start its assembly (``wake``)."""
        self.redis.set(self._key("episode", episode_id, "job"), job, ex=RETENTION_SECONDS)

    def wake(self, episode_id: str) -> str | None:
        """The article's job, to the first who asks once its clips are all in the store; None to the others."""
        if not self.redis.set(self._key("episode", episode_id, "woken"), 1, nx=True, ex=RETENTION_SECONDS):
            return None
        return self.redis.get(self._key("episode", episode_id, "job"))

    def failed(self, episode_id: str, reason: str) -> None:
        self.update(episode_id, state="failed", reason=" ".join(reason.split()))

    def get(self, episode_id: str) -> dict:
        return self.get_many([episode_id])[0]

    def get_many(self, episode_ids: list[str]) -> list[dict]:
        with self.redis.pipeline() as pipe:
            for episode_id in episode_ids:
                pipe.hgetall(self._key("episode", episode_id))
                pipe.scard(self._key("episode", episode_id, "done"))
            replies = pipe.execute()
        records = []
        for record, done in zip(replies[::2], replies[1::2]):
            if record:
                record["done"] = done
                for name in ("clips", "written"):
                    record[name] = int(record.get(name) or 0)
                for name in ("submitted", "updated"):
                    record[name] = float(record.get(name) or 0)
                if "episode" in record:
                    record["episode"] = json.loads(record["episode"])
            records.append(record)
        return records

    def recent(self, limit: int = 1000) -> list[dict]:
        """The articles submitted lately, newest first (those whose entry has expired are dropped from the index)."""
        ids = self.redis.zrevrange(self._key("episodes"), 0, limit - 1)
        records = self.get_many(ids) if ids else []
        gone = [episode_id for episode_id, record in zip(ids, records) if not record]
        if gone:
            self.redis.zrem(self._key("episodes"), *gone)
        return [record for record in records if record]

    # Workers ---------------------------------------------------------------

    def heartbeat(self, name: str, info: dict) -> None:
        self.redis.set(self._key("worker", name), json.dumps(info), ex=HEARTBEAT_LIFE)

    def workers(self) -> list[dict]:
        keys = list(self.redis.scan_iter(self._key("worker", "*"), count=500))
        values = self.redis.mget(keys) if keys else []
        return sorted((json.loads(value) for value in values if value), key=lambda worker: worker.get("name", ""))

    def forget_worker(self, name: str) -> None:
        self.redis.delete(self._key("worker", name))

    def claim_publisher(self, owner: str) -> str | None:
        """Become the cluster's one publisher; returns who holds it when another does."""
        key = self._key("publisher")
        if self.redis.set(key, owner, nx=True, ex=HEARTBEAT_LIFE) or self.redis.get(key) == owner:
            return None
        return self.redis.get(key) or "another worker"

    def renew_publisher(self, owner: str) -> None:
        key = self._key("publisher")
        if self.redis.get(key) in (owner, None):
            self.redis.set(key, owner, ex=HEARTBEAT_LIFE)

    def release_publisher(self, owner: str) -> None:
        key = self._key("publisher")
        if self.redis.get(key) == owner:
            self.redis.delete(key)


class Heartbeat:
    """Renews a worker's heartbeat (and the publisher's claim) in a thread until stopped."""

    def __init__(self, board: Board, name: str, info: dict, publisher: str | None = None):
        self.board, self.name, self.info, self.publisher = board, name, info, publisher
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="audio-artigo heartbeat", daemon=True)

    def start(self) -> "Heartbeat":
        self._beat()
        self._thread.start()
        return self

    def _beat(self) -> None:
        try:
            self.board.heartbeat(self.name, self.info)
            if self.publisher:
                self.board.renew_publisher(self.publisher)
        except self.board._errors:
            pass  # the broker is away: Celery reconnects, and so will the next beat

    def _run(self) -> None:
        while not self._stop.wait(HEARTBEAT_SECONDS):
            self._beat()

    def stop(self) -> None:
        self._stop.set()
        try:
            self.board.forget_worker(self.name)
            if self.publisher:
                self.board.release_publisher(self.publisher)
        except self.board._errors:
            pass


def _without_password(url: str) -> str:
    import urllib.parse

    parts = urllib.parse.urlsplit(url)
    if parts.password:
        netloc = f"{parts.username or ''}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
        return urllib.parse.urlunsplit(parts._replace(netloc=netloc))
    return url
