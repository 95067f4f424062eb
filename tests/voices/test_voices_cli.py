"""The `audio-artigo voices` commands, run as a user would, against a local repository."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from voice_repository import final_files, part_files

TINY = "pt_BR-tiny-x_low"
BENCH = "pt_BR-bench-x_low"


def audio_artigo(*args: str, voices_folder: Path, repo_url: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "AUDIO_ARTIGO_VOICES_DIR": str(voices_folder)}
    env.pop("AUDIO_ARTIGO_VOICES_URL", None)
    if repo_url:
        env["AUDIO_ARTIGO_VOICES_URL"] = repo_url
    return subprocess.run(
        [sys.executable, "-m", "audio_artigo", *args],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )


def test_download_verify_list_remove(tiny_repository, voices_folder):
    run = audio_artigo("voices", "download", TINY, voices_folder=voices_folder, repo_url=tiny_repository.url)
    assert run.returncode == 0, run.stderr
    assert f"{TINY}: installed" in run.stdout and "SHA-256" in run.stdout

    again = audio_artigo("voices", "download", TINY, voices_folder=voices_folder, repo_url=tiny_repository.url)
    assert again.returncode == 0 and "already installed" in again.stdout

    verify = audio_artigo("voices", "verify", voices_folder=voices_folder)
    assert verify.returncode == 0, verify.stderr
    assert verify.stdout.startswith(f"ok      {TINY} (pt_BR, x_low, 16000 Hz, 1 speaker)")

    listing = audio_artigo("voices", "list", voices_folder=voices_folder)
    assert listing.returncode == 0
    assert listing.stdout.splitlines()[1].split() == [TINY, "pt_BR", "x_low", "16000", "1", "ok"]

    remove = audio_artigo("voices", "remove", TINY, voices_folder=voices_folder)
    assert remove.returncode == 0 and remove.stdout.count("removed") == 3
    assert list(voices_folder.iterdir()) == []


def test_download_from_a_corrupted_mirror_fails_in_one_line(tiny_repository, voices_folder):
    """Acceptance check 2, with the tiny voice."""
    tiny_repository.fault(TINY, ".onnx", "corrupt")
    run = audio_artigo("voices", "download", TINY, voices_folder=voices_folder, repo_url=tiny_repository.url)
    assert run.returncode != 0
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr
    assert "MD5" in run.stderr
    assert final_files(voices_folder, TINY) == [] and part_files(voices_folder) == []


def test_verify_a_voice_truncated_after_install_exits_2(tiny_repository, voices_folder):
    audio_artigo("voices", "download", TINY, voices_folder=voices_folder, repo_url=tiny_repository.url)
    model = voices_folder / f"{TINY}.onnx"
    with open(model, "r+b") as handle:
        handle.truncate(model.stat().st_size - 100)

    run = audio_artigo("voices", "verify", TINY, voices_folder=voices_folder)

    assert run.returncode == 2
    assert run.stdout.startswith(f"broken  {model}: truncated")
    assert len(run.stdout.splitlines()) == 1
    listing = audio_artigo("voices", "list", voices_folder=voices_folder)
    assert listing.stdout.splitlines()[1].split()[-1] == "broken"


def test_available_lists_the_manifest(tiny_repository, voices_folder):
    run = audio_artigo("voices", "available", "--lang", "pt", "--repo-url", tiny_repository.url, voices_folder=voices_folder)
    assert run.returncode == 0, run.stderr
    names = [line.split()[0] for line in run.stdout.splitlines()[1:]]
    assert names == [TINY, "pt_BR-tinymulti-x_low"]


def test_download_without_a_network_fails_in_one_line(voices_folder):
    run = audio_artigo("voices", "download", TINY, voices_folder=voices_folder, repo_url="http://voices.invalid")
    assert run.returncode == 2
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr
    assert "voices.invalid" in run.stderr


@pytest.mark.slow
def test_the_bench_voice_through_a_local_mirror(repository, voices_folder, shared):
    """Acceptance checks 1 and 2 with the bench x_low voice."""
    repository.add_voice(shared / "voices" / f"{BENCH}.onnx")

    repository.fault(BENCH, ".onnx", "corrupt")
    failed = audio_artigo("voices", "download", BENCH, voices_folder=voices_folder, repo_url=repository.url)
    assert failed.returncode != 0 and len(failed.stderr.strip().splitlines()) == 1
    assert not (voices_folder / f"{BENCH}.onnx").exists()

    repository.faults.clear()
    run = audio_artigo("voices", "download", BENCH, voices_folder=voices_folder, repo_url=repository.url)
    assert run.returncode == 0, run.stderr
    verify = audio_artigo("voices", "verify", voices_folder=voices_folder)
    assert verify.returncode == 0 and verify.stdout.startswith(f"ok      {BENCH}")


def test_download_without_names_gets_the_whole_default_cast(repository, tiny_voice, tiny_multi_voice, voices_folder):
    for name in ("pt_BR-faber-medium", "pt_BR-cadu-medium", "pt_BR-jeff-medium"):
        repository.add_voice(tiny_voice, name)
    repository.add_voice(tiny_multi_voice, "pt_BR-edresson-low")
    run = audio_artigo("voices", "download", voices_folder=voices_folder, repo_url=repository.url)
    assert run.returncode == 0, run.stderr
    cast = ["pt_BR-faber-medium", "pt_BR-cadu-medium", "pt_BR-jeff-medium", "pt_BR-edresson-low"]
    assert [line.split(":")[0] for line in run.stdout.splitlines()] == cast
    assert sorted(path.name for path in voices_folder.glob("*.onnx")) == sorted(f"{name}.onnx" for name in cast)
