"""Who is speaking: quotations attributed to their speakers.

``data/speakers/`` holds news articles written for these tests (politics,
economy, police, sport, health, culture, interviews and Q&As), each beside a
JSON list of its quotations in reading order: ``[opening words, speaker]``,
the speaker ``null`` when the article does not say who speaks. Every
quotation must be found (and nothing else read as one), and each must have
its speaker.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from audio_artigo.model import Article, Block, Section
from audio_artigo.reading.segmenter import segment
from audio_artigo.sources.reader import read_article

from audio_artigo.tables import read_rows

from .conftest import DATA, EXAMPLES

CASES = DATA / "speakers"
ARTICLES = sorted(path for path in CASES.iterdir() if path.suffix in (".txt", ".md", ".html"))
KNOWN_MISSES = dict(read_rows(CASES / "known-misses.tsv", 2))


def quotations(path: Path) -> list[tuple[str, str | None]]:
    script = segment(read_article(path))
    return [
        (piece.text, piece.speaker)
        for chapter in script.chapters
        for paragraph in chapter.paragraphs
        for piece in paragraph
        if piece.kind == "quote"
    ]


def expected(path: Path) -> list[tuple[str, str | None]]:
    return [tuple(case) for case in json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))]


def compare(path: Path) -> tuple[list[tuple[str, str | None]], list[tuple[str, str | None]]]:
    """(what was expected, what was found): each found quotation shortened to its expected opening."""
    wanted = expected(path)
    found = quotations(path)
    shortened = [
        (text[: len(opening)] if text.startswith(opening) else text, speaker)
        for (text, speaker), (opening, _) in zip(found, wanted + [("", None)] * len(found))
    ]
    return wanted, shortened


@pytest.mark.parametrize(
    "article",
    [
        pytest.param(path, marks=pytest.mark.xfail(reason=KNOWN_MISSES[path.name], strict=True)) if path.name in KNOWN_MISSES else path
        for path in ARTICLES
    ],
    ids=[path.name for path in ARTICLES],
)
def test_every_quotation_is_found_and_attributed(article):
    wanted, found = compare(article)
    assert found == wanted


def test_the_cases_cover_every_kind_of_article():
    assert len(ARTICLES) >= 30
    assert sum(len(expected(path)) for path in ARTICLES) >= 130
    assert {path.suffix for path in ARTICLES} == {".txt", ".md", ".html"}


# -- acceptance check 1: the example articles ------------------------------------------

EXAMPLE_SPEAKERS = {
    "ia-xangai.txt": [
        ("Nos últimos anos, Xangai tem reforçado", "Chen Jie"),
        ("Graças aos desenvolvedores", "Xiong Jijun"),
        ("Em meio à rápida iteração", "Chen Jie"),
        ("Estou realmente impressionado", "Andrew Aitken"),
        ("Espero que não somente as empresas", "Andrew Aitken"),
        ("A StepFun abrirá o código-fonte", "Jiang Daxin"),
        ("Xangai aprimorará ainda mais", "Chen Jie"),
    ],
    "safra-recorde.md": [
        ("Foi a melhor janela de plantio", "Lucas Costa Beber"),
        ("A saca de 60 kg", "Marcos Tavares"),
        ("Sem a Ferrogrão", "Sérgio Mendes"),
    ],
    "vacinacao-sp.html": [
        ("A vacina é segura", "Regiane de Paula"),
        ("quem tem doença crônica", "Regiane de Paula"),
    ],
}


def check_example(path: Path) -> None:
    script = segment(read_article(path))
    found = [(piece.text, piece.speaker) for chapter in script.chapters for paragraph in chapter.paragraphs for piece in paragraph]
    quotes = [(text, speaker) for (text, speaker), piece in zip(found, [p for c in script.chapters for para in c.paragraphs for p in para]) if piece.kind == "quote"]
    wanted = EXAMPLE_SPEAKERS[path.name]
    assert [(text[: len(opening)], speaker) for (text, speaker), (opening, _) in zip(quotes, wanted)] == wanted
    assert len(quotes) == len(wanted)
    # No attribution is read as a quotation: every "disse X" stays narration.
    narration = " ".join(text for text, _ in found if (text, None) not in quotes and all(text != quote for quote, _ in quotes))
    for verb in ("disse", "afirmou", "reforçou", "pondera"):
        assert not any(verb in text.split() for text, _ in quotes)
    assert narration
    assert [speaker.name for speaker in script.speakers] == list(dict.fromkeys(speaker for _, speaker in wanted))


@pytest.mark.parametrize("path", [EXAMPLES / "ia-xangai.txt", DATA / "safra-recorde.md", DATA / "vacinacao-sp.html"], ids=lambda path: path.name)
def test_acceptance_1_the_example_articles(path):
    check_example(path)


@pytest.mark.parametrize("name", ["ia-xangai.txt", "safra-recorde.md", "vacinacao-sp.html"])
def test_acceptance_1_the_shared_articles(shared, name):
    check_example(shared / "articles" / name)


def test_acceptance_1_on_ia_xangai_one_person_is_one_speaker_whatever_the_form():
    script = segment(read_article(EXAMPLES / "ia-xangai.txt"))
    speakers = {speaker.name: speaker.forms for speaker in script.speakers}
    assert speakers == {
        "Chen Jie": ["Chen Jie", "Chen"],
        "Xiong Jijun": ["Xiong Jijun", "Xiong"],
        "Andrew Aitken": ["Andrew Aitken", "Aitken"],
        "Jiang Daxin": ["Jiang Daxin", "Jiang"],
    }


# -- the forms, one at a time -----------------------------------------------------------


def speakers_of(*paragraphs: str) -> list[str | None]:
    article = Article("Título", [Section(None, [Block("paragraph", text) for text in paragraphs])], "x", "x")
    return [piece.speaker for chapter in segment(article).chapters for paragraph in chapter.paragraphs for piece in paragraph if piece.kind == "quote"]


def test_a_bare_title_points_back_at_who_holds_it_and_a_description_never_named_is_the_speaker():
    assert speakers_of(
        "Chen Jie, vice-prefeito de Xangai, abriu a conferência.",
        "“Xangai vai liderar”, afirmou o vice-prefeito.",
        "“Não haverá novo imposto”, disse o ministro.",
        "“Mantenho o que disse”, completou o ministro.",
    ) == ["Chen Jie", "o ministro", "o ministro"]


def test_pronouns_point_back_at_the_nearest_speaker_who_may_be_so_called():
    assert speakers_of(
        "A senadora Ana Costa e o deputado Rui Lima discutiram o projeto.",
        "“O texto é ruim”, disse Lima.",
        "“Vamos melhorar o texto”, respondeu ela.",
        "“Duvido”, disse ele.",
    ) == ["Rui Lima", "Ana Costa", "Rui Lima"]


def test_a_quotation_nobody_is_named_for_has_no_speaker():
    assert speakers_of("Havia faixas na rua.", "“Fora daqui”, dizia uma delas.", "“Basta de promessas.”") == [None, None]


def test_an_indefinite_description_is_someone_new_each_time():
    article = Article(
        "Título",
        [Section(None, [Block("paragraph", "“Eu vi tudo”, disse um morador."), Block("paragraph", "“Eu não vi nada”, disse outro morador."),
                        Block("paragraph", "“Foi de madrugada”, contou um morador.")])],
        "x", "x",
    )  # fmt: skip
    script = segment(article)
    assert [speaker.name for speaker in script.speakers] == ["um morador", "outro morador", "um morador (2)"]
