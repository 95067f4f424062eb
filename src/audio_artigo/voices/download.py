"""Downloading Piper voices safely from a Piper voices repository.

A repository is laid out like the official one: ``voices.json`` at its root
lists every voice and, for each of its files, ``size_bytes`` and ``md5_digest``;
the files live under ``LANG_FAMILY/LANG_CODE/NAME/QUALITY/``.
``$AUDIO_ARTIGO_VOICES_URL`` (or ``--repo-url``) points at a mirror instead.

How a voice gets installed, so that nothing broken ever sits under a voice's
final name:

1. each file streams into ``NAME.onnx.part`` / ``NAME.onnx.json.part``, its
   MD5 and SHA-256 computed on the way;
2. its size and MD5 are checked against ``voices.json``; the pair is checked
   like any installed voice (config complete, model with Piper's inputs);
3. the install record ``NAME.install.json`` is written, then the config and
   last the model are renamed into place. A ``NAME.onnx`` therefore means a
   complete install.

The ``.part`` policy: when the network fails half-way (connection dropped,
timeout, Ctrl-C) the ``.part`` stays, and the next download resumes it with
``Range: bytes=N-``; the server's answer must continue at byte N, otherwise
(a plain 200, or a 206 from another offset) the download restarts from byte 0
instead of appending the wrong bytes. When what arrived is wrong (MD5 or size
mismatch, an HTML page) the ``.part`` is deleted. A ``.part`` is never a voice:
:func:`audio_artigo.voices.local.installed` and ``resolve`` ignore it.
"""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import hashlib
import http.client
import json
import os
import re
import socket
import sys
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from audio_artigo import atomicio
from audio_artigo.errors import DownloadError, PublishError, VoiceNotFound
from audio_artigo.voices.local import (
    CONFIG_SUFFIX,
    MODEL_SUFFIX,
    PART_SUFFIX,
    BrokenVoiceFile,
    VoiceFiles,
    check_files,
    display,
    files_for,
    looks_like_html,
    looks_like_path,
    resolve,
    verify,
)

VOICES_URL_ENV = "AUDIO_ARTIGO_VOICES_URL"
OFFICIAL_REPOSITORY = "https://huggingface.co/rhasspy/piper-voices"
# The repository revision the official URL is pinned to. "main" rather than a
# commit hash or the "v1.0.0" tag: the v1.0.0 tag predates pt_BR-cadu-medium
# (our DEFAULT_QUOTE_VOICE), and no commit could be checked from here. Every
# file is still checked against the voices.json of the same revision; set this
# to a commit hash that has both default voices to make installs reproducible.
REPOSITORY_REVISION = "main"

MANIFEST_NAME = "voices.json"
TIMEOUT_SECONDS = 20  # per connection attempt and per read: a stalled server fails, a slow one does not
CHUNK_BYTES = 256 * 1024
USER_AGENT = "audio-artigo (Piper voice downloader)"


def repo_url() -> str:
    """The voices repository: ``$AUDIO_ARTIGO_VOICES_URL`` or the official one at the pinned revision."""
    url = os.environ.get(VOICES_URL_ENV) or f"{OFFICIAL_REPOSITORY}/resolve/{REPOSITORY_REVISION}"
    return url.rstrip("/")


def _repository(explicit: str | None) -> str:
    """The repository to use: the one given (``--repo-url``), else :func:`repo_url`."""
    return explicit.rstrip("/") if explicit else repo_url()


# --- the manifest ----------------------------------------------------------------------


@dataclass(frozen=True)
class RemoteFile:
    """One file of a voice as ``voices.json`` describes it."""

    path: str
    """Relative to the repository root, e.g. ``pt/pt_BR/faber/medium/pt_BR-faber-medium.onnx``."""
    size: int
    md5: str


@dataclass(frozen=True)
class RemoteVoice:
    """A voice the repository offers."""

    name: str
    language: str
    quality: str
    num_speakers: int
    model: RemoteFile
    config: RemoteFile


def fetch_manifest(repo: str | None = None) -> dict:
    """Download and parse the repository's ``voices.json``."""
    url = f"{_repository(repo)}/{MANIFEST_NAME}"
    with _open(url) as response:
        try:
            data = response.read()
        except (OSError, http.client.HTTPException) as exc:
            raise _network_error(url, exc) from None
    if looks_like_html(data):
        raise DownloadError(f"{url}: an HTML page came back, not the voices manifest")
    try:
        manifest = json.loads(data)
    except ValueError:
        raise DownloadError(f"{url}: not a valid voices manifest (not JSON)") from None
    if not isinstance(manifest, dict):
        raise DownloadError(f"{url}: not a valid voices manifest (not a JSON object)")
    return manifest


def available_voices(repo: str | None = None, lang: str | None = None) -> list[RemoteVoice]:
    """The voices in the repository's manifest, sorted by name; ``lang`` ("pt", "pt_BR") filters."""
    manifest = fetch_manifest(repo)
    wanted = lang.replace("-", "_").lower() if lang else None
    voices = []
    for name in sorted(manifest):
        try:
            voice = _remote_voice(name, manifest[name])
        except DownloadError:
            continue  # an entry without a model or config cannot be installed anyway
        code = voice.language.lower()
        if wanted and not (code == wanted or code.split("_")[0] == wanted):
            continue
        voices.append(voice)
    return voices


def find_remote_voice(name: str, repo: str | None = None) -> RemoteVoice:
    """The manifest's entry for ``name``; VoiceNotFound when the repository does not offer it."""
    repo = _repository(repo)
    manifest = fetch_manifest(repo)
    if name not in manifest:
        raise VoiceNotFound(
            f"voice {name} is not in the repository {repo}; see `audio-artigo voices available`"
        )
    return _remote_voice(name, manifest[name])


def _remote_voice(name: str, entry: object) -> RemoteVoice:
    files = entry.get("files") if isinstance(entry, dict) else None
    if not isinstance(files, dict):
        raise DownloadError(f"{MANIFEST_NAME}: the entry for {name} lists no files")

    def remote_file(suffix: str) -> RemoteFile:
        wanted = name + suffix
        for path, meta in files.items():
            if path.rsplit("/", 1)[-1] != wanted:
                continue
            size = meta.get("size_bytes") if isinstance(meta, dict) else None
            md5 = meta.get("md5_digest") if isinstance(meta, dict) else None
            if not isinstance(size, int) or not isinstance(md5, str) or not re.fullmatch(r"[0-9a-f]{32}", md5):
                raise DownloadError(f"{MANIFEST_NAME}: {path} has no valid size_bytes and md5_digest")
            return RemoteFile(path, size, md5)
        raise DownloadError(f"{MANIFEST_NAME}: the entry for {name} does not list {wanted}")

    language = entry.get("language")
    code = language.get("code") if isinstance(language, dict) else None
    speakers = entry.get("num_speakers")
    return RemoteVoice(
        name=name,
        language=code or name.split("-")[0],
        quality=str(entry.get("quality") or name.rsplit("-", 1)[-1]),
        num_speakers=speakers if isinstance(speakers, int) else 1,
        model=remote_file(MODEL_SUFFIX),
        config=remote_file(CONFIG_SUFFIX),
    )


# --- installing ------------------------------------------------------------------------


def ensure_voice(
    name: str, folder: Path, repo_url: str | None = None, offline: bool = False
) -> VoiceFiles:
    """The voice, verified: installed already, or downloaded now unless ``offline``.

    An installed voice that fails verification raises VoiceError: it is not
    silently replaced, the message tells the user how to re-download it.
    """
    try:
        files = resolve(name, folder)
    except VoiceNotFound:
        if offline or looks_like_path(name):
            raise
        return _download(name, Path(folder), _repository(repo_url), progress=True, unless_installed=True)
    verify(files)
    return files


def download_voice(
    name: str, folder: Path, repo_url: str | None = None, progress: bool = True
) -> VoiceFiles:
    """Download a voice into ``folder`` and check it; replaces a broken or older install."""
    return _download(name, Path(folder), _repository(repo_url), progress, unless_installed=False)


def _download(name: str, folder: Path, repo: str, progress: bool, unless_installed: bool) -> VoiceFiles:
    """Download, check and install, one download at a time per folder.

    ``unless_installed``: another process may have installed the voice while
    this one waited for the folder's lock; then that install is used.
    """
    target = files_for(name, folder)  # rejects what is not a voice name before any network access
    remote = find_remote_voice(name, repo)  # before touching the folder: offline, nothing is created
    _make_folder(folder)
    with _folder_lock(folder):
        if unless_installed and target.model.is_file():
            verify(target)
            return target
        config_url = f"{repo}/{_quote(remote.config.path)}"
        model_url = f"{repo}/{_quote(remote.model.path)}"
        try:
            with _ProgressBars(progress) as bars:
                config_entry = _download_file(config_url, target.config_part, remote.config, bars)
                model_entry = _download_file(model_url, target.model_part, remote.model, bars)
            check_files(VoiceFiles(name, target.model_part, target.config_part))
        except BrokenVoiceFile as exc:
            _discard(target.model_part, target.config_part)
            final_name = exc.path.name.removesuffix(PART_SUFFIX)
            raise DownloadError(f"{repo}: {final_name} is not a usable voice file: {exc.problem}") from None
        except BaseException:
            # Only the model's .part is worth keeping (_download_file keeps it when the network
            # failed); the config is small enough to fetch again.
            _discard(target.config_part)
            raise
        _install(target, config_entry, model_entry)
    return target


def _install(target: VoiceFiles, config_entry: dict, model_entry: dict) -> None:
    """Write the install record, then move the config and, last, the model into place."""
    # Without the old model, a crash between the renames leaves no voice rather than a mismatched one.
    _discard(target.model)
    record = {
        "voice": target.name,
        "installed_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "files": {target.config.name: config_entry, target.model.name: model_entry},
    }
    try:
        atomicio.write_text(target.record, json.dumps(record, indent=2) + "\n")
        atomicio.commit(target.config_part, target.config)
        atomicio.commit(target.model_part, target.model)
    except (OSError, PublishError) as exc:
        raise DownloadError(f"cannot install {target.name} in {display(target.model.parent)}: {exc}") from None


def _download_file(url: str, part: Path, expected: RemoteFile, bars: _ProgressBars) -> dict:
    """Fetch one file into ``part`` (resuming it if it is there) and check it.

    Returns its install-record entry: url, size, MD5 and SHA-256. A resumed
    download whose result fails the checks is retried once from byte 0: the
    old ``.part`` may have held an older version of the file.
    """
    attempts = 2 if _resumable_size(part, expected) else 1
    for _ in range(attempts):
        try:
            return _fetch_and_check(url, part, expected, bars)
        except _ContentMismatch as exc:
            _discard(part)
            problem = str(exc)
    raise DownloadError(problem)


class _ContentMismatch(Exception):
    """What arrived is not the file the manifest describes."""


def _fetch_and_check(url: str, part: Path, expected: RemoteFile, bars: _ProgressBars) -> dict:
    """One attempt: request from the end of the ``.part``, stream, then check size and MD5."""
    offset = _resumable_size(part, expected)
    md5, sha256 = hashlib.md5(), hashlib.sha256()
    if offset:
        with open(part, "rb") as existing:  # the digests cover the whole file, old bytes too
            while chunk := existing.read(CHUNK_BYTES):
                md5.update(chunk)
                sha256.update(chunk)
    else:
        _discard(part)

    headers = {"Range": f"bytes={offset}-"} if offset else {}
    with _open(url, headers) as response:
        start = _body_start(url, response, offset, expected.size)
        if start != offset:
            # A 200, or a 206 from byte 0: the body is the whole file. Start the .part afresh.
            offset = 0
            md5, sha256 = hashlib.md5(), hashlib.sha256()
        received = offset
        try:
            advance = bars.track(part.name.removesuffix(PART_SUFFIX), expected.size, offset)
            with open(part, "r+b" if offset else "wb") as output:
                output.seek(offset)
                output.truncate()
                while chunk := _read_chunk(response, url, received, expected.size):
                    if received == 0 and looks_like_html(chunk):
                        raise _ContentMismatch(f"{url}: an HTML page came back instead of the file")
                    received += len(chunk)
                    if received > expected.size:
                        raise _ContentMismatch(f"{url}: more than the manifest's {expected.size:,} bytes")
                    output.write(chunk)
                    md5.update(chunk)
                    sha256.update(chunk)
                    advance(len(chunk))
                output.flush()
                os.fsync(output.fileno())
        except OSError as exc:  # the disk, not the network: _read_chunk turns those into DownloadError
            raise DownloadError(f"cannot write {display(part)}: {exc.strerror or exc}") from None
    if received < expected.size:
        # The server closed the connection early: keep the .part, the next try resumes it.
        raise DownloadError(
            f"{url}: the connection ended after {received:,} of {expected.size:,} bytes; "
            "run the same command again to resume"
        )
    if md5.hexdigest() != expected.md5:
        raise _ContentMismatch(
            f"{url}: MD5 {md5.hexdigest()} does not match the manifest's {expected.md5} (corrupted download)"
        )
    return {
        "url": url,
        "size_bytes": received,
        "md5_digest": md5.hexdigest(),
        "sha256_digest": sha256.hexdigest(),
    }


def _read_chunk(response, url: str, received: int, total: int) -> bytes:
    try:
        return response.read(CHUNK_BYTES)
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise _network_error(url, exc, received, total) from None


def _resumable_size(part: Path, expected: RemoteFile) -> int:
    """How much of ``part`` can be kept: all of it if shorter than the file, else nothing."""
    try:
        size = part.stat().st_size
    except FileNotFoundError:
        return 0
    return size if size < expected.size else 0


def _body_start(url: str, response, requested_offset: int, total: int) -> int:
    """At which byte of the file the response body starts, checking what the server says."""
    if response.headers.get_content_type() == "text/html":  # a login or error page, not a voice file
        raise _ContentMismatch(f"{url}: an HTML page came back instead of the file")
    if response.status == 200:
        length = response.headers.get("Content-Length")
        if length is not None and length.isdigit() and int(length) != total:
            raise _ContentMismatch(f"{url}: {int(length):,} bytes, but the manifest announces {total:,}")
        return 0
    if response.status == 206 and requested_offset:
        match = re.fullmatch(r"bytes (\d+)-(\d+)/(\d+|\*)", response.headers.get("Content-Range", "").strip())
        if not match:
            raise _ContentMismatch(f"{url}: a partial answer without a valid Content-Range")
        start, last, announced_total = int(match[1]), int(match[2]), match[3]
        if announced_total != "*" and int(announced_total) != total:
            raise _ContentMismatch(
                f"{url}: {int(announced_total):,} bytes, but the manifest announces {total:,}"
            )
        if start not in (0, requested_offset) or last != total - 1:
            raise _ContentMismatch(
                f"{url}: asked for bytes from {requested_offset:,}, got bytes {start:,}-{last:,}"
            )
        return start
    raise DownloadError(f"{url}: unexpected HTTP status {response.status}")


# --- HTTP ------------------------------------------------------------------------------


@contextlib.contextmanager
def _open(url: str, headers: dict[str, str] | None = None):
    """GET ``url``; every network or HTTP failure becomes a one-line DownloadError."""
    if not url.startswith(("http://", "https://")):
        raise DownloadError(f"{url}: the voices repository must be an http:// or https:// URL")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, **(headers or {})})
    try:
        response = urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS)
    except urllib.error.HTTPError as exc:
        exc.close()
        if exc.code == 416:  # the .part is longer than the server's file: start over
            raise _ContentMismatch(f"{url}: the server refused to resume (HTTP 416)") from None
        raise DownloadError(f"{url}: HTTP {exc.code} {exc.reason}") from None
    except (OSError, http.client.HTTPException, ValueError) as exc:  # URLError is an OSError
        raise _network_error(url, exc) from None
    with response:
        yield response


def _network_error(url: str, exc: BaseException, received: int = 0, total: int = 0) -> DownloadError:
    """A one-line DownloadError for a failed connection or transfer."""
    reason = getattr(exc, "reason", None) or exc  # URLError wraps the socket's error
    if isinstance(reason, socket.gaierror):
        reason = "the host name cannot be resolved (no network?)"
    elif isinstance(reason, TimeoutError):
        reason = f"no answer within {TIMEOUT_SECONDS} s"
    elif isinstance(reason, OSError) and reason.strerror:
        reason = reason.strerror
    elif isinstance(reason, http.client.HTTPException):
        reason = f"the connection broke ({type(reason).__name__})"
    where = f" after {received:,} of {total:,} bytes; run the same command again to resume" if received else ""
    hint = "" if received else f"; check the network or set {VOICES_URL_ENV} to a mirror"
    return DownloadError(f"{url}: {reason}{where}{hint}")


def _quote(path: str) -> str:
    return urllib.parse.quote(path, safe="/")


def _discard(*paths: Path) -> None:
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        problem = exc.strerror or exc
        raise DownloadError(f"cannot create the voices folder {display(folder)}: {problem}") from None


@contextlib.contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """One download at a time per voices folder: two builds fetching the default voice
    at once must not write into the same ``.part``. Best effort where flock is not supported."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        with contextlib.suppress(OSError):
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


class _ProgressBars:
    """Rich progress bars on stderr, one per file, when stderr is a terminal; silent otherwise."""

    def __init__(self, wanted: bool):
        self.bars = None
        if wanted and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

            self.bars = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                DownloadColumn(),
                TransferSpeedColumn(),
                console=Console(stderr=True),
            )

    def __enter__(self) -> _ProgressBars:
        if self.bars is not None:
            self.bars.start()
        return self

    def __exit__(self, *exc_info) -> None:
        if self.bars is not None:
            self.bars.stop()

    def track(self, label: str, total: int, done: int) -> Callable[[int], None]:
        """A bar for one file; returns the function to call with each chunk's size."""
        if self.bars is None:
            return lambda advance: None
        task = self.bars.add_task(label, total=total, completed=done)
        return lambda advance: self.bars.advance(task, advance)
