"""A Piper voices repository on 127.0.0.1, with faults to inject, for the voices tests.

It is laid out like the official repository: ``voices.json`` at the root and
each voice's files under ``LANG_FAMILY/LANG_CODE/NAME/QUALITY/``. It serves
byte ranges like a real static server, and records every request so tests can
see what the downloader asked for.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ERROR_PAGE = b"<!DOCTYPE html><html><head><title>Oops</title></head><body>Something went wrong</body></html>\n"

# What the server can do wrong, per file:
FAULTS = {
    "corrupt": "same size, one byte changed in the middle",
    "truncated": "the mirror's copy is cut short (an honest, smaller Content-Length)",
    "html-page": "a 200 with an HTML error page instead of the file",
    "drop-once": "announce the whole file, send half of what was asked, close; next time behave",
    "range-from-zero": "answer a Range request with a 206 whose Content-Range starts at byte 0",
    "ignore-range": "answer a Range request with a 200 and the whole file",
    "range-elsewhere": "answer a Range request with a 206 starting at byte 1",
    "not-found": "404",
}


@dataclass
class Request:
    path: str
    range: str | None


@dataclass
class VoiceRepository:
    root: Path
    url: str = ""
    faults: dict[str, str] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)

    def add_voice(self, model: Path, name: str | None = None) -> str:
        """Publish a voice (its .onnx and .onnx.json) and list it in voices.json; return its name."""
        name = name or model.name.removesuffix(".onnx")
        language, dataset, quality = name.split("-")
        folder = self.root / language.split("_")[0] / language / dataset / quality
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(model, folder / f"{name}.onnx")
        shutil.copyfile(f"{model}.json", folder / f"{name}.onnx.json")
        manifest = self.manifest()
        manifest[name] = {
            "key": name,
            "name": dataset,
            "language": {"code": language, "family": language.split("_")[0]},
            "quality": quality,
            "num_speakers": json.loads(Path(f"{model}.json").read_text())["num_speakers"],
            "files": {
                str(path.relative_to(self.root)): {
                    "size_bytes": path.stat().st_size,
                    "md5_digest": hashlib.md5(path.read_bytes()).hexdigest(),
                }
                for path in sorted(folder.iterdir())
            },
            "aliases": [],
        }
        (self.root / "voices.json").write_text(json.dumps(manifest, indent=2))
        return name

    def manifest(self) -> dict:
        path = self.root / "voices.json"
        return json.loads(path.read_text()) if path.exists() else {}

    def path_of(self, name: str, suffix: str = ".onnx") -> str:
        """The repository path of a voice's file, e.g. pt/pt_BR/tiny/x_low/pt_BR-tiny-x_low.onnx."""
        return next(path for path in self.manifest()[name]["files"] if path.endswith(name + suffix))

    def fault(self, name: str, suffix: str, kind: str) -> None:
        assert kind in FAULTS, kind
        self.faults[self.path_of(name, suffix)] = kind

    def requests_for(self, name: str, suffix: str = ".onnx") -> list[Request]:
        wanted = "/" + self.path_of(name, suffix)
        return [request for request in self.requests if request.path == wanted]


def _handler(repository: VoiceRepository) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # keep the test output clean
            pass

        def do_GET(self) -> None:
            repository.requests.append(Request(self.path, self.headers.get("Range")))
            relative = self.path.lstrip("/")
            path = repository.root / relative
            if not path.is_file() or repository.faults.get(relative) == "not-found":
                self._send(404, b"not found", "text/plain")
                return
            data = path.read_bytes()
            fault = repository.faults.get(relative)
            if fault == "corrupt":
                middle = len(data) // 2
                data = data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]
            elif fault == "truncated":
                data = data[: len(data) * 3 // 4]
            elif fault == "html-page":
                self._send(200, ERROR_PAGE, "text/html; charset=utf-8")
                return

            start = self._range_start()
            if start is None or fault == "ignore-range":
                status, body, content_range = 200, data, None
            elif fault == "range-from-zero":
                status, body, content_range = 206, data, f"bytes 0-{len(data) - 1}/{len(data)}"
            elif fault == "range-elsewhere":
                status, body, content_range = 206, data[1:], f"bytes 1-{len(data) - 1}/{len(data)}"
            elif start >= len(data):
                self._send(416, b"", "text/plain", {"Content-Range": f"bytes */{len(data)}"})
                return
            else:
                status, body, content_range = 206, data[start:], f"bytes {start}-{len(data) - 1}/{len(data)}"

            headers = {"Content-Range": content_range} if content_range else {}
            if fault == "drop-once":
                del repository.faults[relative]
                self._send(status, body, "application/octet-stream", headers, send_only=len(body) // 2)
                return
            self._send(status, body, "application/octet-stream", headers)

        def _range_start(self) -> int | None:
            header = self.headers.get("Range")
            if not header or not header.startswith("bytes=") or not header.endswith("-"):
                return None
            return int(header[len("bytes=") : -1])

        def _send(self, status, body, content_type, headers=None, send_only=None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body if send_only is None else body[:send_only])
            if send_only is not None:
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)

    return Handler


def serve(root: Path) -> tuple[VoiceRepository, ThreadingHTTPServer]:
    """Start serving ``root`` on a free port of 127.0.0.1, in a daemon thread."""
    repository = VoiceRepository(root)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(repository))
    server.daemon_threads = True
    repository.url = f"http://127.0.0.1:{server.server_address[1]}"
    # A short poll interval: shutdown() waits for it, once per test.
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    return repository, server


def final_files(folder: Path, name: str) -> list[Path]:
    """The files of voice ``name`` under a final (not .part) name."""
    candidates = [folder / f"{name}.onnx", folder / f"{name}.onnx.json", folder / f"{name}.install.json"]
    return [path for path in candidates if path.exists()]


def part_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.part")) if folder.exists() else []
