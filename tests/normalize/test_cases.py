"""The normaliser's case files, one per category: every case must come out as expected."""

from __future__ import annotations

from pathlib import Path

import pytest

from audio_artigo.normalize import normalize
from audio_artigo.normalize.cases import read_cases

CASES_DIR = Path(__file__).parent / "cases"
CATEGORIES = sorted(path.stem for path in CASES_DIR.glob("*.txt"))


def _all_cases():
    for category in CATEGORIES:
        for case in read_cases(CASES_DIR / f"{category}.txt"):
            yield pytest.param(case, id=f"{category}:{case.line}")


def test_every_category_has_a_case_file():
    expected = {
        "cardinal", "gender", "scale", "decimal", "money", "percent", "ordinal", "date", "time", "roman",
        "acronym", "alnum", "unit", "abbrev", "symbol", "score", "fraction", "phone", "range", "plain",
    }
    assert expected <= set(CATEGORIES)


@pytest.mark.parametrize("case", list(_all_cases()))
def test_case(case):
    got = normalize(case.input)
    assert " ".join(got.split()) in {" ".join(a.split()) for a in case.accepted}, f"line {case.line}: {case.input!r}"
