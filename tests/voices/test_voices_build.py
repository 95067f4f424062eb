"""`build` and voices: installed by name, downloaded when missing, refused when broken."""

from __future__ import annotations

from pathlib import Path

import pytest
from mutagen.id3 import ID3
from test_voices_cli import BENCH, TINY, audio_artigo

ARTICLE_TEXT = "Nota da redação\n\nA prefeitura abriu 200 vagas em 3 escolas.\n\n“Vamos ampliar”, disse a secretária.\n"


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "nota.txt"
    path.write_text(ARTICLE_TEXT, encoding="utf-8")
    return path


def made_with(mp3: Path) -> str:
    return str(ID3(mp3)["TSSE"])


def test_build_downloads_the_default_voice_when_it_is_missing(repository, tiny_voice, voices_folder, article, tmp_path):
    repository.add_voice(tiny_voice, name="pt_BR-faber-medium")
    run = audio_artigo("build", str(article), "--out", str(tmp_path / "out"), voices_folder=voices_folder, repo_url=repository.url)
    assert run.returncode == 0, run.stderr
    assert (voices_folder / "pt_BR-faber-medium.onnx").exists()
    assert "piper pt_BR-faber-medium" in made_with(tmp_path / "out" / "nota.mp3")
    assert "warning" not in run.stderr


def test_build_offline_with_no_voice_falls_back_to_espeak(repository, tiny_voice, voices_folder, article, tmp_path):
    repository.add_voice(tiny_voice, name="pt_BR-faber-medium")
    run = audio_artigo("build", str(article), "--offline", "--out", str(tmp_path / "out"), voices_folder=voices_folder, repo_url=repository.url)
    assert run.returncode == 0, run.stderr
    assert repository.requests == []  # offline means offline
    assert run.stderr.count("warning") == 1
    assert "espeak" in made_with(tmp_path / "out" / "nota.mp3")


def test_build_refuses_an_installed_voice_truncated_after_install(tiny_repository, voices_folder, article, tmp_path):
    """Acceptance check 3: exit 2, one line naming the file, before onnxruntime runs."""
    audio_artigo("voices", "download", TINY, voices_folder=voices_folder, repo_url=tiny_repository.url)
    model = voices_folder / f"{TINY}.onnx"
    with open(model, "r+b") as handle:
        handle.truncate(model.stat().st_size - 4096)
    out = tmp_path / "out"
    run = audio_artigo("build", str(article), "--voice", TINY, "--out", str(out), voices_folder=voices_folder)
    assert run.returncode == 2
    assert len(run.stderr.strip().splitlines()) == 1 and "Traceback" not in run.stderr
    assert f"{TINY}.onnx" in run.stderr and "onnxruntime" not in run.stderr.lower()
    assert not list(out.glob("*.mp3")) if out.exists() else True


@pytest.mark.slow
def test_build_uses_the_bench_voice_installed_from_a_mirror(repository, voices_folder, shared, article, tmp_path):
    """Acceptance check 1: download, verify, then `build --voice NAME` uses it."""
    repository.add_voice(shared / "voices" / f"{BENCH}.onnx")
    assert audio_artigo("voices", "download", BENCH, voices_folder=voices_folder, repo_url=repository.url).returncode == 0
    assert audio_artigo("voices", "verify", voices_folder=voices_folder).returncode == 0
    run = audio_artigo("build", str(article), "--voice", BENCH, "--out", str(tmp_path / "out"), voices_folder=voices_folder)
    assert run.returncode == 0, run.stderr
    assert f"piper {BENCH}" in made_with(tmp_path / "out" / "nota.mp3")
