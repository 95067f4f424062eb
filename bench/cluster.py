"""The same 10 articles through the cluster and through the local process pool, measured in the same run.

    make bench-cluster               # two runs; or: .venv/bin/python bench/cluster.py [--runs N] [--articles N]

Needs ../shared (the reference article and the bench's medium voice) and
redis-server. The 10 articles are the reference article (921 words) and
nine copies with neighbouring words swapped (bench.py's shuffled hour), so
that no two share a clip. Each run, from empty caches:

  (a) audio-artigo build A1..A10 --voice VOICE               the local pool (one process per CPU)
  (b) audio-artigo build --backend celery A1..A10 --voice VOICE
      on a cluster on this machine: Redis, a clip store in a folder
      (file://), two synth workers (one process each), one worker for
      prepare and assemble, one publisher; started before the clock
      starts (a cluster is up before articles come), voices not yet loaded
  (c) the same cluster with one synth worker

Wall time and CPU time (every process: the command, its pool, the
workers) of each, and their ratios to (a). Then the throughput as the cluster grows,
*simulated* from what the tasks of (b) cost (their CPU time, which the
workers log, so other load on the machine does not count): N synth
processes (one per core), one prepare/assemble process per four of them,
and the one publisher, whose time per article bounds the whole cluster.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import ARTICLE, ROOT, VOICE, _swap_words, fresh  # noqa: E402

CLI = str(ROOT / ".venv" / "bin" / "audio-artigo")
TASK_LINE = re.compile(r"audio_artigo\.(\w+)\[[^\]]+\]: episode \w+: ([0-9.]+) s CPU")


def articles(folder: Path, count: int) -> list[Path]:
    title, *body = ARTICLE.read_text(encoding="utf-8").splitlines()
    paths = []
    for copy in range(count):
        lines = [f"{title} ({copy + 1})"] + [" ".join(_swap_words(line.split(" "), copy)) for line in body]
        path = folder / f"artigo-{copy + 1:02d}.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def timed(command: list[str], env: dict, cwd: Path) -> tuple[float, float]:
    """Wall time, and CPU time of the command and all its processes."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{result.stderr}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


class Cluster:
    """Workers on this machine, each in its own process group (stopped whole)."""

    def __init__(self, work: Path, env: dict, synth_workers: int):
        self.work, self.env = work, env
        self.processes: list[subprocess.Popen] = []
        specs = [("synth", "synth") for _ in range(synth_workers)] + [("prepare,assemble", "assemble"), ("publish", "publish")]
        for number, (queues, name) in enumerate(specs):
            log = open(work / f"{name}-{number}.log", "wb")
            self.processes.append(subprocess.Popen(
                [CLI, "worker", "--queues", queues, "--concurrency", "1", "--hostname", f"{name}-{number}@bench"],
                env=env, cwd=work, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            ))
        self._wait_until_up(len(specs))

    def _wait_until_up(self, count: int) -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            status = subprocess.run([CLI, "status"], env=self.env, capture_output=True, text=True).stdout
            if status.count("\nworker ") + status.startswith("worker ") >= count:
                return
            time.sleep(0.5)
        sys.exit("the cluster's workers did not start:\n" + "\n".join(p.read_text()[-1000:] for p in self.work.glob("*.log")))

    def cpu_seconds(self) -> float:
        """CPU time of every worker process so far (replaced pool processes included: their parent waited for them)."""
        import psutil

        total = 0.0
        for process in self.processes:
            try:
                main = psutil.Process(process.pid)
                times = main.cpu_times()
                total += times.user + times.system + times.children_user + times.children_system
                for child in main.children(recursive=True):
                    child_times = child.cpu_times()
                    total += child_times.user + child_times.system
            except psutil.NoSuchProcess:
                pass
        return total

    def task_seconds(self) -> dict[str, float]:
        totals: dict[str, float] = defaultdict(float)
        for log in self.work.glob("*.log"):
            for name, seconds in TASK_LINE.findall(log.read_text(errors="replace")):
                totals[name] += float(seconds)
        return totals

    def stop(self) -> None:
        for process in self.processes:
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for process in self.processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def cluster_run(work: Path, base_env: dict, broker: str, paths: list[Path], synth_workers: int) -> tuple[float, float, dict]:
    """Wall time of the build, CPU time of the build and of the workers, and the CPU time of each kind of task."""
    fresh(work)
    env = dict(base_env, AUDIO_ARTIGO_BROKER=broker, AUDIO_ARTIGO_STORE=f"file://{work / 'store'}",
               AUDIO_ARTIGO_CACHE_DIR=str(work / "local"), AUDIO_ARTIGO_OUT=str(work / "out"))
    subprocess.run(["redis-cli", "-u", broker, "flushdb"], check=True, capture_output=True)
    cluster = Cluster(work, env, synth_workers)
    try:
        idle = cluster.cpu_seconds()  # starting up: not the articles' cost
        wall, cpu = timed([CLI, "build", "--backend", "celery", *map(str, paths), "--voice", str(VOICE)], env, work)
        return wall, cpu + cluster.cpu_seconds() - idle, cluster.task_seconds()
    finally:
        cluster.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=1, help="runs of (a), (b), (c), in turns, the order reversed every other run (default 1)")
    parser.add_argument("--articles", type=int, default=10, help="how many articles (default 10)")
    args = parser.parse_args()
    if not VOICE.exists() or not ARTICLE.exists():
        sys.exit(f"needs {VOICE} and {ARTICLE} (../shared)")
    if shutil.which("redis-server") is None:
        sys.exit("needs redis-server (apt-get install redis-server)")

    work = Path(tempfile.mkdtemp(prefix="audio-artigo-bench-cluster-"))
    port = free_port()
    redis = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                             stdout=subprocess.DEVNULL)
    broker = f"redis://127.0.0.1:{port}/0"
    try:
        paths = articles(fresh(work / "articles"), args.articles)
        env = dict(os.environ, AUDIO_ARTIGO_VOICES_URL="http://127.0.0.1:9/", PYTHONPATH=str(ROOT))
        env.pop("AUDIO_ARTIGO_CACHE_DIR", None)
        runs: dict[str, list[tuple[float, float]]] = {"a": [], "b": [], "c": []}
        costs = []

        def local_run() -> None:
            out = fresh(work / "local")
            runs["a"].append(timed([CLI, "build", *map(str, paths), "--voice", str(VOICE), "--out", str(out / "out"),
                                    "--cache-dir", str(out / "cache")], env, out))

        def two_workers() -> None:
            wall, cpu, seconds = cluster_run(work / "two", env, broker, paths, synth_workers=2)
            runs["b"].append((wall, cpu))
            costs.append(seconds)

        def one_worker() -> None:
            wall, cpu, _seconds = cluster_run(work / "one", env, broker, paths, synth_workers=1)
            runs["c"].append((wall, cpu))

        for number in range(args.runs):
            print(f"run {number + 1}/{args.runs} ...", file=sys.stderr)
            order = [local_run, two_workers, one_worker]
            for measure_one in order if number % 2 == 0 else order[::-1]:  # a machine whose load drifts favours no one
                measure_one()
        median = lambda values: sorted(values)[len(values) // 2]  # noqa: E731
        (a, a_cpu), (b, b_cpu), (c, c_cpu) = ((median([r[0] for r in runs[k]]), median([r[1] for r in runs[k]])) for k in "abc")
        n = len(paths)
        print()
        print(f"{f'{n} articles (the reference article and shuffled copies), empty caches':<74} {'wall':>9} {'cpu':>9}")
        print(f"{'(a) local process pool (2 processes)':<74} {a:8.1f} s {a_cpu:8.1f} s")
        print(f"{'(b) cluster: 2 synth workers, prepare+assemble, publisher':<74} {b:8.1f} s {b_cpu:8.1f} s   x{b / a:5.2f} wall  x{b_cpu / a_cpu:5.2f} cpu of (a)")
        print(f"{'(c) cluster: 1 synth worker':<74} {c:8.1f} s {c_cpu:8.1f} s   x{c / a:5.2f} wall  x{c_cpu / a_cpu:5.2f} cpu of (a)")
        print(f"measured throughput: {3600 * n / c:5.0f} articles/hour with 1 synth worker, {3600 * n / b:5.0f} with 2 (2 cores)")

        seconds = {name: median([cost.get(name, 0.0) for cost in costs]) / n for name in ("prepare", "synth", "assemble", "publish")}
        print("task CPU seconds per article in (b): " + ", ".join(f"{name} {value:.2f}" for name, value in seconds.items()))
        print("simulated throughput (one core per process; one prepare/assemble process per 4 synth processes):")
        for workers in (1, 2, 4, 8, 16, 32, 64):
            helpers = math.ceil(workers / 4)
            rates = {
                "synth": workers / seconds["synth"],
                "prepare+assemble": helpers / (seconds["prepare"] + seconds["assemble"]),
                "publish": 1 / seconds["publish"],
            }
            limit = min(rates, key=rates.get)
            print(f"  {workers:3d} synth processes: {rates[limit] * 3600:8.0f} articles/hour (bound by {limit})")
    finally:
        redis.terminate()
        redis.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
