"""The user lexicon: words a newsroom wants read its own way, applied before the rules.

A TSV file (``word<TAB>reading`` lines, ``#`` comments), a TOML file (a
``[lexicon]`` table, or plain ``word = "reading"`` keys) or a W3C PLS file
(``.pls`` or ``.xml``: see ``pls.py``). A reading is spoken text, or Piper
phonemes in ``[[ ... ]]`` that go to the voice untouched.
A word matches whole, exactly as written; a word written in lower case also
matches with a capital first letter (at the start of a sentence).
"""

from __future__ import annotations

import re
from pathlib import Path

from audio_artigo.errors import ConfigError
from audio_artigo.normalize.engine import Hit


class Lexicon:
    """Words and their readings, matched whole in the text."""

    def __init__(self, entries: dict[str, str], source: Path | None = None):
        self.source = source  # the file it was read from, if any
        self.entries: dict[str, str] = {}
        for word, reading in entries.items():
            self.entries[word] = reading
            if word[:1].islower():
                self.entries.setdefault(word[:1].upper() + word[1:], reading)
        self._pattern = self._build_pattern()
        self._regex = re.compile(self._pattern) if self._pattern else None

    def _build_pattern(self) -> str | None:
        if not self.entries:
            return None
        words = sorted(self.entries, key=len, reverse=True)
        return r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)"

    def trigger_pattern(self) -> str | None:
        return self._pattern

    def match(self, text: str, pos: int) -> Hit | None:
        if self._regex is None:
            return None
        found = self._regex.match(text, pos)
        if not found:
            return None
        return Hit(found.end(), self.entries[found.group()])

    def __len__(self) -> int:
        return len(self.entries)


PLS_SUFFIXES = (".pls", ".xml")


def load_lexicon(path: str | Path) -> Lexicon:
    """Read a TSV, TOML or PLS lexicon; ConfigError naming the file when it cannot be used."""
    return Lexicon(read_entries(path), Path(path))


def read_entries(path: str | Path) -> dict[str, str]:
    """The entries of a lexicon file as written (word -> reading), by its suffix: ``.toml``, ``.pls``/``.xml``, else TSV."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{path}: lexicon file not found") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder, not a lexicon file") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the lexicon ({exc.strerror or exc})") from None
    if path.suffix.lower() in PLS_SUFFIXES:
        from audio_artigo.normalize.pls import read_pls

        return read_pls(path, data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: lexicon is not UTF-8 text") from None
    if path.suffix.lower() == ".toml":
        return _parse_toml(path, text)
    return _parse_tsv(path, text)


def _parse_tsv(path: Path, text: str) -> dict[str, str]:
    entries = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        word, tab, reading = line.partition("\t")
        word, reading = word.strip(), reading.strip()
        if not tab or not word or not reading:
            raise ConfigError(f"{path}:{number}: expected 'word<TAB>reading', got {line.strip()!r}")
        entries[word] = reading
    return entries


def _parse_toml(path: Path, text: str) -> dict[str, str]:
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML ({exc})") from None
    table = data.get("lexicon", data)
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: 'lexicon' must be a table of word = \"reading\"")
    entries = {}
    for word, reading in table.items():
        if not isinstance(reading, str) or not reading.strip() or not word.strip():
            raise ConfigError(f"{path}: the reading of {word!r} must be a non-empty string")
        entries[word.strip()] = reading.strip()
    return entries


def export_lexicon(path: str | Path, format: str = "pls") -> tuple[bytes, int]:
    """The lexicon file at ``path`` written in ``format`` ("pls": W3C PLS 1.0; "tsv"), and its number of entries."""
    entries = read_entries(path)
    if format == "tsv":
        lines = ["# word\treading (spoken text, or [[piper phonemes]])"]
        lines += [f"{' '.join(word.split())}\t{' '.join(reading.split())}" for word, reading in entries.items()]
        return ("\n".join(lines) + "\n").encode("utf-8"), len(entries)
    from audio_artigo.normalize.pls import write_pls

    try:
        return write_pls(entries), len(entries)
    except ValueError as exc:
        raise ConfigError(f"{path}: {exc}") from None
