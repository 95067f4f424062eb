"""The project's data files: word lists and lexicons as TSV (``key<TAB>value...`` lines, ``#`` comments).

Each package keeps its tables in its own ``data/`` folder and reads them here.
"""

from __future__ import annotations

from pathlib import Path


def read_rows(path: Path, columns: int) -> list[tuple[str, ...]]:
    """The rows of a TSV file, each padded or cut to ``columns`` stripped fields."""
    rows = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        fields += [""] * (columns - len(fields))
        rows.append(tuple(field.strip() for field in fields[:columns]))
    return rows


def read_pairs(path: Path) -> dict[str, str]:
    """A two-column TSV file as a dict (a missing value is "")."""
    return dict(read_rows(path, 2))  # type: ignore[arg-type]
