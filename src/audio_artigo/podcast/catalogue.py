"""The episode catalogue: one SQLite row per article, inside the output folder.

The catalogue is what feed.xml and index.html are made from. It remembers what
the files alone cannot: each article's GUID and first-publication date, every
version of its episode (date, files, SHA-256, and whether its text was
corrected: the public correction trail), and every file name ever published
(so no name is reused for different bytes).

It is only opened under the output folder's publish lock, so builds running
at the same time take turns and none of them loses another's episode.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import sqlite3
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Iterator

from audio_artigo.errors import PublishError
from audio_artigo.model import ChapterMark, Episode
from audio_artigo.podcast.config import PodcastConfig, xml_safe

CATALOGUE_NAME = ".catalogue.sqlite3"
LOCK_NAME = ".publish.lock"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS show (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS episodes (
    identity TEXT PRIMARY KEY,
    guid TEXT NOT NULL UNIQUE,
    published TEXT NOT NULL,        -- first publication, ISO 8601 UTC; never changes
    updated TEXT NOT NULL,          -- when the current version was published
    slug TEXT NOT NULL,
    title TEXT NOT NULL,
    source TEXT NOT NULL,
    description TEXT NOT NULL,
    author TEXT,
    duration REAL NOT NULL,
    chapters TEXT NOT NULL,         -- JSON: [{"title", "start", "end"}]
    engine TEXT NOT NULL,
    voice TEXT NOT NULL,
    quote_voice TEXT,
    audio_file TEXT NOT NULL,
    chapters_file TEXT NOT NULL,
    transcript_file TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    link TEXT,                      -- the article's canonical URL (else the URL it was fetched from)
    image_file TEXT NOT NULL DEFAULT '',   -- its lead image in the folder; '' for the show's cover
    article_date TEXT               -- the article's own publication date, as it gives it
);
CREATE TABLE IF NOT EXISTS used_stems (
    stem TEXT PRIMARY KEY           -- every file-name stem ever published
);
CREATE TABLE IF NOT EXISTS versions (
    identity TEXT NOT NULL,         -- the episode's (episodes.identity); in order of rowid
    published TEXT NOT NULL,        -- when this version was published, ISO 8601 UTC
    audio_file TEXT NOT NULL,
    chapters_file TEXT NOT NULL,
    transcript_file TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    text_sha256 TEXT,               -- digest of the text read; NULL for versions recorded before it was kept
    corrected INTEGER NOT NULL      -- 1: its text differs from the version before's (a correction)
);
CREATE INDEX IF NOT EXISTS versions_by_identity ON versions (identity);
CREATE TABLE IF NOT EXISTS follow_items (  -- what `follow` knows of each feed item (sources/follow.py)
    feed TEXT NOT NULL,             -- the feed's URL
    item TEXT NOT NULL,             -- the item's GUID in the feed (else its URL)
    url TEXT NOT NULL,              -- the article's page
    identity TEXT,                  -- the episode it became (episodes.identity), once published
    text_digest TEXT,               -- of the text last published (or found unchanged)
    etag TEXT,
    last_modified TEXT,
    status TEXT NOT NULL,           -- new, corrected, unchanged or failed: the last pass's verdict
    attempts INTEGER NOT NULL DEFAULT 0,   -- failures in a row
    next_try TEXT,                  -- ISO 8601 UTC: not fetched again before (backoff after failures)
    last_error TEXT,
    checked TEXT NOT NULL,          -- ISO 8601 UTC of the last pass that looked at it
    PRIMARY KEY (feed, item)
);
"""

SCHEMA_VERSION = 1
"""PRAGMA user_version of an up-to-date catalogue. 0: from before the versions table
(each episode's current version is then recorded as its first: the earlier ones'
dates and digests were never kept; their files stay on disk)."""

FOLLOW_COLUMNS = (
    "feed", "item", "url", "identity", "text_digest", "etag", "last_modified", "status", "attempts", "next_try",
    "last_error", "checked",
)  # fmt: skip

_EPISODE_COLUMNS = (
    "slug", "title", "identity", "source", "description", "author", "duration", "chapters",
    "engine", "voice", "quote_voice", "audio_file", "chapters_file", "transcript_file",
    "size", "sha256", "link", "image_file", "article_date",
)  # fmt: skip

_ADDED_COLUMNS = {
    "link": "TEXT",
    "image_file": "TEXT NOT NULL DEFAULT ''",
    "article_date": "TEXT",
}
"""Columns of ``episodes`` that catalogues written by earlier versions lack: added in place when opened."""


@dataclass
class Version:
    """One published version of an episode: its files stay on disk after a newer one replaces it."""

    published: datetime
    """When it was published (UTC)."""
    audio_file: str
    chapters_file: str
    transcript_file: str
    size: int
    sha256: str
    corrected: bool
    """Its text differs from the version before's: it published a correction."""
    text_digest: str | None = None
    """Of the text it reads (``Episode.text_digest``); None for versions recorded before it was kept."""


@dataclass
class PublishedEpisode:
    """An episode as the catalogue lists it."""

    episode: Episode
    guid: str
    published: datetime
    """First publication (UTC): kept when the article is rebuilt."""
    updated: datetime
    """When the listed version was published (UTC)."""
    versions: list[Version] = field(default_factory=list)
    """Every version, oldest first; the last is the listed one."""

    @property
    def earlier_versions(self) -> list[Version]:
        return self.versions[:-1]

    @property
    def corrections(self) -> list[Version]:
        return [version for version in self.versions if version.corrected]


@contextlib.contextmanager
def locked_catalogue(out_dir: Path) -> Iterator[Catalogue]:
    """Hold the output folder's publish lock and open its catalogue.

    The lock is an fcntl lock on ``.publish.lock``: the kernel releases it
    when the holder exits, even by a crash, so a dead build never blocks the
    next one. Any SQLite failure inside becomes a PublishError.
    """
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise PublishError(f"{out_dir} is not a folder")
    database = out_dir / CATALOGUE_NAME
    try:
        lock = open(out_dir / LOCK_NAME, "a")
    except OSError as exc:
        raise PublishError(f"cannot publish in {out_dir}: {exc.strerror or exc}") from exc
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            catalogue = Catalogue(sqlite3.connect(database))
            try:
                yield catalogue
            finally:
                catalogue.close()
        except sqlite3.Error as exc:
            raise PublishError(f"catalogue {database}: {exc}") from exc


class Catalogue:
    """The SQLite catalogue of one output folder (open it with ``locked_catalogue``)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection
        self._db.row_factory = sqlite3.Row
        with self._db:
            self._db.executescript(_SCHEMA)
            present = {row["name"] for row in self._db.execute("PRAGMA table_info(episodes)")}
            for name, declaration in _ADDED_COLUMNS.items():
                if name not in present:
                    self._db.execute(f"ALTER TABLE episodes ADD COLUMN {name} {declaration}")
        self._migrate()

    def _migrate(self) -> None:
        """Bring a catalogue written by an earlier audio-artigo up to SCHEMA_VERSION, in place."""
        if self._db.execute("PRAGMA user_version").fetchone()[0] >= SCHEMA_VERSION:
            return
        with self._db:  # one transaction: migrated whole, or not at all
            self._db.execute(
                "INSERT INTO versions (identity, published, audio_file, chapters_file, transcript_file, size, sha256, "
                "text_sha256, corrected) SELECT identity, updated, audio_file, chapters_file, transcript_file, size, "
                "sha256, NULL, 0 FROM episodes WHERE identity NOT IN (SELECT identity FROM versions) ORDER BY rowid"
            )
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def close(self) -> None:
        self._db.close()

    def show_guid(self, config: PodcastConfig) -> uuid.UUID:
        """The show's ``podcast:guid``, stable once the feed has a public address.

        It is derived from the feed URL (Podcasting 2.0) and stored the first
        time a public ``base_url`` is configured, so moving the feed later does
        not change it. Before that (a local trial) it follows the local URL.
        """
        row = self._db.execute("SELECT value FROM show WHERE key = 'guid'").fetchone()
        if row:
            return uuid.UUID(row["value"])
        guid = config.podcast_guid()
        if config.base_url:
            with self._db:
                self._db.execute("INSERT INTO show (key, value) VALUES ('guid', ?)", (str(guid),))
        return guid

    def find(self, identity: str) -> PublishedEpisode | None:
        row = self._db.execute("SELECT * FROM episodes WHERE identity = ?", (identity,)).fetchone()
        return _published_episode(row, self._versions(identity).get(identity, [])) if row else None

    def episodes(self) -> list[PublishedEpisode]:
        """Every listed episode, newest first."""
        rows = self._db.execute("SELECT * FROM episodes ORDER BY published DESC, rowid DESC").fetchall()
        versions = self._versions()
        return [_published_episode(row, versions.get(row["identity"], [])) for row in rows]

    def _versions(self, identity: str | None = None) -> dict[str, list[Version]]:
        """Every version of every episode (or of ``identity``'s), oldest first, by identity."""
        query = "SELECT * FROM versions" + (" WHERE identity = ?" if identity is not None else "") + " ORDER BY rowid"
        versions: dict[str, list[Version]] = {}
        for row in self._db.execute(query, () if identity is None else (identity,)):
            versions.setdefault(row["identity"], []).append(
                Version(
                    published=datetime.fromisoformat(row["published"]),
                    audio_file=row["audio_file"],
                    chapters_file=row["chapters_file"],
                    transcript_file=row["transcript_file"],
                    size=row["size"],
                    sha256=row["sha256"],
                    corrected=bool(row["corrected"]),
                    text_digest=row["text_sha256"],
                )
            )
        return versions

    def follow_item(self, feed: str, item: str) -> dict | None:
        """What ``follow`` recorded of a feed's item (FOLLOW_COLUMNS), or None."""
        row = self._db.execute("SELECT * FROM follow_items WHERE feed = ? AND item = ?", (feed, item)).fetchone()
        return {name: row[name] for name in FOLLOW_COLUMNS} if row else None

    def save_follow_item(self, state: dict) -> None:
        """Record a feed item's state (every FOLLOW_COLUMNS key), in one transaction."""
        values = {name: state.get(name) for name in FOLLOW_COLUMNS}
        columns = ", ".join(values)
        placeholders = ", ".join(f":{name}" for name in values)
        with self._db:
            self._db.execute(f"INSERT OR REPLACE INTO follow_items ({columns}) VALUES ({placeholders})", values)

    def stem_used(self, stem: str) -> bool:
        return self._db.execute("SELECT 1 FROM used_stems WHERE stem = ?", (stem,)).fetchone() is not None

    def record(self, episode: Episode, show_guid: uuid.UUID, now: datetime) -> PublishedEpisode:
        """List ``episode`` as its article's current version, in one transaction.

        A new article gets its GUID (uuid5 of the show's GUID and the article's
        identity) and ``now`` as its publication date; an article already
        listed keeps both. Each call records a version; one whose text differs
        from the version before's is a correction. Text is stored as XML
        allows it (see ``xml_safe``).
        """
        listed = self.find(episode.identity)
        previous_text = self._db.execute(
            "SELECT text_sha256 FROM versions WHERE identity = ? ORDER BY rowid DESC LIMIT 1", (episode.identity,)
        ).fetchone()
        # A version from before texts were recorded cannot tell: no correction is claimed.
        corrected = bool(previous_text and previous_text[0] and episode.text_digest and previous_text[0] != episode.text_digest)
        guid = listed.guid if listed else str(uuid.uuid5(show_guid, episode.identity))
        first_published = listed.published if listed else now
        episode = replace(
            episode,
            title=xml_safe(episode.title),
            description=xml_safe(episode.description),
            author=None if episode.author is None else xml_safe(episode.author),
            link=None if episode.link is None else xml_safe(episode.link),
            article_date=None if episode.article_date is None else xml_safe(episode.article_date),
            chapters=[replace(chapter, title=xml_safe(chapter.title)) for chapter in episode.chapters],
        )

        values = {name: getattr(episode, name) for name in _EPISODE_COLUMNS}
        values["chapters"] = json.dumps(
            [{"title": c.title, "start": c.start, "end": c.end} for c in episode.chapters], ensure_ascii=False
        )
        values.update(guid=guid, published=first_published.isoformat(), updated=now.isoformat())
        columns = ", ".join(values)
        placeholders = ", ".join(f":{name}" for name in values)
        updates = ", ".join(f"{name} = excluded.{name}" for name in values if name not in ("identity", "guid", "published"))
        with self._db:
            self._db.execute(
                f"INSERT INTO episodes ({columns}) VALUES ({placeholders}) "
                f"ON CONFLICT (identity) DO UPDATE SET {updates}",
                values,
            )
            self._db.execute("INSERT OR IGNORE INTO used_stems (stem) VALUES (?)", (Path(episode.audio_file).stem,))
            self._db.execute(
                "INSERT INTO versions (identity, published, audio_file, chapters_file, transcript_file, size, sha256, "
                "text_sha256, corrected) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (episode.identity, now.isoformat(), episode.audio_file, episode.chapters_file, episode.transcript_file,
                 episode.size, episode.sha256, episode.text_digest or None, int(corrected)),
            )  # fmt: skip
        return self.find(episode.identity)


def _published_episode(row: sqlite3.Row, versions: list[Version]) -> PublishedEpisode:
    values = {name: row[name] for name in _EPISODE_COLUMNS}
    values["chapters"] = [ChapterMark(**mark) for mark in json.loads(row["chapters"])]
    values["text_digest"] = (versions[-1].text_digest if versions else None) or ""
    return PublishedEpisode(
        episode=Episode(**values),
        guid=row["guid"],
        published=datetime.fromisoformat(row["published"]),
        updated=datetime.fromisoformat(row["updated"]),
        versions=versions,
    )
