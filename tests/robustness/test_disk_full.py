"""A full disk or a read-only output folder during ``build``: one clear line, and the previous state intact.

Two ways to make writes fail:

- injected, everywhere: killpoint's audit hook makes the writes from the
  N-th write step on fail, for each N: with ENOSPC (files can no longer be
  created or grown; folders can still be made, files renamed and removed, as
  on a tmpfs), or with EROFS (the output folder turns read-only, cache and all);
- real, where the machine allows mounts in a user namespace (smalldisk.py):
  the output folder on a tmpfs with a given number of bytes to spare, swept
  from nothing to what the build needs, so the disk fills up in Python's
  writes, in SQLite's and in onnxruntime's; and the folder bind-mounted
  read-only.

After each failure: exit status 2 with one line naming the cause (no
traceback), every published file unchanged, the published state valid,
and, once there is room again, the next build publishes the episode.
"""

from __future__ import annotations

import errno
import math
import os
import re
import shutil
from pathlib import Path

import pytest

from audio_artigo.atomicio import is_temporary

from . import smalldisk
from .builds import (
    LONG, SHORT, Outcome, Published, Scenario, Site, check_published_state, each_in_parallel, published_in, run,
    run_command,
    write_steps,
)  # fmt: skip
from .scale import STRESS, scaled

FULL = (os.strerror(errno.ENOSPC), "database or disk is full")
READ_ONLY = (os.strerror(errno.EROFS), "attempt to write a readonly database")
needs_mounts = pytest.mark.skipif(not smalldisk.available(), reason="this machine allows no mounts in a user namespace")


def assert_clear_failure(outcome: Outcome, causes: tuple[str, ...]) -> None:
    """Exit 2 and one line on stderr that names the cause; or success, if the failure came too late to matter."""
    if outcome.returncode == 0:
        return
    assert outcome.returncode == 2, outcome.describe()
    lines = outcome.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("audio-artigo: error: "), outcome.describe()
    assert any(cause in lines[0] for cause in causes), outcome.describe()


def published_files(out_dir: Path) -> dict[str, bytes]:
    """The episodes' files and the cover: published once, never to change."""
    return {
        path.name: path.read_bytes()
        for path in out_dir.iterdir()
        if path.is_file() and not path.name.startswith(".") and path.name not in ("feed.xml", "index.html")
    }


def check_nothing_lost(out_dir: Path, before: Published, files_before: dict[str, bytes]) -> None:
    check_published_state(out_dir, before)
    files = published_files(out_dir)
    assert {name: files.get(name) for name in files_before} == files_before, "a published file changed"


def temporary_files(out_dir: Path) -> list[str]:
    return [name for name in os.listdir(out_dir) if is_temporary(name)]


def check_next_build_publishes(site: Site, scenario: Scenario, before: Published) -> None:
    outcome = run(site, scenario.build_args(site))
    assert outcome.returncode == 0, outcome.describe()
    assert len(check_published_state(site.out, before).listed) == len(before.listed) + scenario.new_episodes


# -- Injected failures -------------------------------------------------------------------------


def _cache_folder_step(step: dict) -> bool:
    return step["event"] == "mkdir" and f"{os.sep}.cache{os.sep}" in step["path"]


def _tagging_step(steps: list[dict]) -> dict:
    """The step where the staged MP3, just made, is opened again for its ID3 tag."""
    staged_mp3 = [step for step in steps if step["event"] == "open" and re.search(r"/\.[^/]+\.mp3\.[^/]+\.tmp$", step["path"])]
    return staged_mp3[1]


@pytest.mark.parametrize("error", ["ENOSPC", "EROFS"])
def test_writes_failing_from_any_step_on_give_one_line_and_lose_nothing(published, tmp_path, record_property, error):
    steps = write_steps(published, SHORT.build_args)
    chosen = steps if STRESS else steps[:: math.ceil(len(steps) / 8)]
    causes = FULL if error == "ENOSPC" else READ_ONLY

    def fail_from(step: dict) -> int:
        site = published.copy(tmp_path / f"{error}-{step['step']}")
        before, files_before = published_in(site.out), published_files(site.out)

        outcome = run(site, SHORT.build_args(site), killpoint=["--fail-from", str(step["step"]), error])

        assert_clear_failure(outcome, causes)
        check_nothing_lost(site.out, before, files_before)
        if error == "ENOSPC" and outcome.returncode:  # files can still be removed: the build cleans up
            assert not temporary_files(site.out)
        check_next_build_publishes(site, SHORT, before)
        return outcome.returncode

    statuses = each_in_parallel(fail_from, chosen, describe=lambda step: f"failing from step {step['step']} ({step['event']} {step['path']})")
    assert statuses.count(0) <= len(statuses) // 4, "the injected failures should stop most builds"
    record_property("cases", len(chosen))


@pytest.mark.parametrize("error", ["ENOSPC", "EROFS"])
def test_writes_failing_as_the_mp3_is_tagged_give_one_line(published, tmp_path, error):
    tagging = _tagging_step(write_steps(published, SHORT.build_args))
    site = published.copy(tmp_path / "site")
    outcome = run(site, SHORT.build_args(site), killpoint=["--fail-from", str(tagging["step"]), error])
    assert outcome.returncode == 2, outcome.describe()
    assert_clear_failure(outcome, FULL if error == "ENOSPC" else READ_ONLY)


def test_a_cache_folder_that_cannot_be_made_gives_one_line(published, tmp_path):
    first_cache_folder = next(step for step in write_steps(published, SHORT.build_args) if _cache_folder_step(step))
    site = published.copy(tmp_path / "site")
    outcome = run(site, SHORT.build_args(site), killpoint=["--fail-from", str(first_cache_folder["step"]), "EROFS"])
    assert outcome.returncode == 2, outcome.describe()
    assert_clear_failure(outcome, READ_ONLY)


# -- A real small disk, a real read-only folder ----------------------------------------------------------


def _tmpfs_bytes(folder: Path) -> int:
    """What the folder's files take on a tmpfs (whole pages)."""
    page = os.sysconf("SC_PAGE_SIZE")
    return sum(math.ceil(path.stat().st_size / page) * page for path in folder.rglob("*") if path.is_file())


@needs_mounts
def test_a_disk_that_fills_up_at_any_point_gives_one_line_and_loses_nothing(published, tmp_path, record_property):
    trial = published.copy(tmp_path / "trial")
    assert run_command(trial, smalldisk.command_line(trial.out, SHORT.build_args(trial), 50 << 20, tmp_path / "trial-after")).returncode == 0
    needed = _tmpfs_bytes(tmp_path / "trial-after") - _tmpfs_bytes(published.out)
    count = scaled(8, 80)
    budgets = sorted({round(needed * number / count) for number in range(count)})

    def build_with(free: int) -> int:
        site = published.copy(tmp_path / f"free-{free}")
        before, files_before = published_in(site.out), published_files(site.out)
        after = site.root / "after"

        outcome = run_command(site, smalldisk.command_line(site.out, SHORT.build_args(site), free, after))

        assert_clear_failure(outcome, FULL)
        if outcome.returncode:
            assert not temporary_files(after)
        check_nothing_lost(after, before, files_before)
        shutil.rmtree(site.out)
        after.rename(site.out)  # room again
        check_next_build_publishes(site, SHORT, before)
        return outcome.returncode

    statuses = each_in_parallel(build_with, budgets, describe=lambda free: f"{free} bytes free of the {needed} needed")
    assert statuses.count(0) <= 2, "most budgets are too small for the build"
    record_property("cases", len(budgets))


@needs_mounts
@pytest.mark.parametrize(
    "scenario, cache", [(SHORT, "elsewhere"), (SHORT, "inside"), (LONG, "inside")],
    ids=["cache-elsewhere", "cache-inside", "workers-cache-inside"],
)  # fmt: skip
def test_a_read_only_output_folder_gives_one_line_and_changes_nothing(published, tmp_path, scenario, cache):
    site = published.copy(tmp_path / "site")
    files_before = {path: path.read_bytes() for path in site.out.rglob("*") if path.is_file()}
    args = scenario.build_args(site)
    if cache == "elsewhere":
        shutil.copytree(site.out / ".cache", site.root / "cache")
        args += ["--cache-dir", str(site.root / "cache")]

    outcome = run_command(site, smalldisk.command_line(site.out, args), timeout=10)  # it fails within a second

    assert outcome.returncode == 2, outcome.describe()
    assert_clear_failure(outcome, READ_ONLY)
    assert {path: path.read_bytes() for path in site.out.rglob("*") if path.is_file()} == files_before
