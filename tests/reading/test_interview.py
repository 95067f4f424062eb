"""Interviews and Q&As: speaker labels, who reads each turn, and the label read once."""

from __future__ import annotations

from audio_artigo.model import Article, Block, Section
from audio_artigo.reading.segmenter import segment
from audio_artigo.sources.reader import read_article


def read(*paragraphs: str, title: str = "Entrevista") -> list[tuple[str, str, str | None]]:
    article = Article(title, [Section(None, [Block("paragraph", text) for text in paragraphs])], "x", "x")
    script = segment(article)
    return [(piece.kind, piece.text, piece.speaker) for chapter in script.chapters for paragraph in chapter.paragraphs[1 if chapter is script.chapters[0] else 0 :] for piece in paragraph]


def test_questions_are_narration_without_their_label_and_answers_their_speakers_quotations():
    assert read(
        "O economista Eugênio Gudin conversou com a reportagem.",
        "Folha — Como o senhor vê a inflação?",
        "Eugênio — Ela vai cair.",
        "Folha — E os juros?",
        "Eugênio — Também.",
    ) == [
        ("narration", "O economista Eugênio Gudin conversou com a reportagem.", None),
        ("narration", "Como o senhor vê a inflação?", None),
        ("narration", "Eugênio:", None),
        ("quote", "Ela vai cair.", "Eugênio Gudin"),
        ("narration", "E os juros?", None),
        ("quote", "Também.", "Eugênio Gudin"),
    ]


def test_r_answers_for_the_person_interviewed_and_unlabelled_paragraphs_go_on_with_the_answer():
    assert read(
        "A climatologista Francis Lacerda estuda o semiárido há 30 anos.",
        "P: A seca foi fora do normal?",
        "R: Foi.",
        "Não dá mais para tratar a seca como exceção.",
        "P:E agora?",
        "R: Agora é investir.",
    ) == [
        ("narration", "A climatologista Francis Lacerda estuda o semiárido há 30 anos.", None),
        ("narration", "A seca foi fora do normal?", None),
        ("quote", "Foi.", "Francis Lacerda"),
        ("quote", "Não dá mais para tratar a seca como exceção.", "Francis Lacerda"),
        ("narration", "E agora?", None),
        ("quote", "Agora é investir.", "Francis Lacerda"),
    ]


def test_when_every_answer_has_its_label_an_unlabelled_question_is_the_interviewers():
    # Questions set apart by bold type alone reach the segmenter as plain paragraphs.
    assert read(
        "Q&A With Jim McKelvey, Cofounder of Square",
        "McKelvey: Jack and I got back together.",
        "Was there a moment when you realized Square had succeeded?",
        "McKelvey: When I started seeing it in the wild.",
        "That's when it really hit me.",
        title="Square Cofounder",
    )[1:] == [
        ("narration", "McKelvey:", None),
        ("quote", "Jack and I got back together.", "Jim McKelvey"),  # not "With Jim McKelvey"
        ("narration", "Was there a moment when you realized Square had succeeded?", None),
        ("quote", "When I started seeing it in the wild.", "Jim McKelvey"),
        ("quote", "That's when it really hit me.", "Jim McKelvey"),
    ]


def test_an_unlabelled_question_goes_on_with_an_answer_whose_label_comes_once():
    turns = read("A reportagem ouviu Eugênio Gudin.", "Folha: E a inflação?", "Eugênio: Vai cair.", "E quem vai pagar a conta?", "Folha: E os juros?")
    assert turns[4:] == [("quote", "E quem vai pagar a conta?", "Eugênio Gudin"), ("narration", "E os juros?", None)]


def test_a_label_that_only_asks_is_the_interviewer_and_a_form_of_address_is_not_the_name():
    assert read(
        "O professor Carlos Vasconcelos leciona em Manaus.",
        "Diário do Norte: Por que os alunos não sabem frações?",
        "Prof. Carlos: Porque ensinamos regra.",
        "Diário do Norte: E o celular?",
        "Prof. Carlos: Atrapalha.",
    )[1:] == [
        ("narration", "Por que os alunos não sabem frações?", None),
        ("narration", "Prof. Carlos:", None),
        ("quote", "Porque ensinamos regra.", "Carlos Vasconcelos"),
        ("narration", "E o celular?", None),
        ("quote", "Atrapalha.", "Carlos Vasconcelos"),
    ]


def test_two_speakers_debating_each_have_their_turns():
    turns = read("Cristina Graeml: O senhor não resolveu o transporte.", "Eduardo Pimentel: Resolvi.", "Cristina Graeml: Não resolveu.")
    assert [(kind, speaker) for kind, _, speaker in turns] == [
        ("narration", None), ("quote", "Cristina Graeml"), ("narration", None), ("quote", "Eduardo Pimentel"), ("quote", "Cristina Graeml"),
    ]  # fmt: skip


def test_a_dateline_a_service_box_or_a_single_label_is_not_an_interview():
    for paragraphs in (
        ("BRASÍLIA — O governo anunciou o plano.", "BRASÍLIA — Outro parágrafo."),
        ("Serviço: Teatro Municipal.", "Onde: Rua X, 10.", "Quando: Sábado, às 20h."),
        ("Lula — Ele chegou cedo.", "O presidente falou depois."),
        ("Ele afirmou: Vamos vencer.", "Ela respondeu: Veremos."),
    ):
        assert all(kind == "narration" for kind, _, _ in read(*paragraphs)), paragraphs


def test_a_bold_label_in_html_and_markdown_is_a_label(tmp_path):
    html = tmp_path / "entrevista.html"
    html.write_text(
        "<html><body><article><h1>Entrevista</h1><p>O economista Eugênio Gudin falou.</p>"
        "<p><strong>P:</strong> E a inflação?</p><p><strong>Eugênio:</strong> Cai.</p>"
        "<p><b>P:</b>E os juros?</p><p><b>Eugênio:</b> Também.</p></article></body></html>",
        encoding="utf-8",
    )
    markdown = tmp_path / "entrevista.md"
    markdown.write_text("# Entrevista\n\nO economista Eugênio Gudin falou.\n\n**P:** E a inflação?\n\n**Eugênio:** Cai.\n\n**P:** E os juros?\n\n**Eugênio:** Também.\n", encoding="utf-8")
    for path in (html, markdown):
        script = segment(read_article(path))
        pieces = [(piece.kind, piece.text, piece.speaker) for chapter in script.chapters for paragraph in chapter.paragraphs for piece in paragraph]
        assert ("quote", "Cai.", "Eugênio Gudin") in pieces and ("quote", "Também.", "Eugênio Gudin") in pieces, path
        assert ("narration", "E os juros?", None) in pieces, path
        assert sum(text == "Eugênio:" for _, text, _ in pieces) == 1, path
