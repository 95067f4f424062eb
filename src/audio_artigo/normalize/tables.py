"""Reading the normaliser's lexicons: ``data/*.tsv``, ``key<TAB>value...`` lines, ``#`` comments."""

from __future__ import annotations

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


def read_table(name: str, columns: int) -> list[tuple[str, ...]]:
    """Rows of ``data/NAME``, each padded or cut to ``columns`` fields."""
    text = (DATA_DIR / name).read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        fields += [""] * (columns - len(fields))
        rows.append(tuple(field.strip() for field in fields[:columns]))
    return rows
