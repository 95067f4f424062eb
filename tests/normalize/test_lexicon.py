"""The user lexicon: TSV and TOML files, applied before the rules, errors named."""

from __future__ import annotations

import pytest

from audio_artigo.errors import ConfigError
from audio_artigo.normalize import explain, load_lexicon, normalize


def test_tsv_lexicon_is_applied_before_the_rules(tmp_path):
    path = tmp_path / "lexicon.tsv"
    path.write_text("# newsroom words\nIA\tinteligência artificial\nXangai\t[[ʃɐ̃ɡˈaɪ]]\n", encoding="utf-8")
    lexicon = load_lexicon(path)
    assert normalize("A IA de Xangai tem 2 sedes.", lexicon) == "A inteligência artificial de [[ʃɐ̃ɡˈaɪ]] tem duas sedes."
    assert [r.rule for r in explain("IA", lexicon)] == ["lexicon"]


def test_toml_lexicon_and_capitalised_match(tmp_path):
    path = tmp_path / "lexicon.toml"
    path.write_text('[lexicon]\nstartup = "startape"\n', encoding="utf-8")
    assert normalize("Startup e startup.", load_lexicon(path)) == "startape e startape."


def test_phoneme_blocks_pass_untouched():
    assert normalize("Diga [[ˈoi 2]] e 2 casas.") == "Diga [[ˈoi 2]] e duas casas."


@pytest.mark.parametrize(
    "name, content",
    [("bad.tsv", "IA sem tabulação\n"), ("bad.toml", "lexicon = [1, 2]\n"), ("bad.toml", "x = = 1\n"), ("bad.toml", "IA = 3\n")],
)
def test_bad_lexicon_is_a_config_error_naming_the_file(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=name):
        load_lexicon(path)


def test_missing_lexicon_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_lexicon(tmp_path / "nothing.tsv")
