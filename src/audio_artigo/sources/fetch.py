"""Fetching a URL (a page, a feed, an image) within bounds, with httpx.

Every fetch is bounded:

- **schemes and hosts**: http and https only; redirects are followed here,
  not by httpx, so that each hop is checked again for its scheme and, when a
  :class:`HostPolicy` is given (a feed's items), for its host; at most
  ``max_redirects`` hops, and a hop back to a URL already visited is a loop;
- **time**: a connect timeout, a read timeout, and a deadline for the whole
  fetch (every hop, the headers and the body). The deadline bounds each
  socket operation itself (see ``_DeadlineBackend``), so a server that
  trickles a byte a second, in its headers or its body, is cut off;
- **size**: ``max_bytes`` of *decoded* content, counted while streaming.
  Content encodings (gzip, deflate, brotli) are decoded here, not by httpx,
  with the decompressors' own output limits, so a decompression bomb never
  takes more than the limit in memory.

Failures raise :class:`FetchError` (an ``InputError``): one line naming the
URL and the cause.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import sys
import threading
import time
import urllib.parse
import zlib
from dataclasses import dataclass, field

# httpx imports its own command line (httpx._main, with click, rich and
# pygments) whenever those are installed, as they are here: 30 of the 50 ms
# httpx takes to import, a tenth of a `follow` pass where nothing changed.
# This program never uses it; a None in sys.modules makes that import fail,
# which httpx expects and handles.
sys.modules.setdefault("httpx._main", None)

import httpcore  # noqa: E402
import httpx  # noqa: E402

from audio_artigo import __version__
from audio_artigo.errors import InputError
from audio_artigo.sources.limits import FetchLimits, HostPolicy

USER_AGENT = f"audio-artigo/{__version__} (news-to-podcast; +https://pypi.org/project/audio-artigo/)"
ACCEPT_ENCODING = "gzip, deflate, br"
CHUNK_BYTES = 16 * 1024
"""Raw bytes handed to a decompressor at a time."""
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


class FetchError(InputError):
    """A URL could not be fetched (or was refused): the message names it and the cause."""


@dataclass
class Fetched:
    """What a fetch brought back."""

    url: str
    """The URL the content came from, after redirects."""
    status: int
    content_type: str = ""
    """The media type, lower case, without parameters ("" when the server named none)."""
    charset: str | None = None
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    """A conditional fetch answered 304: nothing changed, no body."""
    redirects: list[str] = field(default_factory=list)


def check_fetchable(url: str, name: str | None = None, policy: HostPolicy | None = None) -> None:
    """Refuse, with a FetchError, a URL that is not http(s) or not on an allowed host."""
    name = name or _printable(url)
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - raises on a port that is not a number from 0 to 65535
    except ValueError as malformed:  # "http://[::1", "http://host:99999/"
        raise FetchError(f"{name}: not a valid URL ({malformed})") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchError(f"{name}: only http and https URLs are fetched, not {parts.scheme or 'this'}:")
    if not parts.hostname:
        raise FetchError(f"{name}: no host in the URL")
    if policy is not None and not policy.permits(url):
        raise FetchError(f"{name}: host {policy.describe(url)} is not the feed's own (allow it with --allow-host)")


class Fetcher:
    """An HTTP client for a run of fetches (connections are reused); use as a context manager."""

    def __init__(self, limits: FetchLimits | None = None):
        self.limits = limits or FetchLimits()
        self._deadline = threading.local()
        self._client = httpx.Client(
            transport=_DeadlineTransport(_DeadlineBackend(self._deadline)),
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": ACCEPT_ENCODING},
            timeout=httpx.Timeout(self.limits.read_timeout, connect=self.limits.connect_timeout),
        )

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def fetch(
        self,
        url: str,
        *,
        accept: str = "*/*",
        policy: HostPolicy | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        name: str | None = None,
    ) -> Fetched:
        """GET ``url`` within the limits, following redirects; FetchError on any failure.

        ``etag`` / ``last_modified``: make it a conditional GET (a 304 answer
        gives ``not_modified``). ``name``: how messages name the URL.
        """
        name = name or _printable(url)
        check_fetchable(url, name, policy)
        started = time.monotonic()
        self._deadline.at = started + self.limits.deadline
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        visited = [_without_fragment(url)]
        current = url
        try:
            while True:
                with self._client.stream("GET", current, headers=headers) as response:
                    if response.status_code in REDIRECT_STATUSES and "location" in response.headers:
                        target = urllib.parse.urljoin(current, response.headers["location"].strip())
                        current = self._next_hop(name, target, visited, policy)
                        continue
                    return self._answer(name, current, response, visited[1:])
        except FetchError:
            raise
        except (httpx.HTTPError, httpcore.NetworkError, httpcore.TimeoutException, httpcore.ProtocolError) as exc:
            raise FetchError(f"{name}: {self._cause(exc, started)}") from None
        except (httpx.InvalidURL, ValueError, UnicodeError) as exc:
            raise FetchError(f"{name}: not a valid URL ({exc})") from None
        finally:
            self._deadline.at = None

    def _next_hop(self, name: str, target: str, visited: list[str], policy: HostPolicy | None) -> str:
        if _without_fragment(target) in visited:
            raise FetchError(f"{name}: redirect loop (back to {_printable(target)})")
        if len(visited) > self.limits.max_redirects:
            raise FetchError(f"{name}: more than {self.limits.max_redirects} redirects")
        try:
            check_fetchable(target, name, policy)
        except FetchError as refused:
            raise FetchError(f"{name}: redirected to {_printable(target)}, refused: {str(refused).removeprefix(name + ': ')}") from None
        visited.append(_without_fragment(target))
        return target

    def _answer(self, name: str, url: str, response: httpx.Response, redirects: list[str]) -> Fetched:
        content_type = response.headers.get("content-type", "")
        fetched = Fetched(
            url=url,
            status=response.status_code,
            content_type=content_type.split(";")[0].strip().lower(),
            charset=_charset(content_type),
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
            redirects=redirects,
        )
        if response.status_code == 304:
            fetched.not_modified = True
            return fetched
        if response.status_code >= 400:
            raise FetchError(f"{name}: HTTP {response.status_code} {response.reason_phrase or ''}".rstrip())
        if not 200 <= response.status_code < 300:
            raise FetchError(f"{name}: unexpected HTTP {response.status_code} {response.reason_phrase or ''}".rstrip())
        fetched.body = self._read_body(name, response)
        return fetched

    def _read_body(self, name: str, response: httpx.Response) -> bytes:
        limit = self.limits.max_bytes
        too_large = FetchError(f"{name}: larger than {_size(limit)} (the size limit)")
        declared = response.headers.get("content-length", "")
        encodings = [e.strip().lower() for e in response.headers.get("content-encoding", "").split(",") if e.strip()]
        if declared.isdigit() and int(declared) > limit and not encodings:
            raise too_large
        decoders = [_decoder(name, encoding) for encoding in reversed(encodings) if encoding != "identity"]
        body = bytearray()
        for chunk in response.iter_raw(CHUNK_BYTES):
            for decoder in decoders:
                chunk = decoder.decode(chunk, limit - len(body))
            body += chunk
            if len(body) > limit:
                raise too_large
        for index, decoder in enumerate(decoders):
            tail = decoder.flush(limit - len(body))
            for later in decoders[index + 1 :]:
                tail = later.decode(tail, limit - len(body))
            body += tail
        if len(body) > limit:
            raise too_large
        return bytes(body)

    def _cause(self, exc: Exception, started: float) -> str:
        if time.monotonic() - started >= self.limits.deadline:
            return f"took longer than {self.limits.deadline:g} s (the time limit)"
        chain = []
        link: BaseException | None = exc
        while link is not None and len(chain) < 10:
            chain.append(link)
            link = link.__cause__ or link.__context__
        if any(isinstance(link, socket.gaierror) for link in chain) or "Name or service not known" in str(exc):
            return "host name not found"
        if any(isinstance(link, ConnectionRefusedError) for link in chain) or "Connection refused" in str(exc):
            return "connection refused"
        if any(isinstance(link, ssl.SSLError) for link in chain):
            return f"TLS error ({exc})"
        if isinstance(exc, (httpx.ConnectTimeout, httpcore.ConnectTimeout)):
            return f"no connection within {self.limits.connect_timeout:g} s"
        if isinstance(exc, (httpx.TimeoutException, httpcore.TimeoutException)):
            return f"the server sent nothing for {self.limits.read_timeout:g} s"
        if isinstance(exc, (httpx.RemoteProtocolError, httpcore.RemoteProtocolError)):
            return f"broken HTTP answer ({exc or 'the server closed the connection'})"
        return f"{type(exc).__name__} ({exc})" if str(exc) else type(exc).__name__


# -- Content encodings -----------------------------------------------------------------------


class _Zlib:
    """gzip, or deflate (zlib-wrapped, or raw as some servers send it)."""

    def __init__(self, name: str, encoding: str):
        self.name = name
        self.raw_fallback = encoding == "deflate"
        self._inflate = zlib.decompressobj(zlib.MAX_WBITS | 16 if encoding in ("gzip", "x-gzip") else zlib.MAX_WBITS)
        self._started = False

    def decode(self, data: bytes, room: int) -> bytes:
        """At most ``room + 1`` decoded bytes (one more than fits says the limit is passed)."""
        try:
            out = self._inflate.decompress(data, max(room, 0) + 1)
        except zlib.error as exc:
            if self.raw_fallback and not self._started:
                self._inflate, self.raw_fallback = zlib.decompressobj(-zlib.MAX_WBITS), False
                return self.decode(data, room)
            raise FetchError(f"{self.name}: broken compressed content ({exc})") from None
        self._started = True
        return out

    def flush(self, room: int) -> bytes:
        return self._inflate.flush()[: max(room, 0) + 1]


class _Brotli:
    def __init__(self, name: str):
        import brotli

        self.name = name
        self._error = brotli.error
        self._decompressor = brotli.Decompressor()

    def decode(self, data: bytes, room: int) -> bytes:
        limit = max(room, 0) + 1
        try:
            out = bytearray(self._decompressor.process(data, output_buffer_limit=limit))
            while len(out) < limit and not self._decompressor.can_accept_more_data():
                out += self._decompressor.process(b"", output_buffer_limit=limit - len(out))
        except self._error as exc:
            raise FetchError(f"{self.name}: broken brotli content ({exc})") from None
        return bytes(out)

    def flush(self, room: int) -> bytes:
        return b""


def _decoder(name: str, encoding: str):
    if encoding in ("gzip", "x-gzip", "deflate"):
        return _Zlib(name, encoding)
    if encoding == "br":
        return _Brotli(name)
    raise FetchError(f"{name}: unsupported content encoding {encoding!r}")


# -- A deadline on every socket operation ----------------------------------------------------


class _DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's own socket backend, with every connect, read and write bounded by the fetch's deadline."""

    def __init__(self, deadline: threading.local):
        self._backend = httpcore.SyncBackend()
        self._deadline = deadline

    def remaining(self, timeout: float | None) -> float | None:
        at = getattr(self._deadline, "at", None)
        if at is None:
            return timeout
        left = at - time.monotonic()
        if left <= 0:
            raise httpcore.ReadTimeout("the fetch's deadline passed")
        return left if timeout is None else min(timeout, left)

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        stream = self._backend.connect_tcp(host, port, self.remaining(timeout), local_address, socket_options)
        return _DeadlineStream(stream, self)

    def connect_unix_socket(self, path, timeout=None, socket_options=None):  # never used: no proxy, no uds
        raise httpcore.ConnectError("unix sockets are not fetched")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream, backend: _DeadlineBackend):
        self._stream = stream
        self._backend = backend

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, self._backend.remaining(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, self._backend.remaining(timeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None):
        stream = self._stream.start_tls(ssl_context, server_hostname, self._backend.remaining(timeout))
        return _DeadlineStream(stream, self._backend)

    def get_extra_info(self, info: str):
        return self._stream.get_extra_info(info)


class _DeadlineTransport(httpx.BaseTransport):
    """httpx over an httpcore connection pool that uses ``_DeadlineBackend``.

    (httpx's own HTTPTransport takes no network backend; this is the few
    lines of it that matter here: no proxies, HTTP/1.1.)
    """

    def __init__(self, backend: _DeadlineBackend):
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(), network_backend=backend, max_connections=10, keepalive_expiry=5.0
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(scheme=request.url.raw_scheme, host=request.url.raw_host, port=request.url.port, target=request.url.raw_path),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        response = self._pool.handle_request(core_request)
        return httpx.Response(
            status_code=response.status, headers=response.headers, stream=_ResponseStream(response.stream), extensions=response.extensions
        )

    def close(self) -> None:
        self._pool.close()


class _ResponseStream(httpx.SyncByteStream):
    def __init__(self, stream):
        self._stream = stream

    def __iter__(self):
        yield from self._stream

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._stream.close()


# -- Small helpers ---------------------------------------------------------------------------


def _charset(content_type: str) -> str | None:
    from audio_artigo.sources.charset import charset_of

    return charset_of(content_type)


def _without_fragment(url: str) -> str:
    return urllib.parse.urldefrag(url)[0]


def _printable(text: str) -> str:
    return text if text.isprintable() else repr(text)


def _size(count: int) -> str:
    if count >= 1 << 20 and count % (1 << 20) == 0:
        return f"{count >> 20} MB"
    if count >= 1 << 10 and count % (1 << 10) == 0:
        return f"{count >> 10} KB"
    return f"{count} bytes"
