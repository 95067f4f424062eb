"""What cannot be reached, or must not run twice, is one line and exit 2, in seconds."""

from __future__ import annotations

import time

from tests.conftest import EXAMPLES
from tests.dist.conftest import free_port

ARTICLE = EXAMPLES / "ia-xangai.txt"


def one_line_error(result, *fragments: str) -> str:
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("audio-artigo: error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0]
    return lines[0]


def timed(function):
    start = time.monotonic()
    result = function()
    return result, time.monotonic() - start


def test_a_broker_that_cannot_be_reached_is_one_line_in_seconds(cluster):
    cluster.env["AUDIO_ARTIGO_BROKER"] = f"redis://127.0.0.1:{free_port()}/0"
    for command in (["build", "--backend", "celery", ARTICLE], ["status"], ["worker", "--queues", "synth"]):
        result, seconds = timed(lambda: cluster.cli(*command, check=False, timeout=60))
        one_line_error(result, "cannot reach the broker redis://127.0.0.1:")
        assert seconds < 15
    assert not (cluster.root / "out").exists()


def test_a_store_that_cannot_be_reached_is_one_line_in_seconds(cluster):
    cluster.env["AWS_ENDPOINT_URL"] = f"http://127.0.0.1:{free_port()}"
    result, seconds = timed(lambda: cluster.build(ARTICLE, check=False, timeout=120))
    one_line_error(result, f"the clip store {cluster.store} cannot be used")
    assert seconds < 30
    cluster.env["AUDIO_ARTIGO_STORE"] = "s3://no-such-bucket/x"
    cluster.env["AWS_ENDPOINT_URL"] = cluster.s3.endpoint
    one_line_error(cluster.build(ARTICLE, check=False), "no-such-bucket", "does not exist")


def test_the_celery_backend_needs_a_store_and_readable_articles_before_anything_is_queued(cluster):
    del cluster.env["AUDIO_ARTIGO_STORE"]
    one_line_error(cluster.build(ARTICLE, check=False), "AUDIO_ARTIGO_STORE")
    cluster.env["AUDIO_ARTIGO_STORE"] = cluster.store
    one_line_error(cluster.build(ARTICLE, cluster.root / "nope.txt", check=False), "nope.txt")
    for local_only in (["--no-cache"], ["--workers", "2"]):  # not silently ignored
        one_line_error(cluster.build(ARTICLE, extra=local_only, check=False), "are for a local build")
    status = cluster.cli("status").stdout
    assert "0 queued, 0 running, 0 failed" in status


def test_the_publish_queue_has_one_worker_with_one_process(cluster):
    one_line_error(cluster.cli("worker", "--queues", "publish", "--concurrency", "2", check=False), "--concurrency 1")
    one_line_error(cluster.cli("worker", "--queues", "synth,typo", check=False), "unknown queue 'typo'")
    cluster.start_worker("publisher", "--queues", "publish")
    cluster.wait_for_workers("publisher")
    second = cluster.cli("worker", "--queues", "publish", "--out", cluster.root / "elsewhere", check=False, timeout=60)
    assert second.returncode == 2
    assert "another publisher holds the publish queue" in second.stderr
    assert "publishing into" in cluster.cli("status").stdout
