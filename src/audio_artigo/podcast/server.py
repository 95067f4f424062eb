"""``audio-artigo serve``: the output folder over HTTP, as a podcast host would serve it.

Only what the tool publishes is served: files directly in the folder, by a
plain name, of the kinds below. Everything else (paths with ``..`` however
encoded, sub-folders, dotfiles such as the catalogue, the lock and temporary
files, symlinks leading out of the folder, other kinds of file) is a 404 with
no bytes of the file. Range requests, HEAD and conditional requests are
handled by Starlette's FileResponse; uvicorn speaks HTTP. feed.xml and
index.html, which each publish replaces, are read whole through one open
file, so an answer is always one version of them.
"""

from __future__ import annotations

import email.utils
import hashlib
import os
import stat
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route

from audio_artigo.errors import InputError
from audio_artigo.podcast.site import INDEX_NAME

CONTENT_TYPES = {
    ".mp3": "audio/mpeg",
    # Podcasting 2.0 names chapters "application/json+chapters" in the feed; over
    # HTTP plain JSON lets browsers and fetch() read them as what they are.
    ".json": "application/json",
    ".vtt": "text/vtt; charset=utf-8",
    ".xml": "application/rss+xml; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".png": "image/png",
    ".jpg": "image/jpeg",
}

# Episode files and covers get a new name whenever their bytes change, so
# clients may keep them forever; the feed and the page change in place.
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
_CHANGING_FILES = {"feed.xml", INDEX_NAME}


def published_file(folder: Path, name: str) -> tuple[Path, os.stat_result] | None:
    """The file that ``/name`` serves from ``folder`` (already resolved) and its stat, or None.

    ``name`` is the request path without its leading slash, percent-decoded
    once (by uvicorn). An empty name is the page.
    """
    name = name or INDEX_NAME
    if not _servable_name(name):
        return None
    try:
        real = Path(os.path.realpath(folder / name))
        status = real.stat()
    except (OSError, ValueError):  # ValueError: a name the file system cannot encode
        return None
    if real.parent != folder or not _servable_name(real.name) or not stat.S_ISREG(status.st_mode):
        return None  # a symlink leading out of the folder or to a hidden file, or not a file
    return real, status


def _servable_name(name: str) -> bool:
    """One plain, visible name of a kind the tool publishes."""
    return (
        not any(char in name for char in "/\\\0")
        and not name.startswith(".")
        and Path(name).suffix.lower() in CONTENT_TYPES
    )


def make_app(folder: Path) -> Starlette:
    """The ASGI app that serves ``folder``."""
    root = Path(os.path.realpath(folder))

    async def serve_file(request: Request) -> Response:
        found = published_file(root, request.path_params["name"])
        if found is None:
            return PlainTextResponse("Not Found", status_code=404)
        path, status = found
        media_type = CONTENT_TYPES[path.suffix.lower()]
        if path.name in _CHANGING_FILES:
            cache = REVALIDATE
            response = await run_in_threadpool(_current_version, path, media_type)
            if response is None:
                return PlainTextResponse("Not Found", status_code=404)
        else:
            cache = IMMUTABLE
            response = FileResponse(
                path, media_type=media_type, headers={"cache-control": cache, "x-content-type-options": "nosniff"},
                stat_result=status,
            )  # fmt: skip
        if _not_modified(request, response):
            return Response(status_code=304, headers={"etag": response.headers["etag"], "cache-control": cache})
        return response

    return Starlette(routes=[Route("/{name:path}", serve_file, methods=["GET", "HEAD"])])


def _current_version(path: Path, media_type: str) -> Response | None:
    """feed.xml or index.html as one publish left it: its bytes and date through one open file.

    A publish renames a new version over these files while the server runs;
    FileResponse takes the size from a stat and the bytes from a later open,
    so a publish in between gave a torn answer. They are small: they are read
    whole, and a Range request gets the whole file (which HTTP allows).
    """
    try:
        with open(path, "rb") as handle:
            modified = os.fstat(handle.fileno()).st_mtime
            content = handle.read()
    except OSError:
        return None
    headers = {
        "cache-control": REVALIDATE,
        "x-content-type-options": "nosniff",
        "etag": f'"{hashlib.sha256(content).hexdigest()[:32]}"',
        "last-modified": email.utils.formatdate(modified, usegmt=True),
    }
    return Response(content, media_type=media_type, headers=headers)


def _not_modified(request: Request, response: Response) -> bool:
    """The client's copy (If-None-Match) is current."""
    tags = request.headers.get("if-none-match")
    if tags is None:
        return False
    return tags.strip() == "*" or response.headers["etag"] in {tag.strip().removeprefix("W/") for tag in tags.split(",")}


def serve(folder: Path, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve ``folder`` until interrupted."""
    import uvicorn

    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"cannot serve {folder}: no such folder")
    uvicorn.run(make_app(folder), host=host, port=port, server_header=False, log_level="info")
