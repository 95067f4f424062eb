"""What the build's processes hold: threads that would compete with onnxruntime, memory freed but kept, workers kept idle."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time

import pytest

from audio_artigo.build import BuildOptions, build
from audio_artigo.voices.cast import VoiceRequest
from audio_artigo.synthesis import piper_engine, pool
from tests.conftest import TINY_VOICE
from tests.pipeline.conftest import build_note

THREADS_AFTER_IMPORTS = (
    "import os; import audio_artigo.cli, numpy; "
    "print(len(os.listdir('/proc/self/task')), os.environ.get('OPENBLAS_NUM_THREADS'))"
)


def threads_after_imports(env: dict) -> tuple[int, str]:
    out = subprocess.run([sys.executable, "-c", THREADS_AFTER_IMPORTS], env=env, capture_output=True, text=True, check=True)
    threads, setting = out.stdout.split()
    return int(threads), setting


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2 or not os.path.isdir("/proc/self/task"), reason="needs 2 CPUs and /proc")
def test_the_command_line_runs_numpys_blas_without_extra_threads():
    env = {key: value for key, value in os.environ.items() if key != "OPENBLAS_NUM_THREADS"}
    assert threads_after_imports(env) == (1, "1")
    assert threads_after_imports({**env, "OPENBLAS_NUM_THREADS": "2"}) == (2, "2")  # the user's choice is kept


def test_a_voice_loaded_ahead_but_not_used_gives_its_memory_back(tmp_path, loads, monkeypatch):
    given_back = []
    monkeypatch.setattr(pool, "give_back_freed_memory", lambda: given_back.append(True))
    article = tmp_path / "nota.txt"
    sentences = " ".join(f"A Defesa Civil emitiu o alerta número {n} para a região." for n in range(12))
    article.write_text(f"Nota\n\n{sentences}\n", encoding="utf-8")
    build([article], BuildOptions(out_dir=tmp_path / "out", voices=VoiceRequest(voice=str(TINY_VOICE), offline=True), workers=2))
    assert given_back == [True]  # the work went to worker processes: the warm-up's voice was let go, once


def test_making_a_voice_copy_gives_back_what_it_took_and_loading_it_has_nothing_to_give(tmp_path, loads, monkeypatch):
    given_back = []
    monkeypatch.setattr(piper_engine, "give_back_freed_memory", lambda: given_back.append(True))
    build_note(tmp_path, TINY_VOICE, "A Defesa Civil emitiu um alerta.")
    assert given_back == [True]  # the copy was made
    pool._idle_worker = None  # as in a new process: the voice is loaded again, from the copy
    build_note(tmp_path, TINY_VOICE, "A Defesa Civil emitiu dois alertas.")
    assert given_back == [True]


def test_worker_processes_are_let_go_before_the_mp3_is_assembled_unless_another_article_follows(tmp_path, loads, monkeypatch):
    import psutil

    from audio_artigo import episode

    workers_at_assembly = []
    real_write_mp3 = episode._write_mp3

    def workers() -> list:
        alive = []
        for child in psutil.Process().children():
            with contextlib.suppress(psutil.ZombieProcess, psutil.NoSuchProcess):  # exited
                if "spawn_main" in " ".join(child.cmdline()):
                    alive.append(child)
        return alive

    def write_mp3_noting_workers(*args):
        if workers_at_assembly:  # the last article: workers let go may still be exiting, give them 10 s
            deadline = time.monotonic() + 10
            while workers() and time.monotonic() < deadline:
                time.sleep(0.02)  # not reaped here: the pool joins them
        workers_at_assembly.append(len(workers()))
        real_write_mp3(*args)

    monkeypatch.setattr(episode, "_write_mp3", write_mp3_noting_workers)
    articles = []
    for name in ("primeira", "segunda"):
        article = tmp_path / f"{name}.txt"
        sentences = " ".join(f"A Defesa Civil da {name} região emitiu o alerta número {n}." for n in range(12))
        article.write_text(f"Nota {name}\n\n{sentences}\n", encoding="utf-8")
        articles.append(article)
    build(articles, BuildOptions(out_dir=tmp_path / "out", voices=VoiceRequest(voice=str(TINY_VOICE), offline=True), workers=2))
    assert workers_at_assembly == [2, 0]  # kept for the second article; gone before the last MP3
