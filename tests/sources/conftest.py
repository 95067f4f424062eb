"""Fixtures for the input side's tests: the example articles (shared with the
reading tests) and the project's own saved pages with gold strings."""

from __future__ import annotations

import json
from pathlib import Path

from tests.reading.conftest import ia_xangai, safra, vacinacao  # noqa: F401 - fixtures

PAGES = Path(__file__).resolve().parent / "data"
"""Pages written in the layouts of Brazilian news sites, each NAME.html with NAME.gold.json."""


def gold_pages() -> list[tuple[Path, dict]]:
    return [
        (path.with_name(path.name.removesuffix(".gold.json") + ".html"), json.loads(path.read_text(encoding="utf-8")))
        for path in sorted(PAGES.glob("*.gold.json"))
    ]
