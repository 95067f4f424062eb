"""W3C PLS lexicons: aliases and IPA phonemes reach `normalize` and a build's voice; hostile XML is refused; export round-trips."""

from __future__ import annotations

import subprocess
import sys
import unicodedata

import pytest

from audio_artigo.errors import ConfigError
from audio_artigo.normalize import load_lexicon, normalize
from audio_artigo.normalize.lexicon import export_lexicon, read_entries
from audio_artigo.normalize.pls import ipa_to_piper
from tests.conftest import TINY_VOICE

HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
OPEN = '<lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon" alphabet="ipa" xml:lang="pt-BR">\n'
LEXICON = HEAD + OPEN + """  <lexeme>
    <grapheme>WAIC</grapheme>
    <alias>uéique</alias>
  </lexeme>
  <lexeme>
    <grapheme>Xiong</grapheme>
    <grapheme>XIONG</grapheme>
    <phoneme>ˈɕjʊŋ</phoneme>
    <phoneme prefer="true">ˈʃjõŋ</phoneme>
  </lexeme>
  <lexeme>
    <grapheme>Roraima</grapheme>
    <phoneme>ʁo.ˈɾaj.mɐ</phoneme>
  </lexeme>
</lexicon>
"""
SENTENCE = "Xiong Jijun falou na WAIC em Roraima."
# Phonemes are handed to Piper decomposed, as eSpeak gives them ("õ" is "o" + U+0303).
SPOKEN = unicodedata.normalize("NFD", "[[ˈʃjõŋ]]") + " Jijun falou na uéique em [[xoˈɾajmɐ]]."


def run(*args: str, cwd=None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "audio_artigo", *args], capture_output=True, text=True,
                          encoding="utf-8", timeout=120, cwd=cwd)


@pytest.fixture
def pls(tmp_path):
    path = tmp_path / "redacao.pls"
    path.write_text(LEXICON, encoding="utf-8")
    return path


def test_an_alias_and_ipa_phonemes_change_the_output(pls):
    assert normalize(SENTENCE) == "Xiong Jijun falou na dáblio á i cê em Roraima."
    # the preferred pronunciation; IPA's strong R "ʁ" is eSpeak's "x"; syllable dots dropped
    assert normalize(SENTENCE, load_lexicon(pls)) == SPOKEN
    assert normalize("XIONG", load_lexicon(pls)) == SPOKEN.split()[0]  # each grapheme of a lexeme


def test_the_cli_takes_a_pls_lexicon(pls):
    result = subprocess.run([sys.executable, "-m", "audio_artigo", "normalize", "--lexicon", str(pls)], input=SENTENCE + "\n",
                            capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout == SPOKEN + "\n"


@pytest.mark.parametrize("ipa, piper", [
    ("ˈʁatu", "ˈxatu"), ("ˈkaʁu", "ˈkaxu"), ("ˈt͡ʃiɐ", "ˈtʃiɐ"), ("ʤuˈʁi", "dʒuˈxi"), ("'gatu", "ˈɡatu"),
    ("mɐ̃ȷ̃", None), ("pɐ̃w̃", "pɐ̃ʊ̃"), ("sɐ̃ŋ.ɡɾi.ɐ", "sɐ̃ŋɡɾiɐ"), ("kaː", "kaː"), ("ãw", "ãw"),
])
def test_ipa_becomes_the_phonemes_espeak_gives_piper(ipa, piper):
    if piper is None:
        with pytest.raises(ValueError):
            ipa_to_piper(ipa)
    else:
        assert ipa_to_piper(ipa) == unicodedata.normalize("NFD", piper)  # "ã" decomposed, as eSpeak's are


def test_phonemes_from_a_pls_reach_piper_as_phoneme_ids(pls):
    """Piper reads "[[...]]" blocks as phonemes: the ids it gets for the word change, and hold no unknown symbol."""
    import json

    from piper.config import PiperConfig
    from piper.phoneme_ids import phonemes_to_ids
    from piper.voice import PiperVoice

    config = PiperConfig.from_dict(json.loads(TINY_VOICE.with_name(TINY_VOICE.name + ".json").read_text(encoding="utf-8")))
    voice = PiperVoice(session=None, config=config)  # phonemising needs no model

    def ids(text):
        phonemes = [p for sentence in voice.phonemize(text) for p in sentence]
        assert all(p in config.phoneme_id_map for p in phonemes), [p for p in phonemes if p not in config.phoneme_id_map]
        return phonemes_to_ids(phonemes, config.phoneme_id_map)

    plain, with_lexicon = normalize("Roraima", None), normalize("Roraima", load_lexicon(pls))
    assert ids(with_lexicon) != ids(plain)
    assert ids(with_lexicon) == phonemes_to_ids(list("xoˈɾajmɐ"), config.phoneme_id_map)


def test_a_build_speaks_the_pls_readings(tmp_path, pls, monkeypatch):
    """lexicon = "x.pls" in podcast.toml: the clip text Piper speaks, and the phoneme ids it gets, change."""
    from piper.voice import PiperVoice

    from audio_artigo.build import BuildOptions, build
    from audio_artigo.synthesis.piper_engine import PiperModel
    from audio_artigo.voices.cast import VoiceRequest

    spoken, ids = [], []
    real_speak, real_ids = PiperModel.speak, PiperVoice.phonemes_to_ids
    monkeypatch.setattr(PiperModel, "speak", lambda self, text, spec: spoken.append(text) or real_speak(self, text, spec))
    monkeypatch.setattr(PiperVoice, "phonemes_to_ids", lambda self, phonemes: ids.append(phonemes) or real_ids(self, phonemes))
    out = tmp_path / "out"
    out.mkdir()
    (out / "redacao.pls").write_text(LEXICON, encoding="utf-8")
    (out / "podcast.toml").write_text('lexicon = "redacao.pls"\n', encoding="utf-8")
    article = tmp_path / "nota.txt"
    article.write_text("Nota\n\n" + SENTENCE + "\n", encoding="utf-8")
    build([article], BuildOptions(out_dir=out, voices=VoiceRequest(voice=str(TINY_VOICE), offline=True), workers=1, use_cache=False))
    assert SPOKEN in spoken
    words = SPOKEN.replace("[[", "").replace("]]", "").split()
    assert any("".join(phonemes).startswith(words[0]) and words[-1].rstrip(".") in "".join(phonemes) for phonemes in ids)


BILLION_LAUGHS = HEAD + """<!DOCTYPE lexicon [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
""" + OPEN + "<lexeme><grapheme>IA</grapheme><alias>&lol4;</alias></lexeme></lexicon>\n"
EXTERNAL_ENTITY = HEAD + '<!DOCTYPE lexicon [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n' + OPEN + (
    "<lexeme><grapheme>IA</grapheme><alias>&xxe;</alias></lexeme></lexicon>\n"
)
EXTERNAL_DTD = HEAD + '<!DOCTYPE lexicon SYSTEM "http://127.0.0.1:9/pls.dtd">\n' + OPEN + (
    "<lexeme><grapheme>IA</grapheme><alias>ia</alias></lexeme></lexicon>\n"
)


@pytest.mark.parametrize("content", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD], ids=["billion-laughs", "xxe", "external-dtd"])
def test_hostile_pls_is_refused_in_one_line(tmp_path, content):
    path = tmp_path / "hostil.pls"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"hostil\.pls:2: a DOCTYPE or ENTITY declaration is not allowed"):
        load_lexicon(path)
    result = subprocess.run([sys.executable, "-m", "audio_artigo", "normalize", "--lexicon", str(path)], input="IA\n",
                            capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert result.returncode == 2 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and "hostil.pls:2" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("body, line, message", [
    ("<lexeme><grapheme>IA</grapheme><alias>ia</alia></lexeme>", 3, "not well-formed XML"),
    ("<lexeme><grapheme>IA</grapheme><alias>&xxe;</alias></lexeme>", 3, "Entity 'xxe' not defined"),
    ("<lexeme>\n<alias>ia</alias></lexeme>", 3, "needs one or more non-empty <grapheme>"),
    ("<lexeme><grapheme>IA</grapheme></lexeme>", 3, "needs an <alias> or a <phoneme>"),
    ('<lexeme><grapheme>IA</grapheme>\n<phoneme alphabet="x-sampa">i"a</phoneme></lexeme>', 4, "alphabet 'x-sampa' is not supported"),
    ("<lexeme><grapheme>Thames</grapheme><phoneme>θɛmz</phoneme></lexeme>", 3, "IPA symbol 'θ'"),
])
def test_a_malformed_pls_names_the_file_and_line(tmp_path, body, line, message):
    path = tmp_path / "ruim.pls"
    path.write_text(HEAD + OPEN + body + "\n</lexicon>\n", encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_lexicon(path)
    assert str(raised.value).startswith(f"{path}:{line}: ") and message in str(raised.value)
    assert "\n" not in str(raised.value)


def test_not_a_pls_at_all(tmp_path):
    path = tmp_path / "lexicon.xml"
    path.write_text(HEAD + "<html><body>oops</body></html>\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="expected a PLS <lexicon>"):
        load_lexicon(path)


@pytest.mark.parametrize("name, content", [
    ("redacao.tsv", "WAIC\tuéique\nXangai\t[[ʃɐ̃ɡˈaɪ]]\nstartup\tstartape\n"),
    ("redacao.toml", '[lexicon]\nWAIC = "uéique"\nXangai = "[[ʃɐ̃ɡˈaɪ]]"\n"Xiong Jijun" = "Chiong Jijun"\n'),
])
def test_export_as_pls_round_trips(tmp_path, name, content):
    source = tmp_path / name
    source.write_text(content, encoding="utf-8")
    data, count = export_lexicon(source, "pls")
    exported = tmp_path / "shared.pls"
    exported.write_bytes(data)
    nfd = {word: unicodedata.normalize("NFD", reading) if reading.startswith("[[") else reading  # phonemes as eSpeak's
           for word, reading in read_entries(source).items()}
    assert read_entries(exported) == nfd and count == len(nfd)
    back = tmp_path / "back.tsv"
    back.write_bytes(export_lexicon(exported, "tsv")[0])
    assert read_entries(back) == nfd


def test_export_command_reads_the_lexicon_podcast_toml_names(tmp_path):
    out = tmp_path / "output"
    out.mkdir()
    (out / "redacao.tsv").write_text("WAIC\tuéique\n", encoding="utf-8")
    (out / "podcast.toml").write_text('lexicon = "redacao.tsv"\n', encoding="utf-8")
    result = run("lexicon", "export", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "<grapheme>WAIC</grapheme>" in result.stdout and "<alias>uéique</alias>" in result.stdout
    result = run("lexicon", "export", str(out / "redacao.tsv"), "--out", str(tmp_path / "x.pls"))
    assert result.returncode == 0 and "1 entries written to" in result.stderr
    assert read_entries(tmp_path / "x.pls") == {"WAIC": "uéique"}


def test_export_errors_are_one_line(tmp_path):
    none = run("lexicon", "export", cwd=tmp_path)
    assert none.returncode == 2 and "no lexicon given" in none.stderr and len(none.stderr.strip().splitlines()) == 1
    mixed = tmp_path / "mixed.tsv"
    mixed.write_text("Xangai\tcidade de [[ʃɐ̃ɡˈaɪ]]\n", encoding="utf-8")
    result = run("lexicon", "export", str(mixed))
    assert result.returncode == 2 and "mixes text and [[phonemes]]" in result.stderr and result.stdout == ""
