#!/usr/bin/env python3
"""Score the page reader on saved news pages with gold strings (``make pages``).

    .venv/bin/python tools/page_score.py [FOLDER...] [--show] [--no-trafilatura]

FOLDER (default ``../shared/pages``; also ``tests/sources/data``) holds
``NAME.html`` pages, each with a ``NAME.gold.json``: ``title``,
``must_include`` (body strings that must be read), ``must_exclude`` (page
furniture that must not), and optionally ``must_exclude_hidden`` (furniture
in hidden elements, counted apart) and ``gold_text``.

Each page is read by ``audio-artigo segment --json PAGE``, exactly as a user
would, and by trafilatura alone (its text, and its metadata's title), in the
same run, so the two columns compare like with like. The measure is that of
``../shared/tools/page_score.py``: every segment's text joined, quotation
marks taken out, white space collapsed, lower case; a title is right when it
is the gold title; a boilerplate string is read when it is in the text or in
a chapter title. Exits 1 when a page cannot be read.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import subprocess
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PAGES = ROOT.parent / "shared" / "pages"


def norm(text: str) -> str:
    """The normalisation of ../shared/tools/page_score.py."""
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"[“”„«»\"'‘’]", "", text)
    return re.sub(r"\s+", " ", text).strip().lower()


@dataclass
class Reading:
    """What a reader read from a page: its title, its text, its chapter titles."""

    title: str
    texts: list[str]
    chapter_titles: list[str] = field(default_factory=list)
    error: str = ""


@dataclass
class Score:
    pages: int = 0
    errors: int = 0
    titles: int = 0
    kept: int = 0
    body: int = 0
    dropped: int = 0
    boilerplate: int = 0
    hidden_dropped: int = 0
    hidden: int = 0
    gold_recall: list[float] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for name in ("pages", "errors", "titles", "kept", "body", "dropped", "boilerplate", "hidden_dropped", "hidden"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.gold_recall += other.gold_recall

    def line(self) -> str:
        text = f"titles {self.titles}/{self.pages} | body kept {self.kept}/{self.body} | boilerplate dropped {self.dropped}/{self.boilerplate}"
        if self.hidden:
            text += f" (+ hidden {self.hidden_dropped}/{self.hidden})"
        if self.errors:
            text += f" | errors {self.errors}"
        return text


def score_page(gold: dict, reading: Reading, misses: list[str] | None = None) -> Score:
    """One page's score; the strings that went wrong are appended to ``misses``."""
    misses = [] if misses is None else misses
    score = Score(pages=1, body=len(gold["must_include"]), boilerplate=len(gold["must_exclude"]))
    score.hidden = len(gold.get("must_exclude_hidden", []))
    if reading.error:
        score.errors = 1
        misses.append(f"ERROR: {reading.error}")
        return score
    body = norm(" ".join(reading.texts))
    titles = [norm(title) for title in reading.chapter_titles]
    score.titles = int(norm(reading.title) == norm(gold["title"]))
    if not score.titles:
        misses.append(f"TITLE: {reading.title!r}")
    for string in gold["must_include"]:
        if norm(string) in body:
            score.kept += 1
        else:
            misses.append(f"MISSING: {string[:100]}")
    for key in ("must_exclude", "must_exclude_hidden"):
        for string in gold.get(key, []):
            if norm(string) in body or any(norm(string) in title for title in titles):
                misses.append(f"READ{' (hidden)' if key != 'must_exclude' else ''}: {string[:100]}")
            elif key == "must_exclude":
                score.dropped += 1
            else:
                score.hidden_dropped += 1
    if gold.get("gold_text"):
        gold_words, read_words = norm(gold["gold_text"]).split(), body.split()
        matcher = difflib.SequenceMatcher(None, gold_words, read_words, autojunk=False)
        score.gold_recall.append(sum(block.size for block in matcher.get_matching_blocks()) / max(1, len(gold_words)))
    return score


def read_with_project(page: Path) -> Reading:
    """``audio-artigo segment --json PAGE``, as a user runs it."""
    command = [sys.executable, "-m", "audio_artigo", "segment", "--json", str(page)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    if result.returncode:
        return Reading("", [], error=f"exit {result.returncode}: {result.stderr.strip()[-200:]}")
    script = json.loads(result.stdout)
    texts = [segment["text"] for chapter in script["chapters"] for paragraph in chapter["paragraphs"] for segment in paragraph]
    return Reading(script.get("title", ""), texts, [chapter.get("title", "") for chapter in script["chapters"]])


def read_with_trafilatura(page: Path) -> Reading:
    """Trafilatura alone, as its users call it: its text without comments, its metadata's title."""
    import trafilatura

    html = page.read_bytes().decode("utf-8", "replace")
    text = trafilatura.extract(html, output_format="txt", include_comments=False) or ""
    metadata = trafilatura.extract_metadata(html)
    return Reading(metadata.title if metadata and metadata.title else "", text.split("\n"))


def pages_in(folder: Path) -> list[tuple[Path, dict]]:
    pairs = []
    for gold_path in sorted(folder.glob("*.gold.json")):
        page = gold_path.with_name(gold_path.name.removesuffix(".gold.json") + ".html")
        pairs.append((page, json.loads(gold_path.read_text(encoding="utf-8"))))
    return pairs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="*", type=Path, default=[DEFAULT_PAGES])
    parser.add_argument("--show", action="store_true", help="list each wrong title, missing and read string")
    parser.add_argument("--no-trafilatura", action="store_true", help="score the project only")
    options = parser.parse_args(argv)
    readers = {"audio-artigo": read_with_project}
    if not options.no_trafilatura:
        readers["trafilatura alone"] = read_with_trafilatura
    failed = False
    for folder in options.folders:
        pairs = pages_in(folder)
        if not pairs:
            print(f"{folder}: no NAME.html + NAME.gold.json pages", file=sys.stderr)
            return 2
        totals = {name: Score() for name in readers}
        print(f"{folder} ({len(pairs)} pages)")
        for page, gold in pairs:
            print(f"  {page.stem}")
            for name, read in readers.items():
                misses: list[str] = []
                score = score_page(gold, read(page), misses)
                totals[name].add(score)
                failed |= bool(score.errors) and name == "audio-artigo"
                print(f"    {name:17} {score.line()}")
                if options.show:
                    for miss in misses:
                        print(f"      {miss}")
        print("  totals")
        for name, total in totals.items():
            recall = f" | gold words kept {sum(total.gold_recall) / len(total.gold_recall):.3f}" if total.gold_recall else ""
            print(f"    {name:17} {total.line()}{recall}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
