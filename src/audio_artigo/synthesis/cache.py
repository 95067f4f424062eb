"""A content-addressed cache of synthesised clips and their encoded MP3 frames.

A clip's key hashes everything that changes its audio (engine and version,
the voice file's digest, speaker and speaking settings, the normalised text),
so a re-build after a correction synthesises only the changed sentences, and
re-encodes only the clips whose audio or gain changed. Entries are written
atomically (temp file, rename): an interrupted build leaves whole entries or
none. The cache is bounded by ``prune``.
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
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from audio_artigo.atomicio import is_temporary, write_bytes, write_text
from audio_artigo.errors import PublishError

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
    def __init__(self, folder: Path):
        self.folder = Path(folder)

    @classmethod
    def temporary(cls) -> "ClipCache":
        """A throw-away cache for ``--no-cache`` (clips still go through disk, not memory)."""
        return cls(Path(tempfile.mkdtemp(prefix="audio-artigo-cache-")))

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    @property
    def models(self) -> Path:
        return self.folder / "models"

    def _entry(self, kind: str, key: str, suffix: str) -> Path:
        return self.folder / kind / key[:2] / f"{key}{suffix}"

    def _write(self, kind: str, key: str, **arrays) -> None:
        buffer = io.BytesIO()
        np.savez(buffer, **arrays)
        path = self._entry(kind, key, ".npz")
        self._make_folder(path.parent)
        write_bytes(path, buffer.getvalue(), durable=False)

    def _make_folder(self, folder: Path) -> None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise PublishError(f"cannot write the clip cache in {self.folder}: {exc.strerror or exc}") from exc

    def _read(self, kind: str, key: str, read):
        """``read(npz)`` of an entry; a missing or unreadable entry is a BrokenEntry."""
        path = self._entry(kind, key, ".npz")
        try:
            with np.load(path) as data:
                value = read(data)
        except FileNotFoundError:
            raise BrokenEntry(key) from None
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
            # Only a power cut (entries are not fsynced) or tampering leads here.
            path.unlink(missing_ok=True)
            raise BrokenEntry(key) from exc
        _touch(path)
        return value

    # Clips -----------------------------------------------------------------

    def store_clip(self, key: str, clip: ClipAudio) -> None:
        self._write(
            "clips", key,
            pcm=clip.pcm, peak=np.float64(clip.peak), energies=clip.energies, speech_samples=np.int64(clip.speech_samples),
        )

    def load_clip(self, key: str, with_audio: bool = True) -> ClipAudio:
        return self._read(
            "clips", key,
            lambda data: ClipAudio(
                pcm=data["pcm"] if with_audio else np.zeros(0, dtype=np.int16),
                peak=float(data["peak"]),
                energies=data["energies"],
                speech_samples=int(data["speech_samples"]),
            ),
        )

    # Encoded clips ---------------------------------------------------------

    def store_encoded(self, key: str, clip: EncodedClip) -> None:
        self._write(
            "mp3", key,
            frames=np.frombuffer(clip.frames, dtype=np.uint8), energies=clip.energies, samples=np.int64(clip.samples),
        )

    def load_encoded(self, key: str) -> EncodedClip:
        return self._read(
            "mp3", key,
            lambda data: EncodedClip(data["frames"].tobytes(), data["energies"], int(data["samples"])),
        )

    # Small records ---------------------------------------------------------

    def read_record(self, name: str) -> dict:
        try:
            return json.loads((self.folder / "records" / f"{name}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def write_record(self, name: str, data: dict) -> None:
        folder = self.folder / "records"
        self._make_folder(folder)
        write_text(folder / f"{name}.json", json.dumps(data, sort_keys=True), durable=False)

    def file_digest(self, path: Path) -> str:
        """SHA-256 of a (voice) file, remembered by path, size and mtime."""
        stat = path.stat()
        known = self.read_record("digests")
        stamp = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
        if stamp not in known:
            digest = hashlib.sha256()
            with open(path, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
            known[stamp] = digest.hexdigest()
            with contextlib.suppress(PublishError):  # only saves hashing the file next time
                self.write_record("digests", known)
        return known[stamp]

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


def _touch(path: Path) -> None:
    # The modification time doubles as "last used" for prune's LRU order.
    with contextlib.suppress(OSError):
        os.utime(path)
