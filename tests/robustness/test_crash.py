"""``build`` killed with SIGKILL, at each of its write steps and at random moments, loses nothing.

Each kill hits a copy of a folder that already holds a published episode.
After every kill: feed.xml parses, no episode that was in it is missing,
every enclosure has its recorded size and SHA-256, no temporary file is
listed or served; then the same build runs again, completes, lists the new
episodes, and reuses every cache entry the killed build had finished.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from .builds import (
    LONG, NEW_AND_CORRECTED, SHORT, Scenario, Site, cache_entries, check_cache_reused, check_published_state, each_in_parallel,
    published_in, run, write_steps,
)  # fmt: skip
from .scale import STRESS

KILL_ATTEMPTS = 3
"""Builds tried per write step. Which process writes a clip depends on timing (on a busy machine
the pool may take one the build would have written itself), so a build may take fewer steps of
its own than the trial did and end before the step: it is tried again before the step counts as
never reached."""


def kill_and_recover(published: Site, root: Path, scenario: Scenario, **kill) -> bool:
    """Kill a build in a copy of ``published``, check what is left, build again. Whether the kill came in time."""
    site = published.copy(root)
    before = published_in(site.out)
    args = scenario.build_args(site)

    outcome = run(site, args, **kill)
    if not outcome.killed:
        assert outcome.returncode == 0, outcome.describe()  # it finished before the kill came
    check_published_state(site.out, before)

    entries = cache_entries(site.out)
    rebuilt = run(site, args)
    assert rebuilt.returncode == 0, rebuilt.describe()
    after = check_published_state(site.out, before)
    assert len(after.listed) == len(before.listed) + scenario.new_episodes
    check_cache_reused(site.out, entries)
    return outcome.killed


@pytest.mark.parametrize(
    "scenario", [SHORT, NEW_AND_CORRECTED, LONG] if STRESS else [SHORT], ids=lambda scenario: "+".join(scenario.articles)
)
def test_a_build_killed_at_each_of_its_write_steps_loses_nothing(published, tmp_path, record_property, scenario):
    steps = write_steps(published, scenario.build_args)
    assert len(steps) > 20

    def kill_at(step: dict) -> bool:
        return any(
            kill_and_recover(published, tmp_path / f"step-{step['step']}-{attempt}", scenario, killpoint=["--kill-at", str(step["step"])])
            for attempt in range(KILL_ATTEMPTS)
        )

    kills = each_in_parallel(kill_at, steps, describe=lambda step: f"killed at step {step['step']} ({step['event']} {step['path']})")
    assert all(kills), [step for step, killed in zip(steps, kills) if not killed]  # the steps a build no longer reached
    record_property("cases", len(kills))


def test_a_build_killed_by_a_worker_at_its_write_steps_loses_nothing(published, tmp_path, record_property):
    """Each synthesis worker counts its own steps (cache entries); the first to reach N kills the group."""
    steps = write_steps(published, LONG.build_args, role="workers")
    workers = {step["pid"] for step in steps}
    per_worker = max(sum(1 for step in steps if step["pid"] == pid) for pid in workers)
    # How the tasks fall between the workers changes from run to run: only the
    # busiest worker's share of the steps is sure to be reached by one of them.
    reached = len(steps) // len(workers)
    chosen = list(range(1, per_worker + 1)) if STRESS else random.sample(range(1, reached + 1), 3)

    def kill_at(step: int) -> bool:
        return kill_and_recover(published, tmp_path / f"worker-step-{step}", LONG, killpoint=["--in", "workers", "--kill-at", str(step)])

    kills = each_in_parallel(kill_at, chosen, describe=lambda step: f"killed at a worker's step {step}")
    assert all(killed for step, killed in zip(chosen, kills) if step <= reached)
    record_property("cases", sum(kills))


@pytest.mark.parametrize(
    "scenario, count",
    [(SHORT, 150), (NEW_AND_CORRECTED, 150), (LONG, 200)] if STRESS else [(LONG, 8)],
    ids=lambda value: "+".join(value.articles) if isinstance(value, Scenario) else str(value),
)
def test_a_build_killed_at_random_moments_loses_nothing(published, tmp_path, record_property, scenario, count):
    steps = write_steps(published, scenario.build_args)
    writing = steps[-1]["seconds"] - steps[0]["seconds"]  # from the first write step to the last
    delays = [random.uniform(0, writing) for _ in range(count)]

    def kill_after(case: tuple[int, float]) -> bool:
        number, delay = case
        return kill_and_recover(published, tmp_path / f"random-{number}", scenario, kill_delay=delay)

    kills = each_in_parallel(kill_after, list(enumerate(delays)), describe=lambda case: f"killed {case[1]:.3f} s after the first write step")
    assert sum(kills) >= 0.8 * count, "most kills should come before the build ends"
    record_property("cases", sum(kills))
