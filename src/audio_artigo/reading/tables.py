"""The reading modules' word lists: ``reading/data/*.tsv``."""

from __future__ import annotations

from pathlib import Path

from audio_artigo.tables import read_pairs, read_rows

DATA_DIR = Path(__file__).resolve().parent / "data"


def read_data_table(name: str) -> dict[str, str]:
    """``data/NAME`` as ``{key: value}``."""
    return read_pairs(DATA_DIR / name)


def read_data_rows(name: str, columns: int) -> list[tuple[str, ...]]:
    """``data/NAME``'s rows, each padded or cut to ``columns`` fields."""
    return read_rows(DATA_DIR / name, columns)
