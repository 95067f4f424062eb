"""Planning: sentences become clips, long ones split at clauses, pauses follow the structure."""

from audio_artigo.model import Chapter, Script, Segment
from audio_artigo.reading.plan import MAX_CLIP_CHARS, PAUSE_CHAPTER, PAUSE_SENTENCE, PAUSE_TITLE, PAUSE_VOICE_CHANGE, plan, split_long


def naive_sentences(text):
    return [part + "." for part in text.split(". ") if part.strip(". ")]


def test_short_sentences_are_not_split():
    assert split_long("Uma frase curta, com vírgula.") == ["Uma frase curta, com vírgula."]


def test_long_sentences_split_at_clause_boundaries_under_the_limit():
    clause = "os produtores colheram mais soja do que no ano anterior"
    sentence = ", ".join([clause] * 8) + "."
    pieces = split_long(sentence)
    assert len(pieces) > 1
    assert all(len(piece) <= MAX_CLIP_CHARS for piece in pieces)
    assert " ".join(pieces).replace(" ,", ",") == sentence
    assert all(not piece.startswith(",") for piece in pieces)


def test_a_sentence_without_clauses_is_cut_between_words():
    sentence = " ".join(["palavra"] * 60)
    pieces = split_long(sentence)
    assert all(len(piece) <= MAX_CLIP_CHARS for piece in pieces)
    assert " ".join(pieces) == sentence


def test_pauses_follow_title_sentences_voice_changes_and_chapters():
    script = Script(
        title="Título",
        chapters=[
            Chapter("Título", [[Segment("narration", "Título")], [Segment("narration", "Primeira. Segunda")]]),
            Chapter("Seção", [[Segment("narration", "Seção")], [Segment("quote", "Fala"), Segment("narration", "disse ele")]]),
        ],
    )
    lines = plan(script, lambda text: text, naive_sentences)
    pauses = [line.clips[-1].pause_after for line in lines]
    texts = [line.text for line in lines]
    assert texts == ["Título.", "Primeira.", "Segunda.", "Seção.", "Fala.", "disse ele."]
    assert pauses[0] == PAUSE_TITLE
    assert pauses[1] == PAUSE_SENTENCE
    assert pauses[2] == PAUSE_CHAPTER
    assert pauses[3] == PAUSE_TITLE  # a section heading
    assert pauses[4] == PAUSE_VOICE_CHANGE
    assert [line.speaker for line in lines][4:] == ["quote", "narration"]
    assert [line.chapter for line in lines] == [0, 0, 0, 1, 1, 1]


def test_nothing_speakable_is_skipped():
    script = Script("T", [Chapter("T", [[Segment("narration", "T")], [Segment("quote", "— ")]])])
    assert [line.text for line in plan(script, lambda t: t, lambda t: [t])] == ["T"]
