"""Throughput of the normaliser: ``python -m audio_artigo.normalize.bench [ARTICLE] [--repeat N]``.

Normalises the article line by line (as ``build`` does, sentence by
sentence) once to warm up, then ``N`` times, and prints the time for one
article and the throughput in MB of UTF-8 text per second.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from audio_artigo.normalize import normalize

_REFERENCE = Path(__file__).resolve().parents[3] / "examples" / "ia-xangai.txt"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m audio_artigo.normalize.bench", description=__doc__.splitlines()[0])
    parser.add_argument("article", nargs="?", type=Path, default=_REFERENCE)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args(argv)
    lines = args.article.read_text(encoding="utf-8").split("\n")
    size = sum(len(line.encode("utf-8")) + 1 for line in lines)
    for line in lines:
        normalize(line)
    start = time.perf_counter()
    for _ in range(args.repeat):
        for line in lines:
            normalize(line)
    elapsed = time.perf_counter() - start
    per_article = elapsed / args.repeat
    print(f"{args.article.name}: {size} bytes, {per_article * 1000:.2f} ms per article, "
          f"{size * args.repeat / elapsed / 1e6:.2f} MB/s ({args.repeat} runs)")


if __name__ == "__main__":
    main()
