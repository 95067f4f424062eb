"""Interviews and Q&As: paragraphs that open with a speaker label.

"Folha — Como o senhor vê a inflação?", "Eugênio: Eu acho que ela vai
cair.", "P: E os juros?" / "R: Também.". A bold label (HTML
``<strong>Eugênio:</strong>``, Markdown ``**Eugênio:**``) reaches this module
as plain "Eugênio:": the reader keeps the words of emphasis, not its marks.

A label is one to five words before a colon or a spaced dash, followed by a
sentence (a capital letter, a digit, a quotation mark): a name ("Eugênio",
"Prof. Carlos", "Ana Paula Sant'Ana") or a label of
``data/interview_labels.tsv`` ("P", "R", "Pergunta", "Folha"). One labelled
paragraph is not an interview (a dateline, "BRASÍLIA — O governo..."; a box,
"Serviço: ..."): there must be two turns or more, each a label of the table,
a name label that comes back in another turn, or one that names someone the
article names elsewhere; after the first of those, any label is a turn.

Who reads what, so that the listener always knows who speaks:

- The interviewer's turns (labels marked ``interviewer``, the site's own
  name, or a label whose every turn is a question) are read by the narrator,
  without the label: the narrator speaks for the newsroom, as a radio host
  asks the questions.
- Every other label is a speaker, and the turn is their quotation. Their
  label is read by the narrator before their first answer ("Eugênio:") and
  never again: from then on their own voice says who speaks, and a label
  before every answer would only repeat it.
- "R"/"Resposta" answer for the person interviewed (see ``speakers``); those
  labels are never read.
- Once the interview has begun, a paragraph without a label goes on with the
  answer before it, or is the answer to a question when the answers have no
  labels of their own. When an answer's label comes back at every answer, a
  paragraph without one that ends with a question mark is the next question
  (sites that set the questions apart by bold type alone: "McKelvey: ..." /
  "Was there a moment when...?" / "McKelvey: ...").
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

from audio_artigo.model import Block
from audio_artigo.reading.tables import read_data_table

INTERVIEWER, INTERVIEWEE, PERSON = "interviewer", "interviewee", "person"
LABEL_MAX_WORDS = 5
_LABEL_MAX_CHARS = 60
# A label ends at a colon, or at a spaced dash; the answer starts with a sentence.
_SEPARATOR = re.compile(r"\s*:\s*|\s+[—–―-]\s+")
_SENTENCE_START = re.compile(r"[\"“«—–]?\s*(\w)")
_LABEL_WORD = re.compile(r"[^\W\d_][\w'’.-]*|\d+")
_NAME_PARTICLES = frozenset({"de", "da", "do", "dos", "das", "e", "di", "del", "van", "von", "du"})


@dataclass(frozen=True)
class Turn:
    """A paragraph of an interview: who speaks it, and the words after the label."""

    label: str
    """As written ("Eugênio", "Prof. Carlos", "P"); for a paragraph that goes on without a label, the label of the turn it continues."""
    role: str
    """INTERVIEWER (read by the narrator), INTERVIEWEE ("R") or PERSON (a named speaker)."""
    text: str
    """The paragraph without its label."""
    read_label: bool = False
    """Whether the narrator reads the label before the words (a speaker's first answer)."""
    label_text: str = ""
    """The label as it opens the paragraph ("Eugênio:"), "" when the paragraph has none."""

    @property
    def is_question(self) -> bool:
        return self.role == INTERVIEWER


@cache
def _table() -> dict[str, str]:
    return read_data_table("interview_labels.tsv")


@cache
def _not_labels() -> frozenset[str]:
    return frozenset(word.casefold() for word in read_data_table("not_names.tsv"))


def _label_of(text: str, site_name: str | None) -> tuple[str, str, int] | None:
    """(label, role, where the words start) when ``text`` opens with a speaker label."""
    separator = _SEPARATOR.search(text, 0, _LABEL_MAX_CHARS)
    start = _SENTENCE_START.match(text, separator.end()) if separator else None
    if start is None or not (start.group(1).isupper() or start.group(1).isdigit()):
        return None
    label = text[: separator.start()].strip()
    if not label:
        return None
    if label in _table():
        return label, _table()[label], separator.end()
    if site_name and label.casefold() == site_name.strip().casefold():
        return label, INTERVIEWER, separator.end()
    words = label.split()
    if len(words) > LABEL_MAX_WORDS or not all(_LABEL_WORD.fullmatch(word) for word in words):
        return None
    if words[0].casefold().rstrip(".") in _not_labels() or words[0].casefold() in _not_labels():
        return None
    for word in words:
        if word in _NAME_PARTICLES:
            continue
        if not word[0].isupper() or (len(word) > 2 and word.isupper()):
            return None  # a lowercase word; a dateline in capitals ("BRASÍLIA —")
    return label, PERSON, separator.end()


def find_turns(blocks: list[Block], title: str = "", site_name: str | None = None) -> dict[int, Turn]:
    """The interview turns among ``blocks`` (the article's, in order), by index.

    A name label counts once when the title or a paragraph names that person
    too ("entrevista com o economista Eugênio Gudin").
    """
    labelled: dict[int, tuple[str, str, int]] = {}
    for index, block in enumerate(blocks):
        if block.kind == "paragraph":
            found = _label_of(block.text, site_name)
            if found:
                labelled[index] = found
    if len(labelled) < 2:
        return {}
    counts = Counter(label for label, _, _ in labelled.values())
    named = set(_LABEL_WORD.findall(title))
    for index, block in enumerate(blocks):
        named.update(_LABEL_WORD.findall(block.text, labelled[index][2] if index in labelled else 0))

    def is_turn(label: str, role: str) -> bool:
        if role != PERSON or counts[label] >= 2:
            return True
        words = [word for word in label.split() if word not in _NAME_PARTICLES and not word.endswith(".")]
        return bool(words) and all(word in named for word in words)

    sure = {index for index, (label, role, _) in labelled.items() if is_turn(label, role)}
    if len(sure) < 2:
        return {}
    # Once the interview has begun, a name label in it is a turn even if it comes once.
    labelled = {index: found for index, found in labelled.items() if index in sure or index > min(sure)}
    # A name label that only ever asks is the interviewer ("Diário do Norte: Por que...?").
    asking = {label for label, role, _ in labelled.values() if role == PERSON}
    for index, (label, role, start) in labelled.items():
        if label in asking and not blocks[index].text.rstrip().endswith("?"):
            asking.discard(label)
    labelled = {index: (label, INTERVIEWER if label in asking else role, start) for index, (label, role, start) in labelled.items()}
    answers_labelled = any(role != INTERVIEWER for _, role, _ in labelled.values())
    label_counts = Counter(label for label, _, _ in labelled.values())
    asker = next((label for label, role, _ in labelled.values() if role == INTERVIEWER), "P")
    turns: dict[int, Turn] = {}
    introduced: set[str] = set()
    current: Turn | None = None
    for index in range(min(labelled), len(blocks)):
        block = blocks[index]
        if index in labelled:
            label, role, start = labelled[index]
            read = role == PERSON and label not in introduced
            introduced.add(label)
            current = Turn(label, role, block.text[start:].strip(), read, block.text[:start].strip())
            turns[index] = current
        elif block.kind == "paragraph" and current is not None:
            if not current.is_question and label_counts[current.label] >= 2 and block.text.rstrip().endswith("?"):
                turns[index] = current = Turn(asker, INTERVIEWER, block.text)  # a question without a label
            elif not current.is_question:
                turns[index] = Turn(current.label, current.role, block.text)
            elif not answers_labelled:
                turns[index] = current = Turn("R", INTERVIEWEE, block.text)
    return turns
