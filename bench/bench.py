"""Speed and memory of `audio-artigo build` against the piper CLI, measured side by side.

    make bench                       # or: .venv/bin/python bench/bench.py [--runs 3] [--skip-hour]

Needs ../shared (the reference article and the bench voices: untrained, with
the architecture and cost of real Piper voices). Every figure is a ratio
against a baseline measured in the same run, alternating the two commands, so
a noisy machine slows both alike:

  (a) python -m piper -m VOICE -i ARTICLE -f out.wav   (text -> WAV)
  (b) audio-artigo build ARTICLE --voice VOICE          (article -> MP3 + chapters + VTT + feed),
      from an empty cache (clips and the voice's optimised model alike)

Wall time, CPU time (user + system, all descendants) and peak memory (resident
memory summed over the whole process tree, sampled every 10 ms) of each;
then `--workers 1`, the re-build after a one-sentence edit, the reference
article repeated 10 times (about an hour of audio: as is, where the cache
speaks each sentence once, and with each copy's words slightly shuffled, so
that the whole hour is synthesised), and the normaliser's throughput.
"""

from __future__ import annotations

import argparse
import itertools
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
ARTICLE = SHARED / "articles" / "ia-xangai.txt"
VOICE = SHARED / "voices" / "pt_BR-bench-medium.onnx"
EDIT = ("A conferência foi realizada de 21 a 23 de fevereiro em Xangai.",
        "A conferência foi realizada de 20 a 23 de fevereiro em Xangai.")


@dataclass
class Run:
    wall: float
    cpu: float
    peak_mib: float


PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


def _rss(pid: int) -> int:
    """Resident bytes of one process, from /proc (0 once it has gone)."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as statm:
            return int(statm.read().split()[1]) * PAGE_BYTES
    except (OSError, IndexError):
        return 0


def measure(command: list[str], env: dict | None = None) -> Run:
    """Run ``command``; its wall time, CPU time and peak memory summed over its process tree.

    Memory is sampled every 10 ms; the tree's members are listed again every
    50 ms (listing them scans all of /proc, too costly to do at every sample on
    a machine whose cores the measured command keeps busy).
    """
    import psutil

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        pids = [process.pid]
        for tick in itertools.count():
            if done.is_set():
                return
            if tick % 5 == 0:
                try:
                    pids = [process.pid] + [child.pid for child in psutil.Process(process.pid).children(recursive=True)]
                except psutil.NoSuchProcess:
                    pass
            peak = max(peak, sum(_rss(pid) for pid in pids))
            time.sleep(0.01)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = process.communicate()
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{stderr.decode(errors='replace')}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(wall, cpu, peak / 2**20)


def piper_cli(article: Path, work: Path) -> list[str]:
    return [sys.executable, "-m", "piper", "-m", str(VOICE), "-i", str(article), "-f", str(work / "out.wav")]


def build_cli(article: Path, out: Path, *extra: str) -> list[str]:
    return [str(ROOT / ".venv" / "bin" / "audio-artigo"), "build", str(article), "--voice", str(VOICE), "--out", str(out), *extra]


def fresh(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def median(runs: list[Run]) -> Run:
    return Run(*(statistics.median(getattr(r, f) for r in runs) for f in ("wall", "cpu", "peak_mib")))


def row(label: str, run: Run, base: Run | None = None) -> str:
    text = f"{label:<52} {run.wall:7.2f} s {run.cpu:7.2f} s {run.peak_mib:8.0f} MiB"
    if base is not None:
        text += f"   x{run.wall / base.wall:5.2f} wall  x{run.cpu / base.cpu:5.2f} cpu  x{run.peak_mib / base.peak_mib:5.2f} mem"
    return text


def ten_times(text: str) -> str:
    """The article's body ten times over, each copy a little different so the
    cache cannot reuse the first: in copy k, each clause has a few pairs of
    neighbouring words swapped, chosen by k. Punctuation stays where
    it was, so sentences split into the same clauses and the clips keep the
    lengths of the reference's (one synthesis call's memory grows with its
    audio: rotating whole sentences, as this bench once did, moved the commas
    and made longer clips)."""
    title, *body = text.splitlines()
    lines = [title]
    for copy in range(10):
        lines += [" ".join(_swap_words(line.split(" "), copy)) for line in body]
    return "\n".join(lines)


def _swap_words(words: list[str], copy: int) -> list[str]:
    """Copy ``copy`` (1-9) of a line: in each clause, the pairs of neighbouring
    words picked by the bits of ``copy`` swap their letters (each word's
    punctuation stays where it was)."""
    import re

    parts = [re.fullmatch(r"(\W*)(.*?)(\W*)", word).groups() for word in words]  # (before, letters, after)
    pairs: list[int] = []  # where each pair of neighbouring words of the current clause starts
    for index, (before, core, after) in enumerate(parts):
        starts_sentence = index == 0 or any(mark in parts[index - 1][2] for mark in ".!?")  # keep its capital first
        if index + 1 < len(parts) and not starts_sentence and not after and core.isalpha() and parts[index + 1][1].isalpha() and not parts[index + 1][0]:
            pairs.append(index)
        if after or index + 1 == len(parts):  # punctuation ends the clause
            for bit in range(4):
                if pairs and copy >> bit & 1:
                    first = pairs[bit % len(pairs)]
                    (b1, c1, a1), (b2, c2, a2) = parts[first], parts[first + 1]
                    parts[first], parts[first + 1] = (b1, c2, a1), (b2, c1, a2)
            pairs = []
    return ["".join(part) for part in parts]


def normaliser_throughput() -> tuple[float, float]:
    """MB/s over the reference article repeated 200 times, and ms for the article once."""
    sys.path.insert(0, str(ROOT / "src"))
    from audio_artigo.normalize import normalize

    text = ARTICLE.read_text(encoding="utf-8")
    normalize(text)  # warm up: compile the rules
    start = time.perf_counter()
    normalize(text)
    once = time.perf_counter() - start
    big = "\n".join([text] * 200)
    start = time.perf_counter()
    for line in big.splitlines():
        normalize(line)
    return len(big.encode()) / 1e6 / (time.perf_counter() - start), once * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="alternating runs of (a) and (b) (default 3)")
    parser.add_argument("--skip-hour", action="store_true", help="skip the one-hour article")
    args = parser.parse_args()
    if not VOICE.exists() or not ARTICLE.exists():
        sys.exit(f"needs {VOICE} and {ARTICLE} (../shared)")

    work = Path(tempfile.mkdtemp(prefix="audio-artigo-bench-"))
    try:
        env = dict(os.environ, AUDIO_ARTIGO_VOICES_URL="http://127.0.0.1:9/")
        env.pop("AUDIO_ARTIGO_CACHE_DIR", None)
        piper_runs, build_runs, one_worker_runs = [], [], []
        for number in range(args.runs):
            print(f"run {number + 1}/{args.runs} ...", file=sys.stderr)
            piper_runs.append(measure(piper_cli(ARTICLE, fresh(work / "piper"))))
            build_runs.append(measure(build_cli(ARTICLE, fresh(work / "build")), env))
            one_worker_runs.append(measure(build_cli(ARTICLE, fresh(work / "one"), "--workers", "1"), env))
        piper, full, one = median(piper_runs), median(build_runs), median(one_worker_runs)

        # Re-build after a one-sentence edit, on the warm cache of the last full build.
        edited = work / "ia-xangai.txt"
        edited.write_text(ARTICLE.read_text(encoding="utf-8").replace(*EDIT), encoding="utf-8")
        rebuilds = []
        for number in range(args.runs):
            out = work / "build"
            edited.write_text(ARTICLE.read_text(encoding="utf-8").replace(EDIT[0], EDIT[1].replace("20", str(10 + number))), encoding="utf-8")
            rebuilds.append(measure(build_cli(edited, out), env))
        rebuild = median(rebuilds)

        print()
        print(f"{'':52} {'wall':>9} {'cpu':>9} {'peak':>12}   ratios to the piper CLI in the same run")
        print(row("(a) piper CLI, text -> WAV", piper))
        print(row("(b) audio-artigo build, empty cache", full, piper))
        print(row("    build --workers 1, empty cache", one, piper))
        print(row("    re-build after a one-sentence edit", rebuild, piper) + f"   x{rebuild.wall / full.wall:5.3f} of (b)")
        if not args.skip_hour:
            title, body = ARTICLE.read_text(encoding="utf-8").split("\n", 1)
            for label, text in (("as is", "\n".join([title] + [body] * 10)), ("shuffled", ten_times(title + "\n" + body))):
                hour = work / "hora.txt"
                hour.write_text(text, encoding="utf-8")
                long_run = measure(build_cli(hour, fresh(work / "hour")), env)
                print(row(f"    the article x10 {label} (an hour), empty cache", long_run, piper) + f"   x{long_run.peak_mib / full.peak_mib:5.2f} of (b)'s peak memory")
        throughput, once_ms = normaliser_throughput()
        print(f"normaliser: {throughput:.1f} MB/s of news text; the reference article in {once_ms:.1f} ms")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
