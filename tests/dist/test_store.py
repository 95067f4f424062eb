"""The clip store: a folder or an S3 bucket (moto's server), written only if absent and atomically."""

from __future__ import annotations

import concurrent.futures
import dataclasses
import shutil
from pathlib import Path

import numpy as np
import pytest

from audio_artigo.dist.settings import dist_settings, store_url
from audio_artigo.errors import ConfigError, StoreError, VoiceError
from audio_artigo.synthesis.cache import ClipAudio, ClipCache
from audio_artigo.synthesis.store import FsspecStore, LocalStore, open_store
from audio_artigo.synthesis.voice import VoiceSpec
from tests.conftest import TINY_VOICE
from tests.dist.conftest import free_port


def clip(samples: int) -> ClipAudio:
    return ClipAudio(pcm=np.arange(samples, dtype=np.int16), peak=0.5, energies=np.ones(3), speech_samples=samples)


@pytest.fixture(params=["folder", "s3"])
def store(request, tmp_path):
    if request.param == "folder":
        return open_store(f"file://{tmp_path}/store")
    s3 = request.getfixturevalue("s3")
    return open_store(f"s3://{s3.bucket}/prefix")


def test_an_entry_is_written_once_and_the_first_one_stays(store):
    assert store.create("clips/ab/ab12.npz", b"first") is True
    assert store.create("clips/ab/ab12.npz", b"second") is False
    assert store.read_many(["clips/ab/ab12.npz", "clips/cd/none.npz"]) == {"clips/ab/ab12.npz": b"first"}
    assert store.missing(["clips/ab/ab12.npz", "clips/cd/none.npz"]) == {"clips/cd/none.npz"}
    store.replace("records/gain.json", b"1")
    store.replace("records/gain.json", b"2")
    with store.open("records/gain.json") as handle:
        assert handle.read() == b"2"


def test_writers_racing_on_one_entry_leave_one_whole_entry(store):
    payloads = [bytes([number]) * 50_000 for number in range(8)]
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        won = list(pool.map(lambda data: store.create("clips/ee/race.npz", data), payloads))
    assert won.count(True) == 1
    assert store.read_many(["clips/ee/race.npz"])["clips/ee/race.npz"] == payloads[won.index(True)]


def test_a_folder_store_leaves_no_temporary_file(tmp_path):
    store = open_store(f"file://{tmp_path}/store")
    assert isinstance(store, LocalStore) and store.shared
    store.create("clips/ab/x.npz", b"x")
    store.create("clips/ab/x.npz", b"y")
    assert sorted(path.name for path in (tmp_path / "store").rglob("*") if path.is_file()) == ["x.npz"]


def test_a_clip_cache_on_s3_keeps_clips_and_records_and_its_voice_copies_on_this_machine(s3, tmp_path):
    cache = ClipCache.open(f"s3://{s3.bucket}/cache", tmp_path / "local")
    assert isinstance(cache.store, FsspecStore)
    assert cache.store_clip("ab12", clip(100)) is True
    assert cache.store_clip("ab12", clip(200)) is False  # the first one stays
    assert cache.load_clip("ab12").speech_samples == 100
    assert set(cache.load_clips(["ab12", "cd34"], with_audio=False)) == {"ab12"}
    assert cache.missing("clips", ["ab12", "cd34"]) == {"cd34"}
    cache.write_record("gain-x", {"gain_db": 1.5})
    assert cache.read_record("gain-x") == {"gain_db": 1.5}
    assert cache.models == tmp_path / "local" / "models"
    assert set(s3.keys()) == {"cache/clips/ab/ab12.npz", "cache/records/gain-x.json"}


def test_a_worker_without_the_voice_file_fetches_it_from_the_store_once(s3, tmp_path):
    copy = tmp_path / "voice" / TINY_VOICE.name
    copy.parent.mkdir()
    shutil.copy(TINY_VOICE, copy)
    shutil.copy(f"{TINY_VOICE}.json", f"{copy}.json")
    submitter = ClipCache.open(f"s3://{s3.bucket}/c", tmp_path / "submitter")
    spec = VoiceSpec(engine="piper", name="tiny", model=str(copy), digest=submitter.file_digest(copy), sample_rate=16000)
    submitter.share_voice(spec)
    assert {key.rsplit("/", 1)[1] for key in s3.keys("c/voices/")} == {f"{spec.digest}.onnx", f"{spec.digest}.onnx.json"}

    worker = ClipCache.open(f"s3://{s3.bucket}/c", tmp_path / "worker")
    assert worker.local_voice(spec) == spec  # the file is on this machine too
    shutil.rmtree(copy.parent)
    fetched = worker.local_voice(spec)
    assert Path(fetched.model).read_bytes() == TINY_VOICE.read_bytes()
    assert Path(f"{fetched.model}.json").is_file()
    assert dataclasses.replace(fetched, model=spec.model) == spec
    missing = dataclasses.replace(spec, digest="0" * 64)
    with pytest.raises(VoiceError, match="neither at .* nor in the clip store"):
        worker.local_voice(missing)


def test_an_unreachable_store_or_a_missing_bucket_is_one_line(s3, monkeypatch):
    import fsspec

    with pytest.raises(StoreError, match="does not exist"):
        open_store("s3://no-such-bucket/x").check()
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{free_port()}")
    fsspec.filesystem("s3").clear_instance_cache()
    with pytest.raises(StoreError, match="Could not connect") as error:
        open_store(f"s3://{s3.bucket}/x").check()
    assert "\n" not in str(error.value)


def test_the_dist_table_of_podcast_toml_and_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("AUDIO_ARTIGO_BROKER", raising=False)
    monkeypatch.delenv("AUDIO_ARTIGO_STORE", raising=False)
    (tmp_path / "podcast.toml").write_text(
        'title = "Show"\n[dist]\nbroker = "redis://cache:6379/1"\nstore = "s3://b/p"\nvisibility_timeout = 600\n'
        '[dist.store_options]\nendpoint_url = "http://minio:9000"\n',
        encoding="utf-8",
    )
    settings = dist_settings(tmp_path)
    assert (settings.broker, settings.store, settings.visibility_timeout) == ("redis://cache:6379/1", "s3://b/p", 600)
    assert settings.store_options == {"endpoint_url": "http://minio:9000"}
    monkeypatch.setenv("AUDIO_ARTIGO_STORE", str(tmp_path / "shared"))
    monkeypatch.setenv("AUDIO_ARTIGO_BROKER", "redis://other:6379/0")
    settings = dist_settings(tmp_path)
    assert settings.broker == "redis://other:6379/0" and settings.store == store_url(str(tmp_path / "shared"))
    assert settings.store.startswith("file:///")
    (tmp_path / "podcast.toml").write_text("[dist]\nbrokr = 'x'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown setting dist.brokr"):
        dist_settings(tmp_path)
