"""local.resolve / verify / installed / remove on voices broken in every way a download can break them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from audio_artigo.voices import local
from audio_artigo.errors import VoiceError, VoiceNotFound

TINY = "pt_BR-tiny-x_low"


@pytest.fixture
def installed_tiny(voices_folder: Path, tiny_voice: Path) -> local.VoiceFiles:
    """The tiny voice copied into the voices folder by hand (no install record)."""
    voices_folder.mkdir()
    shutil.copyfile(tiny_voice, voices_folder / f"{TINY}.onnx")
    shutil.copyfile(f"{tiny_voice}.json", voices_folder / f"{TINY}.onnx.json")
    return local.resolve(TINY, voices_folder)


def broken_message(files: local.VoiceFiles) -> str:
    """verify's error, checked to be one line that names the file and says how to fix it."""
    with pytest.raises(VoiceError) as caught:
        local.verify(files)
    message = str(caught.value)
    assert "\n" not in message
    assert message.endswith(f"re-download it with `audio-artigo voices download {files.name}`")
    return message


def test_the_tiny_voices_verify(tiny_voice, tiny_multi_voice):
    info = local.verify(local.resolve(str(tiny_voice)))
    assert (info.name, info.language, info.quality) == (TINY, "pt_BR", "x_low")
    assert (info.sample_rate, info.num_speakers, info.espeak_voice) == (16000, 1, "pt-br")
    assert info.size == tiny_voice.stat().st_size and info.sha256 is None
    multi = local.verify(local.resolve(str(tiny_multi_voice)))
    assert multi.num_speakers == 2 and multi.speaker_id_map == {"narrador": 0, "citacao": 1}


def test_verify_is_fast(tiny_voice):
    files = local.resolve(str(tiny_voice))
    local.verify(files)
    started = time.perf_counter()
    for _ in range(10):
        local.verify(files)
    assert (time.perf_counter() - started) / 10 < 0.05


def test_verify_never_loads_onnxruntime(tiny_voice):
    script = (
        "import sys; from audio_artigo.voices import local; "
        f"local.verify(local.resolve({str(tiny_voice)!r})); "
        "print('onnxruntime' in sys.modules, 'piper' in sys.modules)"
    )
    output = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert output.stdout.split() == ["False", "False"]


@pytest.mark.parametrize("keep", [0.5, 0.99, -1, -10, 100])
def test_a_truncated_model(installed_tiny, keep):
    data = installed_tiny.model.read_bytes()
    cut = int(len(data) * keep) if isinstance(keep, float) else (len(data) + keep if keep < 0 else keep)
    installed_tiny.model.write_bytes(data[:cut])
    message = broken_message(installed_tiny)
    assert message.startswith(f"{installed_tiny.model}: truncated")


def test_bytes_appended_to_a_model(installed_tiny):
    with open(installed_tiny.model, "ab") as model:
        model.write(b"\x00" * 16)
    assert "corrupt" in broken_message(installed_tiny)


def test_an_empty_model(installed_tiny):
    installed_tiny.model.write_bytes(b"")
    assert broken_message(installed_tiny).startswith(f"{installed_tiny.model}: empty")


def test_an_html_page_as_the_model(installed_tiny):
    installed_tiny.model.write_bytes(b"<!DOCTYPE html><html><body>404</body></html>")
    assert "an HTML page" in broken_message(installed_tiny)


def test_an_html_page_as_the_config(installed_tiny):
    installed_tiny.config.write_bytes(b"\n<!DOCTYPE html>\n<html><title>Bad gateway</title></html>")
    message = broken_message(installed_tiny)
    assert message.startswith(f"{installed_tiny.config}: an HTML page")


def test_a_config_that_is_not_json(installed_tiny):
    text = installed_tiny.config.read_text()
    installed_tiny.config.write_text(text[: len(text) // 2])
    assert f"{installed_tiny.config}: not valid JSON" in broken_message(installed_tiny)


def test_a_missing_config(installed_tiny):
    installed_tiny.config.unlink()
    assert f"{installed_tiny.config}: missing" in broken_message(installed_tiny)


def test_a_config_missing_what_piper_needs(installed_tiny):
    config = json.loads(installed_tiny.config.read_text())
    del config["audio"]["sample_rate"], config["espeak"], config["phoneme_id_map"], config["num_speakers"]
    installed_tiny.config.write_text(json.dumps(config))
    message = broken_message(installed_tiny)
    assert message.startswith(f"{installed_tiny.config}: not a complete Piper config")
    for key in ("audio.sample_rate", "espeak.voice", "phoneme_id_map", "num_speakers"):
        assert key in message


def onnx_model_with_inputs(*names: str) -> bytes:
    """A minimal, well-formed ONNX ModelProto whose graph has the given inputs, encoded by hand."""

    def varint(value: int) -> bytes:
        out = bytearray()
        while True:
            byte, value = value & 0x7F, value >> 7
            out.append(byte | (0x80 if value else 0))
            if not value:
                return bytes(out)

    def length_delimited(field_number: int, payload: bytes) -> bytes:
        return varint(field_number << 3 | 2) + varint(len(payload)) + payload

    graph = length_delimited(2, b"graph") + b"".join(
        length_delimited(11, length_delimited(1, name.encode())) for name in names
    )
    ir_version = varint(1 << 3 | 0) + varint(8)
    return ir_version + length_delimited(7, graph)


def test_an_onnx_model_without_pipers_inputs(installed_tiny):
    installed_tiny.model.write_bytes(onnx_model_with_inputs("pixel_values"))
    message = broken_message(installed_tiny)
    assert message.startswith(f"{installed_tiny.model}: not a Piper model")
    assert "input_lengths" in message and "pixel_values" in message


def test_the_hand_made_model_is_read_like_a_real_one(installed_tiny):
    installed_tiny.model.write_bytes(onnx_model_with_inputs("input", "input_lengths", "scales"))
    assert local.verify(installed_tiny).num_speakers == 1


def test_speaker_counts_must_agree(installed_tiny, tiny_multi_voice):
    shutil.copyfile(tiny_multi_voice, installed_tiny.model)  # has a "sid" input; the config says 1 speaker
    assert "speaker" in broken_message(installed_tiny)

    shutil.copyfile(f"{tiny_multi_voice}.json", installed_tiny.config)
    installed_tiny.model.write_bytes(onnx_model_with_inputs("input", "input_lengths", "scales"))
    assert "no speaker input" in broken_message(installed_tiny)


def write_record(files: local.VoiceFiles, model_size: int, sha256: str = "ab" * 32) -> None:
    record = {
        "voice": files.name,
        "files": {
            files.model.name: {"size_bytes": model_size, "sha256_digest": sha256},
            files.config.name: {"size_bytes": files.config.stat().st_size},
        },
    }
    files.record.write_text(json.dumps(record))


def test_the_install_record_gives_the_sha256(installed_tiny):
    write_record(installed_tiny, installed_tiny.model.stat().st_size)
    assert local.verify(installed_tiny).sha256 == "ab" * 32


def test_a_size_that_differs_from_the_install_record(installed_tiny):
    size = installed_tiny.model.stat().st_size
    write_record(installed_tiny, size + 10)
    message = broken_message(installed_tiny)
    assert message.startswith(f"{installed_tiny.model}: {size:,} bytes, but {size + 10:,} were installed")


def test_an_unreadable_install_record(installed_tiny):
    installed_tiny.record.write_text("{not json")
    assert f"{installed_tiny.record}: unreadable install record" in broken_message(installed_tiny)


def test_resolve_by_name_and_by_path(installed_tiny, voices_folder, tiny_voice):
    assert local.resolve(TINY, voices_folder) == installed_tiny
    by_path = local.resolve(str(tiny_voice))
    assert (by_path.name, by_path.model, by_path.config) == (TINY, tiny_voice, Path(f"{tiny_voice}.json"))


def test_resolve_uses_the_voices_folder_from_the_environment(installed_tiny):
    assert local.voices_dir() == installed_tiny.model.parent
    assert local.resolve(TINY) == installed_tiny


def test_resolve_an_absent_voice(voices_folder):
    with pytest.raises(VoiceNotFound, match="get it with `audio-artigo voices download pt_BR-faber-medium`"):
        local.resolve("pt_BR-faber-medium", voices_folder)
    with pytest.raises(VoiceNotFound, match="no such voice file"):
        local.resolve("elsewhere/pt_BR-faber-medium.onnx")


def test_an_unfinished_download_is_not_a_voice(voices_folder):
    voices_folder.mkdir()
    (voices_folder / f"{TINY}.onnx.part").write_bytes(b"\x08\x08")
    assert local.installed(voices_folder) == []
    with pytest.raises(VoiceNotFound, match="interrupted"):
        local.resolve(TINY, voices_folder)


def test_installed_lists_the_models(installed_tiny, voices_folder, tiny_multi_voice):
    shutil.copyfile(tiny_multi_voice, voices_folder / tiny_multi_voice.name)
    assert [files.name for files in local.installed(voices_folder)] == [TINY, "pt_BR-tinymulti-x_low"]
    checks = local.check_installed(folder=voices_folder)
    assert [(check.name, check.info is not None) for check in checks] == [(TINY, True), ("pt_BR-tinymulti-x_low", False)]
    assert "missing" in checks[1].problem


def test_remove_deletes_every_file_of_the_voice(installed_tiny, voices_folder):
    write_record(installed_tiny, installed_tiny.model.stat().st_size)
    (voices_folder / f"{TINY}.onnx.part").write_bytes(b"x")
    removed = local.remove(TINY, voices_folder)
    assert len(removed) == 4
    assert list(voices_folder.iterdir()) == []
    with pytest.raises(VoiceNotFound):
        local.remove(TINY, voices_folder)


@pytest.mark.slow
def test_verify_a_medium_voice_in_a_few_milliseconds(shared):
    files = local.resolve(str(shared / "voices" / "pt_BR-bench-medium.onnx"))
    local.verify(files)
    started = time.perf_counter()
    for _ in range(5):
        info = local.verify(files)
    assert (time.perf_counter() - started) / 5 < 0.05
    assert info.sample_rate == 22050 and info.size > 60_000_000
