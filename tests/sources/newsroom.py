"""A local newsroom: an HTTP/1.1 server on 127.0.0.1 (a free port) serving what a test puts in it.

Each path answers with a :class:`Route`: a status, headers and a body, or a
behaviour (a redirect, a trickle of one byte a second, an endless or very
large body, a compressed body). Pages get an ETag and a Last-Modified from
their bytes, and a conditional GET that matches gets a 304. Every request is
logged (path, status, the request's headers), so tests can say what was
fetched and how.
"""

from __future__ import annotations

import email.utils
import hashlib
import http.server
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

DATA = Path(__file__).resolve().parent / "data"


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    stream: Callable[[], Iterator[bytes]] | None = None
    """Body sent piece by piece (each piece flushed), instead of ``body``."""
    validators: bool = True
    """ETag and Last-Modified from the body, and 304 answers to matching conditional GETs."""
    modified: float = field(default_factory=time.time)


@dataclass
class Request:
    path: str
    status: int
    headers: dict[str, str]


class Newsroom:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.log: list[Request] = []
        self._lock = threading.Lock()
        newsroom = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
                newsroom._answer(self)

            def log_message(self, *args) -> None:
                pass

        class Server(http.server.ThreadingHTTPServer):
            def handle_error(self, request, client_address) -> None:
                import sys

                if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):  # a client that hangs up is no error
                    super().handle_error(request, client_address)

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "Newsroom":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    # -- What it serves ---------------------------------------------------------------------

    def page(self, path: str, html: str | bytes, content_type: str = "text/html; charset=utf-8", **headers: str) -> str:
        body = html.encode("utf-8") if isinstance(html, str) else html
        previous = self.routes.get(path)
        modified = time.time()
        if previous is not None and previous.body != body:
            modified = max(modified, previous.modified + 1)  # Last-Modified has one-second steps
        self.routes[path] = Route(200, body, {"Content-Type": content_type, **headers}, modified=modified)
        return self.url(path)

    def serve(self, path: str, route: Route) -> str:
        self.routes[path] = route
        return self.url(path)

    def remove(self, path: str) -> None:
        self.routes.pop(path, None)

    def requests_for(self, path: str) -> list[Request]:
        with self._lock:
            return [request for request in self.log if request.path == path]

    def clear_log(self) -> None:
        with self._lock:
            self.log.clear()

    # -- Answering ----------------------------------------------------------------------------

    def _answer(self, handler: http.server.BaseHTTPRequestHandler) -> None:
        path = handler.path.split("?", 1)[0]
        route = self.routes.get(path) or Route(404, b"<html><body><h1>404</h1></body></html>", {"Content-Type": "text/html"})
        headers = dict(route.headers)
        status = route.status
        if route.validators and status == 200 and route.stream is None:
            etag = '"' + hashlib.sha256(route.body).hexdigest()[:16] + '"'
            modified = email.utils.formatdate(route.modified, usegmt=True)
            headers.update(ETag=etag, **{"Last-Modified": modified})
            if handler.headers.get("If-None-Match") == etag or (
                "If-None-Match" not in handler.headers and handler.headers.get("If-Modified-Since") == modified
            ):
                status = 304
        with self._lock:
            self.log.append(Request(path, status, dict(handler.headers.items())))
        try:
            handler.send_response(status)
            for name, value in headers.items():
                handler.send_header(name, value)
            if route.stream is not None:
                handler.send_header("Connection", "close")
                handler.end_headers()
                for piece in route.stream():
                    handler.wfile.write(piece)
                    handler.wfile.flush()
                handler.close_connection = True
                return
            body = b"" if status == 304 else route.body
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            handler.close_connection = True


# -- Hostile routes ----------------------------------------------------------------------------


def trickle(total: int = 10_000, every: float = 1.0) -> Route:
    """A page that sends one byte every ``every`` seconds."""

    def pieces() -> Iterator[bytes]:
        yield b"<html><body>"
        for _ in range(total):
            time.sleep(every)
            yield b"x"

    return Route(headers={"Content-Type": "text/html"}, stream=pieces, validators=False)


def endless(total: int, content_type: str = "text/html") -> Route:
    """A body of ``total`` bytes, streamed in 64 KiB pieces, with no Content-Length (it cannot be refused early)."""

    def pieces() -> Iterator[bytes]:
        chunk = b"<p>" + b"a" * (65536 - 7) + b"</p>\n"
        sent = 0
        while sent < total:
            yield chunk
            sent += len(chunk)

    return Route(headers={"Content-Type": content_type}, stream=pieces, validators=False)


def redirect(to: str, status: int = 302) -> Route:
    return Route(status, b"", {"Location": to, "Content-Type": "text/html"}, validators=False)
