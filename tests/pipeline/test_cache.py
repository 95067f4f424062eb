"""The clip cache: entries survive only whole, broken ones are dropped, and prune keeps it bounded."""

from __future__ import annotations

import os

import numpy as np
import pytest

from audio_artigo.synthesis.cache import BrokenEntry, ClipAudio, ClipCache, EncodedClip, key_for
from tests.pipeline.conftest import run_cli


def clip(samples: int) -> ClipAudio:
    return ClipAudio(pcm=np.ones(samples, dtype=np.int16), peak=0.5, energies=np.ones(3), speech_samples=samples)


def stored(cache: ClipCache, key: str) -> bool:
    return any(cache.folder.rglob(f"{key}.npz"))


def test_keys_depend_on_every_part():
    assert len({key_for("a", "b"), key_for("ab"), key_for("a", "c")}) == 3


def test_a_clip_reads_back_and_a_broken_entry_is_removed(tmp_path):
    cache = ClipCache(tmp_path)
    cache.store_clip("ab12", clip(100))
    assert cache.load_clip("ab12").speech_samples == 100
    entry = next(tmp_path.rglob("ab12.npz"))
    entry.write_bytes(b"half a zip")
    with pytest.raises(BrokenEntry):
        cache.load_clip("ab12")
    assert not entry.exists() and not stored(cache, "ab12")


def test_prune_removes_the_least_recently_used_first(tmp_path):
    cache = ClipCache(tmp_path)
    for age, key in enumerate(["cc03", "bb02", "aa01"]):  # aa01 is the oldest
        cache.store_clip(key, clip(10_000))
        path = next(tmp_path.rglob(f"{key}.npz"))
        os.utime(path, (1_000_000 - age * 1000, 1_000_000 - age * 1000))
    cache.load_clip("aa01")  # using an entry makes it the most recent
    size = next(tmp_path.rglob("aa01.npz")).stat().st_size
    removed, freed = cache.prune(max_bytes=2 * size)
    assert removed == 1 and freed == size
    assert stored(cache, "aa01") and stored(cache, "cc03") and not stored(cache, "bb02")


def test_an_encoded_clip_reads_back_with_its_length(tmp_path):
    cache = ClipCache(tmp_path)
    cache.store_encoded("cd34", EncodedClip(frames=b"\xff\xf3" * 50, energies=np.arange(4.0), samples=1152))
    encoded = cache.load_encoded_many(["cd34"])["cd34"]
    assert encoded.frames == b"\xff\xf3" * 50 and list(encoded.energies) == [0, 1, 2, 3] and encoded.samples == 1152


def test_prune_takes_a_model_copy_as_a_whole_and_leaves_its_lock(tmp_path):
    cache = ClipCache(tmp_path)
    copy = tmp_path / "models" / "a8d5-ort1.32.0"
    copy.mkdir(parents=True)
    (copy / "voice.onnx").write_bytes(b"m" * 1000)  # loaded a moment ago: the copy was used last
    (copy / "voice.onnx.f00d.data").write_bytes(b"w" * 50_000)
    (copy / ".voice.onnx.lock").touch()
    for path in (copy / "voice.onnx.f00d.data", copy / ".voice.onnx.lock"):
        os.utime(path, (1_000_000, 1_000_000))  # older than anything else, on their own
    cache.store_clip("aa01", clip(10_000))
    entry = next(tmp_path.rglob("aa01.npz"))
    os.utime(entry, (2_000_000, 2_000_000))
    size = entry.stat().st_size

    assert cache.prune(max_bytes=60_000) == (1, size)  # the clip goes; the copy's weights go with the copy
    assert (copy / "voice.onnx").exists() and (copy / "voice.onnx.f00d.data").exists()
    assert cache.prune(max_bytes=0) == (2, 51_000)
    assert [path.name for path in copy.iterdir()] == [".voice.onnx.lock"]


def test_cache_prune_command_empties_a_cache(tmp_path, cli_env):
    ClipCache(tmp_path / ".cache").store_clip("ab12", clip(100))
    result = run_cli(["cache", "prune", "--out", tmp_path, "--max-size", "0"], cli_env)
    assert "removed 1 entries" in result.stdout
    assert not list((tmp_path / ".cache").rglob("*.npz"))


@pytest.mark.parametrize("size", ["-1G", "dez", ""])
def test_cache_prune_refuses_a_size_that_is_none(tmp_path, cli_env, size):
    ClipCache(tmp_path / ".cache").store_clip("ab12", clip(100))
    result = run_cli(["cache", "prune", "--out", tmp_path, "--max-size", size], cli_env, check=False)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert list((tmp_path / ".cache").rglob("*.npz"))
