"""Finding installed Piper voices and checking them before anything loads them.

A voice is ``NAME.onnx`` (the model) and ``NAME.onnx.json`` (its config) in the
voices folder. ``audio-artigo voices download`` also writes ``NAME.install.json``,
the install record: where each file came from, its size, MD5 and SHA-256. A
``NAME.onnx.part`` is an unfinished download, never a voice.

:func:`verify` runs before every build, so it is cheap: it parses the config,
walks the ONNX file's protobuf structure by seeking from field to field (a few
kilobytes read, whatever the model's size), and compares sizes with the install
record. A model cut short, an HTML error page saved as a config, or a file that
is not a Piper model becomes a one-line :class:`VoiceError` naming the file,
instead of an onnxruntime or JSON traceback later.
"""

from __future__ import annotations

import json
import mmap
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterator

from audio_artigo.errors import VoiceError, VoiceNotFound

DEFAULT_VOICE = "pt_BR-faber-medium"
DEFAULT_QUOTE_VOICE = "pt_BR-cadu-medium"
DEFAULT_QUOTE_POOL = (DEFAULT_QUOTE_VOICE, "pt_BR-jeff-medium", "pt_BR-edresson-low")
"""Who reads quotations by default: the first is downloaded with the narrator, the others used when installed."""
DEFAULT_CAST = (DEFAULT_VOICE, *DEFAULT_QUOTE_POOL)
"""What ``audio-artigo voices download`` gets when given no names."""

VOICES_DIR_ENV = "AUDIO_ARTIGO_VOICES_DIR"
MODEL_SUFFIX = ".onnx"
CONFIG_SUFFIX = ".onnx.json"
RECORD_SUFFIX = ".install.json"
PART_SUFFIX = ".part"

# Piper's model inputs (see piper.voice.PiperVoice.phoneme_ids_to_audio).
PIPER_INPUTS = ("input", "input_lengths", "scales")
SPEAKER_INPUT = "sid"

# A real config is a few kilobytes; anything this big is not one.
MAX_CONFIG_BYTES = 10 * 1024 * 1024

# Piper names voices LANGUAGE-NAME-QUALITY, e.g. pt_BR-faber-medium; no path separators.
VOICE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def voices_dir() -> Path:
    """The voices folder: ``$AUDIO_ARTIGO_VOICES_DIR`` or ``./voices``."""
    return Path(os.environ.get(VOICES_DIR_ENV) or "voices")


@dataclass(frozen=True)
class VoiceFiles:
    """Where a voice's files are (or would be)."""

    name: str
    model: Path
    config: Path

    @property
    def record(self) -> Path:
        return self.model.with_name(self.name + RECORD_SUFFIX)

    @property
    def model_part(self) -> Path:
        return self.model.with_name(self.model.name + PART_SUFFIX)

    @property
    def config_part(self) -> Path:
        return self.config.with_name(self.config.name + PART_SUFFIX)


@dataclass(frozen=True)
class VoiceInfo:
    """What :func:`verify` learnt about a voice that passed its checks."""

    name: str
    language: str
    quality: str
    sample_rate: int
    num_speakers: int
    speaker_id_map: dict[str, int]
    espeak_voice: str
    model: Path
    config: Path
    size: int
    """Size of the model in bytes."""
    sha256: str | None = None
    """The model's SHA-256 from the install record; None for a voice installed by hand."""


def files_for(name: str, folder: Path | None = None) -> VoiceFiles:
    """The paths a voice called ``name`` has in ``folder`` (existing or not)."""
    if not VOICE_NAME.match(name):
        raise VoiceNotFound(f"{name!r} is not a voice name (like {DEFAULT_VOICE})")
    folder = voices_dir() if folder is None else Path(folder)
    return VoiceFiles(name, folder / (name + MODEL_SUFFIX), folder / (name + CONFIG_SUFFIX))


def looks_like_path(name_or_path: str) -> bool:
    """A path to a model (``--voice ../x.onnx``) rather than the name of a voice to look up."""
    return "/" in name_or_path or name_or_path.endswith(MODEL_SUFFIX) or Path(name_or_path).exists()


def resolve(name_or_path: str, folder: Path | None = None) -> VoiceFiles:
    """Find a voice by name in the voices folder, or use a path to an ``.onnx`` as is."""
    if looks_like_path(name_or_path):
        model = Path(name_or_path)
        name = model.name.removesuffix(MODEL_SUFFIX)
        files = VoiceFiles(name, model, model.with_name(model.name + ".json"))
        if not model.is_file():
            raise VoiceNotFound(f"{display(model)}: no such voice file")
        return files
    files = files_for(name_or_path, folder)
    if not files.model.is_file():
        folder_shown = display(files.model.parent)
        if files.model_part.exists():
            raise VoiceNotFound(
                f"voice {name_or_path} is not installed in {folder_shown} (its download was "
                f"interrupted); resume it with `audio-artigo voices download {name_or_path}`"
            )
        raise VoiceNotFound(
            f"voice {name_or_path} is not installed in {folder_shown}; "
            f"get it with `audio-artigo voices download {name_or_path}`"
        )
    return files


def installed(folder: Path | None = None) -> list[VoiceFiles]:
    """The voices in ``folder`` (each ``NAME.onnx``), sorted by name; unfinished downloads are not voices."""
    folder = voices_dir() if folder is None else Path(folder)
    if not folder.is_dir():
        return []
    models = sorted(path for path in folder.glob("*" + MODEL_SUFFIX) if path.is_file())
    return [
        VoiceFiles(model.name.removesuffix(MODEL_SUFFIX), model, model.with_name(model.name + ".json"))
        for model in models
    ]


@dataclass(frozen=True)
class VoiceCheck:
    """The outcome of verifying one voice: its info, or the one-line problem."""

    name: str
    info: VoiceInfo | None
    problem: str | None


def check_installed(names: list[str] | None = None, folder: Path | None = None) -> list[VoiceCheck]:
    """Verify the named voices, or every installed one; a named voice that is absent is a problem too."""
    if names:
        targets = [(name, None) for name in names]
    else:
        targets = [(files.name, files) for files in installed(folder)]
    checks = []
    for name, files in targets:
        try:
            info = verify(files or resolve(name, folder))
        except VoiceError as exc:
            checks.append(VoiceCheck(name, None, str(exc)))
        else:
            checks.append(VoiceCheck(name, info, None))
    return checks


def verify(files: VoiceFiles) -> VoiceInfo:
    """Check a voice without loading it; raise a one-line VoiceError naming the broken file."""
    info = check_files(files)
    record = read_install_record(files)
    if record is not None:
        _check_sizes_against_record(files, record)
        model_entry = record["files"].get(files.model.name, {})
        info = replace(info, sha256=model_entry.get("sha256_digest"))
    return info


def check_files(files: VoiceFiles) -> VoiceInfo:
    """The checks of :func:`verify` that need no install record (used on fresh downloads too)."""
    config = read_config(files)
    model_inputs = read_model_inputs(files)
    num_speakers = config["num_speakers"]
    missing = [name for name in PIPER_INPUTS if name not in model_inputs]
    if missing:
        inputs = ", ".join(model_inputs) or "none"
        raise BrokenVoiceFile(
            files, files.model, f"not a Piper model: it lacks the input(s) {', '.join(missing)} (its inputs: {inputs})"
        )
    if num_speakers > 1 and SPEAKER_INPUT not in model_inputs:
        raise BrokenVoiceFile(files, files.model, f"no speaker input, but its config says {num_speakers} speakers")
    if num_speakers <= 1 and SPEAKER_INPUT in model_inputs:
        raise BrokenVoiceFile(files, files.model, "it needs a speaker id, but its config says one speaker")
    name_parts = files.name.split("-")
    language = config.get("language", {}).get("code") if isinstance(config.get("language"), dict) else None
    return VoiceInfo(
        name=files.name,
        language=language or name_parts[0],
        quality=config["audio"].get("quality") or (name_parts[-1] if len(name_parts) > 2 else "?"),
        sample_rate=config["audio"]["sample_rate"],
        num_speakers=num_speakers,
        speaker_id_map=dict(config.get("speaker_id_map") or {}),
        espeak_voice=config["espeak"]["voice"],
        model=files.model,
        config=files.config,
        size=files.model.stat().st_size,
    )


class BrokenVoiceFile(VoiceError):
    """One of a voice's files is wrong; ``path`` and ``problem`` say which and how."""

    def __init__(self, files: VoiceFiles, path: Path, problem: str):
        super().__init__(
            f"{display(path)}: {problem}; re-download it with `audio-artigo voices download {files.name}`"
        )
        self.path = path
        self.problem = problem


def display(path: Path) -> str:
    """A path as the user would type it: relative to the current folder when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


# --- the config ------------------------------------------------------------------------


def read_config(files: VoiceFiles) -> dict:
    """Parse the JSON config and check it has what Piper needs to load the voice."""
    path = files.config
    try:
        size = path.stat().st_size
        if size > MAX_CONFIG_BYTES:
            raise BrokenVoiceFile(files, path, f"{size:,} bytes is far too big for a voice config")
        data = path.read_bytes()
    except FileNotFoundError:
        raise BrokenVoiceFile(files, path, "missing (a voice needs its .onnx.json config)") from None
    except OSError as exc:
        raise BrokenVoiceFile(files, path, f"cannot be read ({exc.strerror or exc})") from None
    if looks_like_html(data):
        raise BrokenVoiceFile(files, path, "an HTML page (a server's error page?), not a voice config")
    try:
        config = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise BrokenVoiceFile(files, path, "not text, so not a voice config") from None
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        raise BrokenVoiceFile(files, path, f"not valid JSON ({exc.msg} at {where})") from None
    if not isinstance(config, dict):
        raise BrokenVoiceFile(files, path, "JSON, but not a voice config (not an object)")

    problems = _config_problems(config)
    if problems:
        raise BrokenVoiceFile(files, path, "not a complete Piper config: " + ", ".join(problems))
    return config


def _config_problems(config: dict) -> list[str]:
    """What a config lacks, in words: ``audio.sample_rate missing`` and the like."""
    problems = []

    def positive_int(value) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and value > 0

    audio = config.get("audio")
    if not isinstance(audio, dict) or "sample_rate" not in audio:
        problems.append("audio.sample_rate missing")
    elif not positive_int(audio["sample_rate"]):
        problems.append("audio.sample_rate is not a positive whole number")
    espeak = config.get("espeak")
    if not isinstance(espeak, dict) or not isinstance(espeak.get("voice"), str) or not espeak["voice"]:
        problems.append("espeak.voice missing")
    phoneme_id_map = config.get("phoneme_id_map")
    if not isinstance(phoneme_id_map, dict) or not phoneme_id_map:
        problems.append("phoneme_id_map missing or empty")
    for key in ("num_symbols", "num_speakers"):
        if key not in config:
            problems.append(f"{key} missing")
        elif not positive_int(config[key]):
            problems.append(f"{key} is not a positive whole number")
    speaker_id_map = config.get("speaker_id_map")
    if speaker_id_map is not None and not isinstance(speaker_id_map, dict):
        problems.append("speaker_id_map is not an object")
    return problems


def looks_like_html(head: bytes) -> bool:
    """True for the start of an HTML page: what a server sends instead of a file.

    Neither a JSON config nor an ONNX model (whose first byte is a field tag,
    0x08) can start with "<".
    """
    return head[:512].lstrip().startswith(b"<")


# --- the ONNX model --------------------------------------------------------------------

# Field numbers from onnx.proto: ModelProto.graph, GraphProto.input, ValueInfoProto.name.
MODEL_GRAPH_FIELD = 7
GRAPH_INPUT_FIELD = 11
VALUE_INFO_NAME_FIELD = 1

WIRE_VARINT, WIRE_FIXED64, WIRE_LENGTH_DELIMITED, WIRE_FIXED32 = 0, 1, 2, 5


class _Unreadable(Exception):
    """The protobuf structure is broken; the message says how."""


def read_model_inputs(files: VoiceFiles) -> list[str]:
    """The names of the ONNX model's graph inputs, reading only the protobuf framing."""
    path = files.model
    try:
        size = path.stat().st_size
        with open(path, "rb") as stream:
            if size == 0:
                raise BrokenVoiceFile(files, path, "empty")
            if looks_like_html(stream.read(512)):
                raise BrokenVoiceFile(files, path, "an HTML page (a server's error page?), not an ONNX model")
            # Mapped: the walk below steps through thousands of fields, and
            # indexing the file costs far less than a seek and a read for each.
            with mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ) as data:
                return _graph_input_names(data, min(size, len(data)))
    except FileNotFoundError:
        raise BrokenVoiceFile(files, path, "missing") from None
    except OSError as exc:
        raise BrokenVoiceFile(files, path, f"cannot be read ({exc.strerror or exc})") from None
    except _Unreadable as exc:
        raise BrokenVoiceFile(files, path, str(exc)) from None


def _graph_input_names(data: mmap.mmap, size: int) -> list[str]:
    """Walk ModelProto -> graph -> input -> name, skipping everything else.

    Every field of the file, top to bottom, must end exactly where its parent
    says: this is what catches a file cut short, however small the cut.
    """
    graph = None
    for field_number, start, end in _length_delimited_fields(data, 0, size, size):
        if field_number == MODEL_GRAPH_FIELD:
            graph = (start, end)
    if graph is None:
        raise _Unreadable("not an ONNX model (no graph in it)")

    names = []
    for field_number, start, end in _length_delimited_fields(data, *graph, size):
        if field_number != GRAPH_INPUT_FIELD:
            continue
        for inner_field, name_start, name_end in _length_delimited_fields(data, start, end, size):
            if inner_field == VALUE_INFO_NAME_FIELD:
                names.append(data[name_start:name_end].decode("utf-8", "replace"))
    return names


def _length_delimited_fields(data: mmap.mmap, start: int, end: int, file_size: int) -> Iterator[tuple[int, int, int]]:
    """Yield (field number, payload start, payload end) for each length-delimited field in [start, end).

    Other wire types (numbers) are skipped. One-byte tags and lengths (most
    of them) are read inline: a Piper model has thousands of fields.
    """
    offset = start
    while offset < end:
        key_at = offset
        key = data[offset]
        if key < 0x80:
            offset += 1
        else:
            key, offset = _varint(data, offset, end, file_size)
        field_number, wire_type = key >> 3, key & 7
        if field_number == 0:
            raise _Unreadable(f"corrupt: unexpected bytes at byte {key_at:,}")
        if wire_type == WIRE_LENGTH_DELIMITED:
            if offset < end and data[offset] < 0x80:
                payload_start = offset + 1
                offset = payload_start + data[offset]
            else:
                length, payload_start = _varint(data, offset, end, file_size)
                offset = payload_start + length
            _check_within(offset, end, file_size)
            yield field_number, payload_start, offset
            continue
        if wire_type == WIRE_VARINT:
            _, offset = _varint(data, offset, end, file_size)
        elif wire_type == WIRE_FIXED64:
            offset += 8
        elif wire_type == WIRE_FIXED32:
            offset += 4
        else:
            raise _Unreadable(f"not an ONNX model (unknown field type {wire_type} at byte {key_at:,})")
        _check_within(offset, end, file_size)


def _varint(data: mmap.mmap, offset: int, end: int, file_size: int) -> tuple[int, int]:
    """Decode the protobuf varint at ``offset``: (value, the offset after it)."""
    value = 0
    for index in range(10):
        position = offset + index
        if position >= file_size:
            raise _Unreadable(f"truncated: it ends at byte {file_size:,} in the middle of a field")
        byte = data[position]
        value |= (byte & 0x7F) << (7 * index)
        if not byte & 0x80:
            _check_within(position + 1, end, file_size)
            return value, position + 1
    raise _Unreadable(f"not an ONNX model (bad number at byte {offset:,})")


def _check_within(position: int, end: int, file_size: int) -> None:
    if position > file_size:
        raise _Unreadable(f"truncated: {file_size:,} bytes, but its structure needs at least {position:,}")
    if position > end:
        raise _Unreadable(f"corrupt: a field ending at byte {position:,} runs past its container")


# --- the install record ----------------------------------------------------------------


def read_install_record(files: VoiceFiles) -> dict | None:
    """The install record written by ``voices download``, or None for a voice installed by hand."""
    path = files.record
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        raise BrokenVoiceFile(files, path, "unreadable install record") from None
    if not isinstance(record, dict) or not isinstance(record.get("files"), dict):
        raise BrokenVoiceFile(files, path, "not an install record audio-artigo wrote")
    return record


def _check_sizes_against_record(files: VoiceFiles, record: dict) -> None:
    for path in (files.model, files.config):
        entry = record["files"].get(path.name)
        if not isinstance(entry, dict) or not isinstance(entry.get("size_bytes"), int):
            raise BrokenVoiceFile(files, files.record, f"the install record says nothing about {path.name}")
        actual = path.stat().st_size
        if actual != entry["size_bytes"]:
            installed_size = entry["size_bytes"]
            raise BrokenVoiceFile(
                files, path, f"{actual:,} bytes, but {installed_size:,} were installed (cut short or changed)"
            )


# --- removing --------------------------------------------------------------------------


def remove(name: str, folder: Path | None = None) -> list[Path]:
    """Delete a voice's model, config, install record and unfinished downloads; return what went."""
    files = files_for(name, folder)
    removed = []
    for path in (files.model, files.config, files.record, files.model_part, files.config_part):
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        removed.append(path)
    if not removed:
        raise VoiceNotFound(f"voice {name} is not installed in {display(files.model.parent)}")
    return removed
