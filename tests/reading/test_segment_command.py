"""`audio-artigo segment`: the outline, the JSON shape, and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner

from audio_artigo.cli import cli


def test_outline_marks_chapters_paragraphs_and_quotes(safra):
    result = CliRunner().invoke(cli, ["segment", str(safra)])
    assert result.exit_code == 0
    lines = result.stdout_bytes.decode("utf-8").splitlines()
    assert lines[0] == "Safra de grãos deve bater recorde e movimentar R$ 1,2 trilhão em 2025"
    assert "Chapter 2: Clima ajudou no Centro-Oeste" in lines
    assert "  ¶ » [Lucas Costa Beber] Foi a melhor janela de plantio dos últimos 5 anos. O produtor conseguiu plantar no tempo certo e colher sem chuva em cima" in lines
    assert lines[2:6] == ["Speakers:", "  Lucas Costa Beber", "  Marcos Tavares", "  Sérgio Mendes"]
    assert "    afirmou o presidente da Aprosoja-MT, Lucas Costa Beber, em entrevista coletiva em Cuiabá." in lines


def test_json_has_exactly_the_documented_shape(vacinacao):
    result = CliRunner().invoke(cli, ["segment", "--json", str(vacinacao)])
    script = json.loads(result.stdout_bytes.decode("utf-8"))
    assert set(script) == {"title", "speakers", "chapters"}
    assert script["speakers"] == [{"name": "Regiane de Paula", "forms": ["Dra. Regiane de Paula"]}]
    for chapter in script["chapters"]:
        assert set(chapter) == {"title", "paragraphs"}
        for paragraph in chapter["paragraphs"]:
            for segment in paragraph:
                assert segment["kind"] in ("narration", "quote")
                assert set(segment) == ({"kind", "text", "speaker"} if segment["kind"] == "quote" else {"kind", "text"})
    output = result.stdout_bytes.decode("utf-8")
    assert "vacinação" in output and "\\u" not in output  # UTF-8, not ASCII escapes


def test_bad_input_is_one_line_on_stderr_and_exit_status_2(tmp_path):
    article = tmp_path / "binario.txt"
    article.write_bytes(b"\x00\x01\x02")
    done = subprocess.run([sys.executable, "-m", "audio_artigo", "segment", str(article)], capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and str(article) in done.stderr and "binary" in done.stderr


def test_json_speakers_get_their_voices_when_quote_voices_are_given(ia_xangai):
    from tests.conftest import TINY_MULTI_VOICE, TINY_VOICE

    result = CliRunner().invoke(cli, ["segment", "--json", "--quote-voice", str(TINY_MULTI_VOICE), "--quote-voice", str(TINY_VOICE), str(ia_xangai)])
    assert result.exit_code == 0, result.output
    speakers = json.loads(result.stdout_bytes.decode("utf-8"))["speakers"]
    # In the order they first speak: the pool in order, then a voice neither neighbour has
    # (Jiang speaks between Aitken and Chen).
    assert [(speaker["name"], speaker["voice"], speaker.get("voice_speaker")) for speaker in speakers] == [
        ("Chen Jie", "pt_BR-tinymulti-x_low", 0),
        ("Xiong Jijun", "pt_BR-tinymulti-x_low", 1),
        ("Andrew Aitken", "pt_BR-tiny-x_low", None),
        ("Jiang Daxin", "pt_BR-tinymulti-x_low", 1),
    ]
    without = json.loads(CliRunner().invoke(cli, ["segment", "--json", str(ia_xangai)]).stdout_bytes.decode("utf-8"))["speakers"]
    assert all(set(speaker) == {"name", "forms"} for speaker in without)


def test_a_quote_voice_that_is_not_installed_is_one_line_and_exit_status_2(ia_xangai, tmp_path):
    env = {**__import__("os").environ, "AUDIO_ARTIGO_VOICES_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "audio_artigo", "segment", "--quote-voice", "pt_BR-nenhuma-medium", str(ia_xangai)],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "pt_BR-nenhuma-medium" in done.stderr
