"""Voices in this process: loaded ahead while the article is read, and kept for the next build."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import threading

from audio_artigo.synthesis import pool
from audio_artigo.synthesis.piper_engine import optimized_copy
from audio_artigo.synthesis.voice import VoiceSpec
from tests.conftest import TINY_MULTI_VOICE, TINY_VOICE
from tests.pipeline.conftest import build_note, run_cli


def test_a_voice_stays_loaded_for_the_next_build_in_this_process(tmp_path, loads):
    build_note(tmp_path, TINY_VOICE, "A Defesa Civil emitiu um alerta.")
    build_note(tmp_path, TINY_VOICE, "A Defesa Civil emitiu dois alertas.")
    assert loads == [str(TINY_VOICE.resolve())]


def test_a_voice_file_replaced_in_place_is_loaded_again(tmp_path, loads):
    voice = tmp_path / "pt_BR-redacao-x_low.onnx"
    for source in (TINY_VOICE, TINY_MULTI_VOICE):
        shutil.copy(source, voice)
        shutil.copy(f"{source}.json", f"{voice}.json")
        build_note(tmp_path, voice, "A Defesa Civil emitiu um alerta.")
    assert loads == [str(voice.resolve())] * 2


def test_a_build_that_speaks_nothing_new_keeps_the_warmed_voice(tmp_path, loads):
    first = build_note(tmp_path, TINY_VOICE, "A Defesa Civil emitiu um alerta.")
    pool._idle_worker = None  # as in a new process
    again = build_note(tmp_path, TINY_VOICE, "A Defesa Civil emitiu um alerta.")
    assert again.audio_file == first.audio_file
    build_note(tmp_path, TINY_VOICE, "A Defesa Civil emitiu dois alertas.")
    assert len(loads) == 2  # the first build's, and the warm-up's of the second, used by the third


def test_a_build_waits_only_a_few_seconds_for_a_model_copy_another_process_is_making(tmp_path, cli_env):
    out = tmp_path / "out"
    spec = VoiceSpec(engine="piper", name="tiny", model=str(TINY_VOICE), digest=hashlib.sha256(TINY_VOICE.read_bytes()).hexdigest())
    copy = optimized_copy(spec, out / ".cache" / "models")
    copy.parent.mkdir(parents=True)
    article = tmp_path / "nota.txt"
    article.write_text("Nota\n\nA Defesa Civil emitiu um alerta.\n", encoding="utf-8")
    with open(copy.with_name(f".{copy.name}.lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # as a build that stopped while making the copy
        run_cli(["build", article, "--voice", TINY_VOICE, "--out", out], cli_env, timeout=60)  # fails if it waits for good
        assert (out / "nota.mp3").exists() and not copy.exists()
    article.write_text("Nota\n\nA Defesa Civil emitiu dois alertas.\n", encoding="utf-8")
    run_cli(["build", article, "--voice", TINY_VOICE, "--out", out], cli_env)
    assert copy.exists()


def test_a_build_waiting_for_a_model_copy_makes_it_when_the_other_process_gives_up(tmp_path, loads):
    spec = VoiceSpec(engine="piper", name="tiny", model=str(TINY_VOICE), digest=hashlib.sha256(TINY_VOICE.read_bytes()).hexdigest())
    copy = optimized_copy(spec, tmp_path / "out" / ".cache" / "models")
    copy.parent.mkdir(parents=True)
    with open(copy.with_name(f".{copy.name}.lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another process making the copy, which gives up after 0.3 s
        threading.Timer(0.3, fcntl.flock, (lock, fcntl.LOCK_UN)).start()
        build_note(tmp_path, TINY_VOICE, "A Defesa Civil emitiu um alerta.")
    assert copy.exists()  # made by the build once the lock was free, not skipped


def test_loading_a_model_copy_marks_it_used_for_the_cache_prune(tmp_path, cli_env):
    article = tmp_path / "nota.txt"
    article.write_text("Nota\n\nA Defesa Civil emitiu um alerta.\n", encoding="utf-8")
    out = tmp_path / "out"
    run_cli(["build", article, "--voice", TINY_VOICE, "--out", out], cli_env)
    (model,) = (out / ".cache" / "models").glob("*/voice.onnx")
    os.utime(model, (1_000_000, 1_000_000))
    article.write_text("Nota\n\nA Defesa Civil emitiu dois alertas.\n", encoding="utf-8")
    run_cli(["build", article, "--voice", TINY_VOICE, "--out", out], cli_env)
    assert model.stat().st_mtime > 1_000_000


def _jobs(*lengths: int) -> list[pool.SynthesisJob]:
    voice = VoiceSpec(engine="espeak", name="eSpeak NG pt-br")
    return [pool.SynthesisJob(f"job{number}", voice, "x" * length) for number, length in enumerate(lengths)]


def test_each_generation_of_workers_takes_its_part_of_the_article_longest_first():
    jobs = _jobs(1, 5, 3, 2, 9, 4)
    ordered = pool.longest_first_by_generation(jobs, first=2, generation=3)
    assert [len(job.text) for job in ordered] == [5, 1, 9, 3, 2, 4]


def test_a_second_article_first_fills_what_the_running_workers_have_left(tmp_path):
    from audio_artigo.synthesis.cache import ClipCache

    workers = pool.Pool(ClipCache(tmp_path), 22050, workers=2)
    generation = 2 * pool.TASKS_PER_WORKER
    assert workers._room_in_generation() == generation  # none running: a whole generation
    workers._executor, workers._tasks_given = object(), generation - 7  # as after an earlier article
    assert workers._room_in_generation() == 7
    workers._tasks_given = generation
    assert workers._room_in_generation() == generation  # they are replaced before the next task


def test_a_worker_lets_go_of_its_voices_and_speaks_again_after_loading_them_anew(tmp_path, loads):
    """What a long-lived process (a cluster's synth worker) does instead of being replaced to bound its memory."""
    from audio_artigo.synthesis.cache import ClipCache, key_for

    spec = VoiceSpec(engine="piper", name="tiny", model=str(TINY_VOICE), digest=hashlib.sha256(TINY_VOICE.read_bytes()).hexdigest())
    worker = pool.ClipWorker(ClipCache(tmp_path / "cache"), 16000, threads=1)
    for text in ("Primeira frase.", "Segunda frase."):
        worker.synthesize(pool.SynthesisJob(key_for(text), spec, text))
    assert worker.spoken == 2 and worker.engines

    worker.let_go_of_voices()
    assert worker.spoken == 0 and not worker.engines
    result = worker.synthesize(pool.SynthesisJob(key_for("Terceira frase."), spec, "Terceira frase."))
    assert result.stored and worker.spoken == 1
    assert loads == [str(TINY_VOICE.resolve())] * 2  # loaded again, once
