"""``make stress``: the robustness checks with large counts, and a table of what ran.

    python -m tests.stress          # the stress counts (about 15 minutes on 2 cores)
    python -m tests.stress --ci     # the counts the normal test run uses, for comparison
    python -m tests.stress -- -k http   # anything after "--" goes to pytest

It runs, with pytest, the property tests of the reader, segmenter and
normaliser, the pathological-input checks, the podcast side's publish,
server and feed tests, and tests/robustness (kills, full disks, concurrent
builds, hostile HTTP and XML). Under the stress counts, AUDIO_ARTIGO_STRESS=1
gives tests/robustness its large numbers (see tests/robustness/scale.py), and
each property test is run again and again, with fresh examples, until its
category has had its share of PROPERTY_EXAMPLES.

Then it prints, per category, how many cases ran and how many failed, and
exits non-zero if any did. The counts are real executions:

- a property test counts the examples Hypothesis ran it on (every call of
  its inner test, which Hypothesis lets a plugin wrap: ``test.hypothesis.inner_test``);
- a test that runs many cases in a loop (kills, Range headers, traversal
  attempts...) reports how many with ``record_property("cases", n)``;
- any other test counts as one case.

A failing test counts as one failed case (it stops at its first failure);
an expected failure (xfail: a known bug, described in its reason) is listed
apart and fails nothing.
"""

from __future__ import annotations

import collections
import inspect
import math
import os
import sys
import time

import pytest

PROPERTY_EXAMPLES = {
    "property examples: reader and segmenter": 60_000,
    "property examples: normaliser": 45_000,
}
"""Examples each property category runs under the stress counts, shared among its tests."""

CATEGORIES = {
    "property examples: reader and segmenter": [
        "tests/reading/test_reading_properties.py", "tests/robustness/test_reader_output.py",
    ],
    "property examples: normaliser": ["tests/normalize/test_properties.py"],
    "pathological inputs (time doubling checks)": [
        "tests/reading/test_reading_pathological.py", "tests/robustness/test_normalizer_pathological.py",
        "tests/normalize/test_throughput.py",
    ],
    "build killed at a write step": [
        "tests/robustness/test_crash.py::test_a_build_killed_at_each", "tests/robustness/test_crash.py::test_a_build_killed_by",
    ],
    "build killed at a random moment": ["tests/robustness/test_crash.py::test_a_build_killed_at_random"],
    "follow killed at a random moment": ["tests/robustness/test_follow_kills.py"],
    "publish killed at a rename": ["tests/podcast/test_publish.py::test_a_crash"],
    "full disk, read-only folder": [
        "tests/robustness/test_disk_full.py", "tests/podcast/test_publish.py::test_a_full_disk",
        "tests/podcast/test_publish.py::test_a_catalogue_that_cannot", "tests/podcast/test_publish.py::test_a_read_only",
    ],
    "concurrent builds and publishes": [
        "tests/robustness/test_concurrent_builds.py", "tests/podcast/test_publish.py::test_builds_running_at_once",
        "tests/podcast/test_acceptance.py::test_two_builds_at_once",
    ],
    "Range headers": [
        "tests/robustness/test_hostile_http.py::test_range", "tests/podcast/test_server.py::test_a_range",
        "tests/podcast/test_server.py::test_other_satisfiable", "tests/podcast/test_server.py::test_unsatisfiable",
        "tests/podcast/test_server.py::test_several_ranges", "tests/podcast/test_server.py::test_malformed",
        "tests/podcast/test_server.py::test_any_range",
    ],
    "path traversal attempts": [
        "tests/robustness/test_hostile_http.py::test_no_request", "tests/podcast/test_server.py::test_nothing_outside",
        "tests/podcast/test_server.py::test_an_absolute_form",
    ],
    "feed requests while it is republished": ["tests/robustness/test_hostile_http.py::test_a_feed_being"],
    "hostile XML and feeds": [
        "tests/robustness/test_hostile_xml.py", "tests/podcast/test_feed.py::test_hostile",
        "tests/podcast/test_feed.py::test_any_text", "tests/normalize/test_pls.py::test_hostile",
    ],
    "hostile feeds, items and servers": ["tests/robustness/test_hostile_feeds.py", "tests/sources/test_fetch.py"],
}  # fmt: skip

TEST_FILES = sorted({prefix.split("::")[0] for prefixes in CATEGORIES.values() for prefix in prefixes} | {"tests/robustness"})


def category_of(nodeid: str) -> str | None:
    return next((name for name, prefixes in CATEGORIES.items() if nodeid.startswith(tuple(prefixes))), None)


class StressReport:
    """A pytest plugin: counts the cases each test runs, repeats property tests, prints the table."""

    def __init__(self, stress: bool):
        self.stress = stress
        self.cases: collections.Counter[str] = collections.Counter()
        self.examples: collections.Counter[str] = collections.Counter()
        self.failed: collections.Counter[str] = collections.Counter()
        self.known_bugs: collections.Counter[str] = collections.Counter()
        self.tests: collections.Counter[str] = collections.Counter()
        self.failures: list[str] = []
        self.example_targets: dict[str, int] = {}
        self.running: str | None = None
        self.started = time.monotonic()

    def pytest_collection_modifyitems(self, items) -> None:
        items[:] = [item for item in items if category_of(item.nodeid)]
        for function in {item.obj for item in items if _is_property_test(item)}:
            function.hypothesis.inner_test = self._counting(function.hypothesis.inner_test)
        if not self.stress:
            return
        for category, total in PROPERTY_EXAMPLES.items():
            tests = [item for item in items if category_of(item.nodeid) == category and _is_property_test(item)]
            for item in tests:
                self.example_targets[item.nodeid] = math.ceil(total / len(tests))

    def _counting(self, inner_test):
        """Hypothesis calls ``inner_test`` once per example: count the calls for the running test."""

        def counted(*args, **kwargs):
            self.examples[self.running] += 1
            return inner_test(*args, **kwargs)

        return counted

    def pytest_runtest_setup(self, item) -> None:
        self.running = item.nodeid

    @pytest.hookimpl(tryfirst=True)
    def pytest_pyfunc_call(self, pyfuncitem):
        """Under the stress counts, a property test runs again (new examples each time) until it reaches its share."""
        target = self.example_targets.get(pyfuncitem.nodeid)
        if target is None:
            return None
        arguments = {name: pyfuncitem.funcargs[name] for name in inspect.signature(pyfuncitem.obj).parameters}
        while self.examples[pyfuncitem.nodeid] < target:
            before = self.examples[pyfuncitem.nodeid]
            pyfuncitem.obj(**arguments)
            if self.examples[pyfuncitem.nodeid] == before:
                break  # Hypothesis found nothing new to try
        return True

    def pytest_runtest_logreport(self, report) -> None:
        category = category_of(report.nodeid)
        if not (report.when == "call" or (report.when == "setup" and not report.passed)):
            return
        if hasattr(report, "wasxfail"):
            self.known_bugs[category] += 1
        elif report.failed:
            self.failed[category] += 1
            self.failures.append(report.nodeid)
        elif report.passed:
            recorded = dict(report.user_properties).get("cases")
            self.cases[category] += recorded if recorded is not None else max(1, self.examples[report.nodeid])
        else:
            return  # skipped: it ran nothing
        self.tests[category] += 1

    def pytest_terminal_summary(self, terminalreporter) -> None:
        write = terminalreporter.write_line
        minutes, seconds = divmod(round(time.monotonic() - self.started), 60)
        write("")
        write(f"Robustness, {'stress' if self.stress else 'CI'} counts ({minutes} min {seconds} s):")
        write(f"  {'category':<45} {'tests':>6} {'cases run':>10} {'failed':>7} {'known bugs (xfail)':>19}")
        for category in CATEGORIES:
            write(
                f"  {category:<45} {self.tests[category]:>6} {self.cases[category] + self.failed[category]:>10,}"
                f" {self.failed[category]:>7} {self.known_bugs[category]:>19}"
            )
        write(f"  {'total':<45} {sum(self.tests.values()):>6} {sum(self.cases.values()) + sum(self.failed.values()):>10,}"
              f" {sum(self.failed.values()):>7} {sum(self.known_bugs.values()):>19}")  # fmt: skip
        for nodeid in self.failures:
            write(f"  FAILED {nodeid}")


def _is_property_test(item) -> bool:
    return getattr(getattr(item, "obj", None), "is_hypothesis_test", False)


def main(argv: list[str]) -> int:
    stress = "--ci" not in argv
    pytest_args = argv[argv.index("--") + 1 :] if "--" in argv else []
    if stress:
        os.environ["AUDIO_ARTIGO_STRESS"] = "1"  # read by tests/robustness/scale.py when the tests are collected
    report = StressReport(stress)
    status = pytest.main(["-q", *TEST_FILES, *pytest_args], plugins=[report])
    return int(status != 0 or sum(report.failed.values()) > 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
