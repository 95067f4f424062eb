"""The show's frame and sound, end to end with the tiny voice: jingles, the spoken
intro and outro with the disclosure, the music bed, the show's loudness, speed.

Every check reads the published files back: the MP3 decoded by soundfile
(libsndfile's mpg123), loudness by pyloudnorm, the WebVTT, the JSON chapters
and the ID3 chapter frames.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyloudnorm
import pytest
import soundfile
from scipy.signal import resample_poly

from audio_artigo.assembly.dsp import k_weight
from audio_artigo.assembly.mp3 import DECODED_OFFSET_SAMPLES
from audio_artigo.build import BuildOptions, build
from audio_artigo.normalize import normalize
from audio_artigo.voices.cast import VoiceRequest
from tests.conftest import TINY_VOICE
from tests.pipeline.conftest import audio_frames, run_cli
from tests.pipeline.test_build import read_cues
from tests.podcast.episodes import chapter_frames

RATE = 16000  # the tiny voice's
JINGLE_RATE = 44100
DISCLOSURE = "Este áudio foi gerado com voz sintética a partir do texto publicado."

ARTICLE = """---
author: Ana Souza
---
# Chuva forte alaga ruas de São Paulo

A chuva que caiu na tarde desta terça-feira alagou ruas da zona sul. A Defesa Civil pediu cuidado.

## Previsão

Segundo os meteorologistas, a chuva deve continuar até sexta-feira.
"""

SHOW = """title = "Jornal Falado"
intro = "Você está ouvindo {show}. {title}. Reportagem de {author}."
outro = "Até a próxima."
intro_audio = "vinheta.wav"
outro_audio = "vinheta.wav"
music_bed = "trilha.flac"
"""


def tone(seconds: float, rate: int) -> np.ndarray:
    """A jingle: a chord of two tones with short fades, at half scale."""
    t = np.arange(round(seconds * rate)) / rate
    chord = np.sin(2 * np.pi * 523.25 * t) + 0.6 * np.sin(2 * np.pi * 659.26 * t)
    return 0.4 * chord * np.minimum(1, np.minimum(t, t[-1] - t) / 0.03)


@pytest.fixture
def show(tmp_path):
    """An output folder whose podcast.toml frames episodes, a jingle and a bed beside it, and the article."""
    out = tmp_path / "out"
    out.mkdir()
    soundfile.write(out / "vinheta.wav", tone(1.2, JINGLE_RATE), JINGLE_RATE)
    t = np.arange(3 * JINGLE_RATE) / JINGLE_RATE
    soundfile.write(out / "trilha.flac", 0.3 * np.sin(2 * np.pi * 220 * t), JINGLE_RATE)  # shorter than the intro: it loops
    (out / "podcast.toml").write_text(SHOW, encoding="utf-8")
    article = tmp_path / "chuva.md"
    article.write_text(ARTICLE, encoding="utf-8")
    return out, article


def build_show(out: Path, article: Path, cli_env, *extra) -> dict:
    run_cli(["build", article, "--voice", TINY_VOICE, "--out", out, "--offline", "--workers", "1", *extra], cli_env, cwd=out.parent)
    mp3 = out / f"{article.stem}.mp3"
    audio, rate = soundfile.read(mp3)
    assert rate == RATE
    return {
        "mp3": mp3,
        "audio": audio,
        "cues": read_cues(mp3.with_suffix(".vtt")),
        "chapters": json.loads((out / f"{article.stem}.chapters.json").read_text(encoding="utf-8"))["chapters"],
    }


def jingle_at(audio: np.ndarray, jingle: np.ndarray, search: range) -> tuple[int, float]:
    """Where in ``audio`` the jingle's samples are (searching the starts in ``search``), and how well they match (correlation)."""
    best = (0, 0.0)
    for start in search:
        piece = audio[start : start + len(jingle)]
        if len(piece) < len(jingle):
            break
        score = float(np.dot(piece, jingle) / (np.linalg.norm(piece) * np.linalg.norm(jingle) + 1e-12))
        best = max(best, (start, score), key=lambda found: found[1])
    return best


def rms_db(audio: np.ndarray) -> float:
    return 10 * np.log10(np.mean(audio**2) + 1e-20)


def true_peak_db(audio: np.ndarray) -> float:
    return 20 * np.log10(np.abs(resample_poly(audio, 4, 1)).max())


def test_a_framed_episode_opens_with_the_jingle_and_the_intro_and_closes_with_the_outro_and_the_disclosure(show, cli_env):
    out, article = show
    built = build_show(out, article, cli_env)
    audio, cues, chapters = built["audio"], built["cues"], built["chapters"]

    # The MP3 starts with the jingle: its samples (resampled to the episode's rate) right after the decoder's delay.
    jingle = resample_poly(tone(1.2, JINGLE_RATE), RATE, JINGLE_RATE)
    start, match = jingle_at(audio, jingle, range(0, 3000))
    assert match > 0.95 and abs(start - DECODED_OFFSET_SAMPLES) < 50, (start, match)
    # ... brought to the show's loudness, and it ends the episode too.
    assert pyloudnorm.Meter(RATE).integrated_loudness(audio[start : start + len(jingle)]) == pytest.approx(-16, abs=1)
    end_search = range(len(audio) - len(jingle) - 4000, len(audio) - len(jingle))
    _, end_match = jingle_at(audio, jingle, end_search)
    assert end_match > 0.95

    # The first cue is the spoken intro, its placeholders filled; the article's
    # own title and byline, which it said, are not read again.
    texts = [text for *_, text in cues]
    assert texts[0] == "Você está ouvindo Jornal Falado. Chuva forte alaga ruas de São Paulo. Reportagem de Ana Souza."
    assert texts[1].startswith("A chuva que caiu") and "Por Ana Souza" not in texts
    assert cues[0][0] > len(jingle) / RATE  # after the jingle
    # The last is the outro with the disclosure.
    assert texts[-1] == "Até a próxima. " + DISCLOSURE
    assert cues[-1][1] < len(audio) / RATE - len(jingle) / RATE  # before the closing jingle

    # Chapters start where the transcript says (their titles unchanged): a
    # chapter's run starts within the encoder's delay before its first cue,
    # after the previous cue has ended; they are the same in the ID3 frames.
    assert [c["title"] for c in chapters] == ["Chuva forte alaga ruas de São Paulo", "Previsão"]
    assert chapters[0]["startTime"] == 0
    first_of_second = next(index for index, cue in enumerate(cues) if cue[3] == "Previsão")
    assert 0 < cues[first_of_second][0] - chapters[1]["startTime"] < 0.1
    assert cues[first_of_second - 1][1] <= chapters[1]["startTime"]
    assert chapters[-1]["endTime"] == pytest.approx(len(audio) / RATE, abs=0.08)
    assert [(ms, title) for ms, title in chapter_frames(built["mp3"])] == [
        (round(c["startTime"] * 1000), c["title"]) for c in chapters
    ]

    assert pyloudnorm.Meter(RATE).integrated_loudness(audio) == pytest.approx(-16, abs=1)
    assert true_peak_db(audio) <= -1.0


def quietest_loudness(audio: np.ndarray, seconds: float = 0.2) -> float:
    """The loudness (LUFS, K-weighted as BS.1770) of the quietest stretch of ``seconds`` in ``audio``."""
    width = round(seconds * RATE)
    power = np.cumsum(np.concatenate([[0.0], k_weight(audio, RATE) ** 2]))
    return -0.691 + 10 * np.log10(np.min(power[width:] - power[:-width]) / width)


def test_the_music_bed_leads_in_ducks_under_the_voice_and_fades_out(show, cli_env):
    out, article = show
    built = build_show(out, article, cli_env)
    audio, cues = built["audio"], built["cues"]
    intro_start, intro_end = round(cues[0][0] * RATE), round(cues[0][1] * RATE)
    second_start = round(cues[1][0] * RATE)

    lead = audio[intro_start - round(1.2 * RATE) : intro_start - round(0.6 * RATE)]  # the bed alone, before the voice
    intro = audio[intro_start:intro_end]
    under = quietest_loudness(intro)  # between the intro's sentences: the bed alone, ducked
    faded = audio[second_start - DECODED_OFFSET_SAMPLES - round(0.2 * RATE) : second_start - DECODED_OFFSET_SAMPLES]

    assert rms_db(lead) > -30  # playing
    assert pyloudnorm.Meter(RATE).integrated_loudness(intro) - under >= 15  # at least 15 dB under the voice
    assert quietest_loudness(lead) - under >= 10  # ... and lower than before the voice
    assert -50 < under  # ... but there
    assert rms_db(faded) < under - 25  # faded out before the article starts
    # The bed is under the intro only: the pauses between the article's sentences are silent.
    gap = audio[round(cues[1][1] * RATE) + 200 : round(cues[2][0] * RATE) - DECODED_OFFSET_SAMPLES]
    assert len(gap) > 0.1 * RATE and rms_db(gap) < -60


def test_loudness_lufs_sets_the_episodes_loudness(show, cli_env):
    out, article = show
    with (out / "podcast.toml").open("a", encoding="utf-8") as toml:
        toml.write("loudness_lufs = -19\n")
    audio = build_show(out, article, cli_env)["audio"]
    assert pyloudnorm.Meter(RATE).integrated_loudness(audio) == pytest.approx(-19, abs=1)
    assert true_peak_db(audio) <= -1.0

    # The command line overrides podcast.toml for one build (a new version, as the bytes differ).
    run_cli(["build", article, "--voice", TINY_VOICE, "--out", out, "--offline", "--workers", "1",
             "--loudness-lufs", "-16", "--true-peak-dbtp", "-2"], cli_env, cwd=out.parent)  # fmt: skip
    audio, _ = soundfile.read(out / "chuva-2.mp3")
    assert pyloudnorm.Meter(RATE).integrated_loudness(audio) == pytest.approx(-16, abs=1)
    assert true_peak_db(audio) <= -2.0


def test_changing_only_the_outro_speaks_only_the_outro_again_and_keeps_the_rest_of_the_mp3(show, piper_calls):
    out, article = show

    def build_in_process():
        options = BuildOptions(out_dir=out, voices=VoiceRequest(voice=str(TINY_VOICE), offline=True), workers=1)
        (episode,) = build([article], options)
        return out / episode.audio_file

    first = build_in_process().read_bytes()
    clips = set((out / ".cache" / "clips").rglob("*.npz"))
    encoded = set((out / ".cache" / "mp3").rglob("*.npz"))
    piper_calls.clear()

    toml = out / "podcast.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("Até a próxima.", "Obrigado pela companhia."), encoding="utf-8")
    second_path = build_in_process()
    second = second_path.read_bytes()

    assert [text for text, _ in piper_calls] == [normalize("Obrigado pela companhia.")]
    assert len(set((out / ".cache" / "clips").rglob("*.npz")) - clips) == 1  # the outro's one clip
    assert len(set((out / ".cache" / "mp3").rglob("*.npz")) - encoded) == 1  # ... and its encoding alone
    cues = read_cues(second_path.with_suffix(".vtt"))
    assert cues[-1][3] == "Obrigado pela companhia. " + DISCLOSURE

    a, b = audio_frames(first), audio_frames(second)
    prefix = next(i for i, (x, y) in enumerate(zip(a, b)) if x != y)
    suffix = next(i for i, (x, y) in enumerate(zip(reversed(a), reversed(b))) if x != y)
    bytes_per_second = 64000 / 8
    # Every run before the outro's keeps its bytes (the outro's run starts with the encoder's delay).
    assert prefix >= (cues[-1][0] - DECODED_OFFSET_SAMPLES / RATE - 0.04) * bytes_per_second
    assert suffix >= 1.2 * bytes_per_second  # the closing jingle


def test_a_missing_or_unreadable_sound_file_stops_the_build_at_once_naming_it(tmp_path, cli_env):
    article = tmp_path / "nota.txt"
    article.write_text("Nota\n\nA Defesa Civil emitiu um alerta.\n", encoding="utf-8")
    (tmp_path / "podcast.toml").write_text('intro_audio = "vinheta.mp3"\n', encoding="utf-8")
    out = tmp_path / "out"

    def failed_build(*extra) -> str:
        # No voice is installed and none can be downloaded: had the build gone
        # on to the voices, it would have said so, or read an eSpeak draft.
        result = run_cli(["build", article, "--out", out, *extra], cli_env, cwd=tmp_path, check=False)
        assert result.returncode == 2 and result.stdout == ""
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
        assert not out.exists()  # nothing written, not even the output folder
        return result.stderr

    assert "vinheta.mp3" in failed_build() and "does not exist" in failed_build()
    (tmp_path / "vinheta.mp3").write_bytes(b"<html>not found</html>")
    assert "vinheta.mp3" in failed_build() and "not an audio file" in failed_build()
    message = failed_build("--intro-audio", "", "--music-bed", "sumida.ogg")
    assert "--music-bed" in message and "sumida.ogg" in message


def test_every_format_soundfile_reads_is_a_jingle_and_a_prepared_jingle_is_cached_by_content(tmp_path, cli_env):
    article = tmp_path / "nota.txt"
    article.write_text("Nota\n\nA Defesa Civil emitiu um alerta.\n", encoding="utf-8")
    jingle = resample_poly(tone(1.2, JINGLE_RATE), RATE, JINGLE_RATE)
    for number, fmt in enumerate(["WAV", "FLAC", "OGG", "MP3"]):
        source = tmp_path / f"vinheta.{fmt.lower()}"
        soundfile.write(source, tone(1.2, JINGLE_RATE), JINGLE_RATE, format=fmt)
        out = tmp_path / f"out-{fmt}"
        run_cli(["build", article, "--voice", TINY_VOICE, "--out", out, "--offline", "--intro-audio", source], cli_env)
        audio, _ = soundfile.read(out / "nota.mp3")
        _, match = jingle_at(audio, jingle, range(0, 4000))
        assert match > 0.9, fmt

    # The same bytes under another name are not prepared again: the cache has no new clip.
    cache = tmp_path / "cache"
    args = ["build", article, "--voice", TINY_VOICE, "--offline", "--cache-dir", cache]
    run_cli([*args, "--out", tmp_path / "a", "--intro-audio", tmp_path / "vinheta.wav"], cli_env)
    clips = set(cache.rglob("clips/*/*.npz"))
    (tmp_path / "copia.wav").write_bytes((tmp_path / "vinheta.wav").read_bytes())
    run_cli([*args, "--out", tmp_path / "b", "--intro-audio", tmp_path / "copia.wav"], cli_env)
    assert set(cache.rglob("clips/*/*.npz")) == clips


def test_a_sentence_needing_a_value_the_article_lacks_is_left_out(tmp_path, cli_env):
    article = tmp_path / "nota.txt"  # a plain text file: no author, no site
    article.write_text("Alerta de chuva\n\nA Defesa Civil emitiu um alerta.\n", encoding="utf-8")
    run_cli(["build", article, "--voice", TINY_VOICE, "--out", tmp_path / "out", "--offline",
             "--intro", "Você está ouvindo {show}. Reportagem de {author}, do {site}.",
             "--outro", "", "--disclosure", ""], cli_env)  # fmt: skip
    texts = [text for *_, text in read_cues(tmp_path / "out" / "nota.vtt")]
    # The title was not named by the intro: it is read as always.
    assert texts == ["Você está ouvindo audio-artigo.", "Alerta de chuva", "A Defesa Civil emitiu um alerta."]


def test_an_unknown_placeholder_is_a_one_line_error(tmp_path, cli_env):
    article = tmp_path / "nota.txt"
    article.write_text("Nota\n\nA Defesa Civil emitiu um alerta.\n", encoding="utf-8")
    (tmp_path / "podcast.toml").write_text('outro = "Reportagem de {autor}."\n', encoding="utf-8")
    result = run_cli(["build", article, "--voice", TINY_VOICE, "--out", tmp_path / "out"], cli_env, cwd=tmp_path, check=False)
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "podcast.toml: outro: unknown placeholder {autor}" in result.stderr
    assert not (tmp_path / "out").exists()


def test_speed_is_the_pace_of_the_narrator_and_of_quotations(tmp_path, piper_calls):
    article = tmp_path / "fala.txt"
    article.write_text(
        "Fala\n\nA Defesa Civil emitiu um alerta para toda a região metropolitana nesta terça-feira.\n\n"
        "“Não vamos recuar diante da chuva e das enchentes”, disse a ministra em entrevista coletiva.\n",
        encoding="utf-8",
    )
    spoken = {}
    for speed in ("1", "2"):
        out = tmp_path / f"out-{speed}"
        options = BuildOptions(
            out_dir=out, voices=VoiceRequest(voice=str(TINY_VOICE), offline=True), workers=1, show={"speed": float(speed)}
        )
        build([article], options)
        cues = read_cues(out / "fala.vtt")
        spoken[speed] = {speaker: sum(end - start for start, end, who, _ in cues if who == speaker) for speaker in ("Narração", "a ministra")}
    assert {spec.speed for _, spec in piper_calls} == {1.0, 2.0}
    for speaker in ("Narração", "a ministra"):
        # Not quite half: a phoneme lasts at least one frame of the voice's, whatever the pace.
        assert 0.4 < spoken["2"][speaker] / spoken["1"][speaker] < 0.8, speaker


def test_a_music_bed_without_a_spoken_intro_is_not_played_and_the_build_says_so(show, cli_env):
    out, article = show
    result = run_cli(["build", article, "--voice", TINY_VOICE, "--out", out, "--offline", "--workers", "1", "--intro", ""],
                     cli_env, cwd=out.parent)  # fmt: skip
    assert result.stderr.count("warning") == 1 and "music_bed" in result.stderr
    audio, _ = soundfile.read(out / "chuva.mp3")
    cues = read_cues(out / "chuva.vtt")
    assert cues[0][3] == "Chuva forte alaga ruas de São Paulo"  # no intro: the title opens the episode
    between = audio[round(cues[0][1] * RATE) + 200 : round(cues[1][0] * RATE) - DECODED_OFFSET_SAMPLES]
    assert rms_db(between) < -60  # and no music under it
