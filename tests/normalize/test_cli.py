"""`audio-artigo normalize`: lines in, lines out; --explain; --check; --lexicon."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES

CASES_DIR = Path(__file__).parent / "cases"


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "audio_artigo", "normalize", *args],
        input=stdin, capture_output=True, text=True, encoding="utf-8", timeout=60,
    )


def test_one_output_line_per_input_line():
    lines = ["A IA e 2 casas.", "", "Linha com\u2028separador e\x0bcontrole", "R$ 1,50", "\x00"]
    result = run(stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout.split("\n")
    assert out[-1] == "" and len(out) - 1 == len(lines)
    assert out[0] == "A i á e duas casas."
    assert out[3] == "um real e cinquenta centavos"


def test_a_dash_reads_standard_input():
    result = run("-", stdin="R$ 1,50\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "um real e cinquenta centavos\n"


def test_explain_names_the_rule_of_each_token():
    result = run("--explain", str(EXAMPLES / "ia-xangai.txt"))
    assert result.returncode == 0, result.stderr
    assert "acronym      'IA' -> 'i á'" in result.stdout
    assert "'450 bilhões' -> 'quatrocentos e cinquenta bilhões'" in result.stdout
    assert "alnum        'DeepSeek-R1' -> 'DeepSeek erre um'" in result.stdout


@pytest.mark.parametrize("case_file", sorted(CASES_DIR.glob("*.txt")), ids=lambda p: p.stem)
def test_check_passes_on_the_projects_case_files(case_file):
    result = run("--check", str(case_file))
    assert result.returncode == 0, result.stdout
    assert "0 failed" in result.stdout


def test_check_fails_naming_the_wrong_case(tmp_path):
    cases = tmp_path / "style.txt"
    cases.write_text("# style guide\nA IA chegou.~A i á chegou.\nSão 2 casas.~São dois casas.\n", encoding="utf-8")
    result = run("--check", str(cases))
    assert result.returncode == 1
    assert f"FAIL {cases}:3: São 2 casas." in result.stdout
    assert "expected: São dois casas." in result.stdout
    assert "got: São duas casas." in result.stdout
    assert "1 passed, 1 failed" in result.stdout


def test_check_with_a_lexicon(tmp_path):
    lexicon = tmp_path / "lexicon.tsv"
    lexicon.write_text("IA\tinteligência artificial\n", encoding="utf-8")
    cases = tmp_path / "cases.txt"
    cases.write_text("A IA chegou.~A inteligência artificial chegou.\n", encoding="utf-8")
    result = run("--check", str(cases), "--lexicon", str(lexicon))
    assert result.returncode == 0, result.stdout


def test_user_errors_are_one_line_without_traceback(tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("sem tabulação\n", encoding="utf-8")
    for args in (["--lexicon", str(bad)], ["--check", str(tmp_path / "none.txt")], [str(tmp_path / "none.txt")]):
        result = run(*args)
        assert result.returncode == 2
        assert "Traceback" not in result.stderr
        assert result.stderr.startswith("audio-artigo: error:")
