"""End to end: articles become episodes on the real Piper path (tiny voice) and on eSpeak NG.

Every check reads the published files back: the MP3 with soundfile (libsndfile's
MP3 decoder) and mutagen, loudness with pyloudnorm, the WebVTT and JSON chapters.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import onnxruntime
import pyloudnorm
import pytest
import soundfile
from mutagen.id3 import ID3
from mutagen.mp3 import MP3
from scipy.signal import resample_poly

from tests.conftest import EXAMPLES, TINY_MULTI_VOICE, TINY_VOICE
from tests.pipeline.conftest import audio_frames, build_note, run_cli
from tests.podcast.episodes import chapter_frames
from tests.reading.conftest import DATA as READING_DATA

ARTICLE = EXAMPLES / "ia-xangai.txt"
DATA = Path(__file__).parent / "data"

VTT_CUE = re.compile(r"(\d\d):(\d\d):(\d\d)\.(\d\d\d) --> (\d\d):(\d\d):(\d\d)\.(\d\d\d)\n<v ([^>]+)>(.+)")


def seconds(h, m, s, ms):
    return int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000


def read_cues(path: Path):
    return [
        (seconds(*m.groups()[0:4]), seconds(*m.groups()[4:8]), m.group(9), m.group(10))
        for m in VTT_CUE.finditer(path.read_text(encoding="utf-8"))
    ]


def episode_files(folder: Path, slug: str):
    return folder / f"{slug}.mp3", folder / f"{slug}.chapters.json", folder / f"{slug}.vtt"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The example article built once with the tiny voice; several tests read it."""
    import os

    from tests.pipeline.conftest import UNREACHABLE_REPOSITORY

    root = tmp_path_factory.mktemp("built")
    env = dict(os.environ, AUDIO_ARTIGO_VOICES_DIR=str(root / "voices"), AUDIO_ARTIGO_VOICES_URL=UNREACHABLE_REPOSITORY)
    result = run_cli(["build", ARTICLE, "--voice", TINY_VOICE, "--out", root / "out"], env)
    return root / "out", result


def test_build_prints_where_the_episode_is(built):
    out, result = built
    assert str(out / "ia-xangai.mp3") in result.stdout
    assert result.stderr == ""


def test_mp3_is_mono_64kbps_and_tagged(built):
    out, _ = built
    mp3, _, _ = episode_files(out, "ia-xangai")
    info = MP3(mp3).info
    assert info.channels == 1
    assert info.bitrate >= 64000
    tags = ID3(mp3)
    assert str(tags["TIT2"]) == "IA permanece um dos principais setores de Xangai"
    assert str(tags["TLAN"]) == "por"
    assert str(tags["TPE1"]) and str(tags["TALB"]) and str(tags["TDRC"])
    assert "ia-xangai.txt" in str(tags.getall("COMM")[0])


def test_chapters_are_chap_frames_under_an_ordered_top_level_ctoc(built):
    out, _ = built
    mp3, chapters_json, _ = episode_files(out, "ia-xangai")
    tags = ID3(mp3)
    duration_ms = MP3(mp3).info.length * 1000
    (toc,) = tags.getall("CTOC")
    assert toc.flags & 0x01 and toc.flags & 0x02  # ordered, top level
    chaps = {f.element_id: f for f in tags.getall("CHAP")}
    ordered = [chaps[element] for element in toc.child_element_ids]
    assert len(ordered) == len(chaps) >= 10  # no sections: one chapter per paragraph
    starts = [c.start_time for c in ordered]
    assert starts[0] == 0 and starts == sorted(starts) and len(set(starts)) == len(starts)
    assert all(c.end_time <= duration_ms + 50 for c in ordered)
    assert str(ordered[0].sub_frames["TIT2"]) == "IA permanece um dos principais setores de Xangai"
    assert str(ordered[2].sub_frames["TIT2"]).startswith("Com o tema IA")
    data = json.loads(chapters_json.read_text(encoding="utf-8"))
    assert data["version"] == "1.2.0"
    assert [round(c["startTime"] * 1000) for c in data["chapters"]] == starts
    assert [c["title"] for c in data["chapters"]] == [str(c.sub_frames["TIT2"]) for c in ordered]


def test_loudness_is_minus_16_lufs_with_true_peak_under_minus_1(built):
    out, _ = built
    audio, rate = soundfile.read(episode_files(out, "ia-xangai")[0])
    assert audio.ndim == 1
    assert pyloudnorm.Meter(rate).integrated_loudness(audio) == pytest.approx(-16, abs=1)
    true_peak_db = 20 * np.log10(np.abs(resample_poly(audio, 4, 1)).max())
    assert true_peak_db <= -1.0


def test_transcript_cues_cover_the_audio_in_order_with_speakers(built):
    out, _ = built
    mp3, _, vtt = episode_files(out, "ia-xangai")
    assert vtt.read_text(encoding="utf-8").startswith("WEBVTT")
    cues = read_cues(vtt)
    duration = MP3(mp3).info.length
    assert len(cues) > 30
    assert all(start < end for start, end, _, _ in cues)
    assert all(a[1] <= b[0] for a, b in zip(cues, cues[1:]))
    assert cues[0][0] < 0.5 and duration - 3 < cues[-1][1] <= duration
    assert {speaker for _, _, speaker, _ in cues} == {"Narração", "Chen Jie", "Xiong Jijun", "Andrew Aitken", "Jiang Daxin"}
    assert cues[0][3] == "IA permanece um dos principais setores de Xangai"
    # The related links at the end are not read.
    assert not any("Ver também" in text for *_, text in cues)


def test_rebuild_reuses_the_cache_and_publishes_nothing_new(built, cli_env):
    out, _ = built
    before = sorted(p.name for p in out.iterdir())
    clips = sorted((out / ".cache" / "clips").rglob("*.npz"))
    run_cli(["build", ARTICLE, "--voice", TINY_VOICE, "--out", out], cli_env)
    assert sorted(p.name for p in out.iterdir()) == before
    assert sorted((out / ".cache" / "clips").rglob("*.npz")) == clips


def test_editing_one_sentence_synthesises_it_alone_and_changes_only_its_part_of_the_mp3(tmp_path, cli_env):
    article = tmp_path / "artigo.txt"
    text = ARTICLE.read_text(encoding="utf-8")
    article.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    run_cli(["build", article, "--voice", TINY_VOICE, "--out", out], cli_env)
    first = (out / "artigo.mp3").read_bytes()
    clips_before = set((out / ".cache" / "clips").rglob("*.npz"))

    edited = "A conferência foi realizada de 20 a 23 de fevereiro em Xangai."
    article.write_text(text.replace("A conferência foi realizada de 21 a 23 de fevereiro em Xangai.", edited), encoding="utf-8")
    run_cli(["build", article, "--voice", TINY_VOICE, "--out", out], cli_env)
    new_clips = set((out / ".cache" / "clips").rglob("*.npz")) - clips_before
    assert len(new_clips) == 1
    second = (out / "artigo-2.mp3").read_bytes()

    a, b = audio_frames(first), audio_frames(second)
    prefix = next(i for i, (x, y) in enumerate(zip(a, b)) if x != y)
    suffix = next(i for i, (x, y) in enumerate(zip(reversed(a), reversed(b))) if x != y)
    changed = max(len(a), len(b)) - prefix - suffix
    assert prefix > 0.05 * len(a) and suffix > 0.5 * len(a)
    assert changed < 0.05 * len(a)  # one short sentence out of a six-minute episode


def test_a_broken_encoded_clip_in_the_cache_is_encoded_again(built, cli_env):
    out, _ = built
    before = (out / "ia-xangai.mp3").read_bytes()
    broken = sorted((out / ".cache" / "mp3").rglob("*.npz"))[0]
    broken.write_bytes(b"half a zip")
    result = run_cli(["build", ARTICLE, "--voice", TINY_VOICE, "--out", out], cli_env)
    assert result.stderr == ""
    assert broken.exists() and (out / "ia-xangai.mp3").read_bytes() == before
    assert not (out / "ia-xangai-2.mp3").exists()  # the same bytes: nothing new to publish


def test_a_clip_pruned_between_its_synthesis_and_its_encoding_is_spoken_again(tmp_path, monkeypatch, loads, piper_calls):
    from audio_artigo.synthesis.cache import BrokenEntry, ClipCache

    real_load_clip = ClipCache.load_clip
    pruned = []

    def load_clip_after_a_prune(self, key, with_audio=True):
        if with_audio and not pruned:  # the encoder's first read: `cache prune` has just removed it
            pruned.append(key)
            next(self.folder.rglob(f"{key}.npz")).unlink()
            raise BrokenEntry(key)
        return real_load_clip(self, key, with_audio)

    monkeypatch.setattr(ClipCache, "load_clip", load_clip_after_a_prune)
    episode = build_note(tmp_path, TINY_VOICE, "A Defesa Civil emitiu um alerta.")
    spoken = [text for text, _ in piper_calls]
    assert pruned and episode.duration > 0
    assert len(spoken) == len(set(spoken)) + 1  # the pruned clip, and it alone, twice


@pytest.mark.parametrize("damage", ["weights-removed", "weights-truncated", "model-garbage"])
def test_a_damaged_model_copy_is_made_again(tmp_path, cli_env, damage):
    article = tmp_path / "nota.txt"
    article.write_text("Nota\n\nA Defesa Civil emitiu um alerta.\n", encoding="utf-8")
    out = tmp_path / "out"
    run_cli(["build", article, "--voice", TINY_VOICE, "--out", out], cli_env)
    (model,) = (out / ".cache" / "models").glob("*/voice.onnx")
    (weights,) = model.parent.glob("voice.onnx.*.data")
    if damage == "weights-removed":
        weights.unlink()
    elif damage == "weights-truncated":
        weights.write_bytes(weights.read_bytes()[:1000])
    else:
        model.write_bytes(b"<html>not a model</html>")

    article.write_text("Nota\n\nA Defesa Civil emitiu dois alertas.\n", encoding="utf-8")
    result = run_cli(["build", article, "--voice", TINY_VOICE, "--out", out], cli_env)
    assert result.stderr == "" and (out / "nota-2.mp3").exists()
    (remade,) = model.parent.glob("voice.onnx.*.data")  # the damaged weights are gone
    assert remade.name != weights.name
    onnxruntime.InferenceSession(str(model), providers=["CPUExecutionProvider"])  # the copy loads whole again


def test_quotations_are_read_by_the_second_speaker_of_a_multi_speaker_voice(tmp_path, monkeypatch, piper_calls):
    """In-process build (one worker) observing the real Piper calls: who said what."""
    from audio_artigo.build import BuildOptions, build
    from audio_artigo.voices.cast import VoiceRequest

    monkeypatch.setenv("AUDIO_ARTIGO_VOICES_DIR", str(tmp_path / "voices"))
    article = tmp_path / "citacao.md"
    article.write_text(
        "# Chuva no Sul\n\nA Defesa Civil emitiu um alerta.\n\n"
        "“A situação é grave e exige atenção”, disse o coordenador.\n",
        encoding="utf-8",
    )
    (episode,) = build([article], BuildOptions(out_dir=tmp_path / "out", voices=VoiceRequest(voice=str(TINY_MULTI_VOICE), offline=True), workers=1, use_cache=False))
    speakers = {text: spec.speaker_id for text, spec in piper_calls}
    assert speakers["A situação é grave e exige atenção"] == 1
    assert speakers["A Defesa Civil emitiu um alerta."] == 0
    assert any(speaker == 0 and "disse o coordenador" in text for text, speaker in speakers.items())
    cues = read_cues(tmp_path / "out" / episode.transcript_file)
    # ... and the narrator ends with the show's disclosure.
    assert [speaker for *_, speaker, _ in cues] == ["Narração", "Narração", "o coordenador", "Narração", "Narração"]


def test_espeak_engine_on_request(tmp_path, cli_env):
    result = run_cli(["build", ARTICLE, "--engine", "espeak", "--out", tmp_path], cli_env)
    assert "warning" not in result.stderr
    audio, rate = soundfile.read(tmp_path / "ia-xangai.mp3")
    assert rate == 22050 and len(audio) / rate > 120
    assert "espeak" in str(ID3(tmp_path / "ia-xangai.mp3")["TSSE"])


def test_without_any_voice_the_draft_engine_reads_and_says_so_once(tmp_path, cli_env):
    short = tmp_path / "nota.txt"
    short.write_text("Nota curta\n\nO IBGE divulgou 2 pesquisas nesta terça-feira.\n", encoding="utf-8")
    result = run_cli(["build", short, "--out", tmp_path / "out"], cli_env)
    assert result.stderr.count("warning") == 1 and "eSpeak NG" in result.stderr and "DRAFT" in result.stderr
    assert (tmp_path / "out" / "nota.mp3").exists()
    assert "espeak" in str(ID3(tmp_path / "out" / "nota.mp3")["TSSE"])


def test_engine_piper_refuses_to_fall_back(tmp_path, cli_env):
    result = run_cli(["build", ARTICLE, "--engine", "piper", "--out", tmp_path / "out"], cli_env, check=False)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert not any((tmp_path / "out").glob("*.mp3"))


BAD_INPUTS = {
    "empty.txt": b"",
    "blank.md": b"\n \n\t\n",
    "binary.txt": bytes(range(256)) * 4,
    "latin1.txt": "Título\n\nAção e reação em São Paulo.\n".encode("latin-1"),
    "artigo.pdf": b"%PDF-1.4 not an article",
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS) + ["missing.txt"])
def test_bad_articles_exit_2_with_one_line_and_leave_nothing(tmp_path, cli_env, name):
    article = tmp_path / name
    if name in BAD_INPUTS:
        article.write_bytes(BAD_INPUTS[name])
    out = tmp_path / "out"
    result = run_cli(["build", article, "--voice", TINY_VOICE, "--out", out], cli_env, check=False)
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert name in result.stderr
    assert not [p for p in out.glob("*") if not p.name.startswith(".")] if out.exists() else True
    assert not list(out.glob(".*.tmp")) if out.exists() else True


@pytest.mark.parametrize("damage", ["truncated", "garbage", "missing-config"])
def test_an_unreadable_voice_exits_2_naming_the_file(tmp_path, cli_env, damage):
    voice = tmp_path / "pt_BR-quebrada-x_low.onnx"
    shutil.copy(TINY_VOICE, voice)
    shutil.copy(f"{TINY_VOICE}.json", f"{voice}.json")
    if damage == "truncated":
        voice.write_bytes(TINY_VOICE.read_bytes()[: TINY_VOICE.stat().st_size // 2])
    elif damage == "garbage":
        voice.write_bytes(b"<html>not found</html>")
    else:
        Path(f"{voice}.json").unlink()
    out = tmp_path / "out"
    result = run_cli(["build", ARTICLE, "--voice", voice, "--out", out], cli_env, check=False)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert "pt_BR-quebrada-x_low.onnx" in result.stderr
    assert not list(out.glob("*.mp3")) if out.exists() else True


def test_the_lexicon_named_in_podcast_toml_is_applied_and_build_lexicon_overrides_it(tmp_path, piper_calls):
    from audio_artigo.build import BuildOptions, build
    from audio_artigo.voices.cast import VoiceRequest

    out = tmp_path / "out"
    out.mkdir()
    (out / "redacao.tsv").write_text("WAIC\tuéique\n", encoding="utf-8")
    (out / "podcast.toml").write_text('lexicon = "redacao.tsv"\n', encoding="utf-8")
    article = tmp_path / "nota.txt"
    article.write_text("Nota\n\nA WAIC começa hoje.\n", encoding="utf-8")
    options = BuildOptions(out_dir=out, voices=VoiceRequest(voice=str(TINY_VOICE), offline=True), workers=1, use_cache=False)
    build([article], options)
    assert "A uéique começa hoje." in [text for text, _ in piper_calls]

    (tmp_path / "outra.tsv").write_text("WAIC\tconferência\n", encoding="utf-8")
    options.lexicon = tmp_path / "outra.tsv"
    build([article], options)
    assert "A conferência começa hoje." in [text for text, _ in piper_calls]


def test_a_markdown_article_gets_one_chapter_per_section_plus_the_opening(tmp_path, cli_env):
    run_cli(["build", READING_DATA / "safra-recorde.md", "--voice", TINY_VOICE, "--out", tmp_path], cli_env)
    mp3, _, vtt = episode_files(tmp_path, "safra-recorde")
    titles = [title for _, title in chapter_frames(mp3)]
    assert titles == [
        "Safra de grãos deve bater recorde e movimentar R$ 1,2 trilhão em 2025",
        "Clima ajudou no Centro-Oeste",
        "Exportações e logística",
    ]
    quotes = {text: speaker for *_, speaker, text in read_cues(vtt) if speaker != "Narração"}
    assert any(text.startswith("Foi a melhor janela") and speaker == "Lucas Costa Beber" for text, speaker in quotes.items())
    assert any(text.startswith("Sem a Ferrogrão") and speaker == "Sérgio Mendes" for text, speaker in quotes.items())
    assert "Leia também" not in vtt.read_text(encoding="utf-8")


def test_a_news_page_is_read_without_its_navigation_aside_or_footer(tmp_path, cli_env):
    run_cli(["build", READING_DATA / "vacinacao-sp.html", "--voice", TINY_VOICE, "--out", tmp_path], cli_env)
    (mp3,) = tmp_path.glob("*.mp3")
    transcript = mp3.with_suffix(".vtt").read_text(encoding="utf-8")
    for clutter in ("Início", "Saúde |", "Mais lidas", "Dólar fecha", "Todos os direitos reservados", "Jornal Exemplo"):
        assert clutter not in transcript
    assert "Campanha de vacinação contra a gripe é ampliada" in transcript
    assert "<v Regiane de Paula>A vacina é segura" in transcript
    assert len(ID3(mp3).getall("CHAP")) == 3


def test_quotations_are_read_by_the_quote_voice_when_one_is_given(tmp_path, piper_calls):
    from audio_artigo.build import BuildOptions, build
    from audio_artigo.voices.cast import VoiceRequest

    article = tmp_path / "fala.txt"
    article.write_text("Fala\n\n“Não vamos recuar”, disse a ministra.\n", encoding="utf-8")
    request = VoiceRequest(voice=str(TINY_VOICE), quote_voices=(str(TINY_MULTI_VOICE),), offline=True)
    (episode,) = build([article], BuildOptions(out_dir=tmp_path / "out", voices=request, workers=1, use_cache=False))
    models = {text: spec.model for text, spec in piper_calls}
    assert models["Não vamos recuar"] == str(TINY_MULTI_VOICE.resolve())
    assert models["disse a ministra."] == str(TINY_VOICE.resolve())
    assert episode.quote_voice == "pt_BR-tinymulti-x_low (speaker 0)"  # the first voice of its pool
