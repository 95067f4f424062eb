"""download_voice / ensure_voice against a local repository, with the server misbehaving."""

from __future__ import annotations

import hashlib
import json
import socket
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from voice_repository import final_files, part_files

from audio_artigo.voices import download
from audio_artigo.voices import local
from audio_artigo.errors import DownloadError, VoiceError, VoiceNotFound

TINY = "pt_BR-tiny-x_low"
TINY_MULTI = "pt_BR-tinymulti-x_low"


def assert_nothing_installed(folder: Path, name: str = TINY) -> None:
    assert final_files(folder, name) == []
    assert local.installed(folder) == []


def test_good_download_installs_a_voice_that_verifies_and_speaks(tiny_repository, voices_folder, tiny_voice):
    from piper import PiperVoice, SynthesisConfig

    files = download.download_voice(TINY, voices_folder, repo_url=tiny_repository.url, progress=False)

    assert files.model == voices_folder / f"{TINY}.onnx"
    assert files.model.read_bytes() == tiny_voice.read_bytes()
    assert part_files(voices_folder) == []
    info = local.verify(files)
    assert (info.sample_rate, info.num_speakers, info.language, info.quality) == (16000, 1, "pt_BR", "x_low")
    assert info.sha256 == hashlib.sha256(tiny_voice.read_bytes()).hexdigest()
    record = json.loads(files.record.read_text())
    assert record["files"][f"{TINY}.onnx"]["md5_digest"] == hashlib.md5(tiny_voice.read_bytes()).hexdigest()

    voice = PiperVoice.load(files.model)
    audio = np.concatenate(
        [chunk.audio_float_array for chunk in voice.synthesize("Bom dia.", SynthesisConfig(normalize_audio=False))]
    )
    assert len(audio) > 0 and np.abs(audio).max() > 0.05


def test_multi_speaker_voice_keeps_its_speakers(tiny_repository, voices_folder):
    files = download.download_voice(TINY_MULTI, voices_folder, repo_url=tiny_repository.url, progress=False)
    info = local.verify(files)
    assert info.num_speakers == 2
    assert info.speaker_id_map == {"narrador": 0, "citacao": 1}


def test_the_repository_url_comes_from_the_environment(tiny_repository, voices_folder, monkeypatch):
    monkeypatch.setenv("AUDIO_ARTIGO_VOICES_URL", tiny_repository.url + "/")
    assert download.repo_url() == tiny_repository.url
    download.download_voice(TINY, voices_folder, progress=False)
    assert local.resolve(TINY, voices_folder).model.exists()


def test_the_official_repository_is_pinned(monkeypatch):
    monkeypatch.delenv("AUDIO_ARTIGO_VOICES_URL", raising=False)
    url = download.repo_url()
    assert url.startswith("https://huggingface.co/rhasspy/piper-voices/resolve/")
    assert url.endswith("/" + download.REPOSITORY_REVISION)


@pytest.mark.parametrize("suffix", [".onnx", ".onnx.json"])
def test_wrong_md5_leaves_nothing(tiny_repository, voices_folder, suffix):
    tiny_repository.fault(TINY, suffix, "corrupt")
    with pytest.raises(DownloadError, match="MD5") as caught:
        download.download_voice(TINY, voices_folder, repo_url=tiny_repository.url, progress=False)
    assert "\n" not in str(caught.value)
    assert_nothing_installed(voices_folder)
    assert part_files(voices_folder) == []  # wrong bytes are not worth resuming


def test_truncated_file_on_the_mirror_is_refused(tiny_repository, voices_folder):
    tiny_repository.fault(TINY, ".onnx", "truncated")
    with pytest.raises(DownloadError, match="the manifest announces"):
        download.download_voice(TINY, voices_folder, repo_url=tiny_repository.url, progress=False)
    assert_nothing_installed(voices_folder)
    assert part_files(voices_folder) == []


def test_html_error_page_as_the_config_is_refused(tiny_repository, voices_folder):
    tiny_repository.fault(TINY, ".onnx.json", "html-page")
    with pytest.raises(DownloadError, match="HTML page") as caught:
        download.download_voice(TINY, voices_folder, repo_url=tiny_repository.url, progress=False)
    assert f"{TINY}.onnx.json" in str(caught.value)
    assert_nothing_installed(voices_folder)
    assert part_files(voices_folder) == []
    assert tiny_repository.requests_for(TINY, ".onnx") == []  # gave up before the big file


def test_dropped_connection_keeps_a_part_that_the_next_try_resumes(tiny_repository, voices_folder, tiny_voice):
    tiny_repository.fault(TINY, ".onnx", "drop-once")
    with pytest.raises(DownloadError, match="run the same command again to resume") as caught:
        download.download_voice(TINY, voices_folder, repo_url=tiny_repository.url, progress=False)
    assert "\n" not in str(caught.value)
    assert_nothing_installed(voices_folder)
    part = voices_folder / f"{TINY}.onnx.part"
    kept = part.stat().st_size
    assert 0 < kept < tiny_voice.stat().st_size
    with pytest.raises(VoiceNotFound, match="interrupted"):
        local.resolve(TINY, voices_folder)

    download.download_voice(TINY, voices_folder, repo_url=tiny_repository.url, progress=False)

    assert tiny_repository.requests_for(TINY)[-1].range == f"bytes={kept}-"
    assert (voices_folder / f"{TINY}.onnx").read_bytes() == tiny_voice.read_bytes()
    assert part_files(voices_folder) == []
    local.verify(local.resolve(TINY, voices_folder))


@pytest.mark.parametrize("fault", ["range-from-zero", "ignore-range"])
def test_a_resume_answered_from_byte_zero_restarts_cleanly(tiny_repository, voices_folder, tiny_voice, fault):
    # A .part of junk: appending the server's bytes to it would fail the MD5.
    voices_folder.mkdir()
    (voices_folder / f"{TINY}.onnx.part").write_bytes(b"\x00" * 1000)
    tiny_repository.fault(TINY, ".onnx", fault)

    download.download_voice(TINY, voices_folder, repo_url=tiny_repository.url, progress=False)

    model_requests = tiny_repository.requests_for(TINY)
    assert [request.range for request in model_requests] == ["bytes=1000-"]  # one request, no retry needed
    assert (voices_folder / f"{TINY}.onnx").read_bytes() == tiny_voice.read_bytes()
    assert part_files(voices_folder) == []


def test_a_resume_answered_from_the_wrong_offset_starts_over(tiny_repository, voices_folder, tiny_voice):
    voices_folder.mkdir()
    (voices_folder / f"{TINY}.onnx.part").write_bytes(tiny_voice.read_bytes()[:1000])
    tiny_repository.fault(TINY, ".onnx", "range-elsewhere")

    download.download_voice(TINY, voices_folder, repo_url=tiny_repository.url, progress=False)

    assert [request.range for request in tiny_repository.requests_for(TINY)] == ["bytes=1000-", None]
    assert (voices_folder / f"{TINY}.onnx").read_bytes() == tiny_voice.read_bytes()


def test_a_stale_part_from_another_file_is_thrown_away(tiny_repository, voices_folder, tiny_voice):
    voices_folder.mkdir()
    (voices_folder / f"{TINY}.onnx.part").write_bytes(b"\x01" * 5000)  # served as asked, but not this file

    download.download_voice(TINY, voices_folder, repo_url=tiny_repository.url, progress=False)

    assert [request.range for request in tiny_repository.requests_for(TINY)] == ["bytes=5000-", None]
    assert (voices_folder / f"{TINY}.onnx").read_bytes() == tiny_voice.read_bytes()


def test_a_voice_missing_from_the_repository(tiny_repository, voices_folder):
    with pytest.raises(VoiceNotFound, match="not in the repository"):
        download.download_voice("pt_BR-nobody-medium", voices_folder, repo_url=tiny_repository.url, progress=False)
    assert not voices_folder.exists() or list(voices_folder.iterdir()) == []


def test_a_404_for_the_model_leaves_nothing(tiny_repository, voices_folder):
    tiny_repository.fault(TINY, ".onnx", "not-found")
    with pytest.raises(DownloadError, match="HTTP 404"):
        download.download_voice(TINY, voices_folder, repo_url=tiny_repository.url, progress=False)
    assert_nothing_installed(voices_folder)


def test_a_manifest_that_is_an_html_page(repository, voices_folder):
    (repository.root / "voices.json").write_bytes(b"<html><body>Proxy login</body></html>")
    with pytest.raises(DownloadError, match="HTML page"):
        download.download_voice(TINY, voices_folder, repo_url=repository.url, progress=False)


def test_a_server_that_is_not_there_fails_fast_in_one_line(voices_folder):
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there: connection refused
    started = time.monotonic()
    with pytest.raises(DownloadError) as caught:
        download.download_voice(TINY, voices_folder, repo_url=url, progress=False)
    assert time.monotonic() - started < 5
    message = str(caught.value)
    assert "\n" not in message and url in message and "AUDIO_ARTIGO_VOICES_URL" in message


def test_an_unknown_host_fails_fast_in_one_line(voices_folder):
    started = time.monotonic()
    with pytest.raises(DownloadError) as caught:
        download.ensure_voice(TINY, voices_folder, repo_url="http://voices.invalid")
    assert time.monotonic() - started < 15
    assert "\n" not in str(caught.value)
    assert not voices_folder.exists()  # a failed attempt leaves no trace


def test_ensure_voice_returns_an_installed_voice_without_the_network(tiny_repository, voices_folder):
    download.download_voice(TINY, voices_folder, repo_url=tiny_repository.url, progress=False)
    requests_before = len(tiny_repository.requests)
    files = download.ensure_voice(TINY, voices_folder, repo_url=tiny_repository.url)
    assert files.model == voices_folder / f"{TINY}.onnx"
    assert len(tiny_repository.requests) == requests_before


def test_ensure_voice_downloads_a_missing_voice(tiny_repository, voices_folder):
    files = download.ensure_voice(TINY, voices_folder, repo_url=tiny_repository.url)
    local.verify(files)


def test_ensure_voice_offline_does_not_download(tiny_repository, voices_folder):
    with pytest.raises(VoiceNotFound, match=f"audio-artigo voices download {TINY}"):
        download.ensure_voice(TINY, voices_folder, repo_url=tiny_repository.url, offline=True)
    assert tiny_repository.requests == []


def test_ensure_voice_refuses_a_broken_install_instead_of_replacing_it(tiny_repository, voices_folder):
    files = download.download_voice(TINY, voices_folder, repo_url=tiny_repository.url, progress=False)
    with open(files.model, "r+b") as model:
        model.truncate(files.model.stat().st_size // 2)
    requests_before = len(tiny_repository.requests)
    with pytest.raises(VoiceError, match=f"{TINY}.onnx: .*re-download it"):
        download.ensure_voice(TINY, voices_folder, repo_url=tiny_repository.url)
    assert len(tiny_repository.requests) == requests_before


def test_downloading_again_repairs_a_broken_install(tiny_repository, voices_folder, tiny_voice):
    files = download.download_voice(TINY, voices_folder, repo_url=tiny_repository.url, progress=False)
    files.model.write_bytes(b"junk")
    download.download_voice(TINY, voices_folder, repo_url=tiny_repository.url, progress=False)
    assert files.model.read_bytes() == tiny_voice.read_bytes()
    local.verify(files)


def test_two_builds_fetching_the_same_voice_download_it_once(tiny_repository, voices_folder):
    results, errors = [], []

    def fetch():
        try:
            results.append(download.ensure_voice(TINY, voices_folder, repo_url=tiny_repository.url))
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=fetch) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(results) == 2
    assert len(tiny_repository.requests_for(TINY)) == 1
    local.verify(results[0])


def test_available_voices_filters_by_language(tiny_repository):
    names = [voice.name for voice in download.available_voices(tiny_repository.url, lang="pt")]
    assert names == [TINY, TINY_MULTI]
    assert download.available_voices(tiny_repository.url, lang="pt-BR")[0].language == "pt_BR"
    assert download.available_voices(tiny_repository.url, lang="en") == []


def free_port() -> int:
    """A port of 127.0.0.1 that nothing listens on (it was free a moment ago)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
