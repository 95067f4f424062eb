"""Where the clip cache keeps its entries: a local folder, or a store every worker of a cluster reads.

One small interface (:class:`Store`: named byte strings, written only if
absent, atomically), two implementations:

- :class:`LocalStore`, a folder: the single machine's cache (unchanged) and
  ``file:///mnt/shared/...`` URLs (a shared mount). An entry is written to a
  temporary file beside its name, then hard-linked to its name: ``link``
  fails when the name exists, so a reader sees a whole entry or none, and
  the first writer wins (NFS, CephFS and SMB with unix extensions all make
  ``link`` atomic). Without fsync: a cache entry can always be made again.
- :class:`FsspecStore`, any other fsspec URL: ``s3://bucket/prefix`` (s3fs:
  AWS, R2, Ceph, SeaweedFS, Garage, MinIO), ``gs://``, ``az://``. An object
  store's PUT is atomic (the object becomes visible whole when the upload
  completes, a multipart upload only at its completion), so no partial
  object is ever visible. Only-if-absent is S3's conditional PUT
  (``If-None-Match: *``); a store that refuses conditional writes gets a
  look-up before the PUT (two workers racing on one key then both write
  the same key, each a whole object).

Names are relative paths with ``/`` (``clips/ab/ab12....npz``). Content-
addressed entries never change once written; the few mutable records
(``records/*.json``) are replaced whole.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
import urllib.parse
from pathlib import Path
from typing import BinaryIO, Iterable, Protocol

from audio_artigo.atomicio import temp_path_for
from audio_artigo.errors import PublishError, StoreError


class Store(Protocol):
    url: str
    shared: bool
    """True when other machines read the same entries (a URL, not this machine's cache folder)."""

    def open(self, name: str) -> BinaryIO:
        """The entry for reading (FileNotFoundError when absent); close it after use."""

    def read_many(self, names: Iterable[str]) -> dict[str, bytes]:
        """The entries that exist among ``names``, fetched together."""

    def create(self, name: str, data: bytes) -> bool:
        """Write the entry if absent, atomically; False when it was already there."""

    def replace(self, name: str, data: bytes) -> None:
        """Write the entry whole, whether or not it exists."""

    def missing(self, names: Iterable[str]) -> set[str]:
        """Which of ``names`` are absent, looked up together."""

    def remove(self, name: str) -> None: ...

    def touch(self, name: str) -> None:
        """Mark the entry as just used (for a least-recently-used prune)."""

    def check(self) -> None:
        """Raise StoreError (one line) when the store cannot be written and read back."""


class LocalStore:
    """Entries as files under a folder (see the module's docstring)."""

    def __init__(self, folder: Path, url: str | None = None):
        self.folder = Path(folder)
        self.url = url or str(self.folder)
        self.shared = url is not None  # a file:// URL names a folder meant to be shared

    def path(self, name: str) -> Path:
        return self.folder / name

    def open(self, name: str) -> BinaryIO:
        return open(self.path(name), "rb")

    def read_many(self, names: Iterable[str]) -> dict[str, bytes]:
        found = {}
        for name in names:
            with contextlib.suppress(FileNotFoundError):
                found[name] = self.path(name).read_bytes()
        return found

    def create(self, name: str, data: bytes) -> bool:
        path = self.path(name)
        temp = self._write_temp(path, data)
        try:
            os.link(temp, path)
            return True
        except FileExistsError:
            return False
        except OSError as exc:
            if path.exists():
                return False
            try:  # a filesystem without hard links: rename (still atomic, last writer wins)
                os.replace(temp, path)
                return True
            except OSError:
                raise self._error(exc) from exc
        finally:
            with contextlib.suppress(OSError):
                temp.unlink()

    def replace(self, name: str, data: bytes) -> None:
        path = self.path(name)
        temp = self._write_temp(path, data)
        try:
            os.replace(temp, path)
        except OSError as exc:
            with contextlib.suppress(OSError):
                temp.unlink()
            raise self._error(exc) from exc

    def _write_temp(self, path: Path, data: bytes) -> Path:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temp = temp_path_for(path)
        except OSError as exc:
            raise self._error(exc) from exc
        try:
            with open(temp, "wb") as handle:
                handle.write(data)
        except OSError as exc:
            with contextlib.suppress(OSError):
                temp.unlink()
            raise self._error(exc) from exc
        return temp

    def _error(self, exc: OSError) -> PublishError:
        return PublishError(f"cannot write the clip cache in {self.folder}: {exc.strerror or exc}")

    def missing(self, names: Iterable[str]) -> set[str]:
        return {name for name in names if not self.path(name).exists()}

    def remove(self, name: str) -> None:
        self.path(name).unlink(missing_ok=True)

    def touch(self, name: str) -> None:
        # The modification time doubles as "last used" for prune's LRU order.
        with contextlib.suppress(OSError):
            os.utime(self.path(name))

    def check(self) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.folder, prefix=".probe.", suffix=".tmp"):
                pass
        except OSError as exc:
            raise StoreError(f"cannot write the clip store {self.url}: {exc.strerror or exc}") from None


OBJECT_STORES = frozenset({"s3", "s3a", "gs", "gcs", "az", "abfs", "abfss", "oss", "memory"})
"""fsspec protocols whose writes are whole-object PUTs (atomic); others write a temporary name, then move it."""

CONCURRENT_REQUESTS = 32
"""Requests in flight at once when many entries are read, written or looked up (an async filesystem)."""


class FsspecStore:
    """Entries as objects under an fsspec URL (see the module's docstring)."""

    shared = True

    def __init__(self, url: str, options: dict | None = None):
        try:
            import fsspec
        except ImportError:
            raise StoreError(
                f"the clip store {url} needs fsspec: pip install 'audio-artigo[dist]'"
            ) from None
        self.url = url.rstrip("/")
        protocol = urllib.parse.urlsplit(url).scheme
        options = dict(options or {})
        if protocol in ("s3", "s3a"):
            # Fail in seconds when the endpoint cannot be reached, not after botocore's minutes of retries.
            config = options.setdefault("config_kwargs", {})
            config.setdefault("connect_timeout", 5)
            config.setdefault("read_timeout", 60)
            config.setdefault("retries", {"max_attempts": 2})
        try:
            self.fs, self.root = fsspec.core.url_to_fs(self.url, **options)
        except (ImportError, ValueError) as exc:
            raise StoreError(f"cannot use the clip store {url}: {exc}") from None
        self.root = self.root.rstrip("/")
        self.atomic_put = protocol in OBJECT_STORES
        self._conditional = protocol in ("s3", "s3a")
        self._async = getattr(self.fs, "async_impl", False)

    def _path(self, name: str) -> str:
        return f"{self.root}/{name}"

    def open(self, name: str) -> BinaryIO:
        return io.BytesIO(self._call(self.fs.cat_file, self._path(name)))

    def read_many(self, names: Iterable[str]) -> dict[str, bytes]:
        names = list(names)
        if not names:
            return {}
        paths = {self._path(name): name for name in names}
        if self._async:
            results = self._gather([self.fs._cat_file(path) for path in paths])
        else:
            results = [self._try(self.fs.cat_file, path) for path in paths]
        found = {}
        for path, result in zip(paths, results):
            if isinstance(result, FileNotFoundError):
                continue
            if isinstance(result, BaseException):
                raise self._error(result)
            found[paths[path]] = result
        return found

    def create(self, name: str, data: bytes) -> bool:
        path = self._path(name)
        if self._conditional:
            try:
                self._call(self.fs.pipe_file, path, data, mode="create")
                return True
            except FileExistsError:
                return False
            except StoreError as exc:
                if "notimplemented" not in str(exc).lower().replace(" ", ""):
                    raise
                self._conditional = False  # an S3-compatible store without conditional writes
                if self._call(self.fs.exists, path):
                    return False
        elif self._call(self.fs.exists, path):
            return False
        self.replace(name, data)
        return True

    def replace(self, name: str, data: bytes) -> None:
        path = self._path(name)
        if self.atomic_put:
            self._call(self.fs.pipe_file, path, data)
            return
        temp = f"{path}.{os.urandom(6).hex()}.tmp"
        self._call(self.fs.pipe_file, temp, data)
        self._call(self.fs.mv, temp, path)

    def missing(self, names: Iterable[str]) -> set[str]:
        names = list(names)
        if self._async:
            results = self._gather([self.fs._exists(self._path(name)) for name in names])
        else:
            results = [self._try(self.fs.exists, self._path(name)) for name in names]
        absent = set()
        for name, result in zip(names, results):
            if isinstance(result, BaseException):
                raise self._error(result)
            if not result:
                absent.add(name)
        return absent

    def remove(self, name: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self._call(self.fs.rm_file, self._path(name))

    def touch(self, name: str) -> None:
        """Object stores keep no access time: bound the store with a lifecycle rule (README)."""

    def check(self) -> None:
        probe = "records/probe.json"
        try:
            self.replace(probe, b"{}")
        except FileNotFoundError as exc:  # no such bucket
            raise self._error(exc) from None
        if self.read_many([probe]).get(probe) != b"{}":
            raise StoreError(f"the clip store {self.url} does not read back what was written")

    def _gather(self, coroutines: list) -> list:
        """Run ``coroutines`` on the filesystem's event loop, at most CONCURRENT_REQUESTS at a time."""
        import asyncio

        from fsspec.asyn import sync

        async def bounded(limit: asyncio.Semaphore, coroutine):
            async with limit:
                return await coroutine

        async def run_all():
            limit = asyncio.Semaphore(CONCURRENT_REQUESTS)
            return await asyncio.gather(*(bounded(limit, c) for c in coroutines), return_exceptions=True)

        return sync(self.fs.loop, run_all)

    def _try(self, function, *args):
        try:
            return function(*args)
        except Exception as exc:  # noqa: BLE001 - sorted out by the caller, like gather's results
            return exc

    def _call(self, function, *args, **kwargs):
        try:
            return function(*args, **kwargs)
        except (FileNotFoundError, FileExistsError):
            raise
        except Exception as exc:  # noqa: BLE001 - whatever the filesystem raises: one line for the user
            raise self._error(exc) from exc

    def _error(self, exc: BaseException) -> StoreError:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        return StoreError(f"the clip store {self.url} cannot be used: {reason}")


def open_store(location: str | Path, options: dict | None = None) -> Store:
    """The store at ``location``: a folder path, a ``file://`` URL (a folder), or any other fsspec URL."""
    text = str(location)
    scheme = urllib.parse.urlsplit(text).scheme if "://" in text else ""
    if not scheme:
        return LocalStore(Path(text))
    if scheme == "file":
        folder = urllib.parse.unquote(urllib.parse.urlsplit(text).path)
        return LocalStore(Path(folder), url=text)
    return FsspecStore(text, options)
