"""CLI command: follow (see audio_artigo.sources.follow)."""

from __future__ import annotations

import re
import signal
import threading
from pathlib import Path

import click

from audio_artigo.cli.build import build_options, describe_episode
from audio_artigo.cli.reporter import TerminalReporter


@click.command()
@click.argument("feeds", nargs=-1, required=True)
@build_options
@click.option("--every", help="Keep following: a pass every DURATION (90s, 10m, 1h...) until stopped (SIGTERM, Ctrl-C). Default: one pass.")
@click.option("--max-items", type=click.IntRange(min=1), default=50, show_default=True, help="Items looked at per feed and pass: the newest.")
@click.option("--since", help="Leave out items the feed dates before DATE (2025-03-01, 2025-03-01T08:00-03:00, or 2d: two days ago).")
@click.option("--include", help="Only items whose URL or title matches this regular expression.")
@click.option("--exclude", help="No item whose URL or title matches this regular expression.")
@click.option("--allow-host", "allow_hosts", multiple=True, help="Also fetch item pages on HOST (or HOST:PORT); by default only the feed's own host.")
def follow(feeds, options, every, max_items, since, include, exclude, allow_hosts):
    """Publish an episode for each new article of FEEDS (RSS, Atom, JSON Feed, sitemap URLs), and a correction for each edited one.

    One line per item (new, corrected, unchanged, failed) and a summary per
    pass. Exit status: 0 all fine, 1 some item failed, 2 a feed could not be
    read (with --every: 0 once stopped).
    """
    from audio_artigo.sources.follow import FollowOptions, follow as follow_feeds, parse_duration, parse_since

    try:
        interval = parse_duration(every) if every else None
        if interval is not None and interval <= 0:
            raise ValueError("--every must be more than zero")
        since_moment = parse_since(since) if since else None
        include_pattern = re.compile(include) if include else None
        exclude_pattern = re.compile(exclude) if exclude else None
    except (ValueError, re.error) as exc:
        raise click.BadParameter(str(exc)) from None

    follow_options = FollowOptions(
        feeds=list(feeds), build=options, max_items=max_items, since=since_moment, include=include_pattern,
        exclude=exclude_pattern, allow_hosts=tuple(allow_hosts), every=interval,
    )  # fmt: skip
    stop = threading.Event()

    def on_signal(signum, _frame) -> None:
        if stop.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt  # a second Ctrl-C: now
        stop.set()
        click.echo("audio-artigo: stopping once the current article is done", err=True)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    with TerminalReporter() as reporter:
        status = follow_feeds(follow_options, _Lines(options.out_dir, reporter), reporter, stop)
    raise SystemExit(status)


class _Lines:
    """One line per item and a summary per pass (stdout); unreadable feeds on stderr."""

    def __init__(self, out_dir: Path, reporter: TerminalReporter):
        self.out_dir = out_dir
        self.reporter = reporter

    def item(self, outcome) -> None:
        line = f"{outcome.status:<10} {outcome.url}"
        if outcome.episode is not None:
            line += f"  -> {describe_episode(self.out_dir, outcome.episode)}"
        elif outcome.reason:
            line += f": {outcome.reason}"
        click.echo(line)

    def feed_error(self, message: str) -> None:
        click.echo(f"audio-artigo: error: {message}", err=True)

    def finished(self, summary) -> None:
        counts = ", ".join(f"{summary.count(status)} {status}" for status in ("new", "corrected", "unchanged", "failed"))
        if summary.feed_errors:
            counts += f"; {len(summary.feed_errors)} feed{'s' if len(summary.feed_errors) > 1 else ''} unreadable"
        click.echo(f"pass: {counts}{' (stopped)' if summary.stopped else ''}")


COMMANDS: list[click.Command] = [follow]
