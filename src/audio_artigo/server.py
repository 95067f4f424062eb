"""``audio-artigo serve``: the output folder over HTTP, as a podcast host would serve it.

Only what the tool publishes is served: files directly in the folder, by a
plain name, of the kinds below. Everything else (paths with ``..`` however
encoded, sub-folders, dotfiles such as the catalogue, the lock and temporary
files, symlinks leading out of the folder, other kinds of file) is a 404 with
no bytes of the file. Range requests, HEAD and conditional requests are
handled by Starlette's FileResponse; uvicorn speaks HTTP.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route

from audio_artigo.errors import InputError
from audio_artigo.site import INDEX_NAME

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
        cache = REVALIDATE if path.name in _CHANGING_FILES else IMMUTABLE
        response = FileResponse(
            path,
            media_type=CONTENT_TYPES[path.suffix.lower()],
            headers={"cache-control": cache, "x-content-type-options": "nosniff"},
            stat_result=status,
        )
        if _not_modified(request, response):
            return Response(status_code=304, headers={"etag": response.headers["etag"], "cache-control": cache})
        return response

    return Starlette(routes=[Route("/{name:path}", serve_file, methods=["GET", "HEAD"])])


def _not_modified(request: Request, response: FileResponse) -> bool:
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
