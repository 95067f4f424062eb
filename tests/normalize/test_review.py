"""`audio-artigo normalize --report`: the pronunciation review lists what the tables could not decide, and nothing else."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from audio_artigo.normalize import load_lexicon
from audio_artigo.normalize.review import foreign_sign, review
from tests.conftest import EXAMPLES

ARTICLE = """# SBT EXIBE DEBATE COM CANDIDATOS

O STF e a CNRQ analisaram o caso na terça-feira, às 14h30. A SABOR, associação de bares, e a ZK acompanharam.

Segundo Xi Jinping, o acordo vale R$ 2,5 milhões. Maria Silva e Wellington Souza concordaram; Nelson Piquet discordou.

O agente 007 ligou para 555-1234 e citou a razão 47701/913. A nota foi ★★★.

A cidade recebeu 200 pessoas em 22/02/2025, a CNRQ voltou atrás e o projeto custou 3,5% a mais.
"""


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "audio_artigo", "normalize", *args], capture_output=True, text=True, encoding="utf-8", timeout=120,
    )


def _by_category(result) -> dict[str, dict[str, object]]:
    found: dict[str, dict[str, object]] = {}
    for item in result.items:
        found.setdefault(item.category, {})[item.token] = item
    return found


@pytest.fixture(scope="module")
def xangai():
    return review(EXAMPLES / "ia-xangai.txt")


def test_the_example_lists_waic_and_the_foreign_names(xangai):
    found = _by_category(xangai)
    waic = found["acronym"]["WAIC"]
    assert (waic.how, waic.reading, waic.count) == ("spelled", "dáblio á i cê", 2)
    assert "(sigla em inglês: WAIC)" in waic.first_sentence
    assert waic.phonemes.startswith("dˈabl")
    assert {"Xiong Jijun", "StepFun", "Jiang Daxin", "Chen Jie", "Andrew Aitken"} <= set(found["foreign"])
    assert found["foreign"]["Xiong Jijun"].count == 2  # "disse Xiong" counts in the whole name


def test_the_example_lists_nothing_plainly_fine(xangai):
    tokens = {item.token for item in xangai.items}
    # IA and CEO are in the acronym lexicon; the numbers, amounts and dates are read by rules for sure
    assert tokens <= {"WAIC", "FINOS", "Xiong Jijun", "StepFun", "Jiang Daxin", "Chen Jie", "Andrew Aitken", "DeepSeek",
                      "Geely Auto Group"}
    assert not [item for item in xangai.items if item.category in ("capitals", "fallback")]


def test_a_crafted_article_has_one_of_each(tmp_path):
    article = tmp_path / "nota.md"
    article.write_text(ARTICLE, encoding="utf-8")
    found = _by_category(review(article))
    assert set(found) == {"acronym", "capitals", "foreign", "fallback"}
    assert set(found["acronym"]) == {"CNRQ", "SABOR"}  # not STF (listed), nor ZK (two capitals are always spelled)
    assert (found["acronym"]["CNRQ"].how, found["acronym"]["CNRQ"].count) == ("spelled", 2)
    assert found["acronym"]["SABOR"].how == "read as a word"
    assert set(found["capitals"]) == {"SBT"}  # the headline's other words are Portuguese
    assert set(found["foreign"]) == {"Xi Jinping", "Nelson Piquet"}  # not Maria Silva, nor Wellington Souza
    assert {token: item.how for token, item in found["fallback"].items()} == {
        "007": "digit by digit", "555-1234": "as a phone number", "47701/913": "as a fraction", "★★★": "left as written",
    }
    assert found["fallback"]["★★★"].phonemes  # what eSpeak will say instead


def test_a_lexicon_decides_what_it_lists(tmp_path):
    article = tmp_path / "nota.md"
    article.write_text(ARTICLE, encoding="utf-8")
    lexicon = tmp_path / "redacao.tsv"
    lexicon.write_text("CNRQ\tcê ene erre quê\nPiquet\tPiquê\n", encoding="utf-8")
    result = review(article, load_lexicon(lexicon))
    tokens = {item.token for item in result.items}
    assert "CNRQ" not in tokens and "Nelson Piquet" not in tokens and "SABOR" in tokens
    assert result.lexicon == str(lexicon)


@pytest.mark.parametrize("word", ["Xiong", "StepFun", "DeepSeek", "Aitken", "Krk", "Jiang", "Schmidt", "Qatar", "Jie"])
def test_foreign_signs(word):
    assert foreign_sign(word)


@pytest.mark.parametrize("word", ["Maria", "Wellington", "Nelson", "Xangai", "Brasília", "Tóquio", "reeleição", "leem",
                                  "Coordenadoria", "Saara", "beijinho", "Portella", "Gerson", "Ivan", "Renan"])
def test_portuguese_words_and_names_have_none(word):
    assert foreign_sign(word) is None


def test_cli_report_and_json(tmp_path):
    text = run("--report", str(EXAMPLES / "ia-xangai.txt"))
    assert text.returncode == 0, text.stderr
    assert "WAIC" in text.stdout and 'spelled: "dáblio á i cê"' in text.stdout and "Xiong Jijun" in text.stdout
    data = json.loads(run("--report", str(EXAMPLES / "ia-xangai.txt"), "--json").stdout)
    assert set(data) == {"source", "title", "sentences", "lexicon", "counts", "items"}
    assert data["counts"]["acronym"] == 2 and data["sentences"] > 20
    waic = next(item for item in data["items"] if item["token"] == "WAIC")
    assert set(waic) == {"category", "token", "count", "first_sentence", "reading", "how", "why", "phonemes"}


def test_cli_report_errors_are_one_line(tmp_path):
    result = run("--report", str(tmp_path / "none.txt"))
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1 and "none.txt" in result.stderr
    assert run("--json").returncode == 2  # a usage error: --json goes with --report
