"""A sanity run over a large text; timings belong to bench (python -m audio_artigo.normalize.bench)."""

from __future__ import annotations

from audio_artigo.normalize import normalize
from tests.conftest import EXAMPLES


def test_a_megabyte_of_news_and_pathological_lines():
    article = (EXAMPLES / "ia-xangai.txt").read_text(encoding="utf-8")
    lines = (article * 160).split("\n")
    out = [normalize(line) for line in lines]
    assert len(out) == len(lines)
    for line in ("1" * 200_000, "a-" * 100_000, "A." * 100_000, "[[" * 100_000, "1.1" * 70_000, "R$ " * 70_000):
        assert isinstance(normalize(line), str)
