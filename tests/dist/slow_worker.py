"""A real worker whose synthesis is slowed down and observable, so a test can kill it in the middle of a batch.

    python -m tests.dist.slow_worker MARKER SECONDS worker ARGS...

Each clip this worker's processes synthesise takes SECONDS longer; after
storing each one, the process appends a line to MARKER ("PID KEY"): two
lines from one process and the batch is under way, with more to come.
"""

from __future__ import annotations

import os
import sys
import time

from audio_artigo.synthesis import pool


def main() -> None:
    marker, seconds, *argv = sys.argv[1:]
    real = pool.ClipWorker.synthesize

    def slow_synthesize(self, job):
        time.sleep(float(seconds))
        result = real(self, job)
        with open(marker, "a", encoding="utf-8") as log:
            log.write(f"{os.getpid()} {job.key}\n")
        return result

    pool.ClipWorker.synthesize = slow_synthesize
    from audio_artigo.cli import main as cli

    cli(argv)


if __name__ == "__main__":
    main()
