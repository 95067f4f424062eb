"""A synth worker killed with SIGKILL in the middle of a batch: the build completes, every episode once, no partial object."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import numpy as np

from tests.conftest import TINY_VOICE
from tests.dist.conftest import start_workers, wait_for
from tests.dist.test_cluster import ARTICLES, PREFIX, catalogue_rows, feed_items

SLOWDOWN_SECONDS = 0.1
"""Added to every clip the synth workers speak, so that a batch lasts long enough to be killed in its middle."""


def test_a_synth_worker_killed_mid_batch_loses_nothing(cluster):
    marker = cluster.root / "spoken.log"
    start_workers(cluster, synth_launcher=[sys.executable, "-m", "tests.dist.slow_worker", str(marker), str(SLOWDOWN_SECONDS), "worker"])
    build = subprocess.Popen(
        [sys.executable, "-m", "audio_artigo", "build", "--backend", "celery", *ARTICLES, "--voice", str(TINY_VOICE)],
        cwd=cluster.root, env=cluster.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        # A worker process that has stored two clips of its batch (batches hold several) is in its middle.
        def busy_worker():
            lines = marker.read_text().split("\n") if marker.exists() else []
            pids = [line.split()[0] for line in lines if line]
            for pid in dict.fromkeys(pids):
                if pids.count(pid) >= 2:
                    group = os.getpgid(int(pid))
                    return next(name for name, process in cluster.workers.items() if process.pid == group)
            return None

        victim = wait_for(busy_worker, 120, "a synth worker in the middle of a batch", interval=0.02)
        spoken_before = len(marker.read_text().split("\n"))
        cluster.kill(victim)
        stdout, stderr = build.communicate(timeout=300)
    finally:
        if build.poll() is None:
            build.kill()
            build.communicate()
    assert build.returncode == 0, stderr + cluster.logs()
    assert len(marker.read_text().split("\n")) > spoken_before  # the survivor spoke the rest

    out = cluster.root / "out"
    rows = catalogue_rows(out)
    assert len(rows) == 3 and len(feed_items(out)) == 3
    assert stdout.count(str(out)) == 3

    # No partial object: every clip in the bucket is a whole entry.
    clips = cluster.s3.keys(PREFIX + "clips/")
    assert clips
    for key in clips:
        with np.load(io.BytesIO(cluster.s3.get(key))) as entry:
            assert set(entry.files) == {"pcm", "peak", "energies", "speech_samples"}
            assert len(entry["pcm"]) > 0
    assert not [key for key in cluster.s3.keys() if key.endswith(".tmp")]
