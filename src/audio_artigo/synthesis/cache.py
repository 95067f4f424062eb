"""A content-addressed cache of synthesised clips and their encoded MP3 frames.

A clip's key hashes everything that changes its audio (engine and version,
the voice file's digest, speaker and speaking settings, the normalised text),
so a re-build after a correction synthesises only the changed sentences, and
re-encodes only the clips whose audio or gain changed. Entries live in a
:mod:`~audio_artigo.synthesis.store`: this machine's cache folder, or a store
every worker of a cluster shares (``s3://...``), written only if absent and
atomically: an interrupted build leaves whole entries or none. What belongs
to one machine stays in its local folder in every case: the voices'
optimised copies (made for this kind of processor, mapped into memory) and
the digests of local files. A local cache is bounded by ``prune``.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import tempfile
import time
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from audio_artigo.atomicio import is_temporary
from audio_artigo.errors import PublishError, VoiceError
from audio_artigo.synthesis.store import LocalStore, Store, open_store

FORMAT_VERSION = "2"


@dataclass
class ClipAudio:
    """A synthesised clip at the episode's sample rate, padded to whole 100 ms steps."""

    pcm: np.ndarray
    """int16, scaled so the clip's peak uses the full range (precision for quiet voices)."""
    peak: float
    """The sample peak at the engine's original level: pcm / 32767 * peak is the audio."""
    energies: np.ndarray
    """K-weighted mean square per 100 ms step (see assembly.loudness)."""
    speech_samples: int
    """Samples of speech before the padding."""

    def samples(self) -> np.ndarray:
        return self.pcm.astype(np.float32) * np.float32(self.peak / 32767)


@dataclass
class EncodedClip:
    """A clip's MP3 frames, with what the build needs to know of their decoded audio."""

    frames: bytes
    energies: np.ndarray
    """K-weighted mean square per 100 ms step of the decoded frames."""
    samples: int
    """Decoded length of the frames, in samples."""


class BrokenEntry(Exception):
    """A cache entry could not be read (it has been removed: synthesise it again)."""


def key_for(*parts: str) -> str:
    digest = hashlib.sha256(FORMAT_VERSION.encode())
    for part in parts:
        digest.update(b"\x00" + part.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


class ClipCache:
    """Clips, encoded clips and records in ``store`` (default: the folder itself); voice copies in ``folder``."""

    def __init__(self, folder: Path, store: Store | None = None):
        self.folder = Path(folder)
        self.local = LocalStore(self.folder)
        self.store: Store = store or self.local
        self._prefetched: dict[str, ClipAudio] = {}
        self._writer = None
        self._pending: list = []

    @classmethod
    def open(cls, store_location: str, folder: Path, options: dict | None = None) -> "ClipCache":
        """The cache on the store at ``store_location`` (a folder or a URL; ``options`` for fsspec), with ``folder`` for this machine's part."""
        store = open_store(store_location, options)
        if isinstance(store, LocalStore) and not store.shared and store.folder == Path(folder):
            return cls(folder)
        return cls(folder, store)

    @classmethod
    def temporary(cls) -> "ClipCache":
        """A throw-away cache for ``--no-cache`` (clips still go through disk, not memory)."""
        return cls(Path(tempfile.mkdtemp(prefix="audio-artigo-cache-")))

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    @property
    def location(self) -> str:
        """Where the entries are, as ``open`` takes it (a folder or a URL)."""
        return self.store.url

    @property
    def models(self) -> Path:
        return self.folder / "models"

    @staticmethod
    def _name(kind: str, key: str) -> str:
        return f"{kind}/{key[:2]}/{key}.npz"

    def _write(self, kind: str, key: str, **arrays) -> bool:
        """Store an entry unless it exists (the first one written stays: readers may have used it)."""
        buffer = io.BytesIO()
        np.savez(buffer, **arrays)
        return self.store.create(self._name(kind, key), buffer.getvalue())

    def _read(self, kind: str, key: str, read):
        """``read(npz)`` of an entry; a missing or unreadable entry is a BrokenEntry."""
        name = self._name(kind, key)
        try:
            with self.store.open(name) as handle, np.load(handle) as data:
                value = read(data)
        except FileNotFoundError:
            raise BrokenEntry(key) from None
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
            # Only a power cut (entries are not fsynced) or tampering leads here.
            self.store.remove(name)
            raise BrokenEntry(key) from exc
        self.store.touch(name)
        return value

    def _read_many(self, kind: str, keys, read) -> dict:
        """``read(npz)`` of each entry that can be read among ``keys`` (fetched together from a shared store)."""
        keys = list(dict.fromkeys(keys))
        if not self.store.shared:
            found = {}
            for key in keys:
                with contextlib.suppress(BrokenEntry):
                    found[key] = self._read(kind, key, read)
            return found
        names = {self._name(kind, key): key for key in keys}
        found = {}
        for name, data in self.store.read_many(names).items():
            try:
                with np.load(io.BytesIO(data)) as npz:
                    found[names[name]] = read(npz)
            except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
                self.store.remove(name)
        return found

    def missing(self, kind: str, keys) -> set[str]:
        """Which of ``keys`` have no entry of ``kind`` ("clips", "mp3"), looked up together."""
        names = {self._name(kind, key): key for key in keys}
        return {names[name] for name in self.store.missing(names)}

    # Clips -----------------------------------------------------------------

    def store_clip(self, key: str, clip: ClipAudio) -> bool:
        """Store a clip unless one is there already; True when this one was written."""
        return self._write(
            "clips", key,
            pcm=clip.pcm, peak=np.float64(clip.peak), energies=clip.energies, speech_samples=np.int64(clip.speech_samples),
        )

    @staticmethod
    def _clip_reader(with_audio: bool):
        return lambda data: ClipAudio(
            pcm=data["pcm"] if with_audio else np.zeros(0, dtype=np.int16),
            peak=float(data["peak"]),
            energies=data["energies"],
            speech_samples=int(data["speech_samples"]),
        )

    def load_clip(self, key: str, with_audio: bool = True) -> ClipAudio:
        prefetched = self._prefetched.pop(key, None)
        if prefetched is not None:
            return prefetched
        return self._read("clips", key, self._clip_reader(with_audio))

    def prefetch_clips(self, keys) -> None:
        """Fetch these clips (with their audio) together from a shared store; each one's next load_clip takes it from memory."""
        if self.store.shared:
            self._prefetched.update(self.load_clips(keys))

    def load_clips(self, keys, with_audio: bool = True) -> dict[str, ClipAudio]:
        """The clips that can be read among ``keys`` (missing and broken ones left out)."""
        return self._read_many("clips", keys, self._clip_reader(with_audio))

    # Encoded clips ---------------------------------------------------------

    def store_encoded(self, key: str, clip: EncodedClip) -> None:
        """Store an encoded clip; to a shared store in the background (``flush`` waits): nothing reads it back in this build."""
        arrays = dict(frames=np.frombuffer(clip.frames, dtype=np.uint8), energies=clip.energies, samples=np.int64(clip.samples))
        if not self.store.shared:
            self._write("mp3", key, **arrays)
            return
        if self._writer is None:
            import concurrent.futures

            self._writer = concurrent.futures.ThreadPoolExecutor(8, thread_name_prefix="store writes")
        self._pending.append(self._writer.submit(self._write, "mp3", key, **arrays))

    def flush(self) -> None:
        """Wait for the background writes; the first that failed raises."""
        pending, self._pending = self._pending, []
        for write in pending:
            write.result()

    @staticmethod
    def _encoded_reader(data) -> EncodedClip:
        return EncodedClip(data["frames"].tobytes(), data["energies"], int(data["samples"]))

    def load_encoded_many(self, keys) -> dict[str, EncodedClip]:
        return self._read_many("mp3", keys, self._encoded_reader)

    # Small records ---------------------------------------------------------

    def read_record(self, name: str) -> dict:
        return _read_record(self.store, name)

    def write_record(self, name: str, data: dict) -> None:
        self.store.replace(f"records/{name}.json", json.dumps(data, sort_keys=True).encode())

    def file_digest(self, path: Path) -> str:
        """SHA-256 of a (voice) file, remembered by path, size and mtime."""
        stat = path.stat()
        known = _read_record(self.local, "digests")  # this machine's files: never in a shared store
        stamp = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
        if stamp not in known:
            digest = hashlib.sha256()
            with open(path, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
            known[stamp] = digest.hexdigest()
            with contextlib.suppress(PublishError):  # only saves hashing the file next time
                self.local.replace("records/digests.json", json.dumps(known, sort_keys=True).encode())
        return known[stamp]

    # Voices in a shared store ------------------------------------------------

    def share_voice(self, spec) -> None:
        """Put a Piper voice (model and config) into a shared store, once per digest, for machines without it."""
        if not self.store.shared or spec.engine != "piper":
            return
        names = {f"voices/{spec.digest}.onnx.json": Path(f"{spec.model}.json"), f"voices/{spec.digest}.onnx": Path(spec.model)}
        for name in sorted(self.store.missing(names), key=lambda name: name.endswith(".onnx")):  # the config first
            self.store.create(name, names[name].read_bytes())

    def local_voice(self, spec):
        """``spec`` with a model file on this machine: its own path when the file there is that voice, else a copy from the shared store."""
        if not self.store.shared or spec.engine != "piper":
            return spec
        model = Path(spec.model)
        with contextlib.suppress(OSError):
            if model.is_file() and self.file_digest(model) == spec.digest:
                return spec
        copy = self.folder / "voices" / f"{spec.digest}.onnx"
        if not copy.is_file():
            config, weights = f"voices/{spec.digest}.onnx.json", f"voices/{spec.digest}.onnx"
            found = self.store.read_many([config, weights])
            if len(found) < 2:
                raise VoiceError(f"voice {spec.name} is neither at {spec.model} on this machine nor in the clip store {self.location}")
            self.local.replace(f"voices/{spec.digest}.onnx.json", found[config])
            self.local.replace(f"voices/{spec.digest}.onnx", found[weights])  # last: its presence means both are there
        return replace(spec, model=str(copy))

    # Bounding --------------------------------------------------------------

    def prune(self, max_bytes: int) -> tuple[int, int]:
        """Delete least recently used clips, frames and model copies until the cache fits in ``max_bytes``.

        Returns (files removed, bytes freed). Stale temporary files go first.
        A model copy (a folder: the model and its weights) goes as a whole;
        lock files stay, as a process may hold them.
        """
        removed = freed = 0
        grouped: dict[Path, list[tuple[Path, os.stat_result]]] = {}  # what goes as a whole -> its files
        for kind in ("clips", "mp3", "models"):
            for path in (self.folder / kind).rglob("*"):
                if not path.is_file() or path.name.endswith(".lock"):
                    continue
                stat = path.stat()
                if is_temporary(path.name):
                    if time.time() - stat.st_mtime > 3600:
                        path.unlink(missing_ok=True)
                        removed, freed = removed + 1, freed + stat.st_size
                    continue
                in_model_copy = kind == "models" and path.parent != self.folder / "models"
                grouped.setdefault(path.parent if in_model_copy else path, []).append((path, stat))
        units = [  # (last used, bytes, files)
            (max(stat.st_mtime for _, stat in files), sum(stat.st_size for _, stat in files), [path for path, _ in files])
            for files in grouped.values()
        ]
        total = sum(size for _, size, _ in units)
        for _, size, files in sorted(units, key=lambda unit: unit[0]):
            if total <= max_bytes:
                break
            for path in files:
                path.unlink(missing_ok=True)
            total -= size
            removed, freed = removed + len(files), freed + size
        return removed, freed


def _read_record(store: Store, name: str) -> dict:
    try:
        with store.open(f"records/{name}.json") as handle:
            return json.loads(handle.read())
    except (OSError, ValueError):
        return {}
