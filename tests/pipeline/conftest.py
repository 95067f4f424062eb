"""Running the real CLI in a subprocess (no voice installed, no network), or a build in this process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from audio_artigo.build import BuildOptions, build
from audio_artigo.voices.cast import VoiceRequest
from audio_artigo.synthesis import pool
from audio_artigo.synthesis.piper_engine import PiperModel

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


@pytest.fixture
def loads(monkeypatch):
    """The model file of every Piper voice loaded in this process, in order; no voice kept from other tests."""
    monkeypatch.setattr(pool, "_idle_worker", None)
    loaded = []
    real_init = PiperModel.__init__

    def observed_init(self, spec, threads, models):
        loaded.append(spec.model)
        real_init(self, spec, threads, models)

    monkeypatch.setattr(PiperModel, "__init__", observed_init)
    return loaded


@pytest.fixture
def piper_calls(monkeypatch):
    """Every (text, VoiceSpec) the real Piper engine speaks in this process (workers=1 builds)."""
    from audio_artigo.synthesis.piper_engine import PiperModel

    calls = []
    real_speak = PiperModel.speak

    def observed_speak(self, text, spec):
        calls.append((text, spec))
        return real_speak(self, text, spec)

    monkeypatch.setattr(PiperModel, "speak", observed_speak)
    return calls


def build_note(tmp_path, voice, sentence: str):
    article = tmp_path / "nota.txt"
    article.write_text(f"Nota\n\n{sentence}\n", encoding="utf-8")
    options = BuildOptions(out_dir=tmp_path / "out", voices=VoiceRequest(voice=str(voice), offline=True), workers=1)
    (episode,) = build([article], options)
    return episode


def audio_frames(mp3: bytes) -> bytes:
    """An MP3's bytes after its ID3v2 tag (whose size is a "syncsafe" integer: 7 bits per byte)."""
    size = 0
    for byte in mp3[6:10]:
        size = size << 7 | byte & 0x7F
    return mp3[10 + size :]
