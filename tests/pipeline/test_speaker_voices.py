"""A voice per speaker, on the real Piper path (the tiny voices).

Which voice spoke each clip is read back from the build's clip cache: a
clip's cache key hashes the voice (file, speaker, settings) with the text, so
for every sentence of the episode exactly one candidate voice has its clips
in the cache.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from audio_artigo.build import BuildOptions, build
from audio_artigo.normalize import normalize
from audio_artigo.reading.plan import plan
from audio_artigo.reading.segmenter import segment
from audio_artigo.reading.sentences import split_sentences
from audio_artigo.sources.reader import read_article
from audio_artigo.synthesis.cache import BrokenEntry, ClipCache, key_for
from audio_artigo.voices.cast import VoiceRequest, choose_cast, voice_label
from tests.conftest import TINY_MULTI_VOICE, TINY_VOICE
from tests.pipeline.conftest import run_cli
from tests.pipeline.test_build import read_cues

# Five speakers, one of them unnamed, who speak in this order (each line a paragraph):
# Souza, Prado, Souza, Mota, Souza, (narration), nobody, Souza.
ARTICLE = """Câmara de Itu aprova orçamento depois de sessão tensa
A Câmara Municipal de Itu aprovou nesta terça-feira o orçamento de 2025, depois de seis horas de sessão.
“O orçamento respeita cada centavo do contribuinte”, disse o prefeito Carlos Souza na abertura da sessão.
“Não foi isso que vimos nas contas da saúde”, rebateu a vereadora Lia Prado, da oposição.
“As contas estão no portal, à disposição de todos”, respondeu Souza.
— Vamos investigar os contratos de merenda — avisou o vereador Rui Mota, presidente da comissão de finanças.
“Que investiguem. Não temos nada a esconder”, afirmou o prefeito.
O orçamento prevê R$ 480 milhões em despesas. Do lado de fora, manifestantes levavam faixas e gritavam palavras de ordem.
Na porta da Câmara, um cartaz dizia: “Merenda não é negócio.”
“A votação acabou, o trabalho continua”, encerrou Carlos Souza.
"""
ORDER = ["Carlos Souza", "Lia Prado", "Carlos Souza", "Rui Mota", "Carlos Souza", None, "Carlos Souza"]


def spoken_by(article: Path, request: VoiceRequest, cache: ClipCache):
    """(line, label of the voice that spoke it) for every line of the episode, from the clip cache."""
    cast = choose_cast(request, cache.file_digest, lambda message: None)
    candidates = {voice_label(voice): voice for voice in (cast.narrator, *cast.pool)}
    lines = plan(segment(read_article(article)), normalize, split_sentences)
    found = []
    for line in lines:
        speakers = []
        for label, voice in candidates.items():
            try:
                for clip in line.clips:
                    cache.load_clip(key_for(voice.cache_identity(), str(cast.sample_rate), clip.spoken), with_audio=False)
            except BrokenEntry:
                continue
            speakers.append(label)
        assert len(speakers) == 1, (line.text, speakers)
        found.append((line, speakers[0]))
    return cast, found


@pytest.fixture(scope="module")
def two_voice_build(tmp_path_factory):
    import os

    from tests.pipeline.conftest import UNREACHABLE_REPOSITORY

    root = tmp_path_factory.mktemp("speakers")
    article = root / "orcamento.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    env = dict(os.environ, AUDIO_ARTIGO_VOICES_DIR=str(root / "voices"), AUDIO_ARTIGO_VOICES_URL=UNREACHABLE_REPOSITORY)
    env.pop("AUDIO_ARTIGO_CACHE_DIR", None)
    result = run_cli(
        ["build", article, "--voice", TINY_VOICE, "--quote-voice", TINY_MULTI_VOICE, "--out", root / "out", "--cache-dir", root / "cache"],
        env,
    )
    request = VoiceRequest(voice=str(TINY_VOICE), quote_voices=(str(TINY_MULTI_VOICE),), offline=True)
    cast, lines = spoken_by(article, request, ClipCache(root / "cache"))
    return root, result, cast, lines


def test_acceptance_2_each_speaker_has_one_voice_of_the_pool_never_the_narrators(two_voice_build):
    _, _, cast, lines = two_voice_build
    narrator = voice_label(cast.narrator)
    pool = [voice_label(voice) for voice in cast.pool]
    assert pool == ["pt_BR-tinymulti-x_low (speaker 0)", "pt_BR-tinymulti-x_low (speaker 1)"]
    voices: dict[str, set[str]] = {}
    for line, voice in lines:
        if line.speaker == "narration":
            assert voice == narrator, line.text
        else:
            assert voice in pool, line.text
            voices.setdefault(line.person or "?", set()).add(voice)
    assert all(len(used) == 1 for name, used in voices.items() if name != "?"), voices
    # Voices in the order speakers first speak: the prefeito, then the vereadora.
    assert voices["Carlos Souza"] == {pool[0]} and voices["Lia Prado"] == {pool[1]}


def test_acceptance_2_different_people_speaking_one_after_the_other_never_share_a_voice(two_voice_build):
    _, _, _, lines = two_voice_build
    turns = []
    for line, voice in lines:
        if line.speaker == "quote" and (not turns or turns[-1][0] != (line.person, line.text)):
            turns.append(((line.person, line.text), voice))
    speakers = [person for (person, _), _ in turns]
    assert [person for number, person in enumerate(speakers) if number == 0 or person != speakers[number - 1]] == ORDER
    for (first, first_voice), (second, second_voice) in zip(turns, turns[1:]):
        if first[0] != second[0]:
            assert first_voice != second_voice, (first, second)


def test_acceptance_2_the_transcript_names_every_attributed_speaker(two_voice_build):
    root, result, _, lines = two_voice_build
    (vtt,) = (root / "out").glob("*.vtt")
    cues = read_cues(vtt)
    assert {name for *_, name, _ in cues} == {"Narração", "Carlos Souza", "Lia Prado", "Rui Mota", "Citação"}
    named = [(text, name) for *_, name, text in cues if name != "Narração"]
    assert named == [(line.text, line.person or "Citação") for line, _ in lines if line.speaker == "quote"]
    assert "quotations by pt_BR-tinymulti-x_low (speaker 0), pt_BR-tinymulti-x_low (speaker 1)" in result.stdout


def test_one_quotation_voice_reads_every_quotation_as_today(tmp_path):
    article = tmp_path / "orcamento.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    request = VoiceRequest(voice=str(TINY_MULTI_VOICE), offline=True)  # the other speaker of the narrator's voice
    (episode,) = build([article], BuildOptions(out_dir=tmp_path / "out", voices=request, workers=1, cache_dir=tmp_path / "cache"))
    _, lines = spoken_by(article, request, ClipCache(tmp_path / "cache"))
    assert {voice for line, voice in lines if line.speaker == "quote"} == {"pt_BR-tinymulti-x_low (speaker 1)"}
    assert {voice for line, voice in lines if line.speaker == "narration"} == {"pt_BR-tinymulti-x_low (speaker 0)"}
    assert episode.quote_voice == "pt_BR-tinymulti-x_low (speaker 1)"


def test_without_a_second_voice_quotations_keep_todays_fallback(tmp_path, monkeypatch):
    monkeypatch.setenv("AUDIO_ARTIGO_VOICES_DIR", str(tmp_path / "voices"))  # no pt_BR-cadu-medium here
    article = tmp_path / "orcamento.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    request = VoiceRequest(voice=str(TINY_VOICE), offline=True)
    (episode,) = build([article], BuildOptions(out_dir=tmp_path / "out", voices=request, workers=1, cache_dir=tmp_path / "cache"))
    _, lines = spoken_by(article, request, ClipCache(tmp_path / "cache"))
    assert {voice for line, voice in lines if line.speaker == "quote"} == {"pt_BR-tiny-x_low (quotation settings)"}
    assert episode.quote_voice == "pt_BR-tiny-x_low (quotation settings)"


def voice_variant(model: Path, folder: Path, name: str, nudge: float) -> Path:
    """Another voice: ``model`` with one weight nudged (a file of its own, the same architecture)."""
    import numpy as np
    import onnx
    from onnx import numpy_helper

    graph = onnx.load(str(model))
    weights = next(tensor for tensor in graph.graph.initializer if tensor.data_type == onnx.TensorProto.FLOAT and len(tensor.dims) > 1)
    values = numpy_helper.to_array(weights).copy()
    values.flat[0] += np.float32(nudge)
    weights.CopyFrom(numpy_helper.from_array(values, weights.name))
    folder.mkdir(parents=True, exist_ok=True)
    onnx.save(graph, str(folder / f"{name}.onnx"))
    (folder / f"{name}.onnx.json").write_bytes(Path(f"{model}.json").read_bytes())
    return folder / f"{name}.onnx"


def test_the_default_pool_is_cadu_and_the_installed_jeff_and_edresson(tmp_path, monkeypatch):
    voices = tmp_path / "voices"
    voice_variant(TINY_VOICE, voices, "pt_BR-cadu-medium", 0.01)
    voice_variant(TINY_VOICE, voices, "pt_BR-edresson-low", 0.02)  # pt_BR-jeff-medium is not installed
    monkeypatch.setenv("AUDIO_ARTIGO_VOICES_DIR", str(voices))
    digest = ClipCache(tmp_path / "cache").file_digest
    cast = choose_cast(VoiceRequest(voice=str(TINY_VOICE), offline=True), digest, print)
    assert [voice_label(voice) for voice in cast.pool] == ["pt_BR-cadu-medium", "pt_BR-edresson-low"]
    # The narrator's voice is never in the pool, under whatever name.
    (voices / "pt_BR-jeff-medium.onnx").write_bytes(TINY_VOICE.read_bytes())
    (voices / "pt_BR-jeff-medium.onnx.json").write_bytes(Path(f"{TINY_VOICE}.json").read_bytes())
    cast = choose_cast(VoiceRequest(voice=str(TINY_VOICE), offline=True), digest, print)
    assert [voice_label(voice) for voice in cast.pool] == ["pt_BR-cadu-medium", "pt_BR-edresson-low"]


def test_podcast_toml_names_the_pool_and_quote_voice_overrides_it(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    voice_variant(TINY_MULTI_VOICE, tmp_path / "minhas-vozes", "multi", 0.01)
    (out / "podcast.toml").write_text('quote_voices = ["../minhas-vozes/multi.onnx"]\n', encoding="utf-8")
    article = tmp_path / "orcamento.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    (episode,) = build([article], BuildOptions(out_dir=out, voices=VoiceRequest(voice=str(TINY_VOICE), offline=True), workers=1))
    assert episode.quote_voice == "multi (speaker 0), multi (speaker 1)"
    given = VoiceRequest(voice=str(TINY_VOICE), quote_voices=(str(TINY_MULTI_VOICE),), quote_speaker="citacao", offline=True)
    (episode,) = build([article], BuildOptions(out_dir=out, voices=given, workers=1))
    assert episode.quote_voice == "pt_BR-tinymulti-x_low (speaker 1)"  # --quote-voice overrides podcast.toml


def test_assigning_voices_in_order_of_first_speech_keeping_neighbours_apart():
    from audio_artigo.synthesis.voice import VoiceSpec
    from audio_artigo.voices.cast import assign_voices

    a, b, c = (VoiceSpec(engine="espeak", name=name) for name in "abc")
    # Three speakers, three voices: in order.
    assert assign_voices(["Ana", "Rui", "Ana", "Lia"], [a, b, c]) == {"Ana": a, "Rui": b, "Lia": c}
    # Two voices: Lia speaks only beside Ana, so she gets Rui's voice, not Ana's.
    assert assign_voices(["Ana", "Rui", "Ana", "Lia", "Ana"], [a, b]) == {"Ana": a, "Rui": b, "Lia": b}
    # Three people who all speak beside each other cannot be kept apart by two
    # voices: the voice they would share the fewest times (Lia is beside Ana once, beside Rui twice).
    assert assign_voices(["Ana", "Rui", "Lia", "Rui", "Lia", "Ana"], [a, b]) == {"Ana": a, "Rui": b, "Lia": a}
    # One voice reads everyone.
    assert set(assign_voices(["Ana", "Rui"], [a]).values()) == {a}
