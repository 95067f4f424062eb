"""Real ``audio-artigo build`` runs for the robustness tests, and what must stay true after them.

A :class:`Site` is a working folder: articles, an output folder and an empty
voices folder (the tiny test voice is given by path, the voice repository is
unreachable). Builds run as subprocesses in their own process group, so a
kill takes down the build and its synthesis workers together, and
:func:`reap_group` makes sure nothing of it is left running.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import hashlib
import json
import os
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import unquote

import psutil
from lxml import etree

from audio_artigo.atomicio import is_temporary
from audio_artigo.podcast.catalogue import CATALOGUE_NAME
from audio_artigo.podcast.server import published_file
from tests.conftest import ROOT, TINY_VOICE
from tests.podcast.conftest import assert_feed_valid, file_name
from tests.pipeline.conftest import UNREACHABLE_REPOSITORY

BUILD_TIMEOUT = 120  # seconds; a build of these articles takes about one

ARTICLES = {
    # Short articles (under 400 characters of speech): synthesised in the build's own process.
    "chuva": """Chuva forte alaga ruas de São Paulo

A chuva que caiu na tarde desta terça-feira alagou ruas da zona sul. A Defesa Civil pediu cuidado.
""",
    "obras": """Prefeitura anuncia obras no centro

A prefeitura anunciou obras de recuperação de calçadas no centro da cidade.

As obras começam em março e devem durar seis meses.
""",
    "feira": """Feira de livros volta ao parque

A feira reúne 120 editoras até domingo, com entrada gratuita.
""",
    # Long enough (over 400 characters) for the synthesis worker pool.
    "vacina": """Vacinação contra a gripe é ampliada em São Paulo

A Secretaria Municipal da Saúde ampliou nesta segunda-feira a vacinação contra a gripe para toda a população acima de seis meses de idade.

Segundo a secretaria, a procura pelas doses ficou abaixo do esperado nas primeiras semanas da campanha, e cerca de 1,2 milhão de doses ainda estão disponíveis nos postos.

"Quem ainda não se vacinou deve procurar uma unidade básica de saúde o quanto antes", disse a coordenadora da campanha.

As unidades funcionam das 7h às 19h, de segunda a sexta-feira, e algumas abrem também aos sábados.

A campanha segue até o fim de junho, ou enquanto durarem os estoques.
""",
}


@dataclass(frozen=True)
class Outcome:
    returncode: int
    stdout: str
    stderr: str

    @property
    def killed(self) -> bool:
        return self.returncode == -signal.SIGKILL

    def describe(self) -> str:
        return f"exit {self.returncode}\nstdout: {self.stdout}\nstderr: {self.stderr}"


class Site:
    """A working folder: ``articles/``, ``output/`` and an empty ``voices/``."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.out = self.root / "output"
        (self.root / "articles").mkdir(parents=True, exist_ok=True)
        (self.root / "voices").mkdir(exist_ok=True)

    def article(self, name: str, text: str | None = None) -> Path:
        """Write the article ``articles/NAME.txt`` from ARTICLES (or ``text``); its identity is its file name."""
        path = self.root / "articles" / f"{name}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(ARTICLES[path.stem] if text is None else text, encoding="utf-8")
        return path

    def build_args(self, *articles: Path, workers: int = 1) -> list[str]:
        return ["build", *map(str, articles), "--voice", str(TINY_VOICE), "--out", str(self.out),
                "--offline", "--workers", str(workers)]  # fmt: skip

    def env(self) -> dict[str, str]:
        env = dict(os.environ, AUDIO_ARTIGO_VOICES_DIR=str(self.root / "voices"))
        env["AUDIO_ARTIGO_VOICES_URL"] = UNREACHABLE_REPOSITORY
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        env.pop("AUDIO_ARTIGO_CACHE_DIR", None)
        return env

    def copy(self, root: Path) -> "Site":
        """An independent copy (the catalogue is changed in place: never share it)."""
        shutil.copytree(self.root, root, symlinks=True)
        return Site(root)


def run(site: Site, args: list[str], killpoint: list[str] | None = None, kill_delay: float | None = None) -> Outcome:
    """Run ``audio-artigo ARGS`` in ``site``.

    ``killpoint``: options for tests/robustness/killpoint.py, which then runs
    the command. ``kill_delay``: SIGKILL the build this many seconds after its
    first write step.
    """
    if killpoint is None and kill_delay is None:
        return run_command(site, [sys.executable, "-m", "audio_artigo", *args])
    launcher = [sys.executable, "-m", "tests.robustness.killpoint", *(killpoint or [])]
    if kill_delay is None:
        return run_command(site, [*launcher, "--", *args])
    first_step, notify = os.pipe()
    try:
        return run_command(site, [*launcher, "--notify-fd", str(notify), "--", *args], kill_after=(first_step, notify, kill_delay))
    finally:
        os.close(first_step)


def run_command(
    site: Site, command: list[str], kill_after: tuple[int, int, float] | None = None, timeout: float = BUILD_TIMEOUT
) -> Outcome:
    """Run ``command`` in ``site``, in a process group of its own; nothing of the group is left running.

    ``kill_after``: (read end, write end, delay): SIGKILL the group ``delay``
    seconds after a byte arrives on the pipe (the write end goes to the command).
    """
    process = subprocess.Popen(
        command, cwd=site.root, env=site.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True, pass_fds=() if kill_after is None else (kill_after[1],),
    )  # fmt: skip
    try:
        if kill_after is not None:
            first_step, notify, delay = kill_after
            os.close(notify)
            select.select([first_step], [], [], timeout)  # the byte, or the end of the build
            time.sleep(delay)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate(timeout=timeout)
    finally:
        reap_group(process)
    return Outcome(process.returncode, stdout, stderr)


def reap_group(process: subprocess.Popen) -> None:
    """Kill whatever is left of the process's group (synthesis workers) and wait until none of it runs."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    if process.poll() is None:
        process.wait(10)
    deadline = time.monotonic() + 10
    while survivors := _running_members(process.pid):
        assert time.monotonic() < deadline, f"processes of the build survive it: {survivors}"
        time.sleep(0.01)


def _running_members(group: int) -> list[int]:
    members = []
    for candidate in psutil.process_iter(["status"]):
        with contextlib.suppress(ProcessLookupError, psutil.Error):
            if os.getpgid(candidate.pid) == group and candidate.info["status"] != psutil.STATUS_ZOMBIE:
                members.append(candidate.pid)
    return members


def each_in_parallel(function, cases: list, describe=str) -> list:
    """``function(case)`` for each case, one per CPU at a time, in the cases' order; a failure names its case and stops the rest."""
    with concurrent.futures.ThreadPoolExecutor(len(os.sched_getaffinity(0))) as pool:
        futures = {pool.submit(function, case): index for index, case in enumerate(cases)}
        results = [None] * len(cases)
        for future in concurrent.futures.as_completed(futures):
            try:
                results[futures[future]] = future.result()
            except Exception as failure:
                pool.shutdown(cancel_futures=True)
                failure.add_note(describe(cases[futures[future]]))
                raise
        return results


def write_steps(site: Site, build_args: Callable[[Site], list[str]], role: str = "main") -> list[dict]:
    """The write steps of a complete build (run in a throw-away copy of ``site``), as killpoint logs them.

    ``build_args`` gives the command's arguments for a site. ``role``: "main"
    (the build's own steps) or "workers" (those of all its synthesis workers).
    """
    trial = site.copy(site.root.with_name(site.root.name + "-trial"))
    log = trial.root / "steps.jsonl"
    try:
        outcome = run(trial, build_args(trial), killpoint=["--log", str(log)])
        assert outcome.returncode == 0, outcome.describe()
        steps = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    finally:
        shutil.rmtree(trial.root)
    return [step for step in steps if step["role"] == role]


@dataclass(frozen=True)
class Scenario:
    """A build into a copy of the published folder (see conftest.py: its articles are there)."""

    articles: tuple[str, ...]
    new_episodes: int
    workers: int = 1

    def build_args(self, site: Site) -> list[str]:
        return site.build_args(*(site.root / "articles" / f"{name}.txt" for name in self.articles), workers=self.workers)


SHORT = Scenario(("obras",), new_episodes=1)
"""Under 400 characters of speech: synthesised in the build's own process."""
NEW_AND_CORRECTED = Scenario(("feira", "corrigido/chuva"), new_episodes=1)
"""Two publishes in one build; the corrected article replaces the published one."""
LONG = Scenario(("vacina",), new_episodes=1, workers=2)
"""Synthesised by two worker processes."""


# -- What must stay true ---------------------------------------------------------------------


@dataclass(frozen=True)
class Published:
    """What a folder has published: the episodes feed.xml lists, and every audio file the catalogue records."""

    listed: dict[str, str]
    """GUID -> enclosure file name."""
    recorded: dict[str, tuple[int, str]]
    """Audio file name -> (size, SHA-256), as the catalogue records it for the episode's current version."""


def published_in(out_dir: Path) -> Published:
    items = etree.fromstring((out_dir / "feed.xml").read_bytes()).findall("channel/item")
    with contextlib.closing(sqlite3.connect(out_dir / CATALOGUE_NAME)) as db:
        rows = db.execute("SELECT audio_file, size, sha256 FROM episodes").fetchall()
    return Published(
        listed={item.findtext("guid"): file_name(item.find("enclosure").get("url")) for item in items},
        recorded={audio: (size, sha256) for audio, size, sha256 in rows},
    )


def check_published_state(out_dir: Path, before: Published) -> Published:
    """What a crash, a failure or a concurrent build must never break; returns what is published now.

    - feed.xml parses (lxml, gPodder's podcastparser); no temporary file is
      listed; every enclosure exists with its listed length and the SHA-256
      the catalogue recorded for it, now or ``before`` (a build killed
      between its catalogue commit and its feed leaves the feed listing the
      previous version of an article: its file intact, the feed one publish
      behind until the next build); chapters and transcripts exist;
    - no episode listed ``before`` is missing;
    - the catalogue is a sound SQLite file, and every episode it lists has its
      three files, the audio with its recorded size and SHA-256;
    - the page refers only to files that exist;
    - no temporary file in the folder would be served.
    """
    now = published_in(out_dir)
    assert_feed_valid(out_dir, {name: sha256 for name, (_, sha256) in (before.recorded | now.recorded).items()})
    missing = set(before.listed) - set(now.listed)
    assert not missing, f"episodes missing from the feed: {[before.listed[guid] for guid in missing]}"

    with contextlib.closing(sqlite3.connect(out_dir / CATALOGUE_NAME)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        rows = db.execute("SELECT audio_file, chapters_file, transcript_file, size, sha256 FROM episodes").fetchall()
    for audio, chapters, transcript, size, sha256 in rows:
        data = (out_dir / audio).read_bytes()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (size, sha256), audio
        assert (out_dir / chapters).is_file() and (out_dir / transcript).is_file()

    page = etree.HTML((out_dir / "index.html").read_bytes())
    for reference in page.xpath("//audio/@src | //track/@src | //img/@src | //a/@href"):
        if not reference.startswith(("http:", "https:", "#")):
            assert (out_dir / unquote(reference)).is_file(), reference

    root = Path(os.path.realpath(out_dir))
    for name in os.listdir(out_dir):
        if is_temporary(name):
            assert published_file(root, name) is None, f"{name} would be served"
    return now


def cache_entries(out_dir: Path) -> dict[str, int]:
    """The clip cache's entries (synthesised clips and encoded frames): path -> inode.

    Entries are written to a temporary file and renamed, so an entry written
    again gets a new inode: the same inode after a build means it was reused.
    """
    entries = {}
    for kind in ("clips", "mp3"):
        for path in (out_dir / ".cache" / kind).rglob("*.npz"):
            if not is_temporary(path.name):
                entries[str(path.relative_to(out_dir))] = path.stat().st_ino
    return entries


def check_cache_reused(out_dir: Path, entries_before: dict[str, int]) -> None:
    """Every entry the cache held before a build is still there, not written again."""
    now = cache_entries(out_dir)
    rewritten = [path for path, inode in entries_before.items() if now.get(path) != inode]
    assert not rewritten, f"cache entries lost or written again: {rewritten}"
