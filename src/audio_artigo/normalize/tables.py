"""Reading the normaliser's lexicons: ``normalize/data/*.tsv``."""

from __future__ import annotations

from pathlib import Path

from audio_artigo.tables import read_rows

DATA_DIR = Path(__file__).resolve().parent / "data"


def read_table(name: str, columns: int) -> list[tuple[str, ...]]:
    """Rows of ``data/NAME``, each padded or cut to ``columns`` fields."""
    return read_rows(DATA_DIR / name, columns)
