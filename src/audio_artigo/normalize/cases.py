"""Case files: ``input~expected[~alternative...]`` lines, ``#`` comments.

``check_cases`` runs the normaliser on every case of a file (the project's
own, or a newsroom's style-guide cases next to its lexicon) and reports the
ones whose output is none of the accepted forms. Spaces are compared
collapsed; everything else must match exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from audio_artigo.errors import InputError


@dataclass(frozen=True)
class Case:
    line: int
    input: str
    accepted: tuple[str, ...]


@dataclass(frozen=True)
class CaseFailure:
    case: Case
    got: str


@dataclass
class CaseReport:
    path: Path
    total: int = 0
    failures: list[CaseFailure] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return self.total - len(self.failures)

    @property
    def ok(self) -> bool:
        return not self.failures


def read_cases(path: str | Path) -> list[Case]:
    """The cases of a file; InputError naming the file and line when it is malformed."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: case file not found") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: case file is not UTF-8 text") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read the case file ({exc.strerror or exc})") from None
    cases = []
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split("~")
        if len(parts) < 2 or not all(p.strip() for p in parts[1:]):
            raise InputError(f"{path}:{number}: expected 'input~expected[~alternative]', got {line!r}")
        cases.append(Case(number, parts[0], tuple(parts[1:])))
    return cases


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def check_cases(path: str | Path, lexicon=None) -> CaseReport:
    """Normalise every case of ``path``; the report lists the ones that came out wrong."""
    from audio_artigo.normalize import normalize

    report = CaseReport(Path(path))
    for case in read_cases(path):
        got = normalize(case.input, lexicon)
        report.total += 1
        if not any(_same(got, accepted) for accepted in case.accepted):
            report.failures.append(CaseFailure(case, got))
    return report
