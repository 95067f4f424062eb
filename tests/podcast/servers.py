"""Running the real server for tests: uvicorn in a thread, or ``audio-artigo serve``."""

from __future__ import annotations

import collections
import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Iterator

import httpx
import uvicorn

from audio_artigo.podcast.server import make_app


@contextlib.contextmanager
def server_thread(folder: Path) -> Iterator[str]:
    """uvicorn serving ``folder`` on a random free port of 127.0.0.1; yields its base URL."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))  # bound before uvicorn starts: no race for the port
    port = listener.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(make_app(folder), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        listener.close()


@contextlib.contextmanager
def serve_command(folder: Path) -> Iterator[str]:
    """``audio-artigo serve --dir folder`` in a subprocess; yields its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "audio_artigo", "serve", "--dir", str(folder), "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=os.environ.copy())
    # uvicorn logs a warning per malformed request: a pipe nobody reads fills
    # up after a thousand or so, and the server then hangs writing to it.
    log: collections.deque[bytes] = collections.deque(maxlen=100)
    reader = threading.Thread(target=lambda: log.extend(process.stderr), daemon=True)
    reader.start()
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 15
        while True:
            if process.poll() is not None:
                reader.join(5)
                raise AssertionError(b"".join(log).decode(errors="replace"))
            with contextlib.suppress(httpx.TransportError):
                httpx.head(base + "/", timeout=1)
                break
            assert time.monotonic() < deadline, "audio-artigo serve did not start"
            time.sleep(0.05)
        yield base
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        reader.join(5)
        process.stderr.close()


def send(base: str, target: bytes, headers: list[tuple[str, str]] = (), method: bytes = b"GET") -> tuple[int | None, bytes, bytes]:
    """One request, exactly these bytes; (status, head, body). Status None: the server closed without answering."""
    host, port = base.removeprefix("http://").split(":")
    lines = [method + b" " + target + b" HTTP/1.1", f"Host: {host}:{port}".encode(), b"Connection: close"]
    lines += [f"{name}: {value}".encode() for name, value in headers]  # non-ASCII goes as UTF-8 bytes
    response = b""
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(b"\r\n".join(lines) + b"\r\n\r\n")
        try:
            while chunk := connection.recv(65536):
                response += chunk
        except ConnectionResetError:
            pass
    if not response:
        return None, b"", b""
    head, _, body = response.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), head, body


def header(head: bytes, name: bytes) -> bytes | None:
    """The value of header ``name`` (lower case) in a response head, or None."""
    for line in head.split(b"\r\n")[1:]:
        key, _, value = line.partition(b":")
        if key.strip().lower() == name:
            return value.strip()
    return None


def raw_get(base: str, target: str, headers: dict[str, str] | None = None, method: str = "GET") -> tuple[int, bytes, bytes]:
    """Send ``target`` byte for byte (no client-side normalisation); returns (status, headers, body)."""
    status, head, body = send(base, target.encode("latin-1"), list((headers or {}).items()), method.encode())
    assert status is not None, f"the server closed without answering {method} {target}"
    return status, head, body
