"""Running the real CLI in a subprocess, with no voice installed and no network."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

UNREACHABLE_REPOSITORY = "http://127.0.0.1:9/"  # the discard port: connection refused at once


@pytest.fixture
def cli_env(tmp_path):
    env = dict(os.environ)
    env["AUDIO_ARTIGO_VOICES_DIR"] = str(tmp_path / "voices")
    env["AUDIO_ARTIGO_VOICES_URL"] = UNREACHABLE_REPOSITORY
    env.pop("AUDIO_ARTIGO_CACHE_DIR", None)
    return env


def run_cli(args: list[str], env: dict, cwd: Path | None = None, check: bool = True, timeout: float = 600) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "audio_artigo", *map(str, args)],
        env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"exit {result.returncode}\nstdout: {result.stdout}\nstderr: {result.stderr}")
    return result
