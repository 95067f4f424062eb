"""Keeping a podcast in step with a newsroom's feeds: ``audio-artigo follow``.

A *pass* reads each feed, takes its newest items (``max_items``, after the
``since`` / ``include`` / ``exclude`` filters) and, for each in turn:

- refuses it when its URL is not http(s) or not on the feed's own host (nor
  on a host ``allow_hosts`` names): every redirect hop is checked too;
- fetches the page, conditionally (ETag / Last-Modified) when its episode is
  published: a 304 is *unchanged* at the cost of that request;
- reads the article and hashes what would be read aloud
  (``Script.text_digest``): the same digest as the published episode is
  *unchanged*, without a synthesis; a new article is built (*new*), a changed
  one built again (*corrected*: same GUID, new file, and only its changed
  sentences synthesised, through the clip cache);
- records a failure (*failed*) with its cause and tries the item again on a
  later pass, after a backoff (``backoff``), without stopping the others.

The articles of a pass share one build session (voices loaded once, one
worker pool), opened only when the first article needs building: a pass
where nothing changed loads no voice.

What a pass knows lives in the catalogue (``follow_items``), and the
catalogue's ``episodes`` table, written by ``publish`` in one transaction,
is the truth of what is published: an item is built only when the episode
of its article (its identity) is missing or has other text, so a pass killed
at any moment loses nothing, and the next one publishes every item exactly once.
"""

from __future__ import annotations

import contextlib
import fcntl
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from audio_artigo.errors import InputError, PublishError, SynthesisError
from audio_artigo.model import Episode
from audio_artigo.podcast.catalogue import locked_catalogue

if TYPE_CHECKING:
    from audio_artigo.build import BuildOptions, BuildSession, Reporter
    from audio_artigo.sources.feeds import Feed, FeedItem
    from audio_artigo.sources.fetch import Fetcher
    from audio_artigo.sources.limits import HostPolicy

Status = Literal["new", "corrected", "unchanged", "failed"]

FOLLOW_LOCK_NAME = ".follow.lock"
SITEMAP_CHILDREN = 5
"""From a sitemap index, the sitemaps read per pass (the most recently modified)."""
BACKOFF_STEPS = (timedelta(0), timedelta(minutes=5))
BACKOFF_FACTOR = 3
BACKOFF_LIMIT = timedelta(hours=6)


def backoff(failures: int) -> timedelta:
    """How long an item that failed ``failures`` times in a row waits before it is fetched again.

    The first failure is retried on the next pass (a page published a minute
    before its article answers is common); then 5 minutes, 15, 45, 2 h 15,
    and at most 6 hours between tries, for as long as the feed lists it.
    """
    if failures <= len(BACKOFF_STEPS):
        return BACKOFF_STEPS[max(failures, 1) - 1]
    return min(BACKOFF_STEPS[-1] * BACKOFF_FACTOR ** (failures - len(BACKOFF_STEPS)), BACKOFF_LIMIT)


@dataclass
class FollowOptions:
    feeds: list[str]
    build: BuildOptions
    max_items: int = 50
    """Items looked at per feed and pass: the newest."""
    since: datetime | None = None
    """Items the feed dates before this are left out (undated items are kept)."""
    include: re.Pattern | None = None
    """Only items whose URL or title this matches."""
    exclude: re.Pattern | None = None
    """No item whose URL or title this matches."""
    allow_hosts: tuple[str, ...] = ()
    every: float | None = None
    """Seconds from the start of a pass to the start of the next; None: one pass."""


@dataclass
class ItemOutcome:
    feed: str
    url: str
    status: Status
    reason: str = ""
    """Why it failed; for a corrected or new item, nothing."""
    episode: Episode | None = None


@dataclass
class PassSummary:
    outcomes: list[ItemOutcome] = field(default_factory=list)
    feed_errors: list[str] = field(default_factory=list)
    stopped: bool = False
    """A stop was asked for: the items after the one being built were left for the next pass."""

    def count(self, status: Status) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)

    @property
    def exit_status(self) -> int:
        if self.feed_errors:
            return 2
        return 1 if self.count("failed") else 0


class Events:
    """What a pass tells as it goes (the CLI prints it); the defaults say nothing."""

    def item(self, outcome: ItemOutcome) -> None:
        pass

    def feed_error(self, message: str) -> None:
        pass

    def finished(self, summary: PassSummary) -> None:
        pass


def follow(options: FollowOptions, events: Events | None = None, reporter: Reporter | None = None, stop: threading.Event | None = None) -> int:
    """Run passes (one, or one every ``options.every`` seconds until ``stop`` is set); the exit status.

    One pass: 0 when every item is fine, 1 when some failed, 2 when a feed
    could not be read. Polling: 0 once stopped.
    """
    from audio_artigo.sources.fetch import check_fetchable

    for feed_url in options.feeds:
        check_fetchable(feed_url)  # a feed URL that can never be fetched is a typo: one line, nothing written
    events = events or Events()
    stop = stop or threading.Event()
    with _follow_lock(Path(options.build.out_dir)):
        while True:
            started = time.monotonic()
            summary = run_pass(options, events, reporter, stop)
            events.finished(summary)
            if options.every is None:
                return 0 if summary.stopped else summary.exit_status
            if stop.is_set() or stop.wait(max(0.0, started + options.every - time.monotonic())):
                return 0


def run_pass(options: FollowOptions, events: Events, reporter: Reporter | None, stop: threading.Event) -> PassSummary:
    from audio_artigo.sources.fetch import Fetcher
    from audio_artigo.sources.limits import HostPolicy

    summary = PassSummary()
    with Fetcher(options.build.fetch) as fetcher, _LazySession(options.build, reporter) as session:
        feeds = []
        for feed_url in options.feeds:
            try:
                feeds.append(read_feed(fetcher, feed_url))
            except InputError as exc:
                summary.feed_errors.append(str(exc))
                events.feed_error(str(exc))
        if not feeds:
            return summary
        out_dir = Path(options.build.out_dir)
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise PublishError(f"cannot create the output folder {out_dir}: {exc.strerror or exc}") from exc
        for feed in feeds:
            policy = HostPolicy.for_feed(feed.url, options.allow_hosts)
            for item in select_items(feed.items, options):
                if stop.is_set():
                    summary.stopped = True
                    return summary
                outcome = _follow_item(feed.url, item, policy, fetcher, session, options)
                summary.outcomes.append(outcome)
                events.item(outcome)
        summary.stopped = stop.is_set()
    return summary


def read_feed(fetcher: Fetcher, url: str) -> Feed:
    """The feed at ``url`` (a sitemap index: the items of its newest sitemaps on its own host)."""
    from audio_artigo.sources.feeds import Feed, FeedError, newest_first, parse_feed
    from audio_artigo.sources.limits import HostPolicy

    accept = "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, */*;q=0.5"
    fetched = fetcher.fetch(url, accept=accept)
    feed = parse_feed(fetched.body, fetched.url, fetched.content_type, name=url)
    feed.url = url
    if feed.kind != "sitemapindex":
        return feed
    policy = HostPolicy.for_feed(url)
    items = []
    for child in [child for child in feed.items if policy.permits(child.url)][:SITEMAP_CHILDREN]:
        fetched = fetcher.fetch(child.url, accept=accept, policy=policy)
        sitemap = parse_feed(fetched.body, fetched.url, fetched.content_type, name=child.url)
        if sitemap.kind != "sitemap":
            raise FeedError(f"{url}: {child.url} is not a sitemap of pages (nested sitemap indexes are not read)")
        items += sitemap.items
    return newest_first(Feed(url, "sitemap", items))


def select_items(items: list[FeedItem], options: FollowOptions) -> list[FeedItem]:
    """The items a pass looks at: filtered, each once, the newest ``max_items``."""
    chosen, seen = [], set()
    for item in items:
        if item.guid in seen or item.url in seen:
            continue
        if options.since and item.published and item.published < options.since:
            continue
        text = f"{item.url}\n{item.title}"
        if options.include and not options.include.search(text):
            continue
        if options.exclude and options.exclude.search(text):
            continue
        seen.update((item.guid, item.url))
        chosen.append(item)
        if len(chosen) >= options.max_items:
            break
    return chosen


def _follow_item(feed_url: str, item: FeedItem, policy: HostPolicy, fetcher: Fetcher, session: "_LazySession", options: FollowOptions) -> ItemOutcome:
    from audio_artigo.reading.segmenter import segment
    from audio_artigo.sources.fetch import FetchError, check_fetchable
    from audio_artigo.sources.web import article_from_page, fetch_page

    out_dir = Path(options.build.out_dir)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    with locked_catalogue(out_dir) as catalogue:
        state = catalogue.follow_item(feed_url, item.guid)
        published = catalogue.find(state["identity"]) if state and state["identity"] else None
    state = state or {"feed": feed_url, "item": item.guid, "attempts": 0}
    state.update(url=item.url, checked=now.isoformat())

    def outcome(status: Status, reason: str = "", episode: Episode | None = None, **changes) -> ItemOutcome:
        state.update(status=status, **changes)
        if status != "failed":
            state.update(attempts=0, next_try=None, last_error=None)
        with locked_catalogue(out_dir) as catalogue:
            catalogue.save_follow_item(state)
        return ItemOutcome(feed_url, item.url, status, reason, episode)

    try:
        check_fetchable(item.url, policy=policy)
    except FetchError as refused:
        return outcome("failed", _cause(refused, item.url), last_error=_cause(refused, item.url))
    if state.get("status") == "failed" and state.get("next_try") and state["next_try"] > now.isoformat():
        reason = f"{state['last_error']} ({state['attempts']} failures in a row; next try after {state['next_try']})"
        return ItemOutcome(feed_url, item.url, "failed", reason)

    try:
        # Conditional only when the episode is there: otherwise the page must be read.
        known = published is not None and state.get("text_digest")
        fetched = fetch_page(
            fetcher, item.url, policy, etag=state.get("etag") if known else None, last_modified=state.get("last_modified") if known else None
        )
        if fetched.not_modified:
            return outcome("unchanged")
        article = article_from_page(fetched, item.url)
        digest = segment(article, keep_related=options.build.keep_related).text_digest()
        with locked_catalogue(out_dir) as catalogue:
            listed = catalogue.find(article.identity)
        validators = {"etag": fetched.etag, "last_modified": fetched.last_modified, "identity": article.identity, "text_digest": digest}
        if listed is not None and digest in (listed.episode.text_digest, state.get("text_digest")):
            return outcome("unchanged", **validators)
        episode = session.get().build(article, more_to_come=True)
        if listed is not None and episode.audio_file == listed.episode.audio_file:
            return outcome("unchanged", **validators)  # the same audio: publish kept the episode as it was
        return outcome("corrected" if listed is not None else "new", episode=episode, **validators)
    except (InputError, SynthesisError) as exc:
        failures = int(state.get("attempts") or 0) + 1
        cause = _cause(exc, item.url)
        return outcome("failed", cause, attempts=failures, next_try=(now + backoff(failures)).isoformat(), last_error=cause)


def _cause(error: Exception, url: str) -> str:
    message = str(error)
    return message.removeprefix(f"{url}: ").removeprefix(f"{url!r}: ")


class _LazySession:
    """A BuildSession opened on first use (a pass with nothing to build loads no voice) and closed with the pass."""

    def __init__(self, options: BuildOptions, reporter: Reporter | None):
        self.options = options
        self.reporter = reporter
        self._stack = contextlib.ExitStack()
        self._session: BuildSession | None = None

    def __enter__(self) -> "_LazySession":
        return self

    def __exit__(self, *exc) -> None:
        self._stack.close()

    def get(self) -> BuildSession:
        if self._session is None:
            from audio_artigo.build import BuildSession

            self._session = self._stack.enter_context(BuildSession(self.options, self.reporter))
        return self._session


@contextlib.contextmanager
def _follow_lock(out_dir: Path):
    """One ``follow`` per output folder at a time (a cron run that overlaps a long pass stops at once)."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        lock = open(out_dir / FOLLOW_LOCK_NAME, "a")
    except OSError as exc:
        raise PublishError(f"cannot follow into {out_dir}: {exc.strerror or exc}") from exc
    with lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise FollowBusy(f"{out_dir}: another `audio-artigo follow` is running into this folder") from None
        yield


class FollowBusy(PublishError):
    """Another follow holds the output folder."""


# -- Parsing the command's values ---------------------------------------------------------------

_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(d|h|min|m|s)", re.IGNORECASE)
_UNIT_SECONDS = {"d": 86400, "h": 3600, "min": 60, "m": 60, "s": 1}


def parse_duration(text: str) -> float:
    """ "10m", "1h30m", "90s", "2d", "45" (seconds) -> seconds; ValueError otherwise."""
    text = text.strip().lower()
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    parts = _DURATION_PART.findall(text)
    if not parts or _DURATION_PART.sub("", text).strip():
        raise ValueError(f"not a duration: {text!r} (e.g. 90s, 10m, 1h30m, 2d)")
    return sum(float(number) * _UNIT_SECONDS[unit] for number, unit in parts)


def parse_since(text: str, now: datetime | None = None) -> datetime:
    """``--since``: an ISO 8601 date or date-time ("2025-03-01", "2025-03-01T08:00-03:00"; without a
    zone, the machine's local time), or a duration back from now ("2d", "12h"); in UTC."""
    now = now or datetime.now(timezone.utc)
    if not re.fullmatch(r"\s*\d+(?:\.\d+)?\s*", text):  # a bare number is no duration here: "20250301" is a date
        try:
            return now - timedelta(seconds=parse_duration(text))
        except ValueError:
            pass
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"not a date: {text!r} (e.g. 2025-03-01, 2025-03-01T08:00-03:00, or 2d for two days ago)") from None
    if moment.tzinfo is None:
        moment = moment.astimezone()  # local time
    return moment.astimezone(timezone.utc)
