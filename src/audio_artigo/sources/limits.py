"""The bounds of fetching, as plain settings (no network module is imported here).

:class:`FetchLimits` bounds every fetch in time and size; :class:`HostPolicy`
says which hosts a feed's items may send the fetcher to.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass


@dataclass(frozen=True)
class FetchLimits:
    """The bounds of every fetch."""

    deadline: float = 30.0
    """Seconds for the whole fetch: every redirect, the headers and the body."""
    connect_timeout: float = 10.0
    read_timeout: float = 10.0
    """Seconds without a byte from the server."""
    max_bytes: int = 10 * 1024 * 1024
    """Decoded content, at most."""
    max_redirects: int = 5


def _default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80


@dataclass(frozen=True)
class HostPolicy:
    """Which hosts may be fetched: a feed's own host and those ``--allow-host`` names.

    A host allowed without a port may be reached on the default ports (http
    and https); one with a port only on that port.
    """

    hosts: frozenset[tuple[str, int | None]]

    @classmethod
    def for_feed(cls, feed_url: str, also: tuple[str, ...] | list[str] = ()) -> "HostPolicy":
        parts = urllib.parse.urlsplit(feed_url)
        own = (parts.hostname or "", _explicit_port(parts))
        return cls(frozenset([own, *(_host_and_port(host) for host in also)]))

    def permits(self, url: str) -> bool:
        parts = urllib.parse.urlsplit(url)
        host, port = (parts.hostname or "").lower(), _explicit_port(parts)
        return any(host == allowed and (port == allowed_port or port is None and allowed_port is None) for allowed, allowed_port in self.hosts)

    def describe(self, url: str) -> str:
        parts = urllib.parse.urlsplit(url)
        return parts.netloc.rpartition("@")[2] or "(no host)"


def _explicit_port(parts: urllib.parse.SplitResult) -> int | None:
    """The URL's port; None when it is its scheme's default."""
    try:
        port = parts.port
    except ValueError:
        return -1  # an invalid port matches nothing
    return None if port is None or port == _default_port(parts.scheme.lower()) else port


def _host_and_port(text: str) -> tuple[str, int | None]:
    parts = urllib.parse.urlsplit("//" + text.strip().lower())
    try:
        port = parts.port
    except ValueError:
        port = -1
    return parts.hostname or "", port if port not in (80, 443) else None


