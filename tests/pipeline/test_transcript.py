"""WebVTT and JSON chapters are well formed."""

import json

from audio_artigo.model import ChapterMark, Cue
from audio_artigo.podcast.transcript import json_chapters, webvtt


def test_webvtt_marks_speakers_and_escapes_markup():
    text = webvtt([Cue(0.5, 2.25, "narration", "A & B <b>"), Cue(3600.0, 3601.5, "quote", "Fala\n dele")])
    assert text.startswith("WEBVTT\n\n")
    assert "00:00:00.500 --> 00:00:02.250\n<v Narração>A &amp; B &lt;b&gt;" in text
    assert "01:00:00.000 --> 01:00:01.500\n<v Citação>Fala dele" in text


def test_webvtt_names_the_quoted_speaker_and_keeps_citacao_for_the_unattributed():
    text = webvtt([
        Cue(0.0, 1.0, "quote", "Vamos recorrer.", "Anderson Pomini"),
        Cue(1.0, 2.0, "quote", "Fora!", None),
        Cue(2.0, 3.0, "quote", "Sim.", "Ana <Sá> & Filhos"),
        Cue(3.0, 4.0, "narration", "Disse ele.", "ignored for the narrator"),
    ])  # fmt: skip
    voices = [line for line in text.splitlines() if line.startswith("<v ")]
    assert voices == ["<v Anderson Pomini>Vamos recorrer.", "<v Citação>Fora!", "<v Ana &lt;Sá&gt; &amp; Filhos>Sim.", "<v Narração>Disse ele."]


def test_json_chapters_follow_podcasting_2_0():
    data = json.loads(json_chapters([ChapterMark("Abertura", 0.0, 10.0), ChapterMark("Dois", 10.0, 20.5)]))
    assert data["version"] == "1.2.0"
    assert [c["startTime"] for c in data["chapters"]] == [0.0, 10.0]
    assert data["chapters"][1]["title"] == "Dois"
